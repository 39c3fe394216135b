#include "simulator/compare/figures.h"

#include <algorithm>
#include <array>

namespace ddsim::compare {

using nlohmann::json;

namespace {

constexpr std::array<FigureSpec, 6> kFigures = {{
    {"flush_duration", "flush duration", Unit::kSeconds, Granularity::kPerFlush, true,
     "timings.flushes[].aggregate_cpu_seconds + serialize_cpu_seconds (CPU time; wall time in older reports)"},
    {"serialize_time", "serialize time", Unit::kSeconds, Granularity::kPerFlush, true,
     "timings.flushes[].serialize_cpu_seconds (CPU time; wall time in older reports)"},
    {"send_time", "send time", Unit::kSeconds, Granularity::kPerFlush, true, "timings.flushes[].send_seconds"},
    {"bytes_per_series", "bytes per series", Unit::kBytes, Granularity::kPerFlush, true,
     "flushes[].payloads[/api/v2/series, /api/v1/series]: compressed_bytes / items", true},
    {"throughput", "throughput", Unit::kPerSecond, Granularity::kPerRun, false,
     "summary.samples_generated / run.real_seconds"},
    {"drops", "drops", Unit::kCount, Granularity::kPerRun, true, "summary.loss (drops that are losses)", true},
}};

// The routes that carry series payloads: v2 protobuf and v1 JSON (spec §6).
constexpr std::array<const char*, 2> kSeriesRoutes = {"/api/v2/series", "/api/v1/series"};

// Reads numbers out of a report, recording the first malformed field with its JSON path.
class Reader {
 public:
  explicit Reader(std::string where) : where_(std::move(where)) {}

