#include "simulator/report/console_summary.h"

#include <cstdio>
#include <sstream>

namespace ddsim::report {

using nlohmann::json;

namespace {

std::string humanBytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", b, units[u]);
  return buf;
}

int64_t i64(const json& j, const char* k) { return j.contains(k) && j[k].is_number() ? j[k].get<int64_t>() : 0; }

}  // namespace

std::string consoleSummary(const json& r) {
  std::ostringstream o;
  const json& sc = r["scenario"];
  const json& s = r["summary"];
  const json& run = r["run"];
  char line[256];
  o << "scenario  " << sc["name"].get<std::string>() << " (" << sc["mode"].get<std::string>() << ", "
    << sc["intake"].get<std::string>() << " intake, seed " << sc["seed"].get<uint64_t>() << ")\n";
  std::snprintf(line, sizeof line, "time      %.0f s simulated in %.2f s (%.0fx real time)\n",
                run["virtual_seconds"].get<double>(), run["real_seconds"].get<double>(), run["speedup"].get<double>());
  o << line;
  o << "samples   " << i64(s, "samples_generated") << " generated, " << i64(s, "dogstatsd_packets")
    << " DogStatsD packets\n";
  o << "flushes   " << i64(s, "flushes") << ": " << i64(s, "series_flushed") << " series, " << i64(s, "sketches_flushed")
    << " sketches, " << i64(s, "service_checks_flushed") << " service checks, " << i64(s, "events_flushed")
    << " events\n";
  o << "payloads  " << i64(s, "payloads") << " (" << humanBytes(static_cast<double>(i64(s, "bytes_compressed")))
    << " compressed, " << humanBytes(static_cast<double>(i64(s, "bytes_uncompressed"))) << " uncompressed)\n";
  for (const auto& [route, p] : r["payloads"].items()) {
    std::snprintf(line, sizeof line, "  %-22s %6lld payloads, max %10s, mean %10s, ratio %.1f\n", route.c_str(),
                  static_cast<long long>(p["payloads"].get<int64_t>()),
                  humanBytes(static_cast<double>(p["compressed_bytes"]["max"].get<int64_t>())).c_str(),
                  humanBytes(p["compressed_bytes"]["mean"].get<double>()).c_str(), p["compression_ratio"].get<double>());
    o << line;
  }
  if (s.contains("traces")) {
    // The trace path's funnel: generated -> received -> kept -> written -> delivered (spans),
    // with the samplers' drops in traces.
    const json& t = s["traces"];
    int64_t sampled = 0, refused = 0;
    const json sampled_out = t.value("traces_sampled_out", json::object());
    const json normalizer = t.value("traces_dropped_by_normalizer", json::object());
    for (const auto& [reason, n] : sampled_out.items()) sampled += n.get<int64_t>();
    for (const auto& [reason, n] : normalizer.items()) refused += n.get<int64_t>();
    const json intake = t.value("intake", json::object());
    o << "traces    " << i64(t, "spans_generated") << " spans generated (" << i64(t, "traces_generated") << " traces), "
      << i64(t, "spans_received") << " received, " << refused << " traces refused by the normalizer, " << sampled
      << " sampled out, " << i64(t, "spans_written") << " spans written in " << i64(t, "payloads_written")
      << " payloads, " << i64(intake, "spans") << " delivered (" << i64(t, "payloads_lost") << " payloads lost)\n";
  }
  o << "forwarder " << i64(s, "transactions") << " transactions, " << i64(s, "transactions_delivered") << " delivered, "
    << i64(s, "retries") << " retries\n";
  if (s.contains("stop")) {
    const json& st = s["stop"];
    o << "stops     (" << st.value("mode", std::string("agent")) << " mode) " << i64(st, "cancelled_in_flight")
      << " cancelled in flight, " << i64(st, "purged") << " purged, " << i64(st, "drained") << " drained, "
      << i64(st, "written_to_disk") << " written to disk, " << i64(st, "lost") << " lost\n";
  }
  const json& drops = s["drops"];
  const json no_units = json::object();
  const json& units = s.contains("drop_units") ? s["drop_units"] : no_units;
  if (drops.empty()) {
    o << "drops     none\n";
  } else {
    // Each count in its own unit: a lost transaction is a payload of many series.
    o << "drops     ";
    if (s.contains("loss_by_unit") && !s["loss_by_unit"].empty()) {
      bool first = true;
      for (const auto& [unit, n] : s["loss_by_unit"].items()) {
        o << (first ? "" : ", ") << n.get<int64_t>() << " " << unit;
        first = false;
      }
      o << " lost";
      const int64_t tx = i64(s, "transactions");
      if (s["loss_by_unit"].contains("transactions") && tx > 0) {
        const double items = static_cast<double>(i64(s, "series_flushed") + i64(s, "sketches_flushed") +
                                                 i64(s, "service_checks_flushed") + i64(s, "events_flushed"));
        std::snprintf(line, sizeof line, " (a transaction carries ~%.0f items on average)", items / static_cast<double>(tx));
        o << line;
      }
      o << "; by reason:\n";
    } else {
      o << "nothing lost; skipped by design:\n";
    }
    for (const auto& [reason, n] : drops.items()) {
      o << "  " << reason << ": " << n.get<int64_t>();
      if (units.contains(reason)) o << " " << units[reason].get<std::string>();
      o << "\n";
    }
  }
  const json& telemetry = r.contains("telemetry") ? r["telemetry"] : no_units;
  const auto tel = [&](const char* k) { return telemetry.contains(k) ? telemetry[k].get<double>() : 0.0; };
  if (i64(s, "restarts") > 0 || tel("forwarder.disk.transactions_written") > 0) {
    std::snprintf(line, sizeof line,
                  "agent     %lld restarts; disk spill: %.0f transactions written, %.0f read back\n",
                  static_cast<long long>(i64(s, "restarts")), tel("forwarder.disk.transactions_written"),
                  tel("forwarder.disk.transactions_read"));
    o << line;
  }
  o << "intake    " << i64(s, "violations") << " property violations";
  if (r.contains("violations") && !r["violations"].empty()) {
    o << " (";
    bool first = true;
    for (const auto& [prop, n] : r["violations"].items()) {
      o << (first ? "" : ", ") << prop << " " << n.get<int64_t>();
      first = false;
    }
    o << ")";
  }
  o << "\n";
  const json& t = r["timings"];
  if (t.contains("flush_seconds") && t["flush_seconds"].value("count", 0) > 0) {
    std::snprintf(line, sizeof line, "timing    flush p50 %.2f ms, p99 %.2f ms, max %.2f ms (aggregate + serialize, measured)\n",
                  t["flush_seconds"]["p50"].get<double>() * 1e3, t["flush_seconds"]["p99"].get<double>() * 1e3,
                  t["flush_seconds"]["max"].get<double>() * 1e3);
    o << line;
  }
  o << "accounting " << (s["accounting_holds"].get<bool>() ? "holds" : "DOES NOT HOLD") << "\n";
  for (const auto& e : r["expectations"]) {
    o << (e["passed"].get<bool>() ? "  pass  " : "  FAIL  ") << e["expectation"].get<std::string>() << ": "
      << e["detail"].get<std::string>() << "\n";
  }
  for (const auto& f : r["failures"]) {
    const std::string text = f.get<std::string>();
    if (text.rfind("accounting", 0) == 0) o << "  " << text << "\n";
  }
  if (s.value("interrupted", false)) {
    char line[120];
    std::snprintf(line, sizeof line, "INTERRUPTED at +%.1f s: the figures above cover only that part\n",
                  s.value("interrupted_at_seconds", 0.0));
    o << line;
  } else {
    o << (s["passed"].get<bool>() ? "PASSED" : "FAILED") << "\n";
  }
  return o.str();
}

}  // namespace ddsim::report
