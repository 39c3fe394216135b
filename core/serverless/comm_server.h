#pragma once
// The extension's communication server (spec §7.1 step 4): HTTP on 127.0.0.1:<port> (8124 in
// Lambda) with the agent's routes. The handlers are the daemon's; this file only maps routes.
//   /lambda/hello             the Datadog Lambda library announces itself
//   /lambda/flush             no-op (the agent flushes only in its local test mode)
//   /lambda/start-invocation  the library's invocation start (trace context in headers)
//   /lambda/end-invocation    the library's invocation end
//   /trace-context            the current trace context as x-datadog-* headers
//   /lambda/logs              Telemetry API batches (POST, JSON array)
#include <functional>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "core/common/status.h"

namespace httplib {
class Server;
}

namespace ddsim::serverless {

struct CommHandlers {
  std::function<void()> hello;
  // Returns the headers to answer with (the trace context).
  std::function<std::map<std::string, std::string>(const std::map<std::string, std::string>& headers,
                                                   const std::string& body)>
      start_invocation;
  std::function<void(const std::map<std::string, std::string>& headers, const std::string& body)> end_invocation;
  std::function<std::map<std::string, std::string>()> trace_context;
  // A Telemetry API batch; a non-OK status is answered 400 with its message.
  std::function<common::Status(const std::string& body)> telemetry;
};

class CommServer {
 public:
  explicit CommServer(CommHandlers handlers);
  ~CommServer();
  // Binds `host`:`port` (0: an ephemeral port) and serves on its own thread.
  common::Status start(const std::string& host, int port);
  void stop();
  int port() const { return port_; }
  uint64_t requests() const { return requests_; }

 private:
  CommHandlers handlers_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<uint64_t> requests_{0};
};

}  // namespace ddsim::serverless
