#include "simulator/lambda/loopback_server.h"

#include <httplib.h>

namespace ddsim::lambda {

LoopbackServer::LoopbackServer(std::string what)
    : what_(std::move(what)), server_(std::make_unique<httplib::Server>()) {
  server_->set_tcp_nodelay(true);  // small answers must not wait for a delayed ACK (Nagle)
}

LoopbackServer::~LoopbackServer() { stop(); }

common::Result<int> LoopbackServer::start(int port) {
  const int bound = port == 0 ? server_->bind_to_any_port("127.0.0.1")
                              : (server_->bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) return common::unavailable("cannot bind " + what_ + " on 127.0.0.1:" + std::to_string(port));
  port_ = bound;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void LoopbackServer::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace ddsim::lambda
