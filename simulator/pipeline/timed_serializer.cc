#include "simulator/pipeline/timed_serializer.h"

#include <spdlog/spdlog.h>

#include "simulator/pipeline/stopwatch.h"

namespace ddsim::pipeline {

void TimedSerializer::addTime(double s, double cpu_s) {
  nanos_.fetch_add(static_cast<int64_t>(s * 1e9), std::memory_order_relaxed);
  cpu_nanos_.fetch_add(static_cast<int64_t>(cpu_s * 1e9), std::memory_order_relaxed);
}

void TimedSerializer::noteStatus(const common::Status& st) {
  if (!st.isOk()) {
    add(errors_, 1);
    spdlog::warn("serializer: {}", st.message());
  }
}

template <typename F>
common::Status TimedSerializer::timed(F&& send) {
  Stopwatch sw;
  CpuStopwatch cpu;
  common::Status st = send();
  addTime(sw.seconds(), cpu.seconds());
  noteStatus(st);
  return st;
}

common::Status TimedSerializer::sendSeries(std::vector<metrics::Serie>&& series) {
  int64_t points = 0;
  for (const auto& s : series) points += static_cast<int64_t>(s.points.size());
  add(series_, static_cast<int64_t>(series.size()));
  add(points_, points);
  return timed([&] { return inner_.sendSeries(std::move(series)); });
}

common::Status TimedSerializer::sendSketches(std::vector<metrics::SketchSeries>&& sketches) {
  int64_t points = 0;
  for (const auto& s : sketches) points += static_cast<int64_t>(s.points.size());
  add(sketches_, static_cast<int64_t>(sketches.size()));
  add(sketch_points_, points);
  return timed([&] { return inner_.sendSketches(std::move(sketches)); });
}

common::Status TimedSerializer::sendServiceChecks(std::vector<metrics::ServiceCheck>&& checks) {
  add(service_checks_, static_cast<int64_t>(checks.size()));
  return timed([&] { return inner_.sendServiceChecks(std::move(checks)); });
}

common::Status TimedSerializer::sendEvents(std::vector<metrics::Event>&& events) {
  add(events_, static_cast<int64_t>(events.size()));
  return timed([&] { return inner_.sendEvents(std::move(events)); });
}

common::Status TimedSerializer::sendOrchestratorMetadata(metrics::OrchestratorMetadata&& metadata) {
  add(orchestrator_messages_, static_cast<int64_t>(metadata.messages.size()));
  return timed([&] { return inner_.sendOrchestratorMetadata(std::move(metadata)); });
}

common::Status TimedSerializer::sendOrchestratorManifests(std::vector<metrics::OrchestratorManifest>&& manifests) {
  int64_t n = 0;
  for (const auto& m : manifests) n += static_cast<int64_t>(m.messages.size());
  add(manifests_, n);
  return timed([&] { return inner_.sendOrchestratorManifests(std::move(manifests)); });
}

TimedSerializer::Totals TimedSerializer::totals() const {
  Totals t;
  t.series = series_.load();
  t.points = points_.load();
  t.sketches = sketches_.load();
  t.sketch_points = sketch_points_.load();
  t.service_checks = service_checks_.load();
  t.events = events_.load();
  t.orchestrator_messages = orchestrator_messages_.load();
  t.manifests = manifests_.load();
  t.errors = errors_.load();
  t.seconds = static_cast<double>(nanos_.load()) / 1e9;
  t.cpu_seconds = static_cast<double>(cpu_nanos_.load()) / 1e9;
  return t;
}

}  // namespace ddsim::pipeline
