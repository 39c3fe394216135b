#pragma once
// A recorded run as the dashboard replays it: every flush, payload, attempt, telemetry sample
// and marker of its run store (core/store) turned into the model's events (live_event.h), in
// time order. Scrubbing to time t is applying the events up to t to a fresh model. Qt-free.
#include <vector>

#include "core/common/status.h"
#include "core/store/run_store.h"
#include "gui/model/dashboard_model.h"
#include "gui/model/live_event.h"

namespace ddsim::gui {

struct RecordedRun {
  std::vector<LiveEvent> events;  // in time order, ending with kFinished
  double duration = 0;            // the last event's time
  std::string scenario;           // the scenario's name, from the stored report
  // Limits the run was configured with (payload sizes), from the stored report.
  std::vector<LimitLine> payload_limits;

  static common::Result<RecordedRun> load(store::RunStore& store);
  // Applies to `model` (cleared first) every event at or before `t`.
  void replayUntil(DashboardModel& model, double t) const;
};

}  // namespace ddsim::gui