  // The member `key` of `obj`, or nullptr when absent (or when obj is not an object, which is
  // then an error).
  const json* member(const json& obj, const std::string& path, const char* key) {
    if (!obj.is_object()) {
      fail(path, "expected an object");
      return nullptr;
    }
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const json* array(const json& obj, const std::string& path, const char* key) {
    const json* v = member(obj, path, key);
    if (v && !v->is_array()) {
      fail(path + "." + key, "expected a list");
      return nullptr;
    }
    return v;
  }
  double number(const json& obj, const std::string& path, const char* key) {
    const json* v = member(obj, path, key);
    if (!v) {
      fail(path + "." + key, "is required");
      return 0;
    }
    if (!v->is_number()) {
      fail(path + "." + key, std::string("expected a number, got ") + v->type_name());
      return 0;
    }
    return v->get<double>();
  }
  void fail(const std::string& path, const std::string& what) {
    if (error_.empty()) error_ = where_ + ": " + path + ": " + what;
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::string where_;
  std::string error_;
};

// One run is one observation: its flushes follow each other (a slow flush leaves more for the
// next, the machine's load drifts), so they are not independent samples. A per-flush figure
// enters the comparison as the median of its run's flushes.
void addRunObservation(std::vector<double> per_flush, std::vector<double>& observations) {
  if (per_flush.empty()) return;
  const auto mid = per_flush.begin() + static_cast<std::ptrdiff_t>(per_flush.size() / 2);
  std::nth_element(per_flush.begin(), mid, per_flush.end());
  double median = *mid;
  if (per_flush.size() % 2 == 0) median = (median + *std::max_element(per_flush.begin(), mid)) / 2;
  observations.push_back(median);
}

void readTimings(const json& report, Reader& rd, FigureSet& out) {
  const json* timings = rd.member(report, "$", "timings");
  const json* flushes = timings ? rd.array(*timings, "$.timings", "flushes") : nullptr;
  if (!flushes) {
    for (const char* id : {"flush_duration", "serialize_time", "send_time"}) {
      out.missing[id] = "the report has no timings.flushes";
    }
    return;
  }
  std::vector<double> flush, serialize, send;
  for (size_t i = 0; i < flushes->size() && rd.ok(); ++i) {
    const std::string path = "$.timings.flushes[" + std::to_string(i) + "]";
    const json& f = (*flushes)[i];
    // CPU time where the report has it: what another process on the machine does not inflate.
    const bool cpu = f.is_object() && f.contains("aggregate_cpu_seconds");
    const double agg = rd.number(f, path, cpu ? "aggregate_cpu_seconds" : "aggregate_seconds");
    const double ser = rd.number(f, path, cpu ? "serialize_cpu_seconds" : "serialize_seconds");
    const double snd = rd.number(f, path, "send_seconds");
    flush.push_back(agg + ser);
    serialize.push_back(ser);
    send.push_back(snd);
  }
  addRunObservation(std::move(flush), out.samples["flush_duration"]);
  addRunObservation(std::move(serialize), out.samples["serialize_time"]);
  addRunObservation(std::move(send), out.samples["send_time"]);
}

void readBytesPerSeries(const json& report, Reader& rd, FigureSet& out) {
  const json* flushes = rd.array(report, "$", "flushes");
  if (!flushes) {
    out.missing["bytes_per_series"] = "the report has no flushes";
    return;
  }
  std::vector<double> values;
  for (size_t i = 0; i < flushes->size() && rd.ok(); ++i) {
    const std::string path = "$.flushes[" + std::to_string(i) + "]";
    const json* payloads = rd.member((*flushes)[i], path, "payloads");
    if (!payloads) continue;
    double bytes = 0, series = 0;
    for (const char* route : kSeriesRoutes) {
      const json* r = rd.member(*payloads, path + ".payloads", route);
      if (!r) continue;
      const std::string rpath = path + ".payloads[\"" + route + "\"]";
      bytes += rd.number(*r, rpath, "compressed_bytes");
      series += rd.number(*r, rpath, "items");
    }
    if (series > 0) values.push_back(bytes / series);  // a flush without series has no such sample
  }
  if (values.empty()) {
    out.missing["bytes_per_series"] = "no flush sent series payloads";
  } else {
    addRunObservation(std::move(values), out.samples["bytes_per_series"]);
  }
}

void readPerRun(const json& report, Reader& rd, FigureSet& out) {
  const json* summary = rd.member(report, "$", "summary");
  const json* run = rd.member(report, "$", "run");
  if (!summary || !run || !summary->contains("samples_generated") || !run->contains("real_seconds")) {
    out.missing["throughput"] = "the report has no summary.samples_generated or run.real_seconds";
  } else {
    const double samples = rd.number(*summary, "$.summary", "samples_generated");
    const double seconds = rd.number(*run, "$.run", "real_seconds");
    if (seconds > 0) {
      out.samples["throughput"] = {samples / seconds};
    } else {
      out.missing["throughput"] = "run.real_seconds is 0";
    }
  }
  // summary.loss leaves out the agent's by-design skips (e.g. NoIndex series in v1 JSON); older
  // reports without it fall back to the sum of summary.drops.
  if (summary && summary->contains("loss")) {
    out.samples["drops"] = {rd.number(*summary, "$.summary", "loss")};
    return;
  }
  const json* drops = summary ? rd.member(*summary, "$.summary", "drops") : nullptr;
  if (!drops) {
    out.missing["drops"] = "the report has no summary.loss or summary.drops";
    return;
  }
  if (!drops->is_object()) {
    rd.fail("$.summary.drops", "expected an object of drop reasons");
    return;
  }
  double total = 0;
  for (auto it = drops->begin(); it != drops->end(); ++it) total += rd.number(*drops, "$.summary.drops", it.key().c_str());
  out.samples["drops"] = {total};
}

}  // namespace

std::span<const FigureSpec> figureSpecs() { return kFigures; }

void FigureSet::add(const FigureSet& other) {
  runs += other.runs;
  for (const auto& [id, why] : other.missing) {
    missing.emplace(id, why);
    samples.erase(id);
  }
  for (const auto& [id, values] : other.samples) {
    if (missing.count(id)) continue;
    auto& mine = samples[id];
    mine.insert(mine.end(), values.begin(), values.end());
  }
}

bool isReport(const json& doc) { return doc.is_object() && doc.contains("ddsim_report_version"); }

common::Result<FigureSet> figuresFromReport(const json& report, const std::string& where) {
  if (!isReport(report)) {
    return common::invalidArgument(where + ": not a ddsim report (no \"ddsim_report_version\")");
  }
  const json& version = report["ddsim_report_version"];
  if (!version.is_number_integer() || version.get<int64_t>() != 1) {
    return common::invalidArgument(where + ": $.ddsim_report_version: expected 1, got " + version.dump());
  }
  FigureSet out;
  out.runs = 1;
  Reader rd(where);
  readTimings(report, rd, out);
  readBytesPerSeries(report, rd, out);
  readPerRun(report, rd, out);
  if (!rd.ok()) return common::invalidArgument(rd.error());
  return out;
}

}  // namespace ddsim::compare
