#pragma once
// What the simulated Lambda observed: one record per invocation and per environment. The
// report (lambda_report.h) sums and checks them.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "simulator/lambda/intake_recorder.h"
#include "simulator/lambda/telemetry_sender.h"

namespace ddsim::lambda {

// Where what one invocation produced ended up (delivery.h): reached the intake before the
// environment froze after it, later (a later invocation's flush), after SHUTDOWN (the final
// flush), or never (left behind in the extension when it froze for good or exited).
struct Delivery {
  int64_t produced = 0;
  int64_t in_invocation = 0;
  int64_t later = 0;
  int64_t at_shutdown = 0;
  int64_t left_behind = 0;
};

struct InvocationRecord {
  int64_t index = 0;        // in arrival order
  int environment = 0;      // EnvironmentRecord::index
  std::string request_id;
  bool cold_start = false;  // the first invocation of its environment
  std::string status;       // success, error, timeout, failure (Telemetry API runtimeDone status)
  std::string error_type;   // e.g. Runtime.OutOfMemory; "" on success
  double arrival_s = 0;     // planned arrival, seconds after the run started
  double queue_ms = 0;      // from arrival until an environment took it (cold start excluded)
  double runtime_ms = 0;    // the function's own duration
  double post_runtime_ms = 0;  // from runtime done until the extension called event/next again
  bool extension_returned = true;  // false: the extension did not call event/next before the deadline
  bool flushed = false;     // the extension sent anything to the intake during this invocation
  IntakeWindow intake;      // what it sent, from INVOKE until it called event/next again
  int64_t dogstatsd_lines = 0;
  int64_t spans = 0;
  int64_t log_lines = 0;
  std::vector<std::string> metric_names;  // the distinct metric names the function sent
  std::vector<std::string> logs;          // the log lines the function wrote
  Delivery metrics;                       // by metric name (distinct per invocation)
  Delivery log_delivery;                  // by log line
  Delivery span_delivery;                 // by span (the runtime's spans carry the request id)
  bool runtime_api_next = false;          // runtime.runtime_api: the runtime got this event from next
  bool runtime_api_answered = false;      // ... and its response/error reached the Runtime API
  common::SteadyTime started{};           // INVOKE sent
  common::SteadyTime ended{};             // the extension back in event/next (or the deadline)
};

struct EnvironmentRecord {
  int index = 0;
  bool init_ok = false;
  std::string init_error;       // why init failed ("" when it did not)
  double init_ms = 0;           // process start until every extension waited in event/next
  int64_t invocations = 0;
  bool telemetry_subscribed = false;
  // The API-key path the extension logged (environment.cc reads its output): plain, kms,
  // kms_with_context, secrets_manager, none ("No API key configured"), or unknown (it said nothing).
  std::string api_key_source = "unknown";
  std::string tmp_dir;                 // its own /tmp (TMPDIR), removed at shutdown ("" without one)
  std::vector<std::string> tmp_files;  // what the extension left there, listed before the removal
  std::string shutdown_reason;  // spindown, timeout, failure
  bool shutdown_clean = false;  // the extension exited by itself before the shutdown deadline
  int exit_code = -1;
  double shutdown_ms = 0;       // SHUTDOWN sent until the process exited (or was killed)
  IntakeWindow intake_at_shutdown;  // what it sent after SHUTDOWN (its final flush)
  common::SteadyTime shutdown_sent = common::SteadyTime::max();  // max: never shut down
  TelemetryCounters telemetry;
  std::vector<std::string> reported_errors;   // init/error and exit/error calls: "<route>: <type>"
  std::map<std::string, int64_t> rejected;    // API requests answered 4xx, by reason
};

}  // namespace ddsim::lambda
