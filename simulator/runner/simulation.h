#pragma once
// Runs one scenario end to end: the agent pipeline (DogStatsD intake, aggregator, serializer,
// forwarder) against embedded fakeintakes, in virtual time (deterministic, as fast as
// possible) or real time, with the scenario's workloads, faults and expectations, and builds
// the report.
#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "simulator/runner/live.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::runner {

struct Progress {
  double scenario_seconds = 0;  // how far the run is (virtual or real)
  double total_seconds = 0;     // duration (+ drain) of the run
  double real_seconds = 0;      // wall time so far
  int64_t flushes = 0;
  int64_t payloads = 0;
  int64_t contexts = 0;
  int64_t retry_queue = 0;
  bool draining = false;
  // Set when the run has been inside one step (a workload tick or an agent tick, e.g. a flush
  // of a million contexts) for longer than two progress intervals: how long, and in what. Such
  // reports come from a watchdog thread while the run's thread is busy.
  double busy_seconds = 0;
  std::string busy_in;
};

struct RunOptions {
  // Called about every `progress_interval` of real time, and once at the end; also while one
  // long step runs (Progress::busy_seconds), from another thread, never two calls at once.
  std::function<void(const Progress&)> on_progress;
  double progress_interval_seconds = 1.0;
  // Where disk spill and sockets live; empty = a private temporary directory removed afterwards.
  std::string work_dir;
  // When set and it becomes true (e.g. from a SIGINT handler), the run stops its load where it
  // is, stops the agent as a stop request would (last flush, forwarder stop) and reports, marked
  // interrupted. Read only, from the run's thread.
  const std::atomic<bool>* stop_requested = nullptr;
  // The run store (SQLite, docs/run-store.md) the run records into; an existing file is
  // replaced. Empty = a file in the work directory (gone with it when that is temporary).
  std::string store_path;
  // A dashboard's seam (live.h): what the run publishes while it runs, and what a user changes.
  // Either may be null. With a live observer, telemetry is sampled every second instead of 5.
  LiveObserver* live = nullptr;
  LiveControl* control = nullptr;
};

struct RunResult {
  nlohmann::json report;
  bool accounting_holds = false;
  bool expectations_passed = false;
  std::vector<std::string> failures;  // accounting gaps and failed expectations, described
  bool interrupted = false;           // stopped early through RunOptions::stop_requested
  bool passed() const { return accounting_holds && expectations_passed && !interrupted; }
};

// Runs `scenario`. Errors only for a run that could not be set up (a bad agent setting, a port
// that cannot be bound, a capture that cannot be read); a run that completes returns its
// report even when expectations fail.
common::Result<RunResult> runScenario(const scenario::Scenario& scenario, const RunOptions& options = {});

// The report's sections that repeat byte for byte for the same scenario and seed in virtual
// mode (everything but "timings", "run" and the wall-clock fields).
nlohmann::json deterministicPart(const nlohmann::json& report);

}  // namespace ddsim::runner
