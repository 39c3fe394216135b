#pragma once
// The Simulation class behind runScenario (simulation.h): set-up, the virtual and realtime
// loops (simulation.cc) and the accounting and report (simulation_report.cc).
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/event_queue.h"
#include "core/common/random.h"
#include "core/config/agent_config.h"
#include "core/config/pipeline_options.h"
#include "core/store/run_store.h"
#include "simulator/expect/trace_expectations.h"
#include "simulator/pipeline/agent.h"
#include "simulator/pipeline/observed_transport.h"
#include "simulator/report/report_builder.h"
#include "simulator/report/run_recorder.h"
#include "simulator/runner/accounting.h"
#include "simulator/runner/intake_farm.h"
#include "simulator/runner/sample_feed.h"
#include "simulator/runner/simulation.h"
#include "simulator/runner/switchable_sink.h"
#include "simulator/runner/workload_driver.h"

namespace ddsim::runner {

// The observer that hands records to the report builder, then to a live observer.
std::unique_ptr<pipeline::PipelineObserver> makeLiveTee(pipeline::PipelineObserver& next, LiveObserver& live,
                                                        std::function<double()> now);

class Simulation {
 public:
  Simulation(const scenario::Scenario& s, const RunOptions& o);
  ~Simulation();
  common::Result<RunResult> run();

 private:
  // simulation.cc
  common::Status setUp();
  common::Status buildConfig();
  common::Status installFaults();
  common::Status startAgent();
  void stopAgent();
  // Stops the agent now and starts it again after `downtime` seconds (0: at once).
  void restartAgent(double downtime, const std::string& why);
  // Applies what a dashboard asked for (RunOptions::control) before the step at virtual time
  // `next`: pauses, commands, pacing. False when the run should re-check (it waited).
  bool applyLive(common::SystemTime next);
  void applyCommand(const LiveCommand& c);
  void runVirtual();
  void runRealtime();
  void workloadTick(double t0, double t1);
  void sampleRetryQueue();
  void reportProgress(bool force, bool draining);
  // The watchdog that reports progress while one step takes long (RunOptions::on_progress).
  void watchLongSteps();
  // Marks what the run's thread is doing now (kIdle between steps).
  enum class Step { kIdle = 0, kWorkload, kAgent, kStop };
  void enterStep(Step s);
  bool drainDone(common::SystemTime now) const;
  common::Status openStore();
  void mark(const std::string& kind, const std::string& label, const std::string& detail = "");
  pipeline::PipelineObserver* observer() { return recorder_.get(); }
  // True (once, recording where) when the caller asked the run to stop early.
  bool interruptRequested();
  double scenarioSeconds() const;
  // simulation_report.cc
  void absorbAgentTelemetry(pipeline::Agent& a);
  Accounting account() const;
  // simulation_traces.cc: the trace path's stages, its report section and expectation facts.
  void accountTraces(Accounting& acc) const;
  nlohmann::json tracesJson(const expect::DeliveredTraces* delivered) const;
  expect::TraceFacts traceFacts(const expect::DeliveredTraces* delivered) const;
  RunResult finish();

  const scenario::Scenario s_;
  const RunOptions o_;
  bool virtual_;
  std::unique_ptr<common::ManualClock> manual_;
  common::Clock* clock_ = nullptr;
  common::EventQueue queue_;
  common::Random rng_;
  config::AgentConfig cfg_;
  config::PipelineOptions popts_;
  std::string work_dir_;
  bool own_work_dir_ = false;
  common::SystemTime t0_{};
  common::SystemTime load_end_{};
  common::SystemTime hard_end_{};
  double tick_seconds_ = 0.5;

  report::ReportBuilder report_;
  std::unique_ptr<store::RunStore> store_;
  std::string store_path_;
  std::unique_ptr<report::RunRecorder> recorder_;
  std::unique_ptr<pipeline::PipelineObserver> live_tee_;  // report builder + live observer
  std::unique_ptr<IntakeFarm> farm_;
  std::unique_ptr<pipeline::ObservedTransport> transport_;
  SwitchableSink sink_;
  std::unique_ptr<SampleFeed> feed_;
  std::vector<std::unique_ptr<WorkloadDriver>> drivers_;
  std::vector<std::unique_ptr<common::Random>> agent_rngs_;
  std::unique_ptr<pipeline::Agent> agent_;
  std::optional<pipeline::TraceAgentOptions> trace_options_;  // set when the scenario has a traces workload
  trace::StatsTally past_stats_built_;  // the stats totals every trace agent of the run built
  trace::StatsTally past_client_stats_built_;  // the part of it from tracers' /v0.6/stats
  int restarts_ = 0;
  int64_t live_faults_ = 0;
  int pending_starts_ = 0;
  int64_t sync_timeouts_ = 0;
  int64_t stuck_ticks_ = 0;
  bool interrupted_ = false;
  double interrupted_at_ = 0;  // scenario seconds

  // Telemetry of agents that have stopped (restarts), summed.
  common::TelemetrySnapshot past_;
  pipeline::TimedSerializer::Totals past_timed_;
  common::SystemClock& real_ = common::SystemClock::instance();
  common::SteadyTime real_start_{};
  common::SteadyTime last_progress_{};
  double run_real_seconds_ = 0;
  // Long-step watchdog: what the run's thread does and since when (steady ns), the last
  // progress it reported, and one lock so that progress calls never overlap.
  std::atomic<int> step_{0};
  std::atomic<int64_t> step_since_ns_{0};
  std::mutex progress_mu_;
  Progress last_progress_report_;
  std::atomic<bool> watchdog_stop_{false};
};

}  // namespace ddsim::runner
