#include "simulator/lambda/loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

int freeLoopbackPort(int type) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace ddsim::lambda
