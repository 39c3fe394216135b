#include "fakeintake/handler/prometheus.h"

#include <cstdint>
#include <optional>
#include <string_view>

#include "fakeintake/handler/intake_handler.h"

namespace ddsim::fakeintake {

std::string escapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

namespace {

class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  void sample(std::string_view name, std::string_view labels, double value) {
    if (over_ || out_.size() > max_) {
      over_ = true;
      return;
    }
    out_.append(name);
    if (!labels.empty()) out_.append("{").append(labels).append("}");
    out_.append(" ").append(format(value)).append("\n");
  }
  std::string take() { return std::move(out_); }
  // Past `max` bytes the writer stops growing and remembers it (the caller answers 413).
  void setLimit(size_t max) { max_ = max; }
  bool over() const { return over_; }

 private:
  static std::string format(double v) {
    if (v == static_cast<double>(static_cast<int64_t>(v))) return std::to_string(static_cast<int64_t>(v));
    return std::to_string(v);
  }
  std::string out_;
  size_t max_ = SIZE_MAX;
  bool over_ = false;
};

std::string label(std::string_view key, std::string_view value) {
  return std::string(key) + "=\"" + escapeLabelValue(value) + "\"";
}

void histogram(Writer& w, std::string_view name, const std::string& route_label, const SizeHistogram& h) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    std::string le = i < kSizeBucketBounds.size() ? std::to_string(kSizeBucketBounds[i]) : "+Inf";
    w.sample(std::string(name) + "_bucket", route_label + "," + label("le", le), static_cast<double>(cumulative));
  }
  w.sample(std::string(name) + "_sum", route_label, static_cast<double>(h.sum));
  w.sample(std::string(name) + "_count", route_label, static_cast<double>(h.count));
}

}  // namespace

std::optional<std::string> renderPrometheus(IntakeHandler& h, common::SystemTime now, size_t max_bytes) {
  h.store().expire(now);
  Writer w;
  w.setLimit(max_bytes);
  const auto routes = h.routeStats().snapshot();
  const auto counts = h.store().countsByRoute();
  const auto counters = h.counters().snapshot();
  const StoreStats store = h.store().stats();

  w.family("fakeintake_payloads", "gauge", "Payloads currently stored, by route.");
  for (const auto& [route, n] : counts) w.sample("fakeintake_payloads", label("route", route), static_cast<double>(n));

  w.family("fakeintake_requests_total", "counter", "Intake requests answered, by route and status.");
  for (const auto& [route, s] : routes) {
    for (const auto& [code, n] : s.status_counts) {
      w.sample("fakeintake_requests_total", label("route", route) + "," + label("status", std::to_string(code)),
               static_cast<double>(n));
    }
  }
  w.family("fakeintake_received_bytes_total", "counter", "Body bytes received, as sent and decompressed.");
  for (const auto& [route, s] : routes) {
    w.sample("fakeintake_received_bytes_total", label("route", route) + "," + label("form", "compressed"),
             static_cast<double>(s.bytes_compressed));
    w.sample("fakeintake_received_bytes_total", label("route", route) + "," + label("form", "uncompressed"),
             static_cast<double>(s.bytes_uncompressed));
  }
  w.family("fakeintake_decode_errors_total", "counter", "Bodies that could not be decompressed or decoded.");
  for (const auto& [route, s] : routes) {
    w.sample("fakeintake_decode_errors_total", label("route", route), static_cast<double>(s.decode_errors));
  }
  w.family("fakeintake_payload_size_bytes", "histogram", "Body size as sent.");
  for (const auto& [route, s] : routes) histogram(w, "fakeintake_payload_size_bytes", label("route", route), s.compressed_sizes);

  w.family("fakeintake_property_violations_total", "counter", "Intake property violations, by property.");
  w.family("fakeintake_rejected_total", "counter", "Requests refused, by reason.");
  w.family("fakeintake_faults_total", "counter", "Faults applied, by kind.");
  for (const auto& [name, n] : counters) {
    if (name.rfind("violations.", 0) == 0) {
      w.sample("fakeintake_property_violations_total", label("property", name.substr(11)), static_cast<double>(n));
    } else if (name.rfind("rejected.", 0) == 0) {
      w.sample("fakeintake_rejected_total", label("reason", name.substr(9)), static_cast<double>(n));
    } else if (name.rfind("faults.", 0) == 0) {
      w.sample("fakeintake_faults_total", label("kind", name.substr(7)), static_cast<double>(n));
    }
  }
  w.family("fakeintake_store_bytes", "gauge", "Estimated memory held by the store.");
  w.sample("fakeintake_store_bytes", "", static_cast<double>(store.memory_bytes));
  w.family("fakeintake_store_evictions_total", "counter", "Payloads removed from the store, by reason.");
  w.sample("fakeintake_store_evictions_total", label("reason", "retention"), static_cast<double>(store.evicted_retention));
  w.sample("fakeintake_store_evictions_total", label("reason", "memory"), static_cast<double>(store.evicted_memory));
  w.sample("fakeintake_store_evictions_total", label("reason", "flush"), static_cast<double>(store.flushed));
  w.family("fakeintake_stored_total", "counter", "Payloads stored since start.");
  w.sample("fakeintake_stored_total", "", static_cast<double>(store.stored_total));
  if (w.over()) return std::nullopt;
  return w.take();
}

}  // namespace ddsim::fakeintake
