#pragma once
// A cpp-httplib server on 127.0.0.1 with its listening thread: the one way the simulated
// Lambda's HTTP endpoints (Lambda APIs, recording intake, AWS fakes) bind, serve and stop.
// Routes are added on http() before start(). Not copyable; stop() is idempotent.
#include <memory>
#include <string>
#include <thread>

#include "core/common/status.h"

namespace httplib {
class Server;
}

namespace ddsim::lambda {

// A port the kernel had free on 127.0.0.1 for `type` (SOCK_STREAM or SOCK_DGRAM) a moment ago;
// 0 when none could be bound. For peers that must be told a port before they bind it.
int freeLoopbackPort(int type);

class LoopbackServer {
 public:
  explicit LoopbackServer(std::string what);  // names the server in errors ("the Lambda API")
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  httplib::Server& http() { return *server_; }
  // Binds 127.0.0.1:`port` (0: any free port) and serves on a thread; the bound port.
  common::Result<int> start(int port = 0);
  void stop();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string what_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ddsim::lambda
