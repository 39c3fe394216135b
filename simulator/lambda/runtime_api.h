#pragma once
// The Runtime API of the simulated Lambda (2018-06-01), on the same port as the Extensions API
// (AWS_LAMBDA_RUNTIME_API): the function runtime asks GET .../invocation/next for its event and
// answers POST .../invocation/<id>/response or .../error. The environment offers each
// invocation's event before the runtime asks; a `next` with nothing offered waits a little, then
// is answered 503. Used when a plan sets runtime.runtime_api (so an extension's runtime-API proxy
// has something to sit in front of). Thread-safe.
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "simulator/lambda/loopback_server.h"

namespace ddsim::lambda {

struct RuntimeInvocation {
  std::string request_id;
  std::string event;                          // the payload the runtime gets
  std::map<std::string, std::string> headers;  // Lambda-Runtime-* headers
};

class RuntimeApi {
 public:
  // Adds the routes to `server` (before it starts). The server must outlive this object's use.
  void install(LoopbackServer& server);
  // Queues the next invocation for the runtime.
  void offer(RuntimeInvocation invocation);
  // How the runtime answered `request_id`: "response", "error", or nullopt (not yet / never).
  std::optional<std::string> outcome(const std::string& request_id) const;
  // Releases a waiting `next` (answered 503); later ones are answered at once.
  void stop();

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<RuntimeInvocation> pending_;
  std::map<std::string, std::string> outcomes_;
  bool stopping_ = false;
};

}  // namespace ddsim::lambda
