#pragma once
// The runtime-API proxy (the agent's pkg/serverless/proxy, DD_EXPERIMENTAL_ENABLE_PROXY=true):
// an HTTP server the function's runtime talks to instead of the Runtime API (127.0.0.1:9000 in
// front of 127.0.0.1:9001 in Lambda, where a wrapper script points AWS_LAMBDA_RUNTIME_API at
// it). Every request is forwarded as is and the answer returned as is; on the way it observes
// the invocation lifecycle:
//   GET  .../invocation/next            answered -> onStart(event payload)
//   POST .../invocation/<id>/response   -> onEnd(response payload, error = false)
//   POST .../invocation/<id>/error      -> onEnd(error payload, error = true)
// Thread-safe: hooks run on the server's threads.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/common/status.h"

namespace httplib {
class Server;
}

namespace ddsim::serverless {

struct RuntimeProxyHooks {
  std::function<void(const std::string& event)> on_start;
  std::function<void(const std::string& payload, bool error)> on_end;
};

struct RuntimeProxyOptions {
  std::string host = "127.0.0.1";
  int port = 9000;                        // 0: any free port
  std::string target = "127.0.0.1:9001";  // the Runtime API, host:port
};

class RuntimeProxy {
 public:
  RuntimeProxy(RuntimeProxyOptions options, RuntimeProxyHooks hooks);
  ~RuntimeProxy();
  RuntimeProxy(const RuntimeProxy&) = delete;
  RuntimeProxy& operator=(const RuntimeProxy&) = delete;

  // Binds and serves on a thread; the bound port.
  common::Result<int> start();
  void stop();
  // Requests forwarded, and those the Runtime API could not be reached for (answered 502).
  uint64_t forwarded() const { return forwarded_; }
  uint64_t failed() const { return failed_; }

 private:
  RuntimeProxyOptions options_;
  RuntimeProxyHooks hooks_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<uint64_t> forwarded_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace ddsim::serverless
