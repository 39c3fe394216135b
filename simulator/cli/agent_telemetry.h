#pragma once
// Live telemetry of `ddsim agent` (issue 10), the agent's way: with telemetry.enabled, the
// internal counters are served as Prometheus text on a loopback port (the agent serves them on
// expvar_port, default 5000, at /telemetry), under the agent's metric names where it has one
// (transactions__*, dogstatsd__processed, aggregator__*) and ddsim__<key> otherwise. `ddsim
// agent status` reads that endpoint and prints a summary shaped like `agent status`.
#include <httplib.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/counters.h"
#include "core/common/status.h"

namespace ddsim::cli {

// Renders a snapshot (keys as the pipeline's telemetry() names them) as Prometheus text.
std::string prometheusText(const common::TelemetrySnapshot& snapshot);

// Serves GET /telemetry on 127.0.0.1 from the snapshot last given to update(): Prometheus text
// as the agent names it, and GET /telemetry.json with ddsim's own keys (what the dashboard's
// attach mode reads). Thread-safe.
class TelemetryEndpoint {
 public:
  TelemetryEndpoint() = default;
  ~TelemetryEndpoint();
  TelemetryEndpoint(const TelemetryEndpoint&) = delete;
  TelemetryEndpoint& operator=(const TelemetryEndpoint&) = delete;

  // Binds 127.0.0.1:`port` (0 = any free port) and serves; returns the bound port.
  common::Result<int> start(int port);
  void update(const common::TelemetrySnapshot& snapshot);
  void stop();

 private:
  httplib::Server server_;
  std::thread thread_;
  std::mutex mu_;
  std::string text_;
  std::string json_;
};

// `ddsim agent status`: fetches `url` (http://127.0.0.1:<port>/telemetry) and prints the
// summary to stdout. Returns a process exit code (kExitOk, or kExitSetupError when the agent
// cannot be reached).
int printAgentStatus(const std::string& url);

// Parses Prometheus text into "name{labels}" -> value (comments and malformed lines skipped).
std::map<std::string, double> parsePrometheusText(const std::string& text);

}  // namespace ddsim::cli
