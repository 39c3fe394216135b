#pragma once
// An observer (STYLE seam 7) that writes the pipeline's flushes, payloads and transport attempts
// into the run store, then hands each record on to the next observer (the report builder).
// Times in the store are seconds since the run started. Thread-safe as the store is; the next
// observer must be thread-safe on its own in realtime mode.
#include <atomic>
#include <functional>
#include <mutex>

#include "core/store/run_store.h"
#include "simulator/pipeline/observer.h"

namespace ddsim::report {

// The store's rows for the pipeline's records; `at` is seconds since the run started. An
// attempt's time is its measured wall time plus the latency the intake announced in virtual time.
store::FlushRow flushRow(const pipeline::FlushRecord& f, int64_t index, double at);
store::SentPayloadRow sentPayloadRow(const pipeline::PayloadRecord& p, int64_t flush_index, double at);
store::AttemptRow attemptRow(const pipeline::AttemptRecord& a, double at);

class RunRecorder final : public pipeline::PipelineObserver {
 public:
  // `now` gives seconds since the run started; `run_start` is the run's start in Unix seconds
  // (flush records carry Unix times).
  RunRecorder(store::RunStore& store, pipeline::PipelineObserver* next, std::function<double()> now, double run_start)
      : store_(store), next_(next), now_(std::move(now)), run_start_(run_start) {}

  void onFlush(const pipeline::FlushRecord& f) override;
  void onPayload(const pipeline::PayloadRecord& p) override;
  void onAttempt(const pipeline::AttemptRecord& a) override;

  // A new agent starts (a restart): its flush indexes start at 0 again, the store's go on.
  void agentStarted();

  // Counts (and logs the first) store write that failed; the run goes on. The simulation uses
  // it for its own writes (markers, telemetry, the report) too.
  void check(const common::Status& st, const char* what);
  // Store writes that failed.
  int64_t writeErrors() const { return write_errors_.load(); }

 private:
  // Flush indexes restart at 0 with each agent (restarts); the store numbers flushes across the
  // whole run: run-wide index = offset + the agent's index.
  int64_t runIndex(int64_t agent_index);

  store::RunStore& store_;
  pipeline::PipelineObserver* next_;
  std::function<double()> now_;
  double run_start_;
  std::atomic<int64_t> write_errors_{0};
  std::mutex mu_;
  int64_t offset_ = 0;
  int64_t next_run_index_ = 0;
};

}  // namespace ddsim::report
