#pragma once
// One Lambda execution environment: the Lambda APIs on their own loopback port, the extension
// process, the telemetry stream and the scripted function runtime. It runs Lambda's lifecycle:
// init (start the extension, wait until it registered and waits in event/next), invocations
// (thaw, INVOKE, run the function, wait for the extension's next event/next, freeze) and
// shutdown (thaw, SHUTDOWN, wait for the exit until the deadline, then kill).
// Not thread-safe: one caller at a time (the runner gives each environment one worker).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "simulator/lambda/extension_process.h"
#include "simulator/lambda/extensions_api.h"
#include "simulator/lambda/function_runtime.h"
#include "simulator/lambda/records.h"
#include "simulator/lambda/runtime_api.h"

namespace ddsim::lambda {

struct FunctionConfig {
  std::string name = "ddsim-function";
  int memory_mb = 128;
  std::chrono::milliseconds timeout{3000};
  std::string region = "us-east-1";
  std::string runtime = "provided.al2";
};

struct EnvironmentOptions {
  int index = 0;
  std::vector<std::string> extension;   // argv
  std::vector<std::string> env;         // extra NAME=value for the extension
  std::string extension_log;            // append its output here ("" inherits ddsim's)
  FunctionConfig function;
  RuntimeScript runtime;
  bool freeze = true;                   // SIGSTOP between invocations
  std::chrono::milliseconds init_limit{10000};
  std::chrono::milliseconds shutdown_limit{2000};
  std::string intake_url;               // given as DD_DD_URL and friends ("" gives none)
  // Lambda gives each execution environment a /tmp of its own, discarded with it: a directory
  // under the system's temp directory, given to the extension as TMPDIR (the plan's env may
  // override it), listed in the record and removed at shutdown.
  bool own_tmp = true;
  uint64_t seed = 1;
};

// One invocation to run.
struct InvocationSpec {
  int64_t index = 0;
  double arrival_s = 0;
  std::chrono::microseconds duration{0};
  bool out_of_memory = false;  // the function runs out of memory at the end of its duration
  bool error = false;          // the function returns an error
  int max_memory_used_mb = 64;
};

class Environment {
 public:
  Environment(EnvironmentOptions options, const IntakeRecorder* intake,
              common::Clock& clock = common::SystemClock::instance());
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  // Starts the extension and waits for it to be ready; false when it failed (record().init_error).
  bool init();
  // Runs one invocation. After a timeout or failure status (the extension overran the deadline
  // or died) or an out-of-memory, the environment must be shut down.
  InvocationRecord invoke(const InvocationSpec& spec);
  // Sends SHUTDOWN with `reason` and ends the process; idempotent.
  void shutdown(const std::string& reason);

  bool alive() const { return alive_; }
  const EnvironmentRecord& record() const { return record_; }
  int apiPort() const { return api_.port(); }

 private:
  // Waits until the extension waits in event/next with at least `min_calls` calls, subscribing
  // the telemetry stream when it asks; false at `deadline` or when the process exits.
  bool waitReady(uint64_t min_calls, common::SteadyTime deadline);
  void addPlatform(const std::string& type, nlohmann::json record);
  void freeze();
  // A line of the extension's output (output thread): notes the API-key path it announces.
  void onExtensionLine(std::string_view line);
  std::string wireTime() const;  // systemNow() as ISO 8601 with milliseconds

  EnvironmentOptions options_;
  const IntakeRecorder* intake_;
  common::Clock& clock_;
  ExtensionsApi api_;
  RuntimeApi runtime_api_;
  TelemetrySender telemetry_;
  FunctionRuntime runtime_;
  ExtensionProcess process_;
  common::Random random_;
  EnvironmentRecord record_;
  bool alive_ = false;
  bool shut_down_ = false;
  std::string tmp_dir_;  // own_tmp: this environment's /tmp ("" until init)
  std::mutex output_mu_;
  std::string api_key_source_ = "unknown";  // under output_mu_
};

}  // namespace ddsim::lambda
