#include "fakeintake/server/socket_stream.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ddsim::fakeintake {

namespace {

// Milliseconds to wait: the smaller of `timeout` and what is left before `deadline`.
int waitMs(std::chrono::milliseconds timeout, common::SteadyTime deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - serverNow());
  auto ms = std::min(timeout, left);
  return static_cast<int>(std::max<int64_t>(0, ms.count()));
}

// Waits for `events` on fd; false on timeout, stop or error.
bool waitFor(int fd, int stop_fd, short events, int ms) {
  for (;;) {
    pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
    int r = ::poll(fds, 2, ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    if (fds[1].revents) return false;
    return true;
  }
}

}  // namespace

common::SteadyTime serverNow() { return common::SystemClock::instance().steadyNow(); }

long SocketStream::read(char* buf, size_t n) {
  // Checked before reading too, so that a client trickling bytes cannot outlive the deadline.
  if (serverNow() >= deadline_) return -1;
  for (;;) {
    ssize_t got = ::recv(fd_, buf, n, 0);
    if (got >= 0) return static_cast<long>(got);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (serverNow() >= deadline_) return -1;
    if (!waitFor(fd_, stop_fd_, POLLIN, waitMs(read_timeout_, deadline_))) return -1;
  }
}

bool SocketStream::writeAll(std::string_view bytes) {
  // The timeout bounds a write that makes no progress (a reader that stopped reading), not the
  // time a large answer takes to a slow but reading client.
  common::SteadyTime deadline = serverNow() + write_timeout_;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      deadline = serverNow() + write_timeout_;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    if (!waitFor(fd_, stop_fd_, POLLOUT, waitMs(write_timeout_, deadline))) return false;
  }
  return true;
}

common::Result<int> listenTcp(const std::string& host, int port, int backlog, int& bound_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res); rc != 0) {
    return common::unavailable("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::string last_error = "no address";
  int fd = -1;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // agent fakeintake behaviour is Go's net.Listen, whose backlog is the system's maximum.
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, backlog > 0 ? backlog : SOMAXCONN) == 0) break;
    last_error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) return common::unavailable("cannot bind " + host + ":" + service + ": " + last_error);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  bound_port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return fd;
}

void resetSocket(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

void closeSocket(int fd) {
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

void closeAfterError(int fd) {
  ::shutdown(fd, SHUT_WR);
  // Unread input at close() makes the kernel send an RST, which can destroy the answer before
  // the client reads it: drain a little (bounded in bytes and time) first.
  char buf[16 * 1024];
  size_t drained = 0;
  const common::SteadyTime deadline = serverNow() + std::chrono::milliseconds(200);
  while (drained < (1u << 20)) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      drained += static_cast<size_t>(n);
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) break;
    pollfd p{fd, POLLIN, 0};
    int ms = waitMs(std::chrono::milliseconds(200), deadline);
    if (ms <= 0 || ::poll(&p, 1, ms) <= 0) break;
  }
  ::close(fd);
}

}  // namespace ddsim::fakeintake
