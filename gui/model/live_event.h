#pragma once
// One thing that happened in a run, as the dashboard's model consumes it: the same rows the run
// store keeps (core/store/records.h), so a live run (through the controller's feed) and a
// recorded run (replayed from its store) go through one path. Times are seconds since the run
// started.
#include <map>
#include <string>

#include "core/store/records.h"

namespace ddsim::gui {

struct LiveEvent {
  enum class Kind { kStarted, kFlush, kPayload, kAttempt, kTelemetry, kMarker, kProgress, kFinished };
  Kind kind = Kind::kProgress;
  double t = 0;
  store::FlushRow flush;              // kFlush
  store::SentPayloadRow payload;      // kPayload
  store::AttemptRow attempt;          // kAttempt
  store::MarkerRow marker;            // kMarker
  std::map<std::string, double> telemetry;  // kTelemetry: counters and gauges by name
  double duration = 0;                // kStarted: the scenario's duration
  double real_seconds = 0;            // kProgress: wall time of the run so far
  bool passed = false;                // kFinished
  std::string text;                   // kFinished: the run's verdict in words
};

}  // namespace ddsim::gui
