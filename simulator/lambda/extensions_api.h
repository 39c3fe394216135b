#pragma once
// The Lambda APIs an extension talks to, served on loopback with cpp-httplib: the Extensions
// API (register, event/next, init/error, exit/error) and the Telemetry API subscription. Shapes
// follow AWS's public API reference (docs/lambda.md lists the routes). The function runtime is
// played in-process by FunctionRuntime, so the Runtime API routes are not served.
//
// event/next is a long poll: the handler waits until the Environment publishes an event. All
// methods are thread-safe; the HTTP handlers run on the server's threads.
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.h"
#include "core/common/random.h"
#include "core/common/status.h"
#include "simulator/lambda/loopback_server.h"

namespace ddsim::lambda {

// What an extension asked for in PUT /2022-07-01/telemetry.
struct TelemetrySubscription {
  std::string extension_id;
  std::string uri;                 // destination.URI as given
  std::vector<std::string> types;  // "platform", "function", "extension"
  int max_items = 10000;           // buffering, AWS's defaults
  int max_bytes = 262144;
  int timeout_ms = 1000;
};

// An error an extension reported through init/error or exit/error.
struct ReportedError {
  std::string route;       // "init" or "exit"
  std::string error_type;  // the Lambda-Extension-Function-Error-Type header
  std::string body;
};

struct ExtensionsApiOptions {
  std::string function_name = "ddsim-function";
  std::string function_version = "$LATEST";
  std::string handler = "index.handler";
  std::string account_id = "123456789012";
  uint64_t seed = 1;  // extension identifiers are drawn from it
};

class ExtensionsApi {
 public:
  explicit ExtensionsApi(ExtensionsApiOptions options = {}, common::Clock& clock = common::SystemClock::instance());
  ~ExtensionsApi();
  ExtensionsApi(const ExtensionsApi&) = delete;
  ExtensionsApi& operator=(const ExtensionsApi&) = delete;

  // Binds 127.0.0.1:`port` (0: any free port) and serves; the bound port.
  common::Result<int> start(int port = 0);
  // Answers every waiting event/next with 503 and stops serving.
  void stop();
  int port() const { return server_.port(); }
  // The server, for routes of the same port (the Runtime API) added before start().
  LoopbackServer& server() { return server_; }

  size_t registeredCount() const;
  // Total event/next calls across extensions.
  uint64_t nextCalls() const;
  // True when at least one extension registered and each registered extension is blocked in
  // event/next with no event queued for it.
  bool allWaiting() const;
  // Waits until allWaiting() holds with nextCalls() >= min_calls, or `deadline`; whether it held.
  bool waitAllWaiting(uint64_t min_calls, common::SteadyTime deadline) const;
  // When the last event/next call arrived.
  common::SteadyTime lastNextCall() const;

  // Queues `event` (an INVOKE or SHUTDOWN object) for every registered extension that asked
  // for its eventType; a waiting event/next returns it at once.
  void publish(const nlohmann::json& event);

  std::optional<TelemetrySubscription> subscription() const;
  std::vector<ReportedError> reportedErrors() const;
  // Requests answered 4xx (bad header, body or identifier), by reason.
  std::map<std::string, int64_t> rejected() const;

 private:
  struct Extension {
    std::string name;
    std::vector<std::string> events;
    std::vector<nlohmann::json> queue;
    bool waiting = false;
  };
  void installRoutes();

  ExtensionsApiOptions options_;
  common::Clock& clock_;
  LoopbackServer server_{"the Lambda API"};

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopping_ = false;
  common::Random random_;
  std::map<std::string, Extension> extensions_;  // by identifier
  uint64_t next_calls_ = 0;
  common::SteadyTime last_next_{};
  std::optional<TelemetrySubscription> subscription_;
  std::vector<ReportedError> errors_;
  std::map<std::string, int64_t> rejected_;
};

// A random identifier in UUID form (8-4-4-4-12 hex digits).
std::string makeUuid(common::Random& random);

// Reads and validates a Telemetry API subscription body; the error names the field.
common::Result<TelemetrySubscription> parseSubscription(const std::string& body);

}  // namespace ddsim::lambda
