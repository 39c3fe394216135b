#include "gui/model/run_replay.h"

#include "gui/model/scenario_knobs.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ddsim::gui {

common::Result<RecordedRun> RecordedRun::load(store::RunStore& store) {
  RecordedRun r;
  auto& ev = r.events;
  auto flushes = store.flushes();
  if (!flushes.isOk()) return flushes.status();
  for (const auto& f : *flushes) {
    LiveEvent e{LiveEvent::Kind::kFlush, f.at};
    e.flush = f;
    ev.push_back(std::move(e));
  }
  auto sent = store.sentPayloads();
  if (!sent.isOk()) return sent.status();
  for (const auto& p : *sent) {
    LiveEvent e{LiveEvent::Kind::kPayload, p.at};
    e.payload = p;
    ev.push_back(std::move(e));
  }
  auto attempts = store.attempts();
  if (!attempts.isOk()) return attempts.status();
  for (const auto& a : *attempts) {
    LiveEvent e{LiveEvent::Kind::kAttempt, a.at};
    e.attempt = a;
    ev.push_back(std::move(e));
  }
  // Telemetry is stored one row per name and time: one event per sample time.
  auto names = store.telemetryNames();
  if (!names.isOk()) return names.status();
  std::map<double, std::map<std::string, double>> samples;
  for (const auto& n : *names) {
    auto s = store.telemetrySeries(n);
    if (!s.isOk()) return s.status();
    for (const auto& [at, v] : *s) samples[at][n] = v;
  }
  for (auto& [at, m] : samples) {
    LiveEvent e{LiveEvent::Kind::kTelemetry, at};
    e.telemetry = std::move(m);
    ev.push_back(std::move(e));
  }
  auto markers = store.markers();
  if (!markers.isOk()) return markers.status();
  for (const auto& m : *markers) {
    LiveEvent e{LiveEvent::Kind::kMarker, m.at};
    e.marker = m;
    ev.push_back(std::move(e));
  }
  std::stable_sort(ev.begin(), ev.end(), [](const LiveEvent& a, const LiveEvent& b) { return a.t < b.t; });
  r.duration = ev.empty() ? 0 : ev.back().t;

  LiveEvent started{LiveEvent::Kind::kStarted, 0};
  LiveEvent finished{LiveEvent::Kind::kFinished, r.duration};
  if (auto text = store.meta("report")) {
    const auto report = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (report.is_object()) {
      const auto& sc = report.value("scenario", nlohmann::json::object());
      r.scenario = sc.value("name", "");
      started.duration = sc.value("duration_seconds", 0.0);
      finished.passed = report.value("summary", nlohmann::json::object()).value("passed", false);
      r.payload_limits = payloadLimits(sc.value("agent_overrides", nlohmann::json::object()));
    }
  }
  finished.text = store.meta("status").value_or("");
  ev.insert(ev.begin(), std::move(started));
  ev.push_back(std::move(finished));
  return r;
}

void RecordedRun::replayUntil(DashboardModel& model, double t) const {
  model.clear();
  model.setLimits(ChartId::kPayloadSizes, payload_limits);
  for (const auto& e : events) {
    if (e.t > t) break;
    model.apply(e);
  }
}

}  // namespace ddsim::gui
