#pragma once
// The Lambda environment in process and in virtual time: the extension's real invocation loop
// (serverless::Daemon, its flush policy, enhanced metrics, metric agent and logs sender) driven
// by a plan (plan.h) on a ManualClock, with no process, socket or sleep.
//
// The virtual Lambda is the daemon's LambdaEventSource. event/next hands out INVOKE at each arrival
// (the clock jumps there: between invocations the environment is frozen, nothing runs, no timer
// fires) and SHUTDOWN at the end; while the daemon waits for runtime-done it plays the function:
// its DogStatsD lines go through a real DogStatsD packet processor into the metric agent, the
// clock moves by the invocation's duration, and the Telemetry API batches (platform.start, the
// function's log lines, platform.runtimeDone; platform.report once the extension is back at
// event/next) go through Daemon::onTelemetry as JSON text. Flushes run synchronously and reach
// an in-process intake through the forwarder's Transport seam: real payload encoding, no HTTP;
// optionally the fakeintake's handler decodes them. Each request takes 100 µs of virtual time, so
// what a flush sends arrives before the extension is back at event/next. During an intake outage the first send is
// held for the 5 s flush timeout on the virtual clock and answered 503, so the §7.3 backoff is
// judged as in the real process.
//
// What it cannot show: the real freeze/thaw of a process (SIGSTOP, sockets not drained), kernel
// scheduling, HTTP latency or the extension's start sequence (API key, registration). One
// environment at a time (plans with concurrency > 1 are refused).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "core/serverless/daemon.h"
#include "simulator/lambda/lambda_report.h"
#include "simulator/lambda/plan.h"

namespace ddsim::lambda {

struct VirtualLambdaOptions {
  // Decode every payload with the fakeintake's handler (tests, the report). Off: the intake only
  // counts requests and bytes (the benchmark measures the extension, not the decoder).
  bool decode_intake = true;
  // Where the daemon saves its execution state at SHUTDOWN ("": a file in the temp directory,
  // removed after the run).
  std::string cache_path;
};

// One invocation as the virtual run saw it.
struct VirtualInvocation {
  int64_t index = 0;
  int environment = 0;
  std::string request_id;
  double arrival_s = 0;     // virtual seconds after the run's start
  bool cold_start = false;  // first of its environment
  std::string status;       // success, error, timeout
  int64_t flushes = 0;      // flushes from its INVOKE to the extension's next event/next
  std::string strategy;     // the daemon's strategy when it ended ("end", "periodically,<ms>")
  double post_runtime_ms = 0;  // virtual: the time flushes took on the clock
};

struct VirtualRun {
  std::vector<VirtualInvocation> invocations;
  int environments = 0;
  int64_t final_flushes = 0;       // flushes during SHUTDOWN
  serverless::DaemonCounters counters;  // summed over environments
  double virtual_s = 0;            // virtual time from the first arrival to the last SHUTDOWN
  int64_t intake_requests = 0;
  int64_t intake_bytes = 0;
  std::map<std::string, int64_t> intake_by_path;
  int64_t intake_failed_requests = 0;  // answered 503 (outage)
  // Decoded only: the enhanced invocations metric's count delivered (sum of its sketches' counts).
  int64_t enhanced_invocations_delivered = 0;
  // The `ddsim lambda` report of the run, built by the same code from the same kind of records
  // (wall_s is the virtual duration; api_key_source is "virtual"; init_ms 0): its totals and the
  // plan's expectations checked against them.
  LambdaReport report;
  const std::map<std::string, double>& totals() const { return report.totals; }
};

class VirtualLambda {
 public:
  // `clock` must outlive the object; it is moved forward only, starting wherever it is.
  VirtualLambda(Plan plan, common::ManualClock& clock, VirtualLambdaOptions options = {});
  ~VirtualLambda();

  // Runs the whole plan on the calling thread. InvalidArgument when the plan needs what the
  // virtual mode lacks (several environments at once), naming the plan and the key.
  common::Result<VirtualRun> run();

 private:
  class Source;
  class Intake;
  Plan plan_;
  common::ManualClock& clock_;
  VirtualLambdaOptions options_;
};

}  // namespace ddsim::lambda
