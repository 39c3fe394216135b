#include "gui/model/run_series.h"

#include <algorithm>
#include <cmath>

namespace ddsim::gui {

std::string attemptOutcome(int status) {
  if (status <= 0) return "error";
  return std::to_string(status / 100) + "xx";
}

common::Result<RunSeries> RunSeries::load(store::RunStore& store) {
  RunSeries r;
  auto flushes = store.flushes();
  if (!flushes.isOk()) return flushes.status();
  for (const auto& f : *flushes) {
    r.aggregate_seconds.push_back({f.at, f.aggregate_seconds});
    r.serialize_seconds.push_back({f.at, f.serialize_seconds});
    r.flush_seconds.push_back({f.at, f.aggregate_seconds + f.serialize_seconds});
    r.duration = std::max(r.duration, f.at);
  }
  auto sent = store.sentPayloads();
  if (!sent.isOk()) return sent.status();
  for (const auto& p : *sent) {
    r.compressed_bytes[p.route].push_back({p.at, static_cast<double>(p.compressed_bytes)});
    r.uncompressed_bytes[p.route].push_back({p.at, static_cast<double>(p.uncompressed_bytes)});
    r.duration = std::max(r.duration, p.at);
  }
  for (const auto& [name, into] : {std::pair{"forwarder.retry_queue.items", &r.retry_queue_items},
                                   std::pair{"forwarder.retry_queue.bytes", &r.retry_queue_bytes}}) {
    auto t = store.telemetrySeries(name);
    if (!t.isOk()) return t.status();
    for (const auto& [at, v] : *t) into->push_back({at, v});
  }
  auto attempts = store.attempts();
  if (!attempts.isOk()) return attempts.status();
  // Per whole second of run time, one point per outcome that occurred.
  std::map<std::string, std::map<int64_t, double>> per_second;
  for (const auto& a : *attempts) {
    per_second[attemptOutcome(a.status)][static_cast<int64_t>(std::floor(a.at))] += 1;
    r.duration = std::max(r.duration, a.at);
  }
  for (const auto& [outcome, seconds] : per_second) {
    auto& pts = r.attempts_per_second[outcome];
    for (const auto& [s, n] : seconds) pts.push_back({static_cast<double>(s), n});
  }
  auto markers = store.markers();
  if (!markers.isOk()) return markers.status();
  for (const auto& m : *markers) r.markers.push_back({m.at, m.kind, m.label});
  return r;
}

}  // namespace ddsim::gui
