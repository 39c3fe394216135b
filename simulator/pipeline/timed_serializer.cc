#include "simulator/pipeline/timed_serializer.h"

#include <spdlog/spdlog.h>

#include "simulator/pipeline/stopwatch.h"

namespace ddsim::pipeline {

void TimedSerializer::addTime(double s) { nanos_.fetch_add(static_cast<int64_t>(s * 1e9), std::memory_order_relaxed); }

void TimedSerializer::noteStatus(const common::Status& st) {
  if (!st.isOk()) {
    add(errors_, 1);
    spdlog::warn("serializer: {}", st.message());
  }
}

common::Status TimedSerializer::sendSeries(std::vector<metrics::Serie>&& series) {
  int64_t points = 0;
  for (const auto& s : series) points += static_cast<int64_t>(s.points.size());
  add(series_, static_cast<int64_t>(series.size()));
  add(points_, points);
  Stopwatch sw;
  auto st = inner_.sendSeries(std::move(series));
  addTime(sw.seconds());
  noteStatus(st);
  return st;
}

common::Status TimedSerializer::sendSketches(std::vector<metrics::SketchSeries>&& sketches) {
  int64_t points = 0;
  for (const auto& s : sketches) points += static_cast<int64_t>(s.points.size());
  add(sketches_, static_cast<int64_t>(sketches.size()));
  add(sketch_points_, points);
  Stopwatch sw;
  auto st = inner_.sendSketches(std::move(sketches));
  addTime(sw.seconds());
  noteStatus(st);
  return st;
}

common::Status TimedSerializer::sendServiceChecks(std::vector<metrics::ServiceCheck>&& checks) {
  add(service_checks_, static_cast<int64_t>(checks.size()));
  Stopwatch sw;
  auto st = inner_.sendServiceChecks(std::move(checks));
  addTime(sw.seconds());
  noteStatus(st);
  return st;
}

common::Status TimedSerializer::sendEvents(std::vector<metrics::Event>&& events) {
  add(events_, static_cast<int64_t>(events.size()));
  Stopwatch sw;
  auto st = inner_.sendEvents(std::move(events));
  addTime(sw.seconds());
  noteStatus(st);
  return st;
}

common::Status TimedSerializer::sendOrchestratorMetadata(metrics::OrchestratorMetadata&& metadata) {
  add(orchestrator_messages_, static_cast<int64_t>(metadata.messages.size()));
  Stopwatch sw;
  auto st = inner_.sendOrchestratorMetadata(std::move(metadata));
  addTime(sw.seconds());
  noteStatus(st);
  return st;
}

common::Status TimedSerializer::sendOrchestratorManifests(std::vector<metrics::OrchestratorManifest>&& manifests) {
  int64_t n = 0;
  for (const auto& m : manifests) n += static_cast<int64_t>(m.messages.size());
  add(manifests_, n);
  Stopwatch sw;
  auto st = inner_.sendOrchestratorManifests(std::move(manifests));
  addTime(sw.seconds());
  noteStatus(st);
  return st;
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
  return t;
}

}  // namespace ddsim::pipeline
