#include "core/dogstatsd/socket_util.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ddsim::dogstatsd {
namespace {

std::string errnoText(int err) { return std::strerror(err); }

common::Result<sockaddr_storage> resolve(const std::string& host, int port, socklen_t* len) {
  sockaddr_storage ss{};
  if (host.empty()) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_ANY);
    in->sin_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in);
    return ss;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    return common::invalidArgument("cannot resolve \"" + host + "\": " + gai_strerror(rc));
  }
  const addrinfo* pick = res;
  for (const addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      pick = a;
      break;
    }
  }
  if (pick == nullptr || pick->ai_addr == nullptr || pick->ai_addrlen > sizeof(ss)) {
    if (res != nullptr) freeaddrinfo(res);
    return common::invalidArgument("no usable address for \"" + host + "\"");
  }
  std::memcpy(&ss, pick->ai_addr, pick->ai_addrlen);
  *len = pick->ai_addrlen;
  freeaddrinfo(res);
  if (ss.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(static_cast<uint16_t>(port));
  } else {
    reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(static_cast<uint16_t>(port));
  }
  return ss;
}

common::Result<sockaddr_un> unixAddress(const std::string& path) {
  if (!unixPathFits(path)) {
    return common::invalidArgument("unix socket path too long (max " +
                                   std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                                   " bytes): " + path);
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    reset();
    fd_ = o.release();
  }
  return *this;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool unixPathFits(const std::string& s) { return !s.empty() && s.size() < sizeof(sockaddr_un::sun_path); }

common::Result<Fd> openUdpListenSocket(const std::string& host, int port) {
  socklen_t len = 0;
  auto addr = resolve(host, port, &len);
  if (!addr.isOk()) return addr.status();
  Fd fd(::socket(addr->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return common::ioError("socket(udp): " + errnoText(errno));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), len) != 0) {
    return common::unavailable("cannot listen on udp " + (host.empty() ? "*" : host) + ":" +
                               std::to_string(port) + ": " + errnoText(errno));
  }
  return fd;
}

common::Result<Fd> openUnixListenSocket(const std::string& path, int type) {
  auto addr = unixAddress(path);
  if (!addr.isOk()) return addr.status();
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return common::failedPrecondition("cannot reuse " + path +
                                        ": path exists and is not a unix socket");
    }
    if (::unlink(path.c_str()) != 0) {
      return common::ioError("cannot remove stale unix socket " + path + ": " + errnoText(errno));
    }
  }
  Fd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return common::ioError("socket(unix): " + errnoText(errno));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_un)) != 0) {
    return common::unavailable("cannot bind unix socket " + path + ": " + errnoText(errno));
  }
  if (::chmod(path.c_str(), 0722) != 0) {
    return common::ioError("cannot make " + path + " write-only: " + errnoText(errno));
  }
  if (type == SOCK_STREAM && ::listen(fd.get(), 128) != 0) {
    return common::unavailable("cannot listen on unix socket " + path + ": " + errnoText(errno));
  }
  return fd;
}

common::Result<Fd> connectUnixSocket(const std::string& path, int type) {
  auto addr = unixAddress(path);
  if (!addr.isOk()) return addr.status();
  Fd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return common::ioError("socket(unix): " + errnoText(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_un)) != 0) {
    return common::unavailable("cannot connect to unix socket " + path + ": " + errnoText(errno));
  }
  return fd;
}

common::Result<Fd> connectUdpSocket(const std::string& host, int port) {
  socklen_t len = 0;
  auto addr = resolve(host, port, &len);
  if (!addr.isOk()) return addr.status();
  Fd fd(::socket(addr->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return common::ioError("socket(udp): " + errnoText(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), len) != 0) {
    return common::unavailable("cannot connect to udp " + host + ":" + std::to_string(port) +
                               ": " + errnoText(errno));
  }
  return fd;
}

common::Result<int> setReceiveBuffer(int fd, int bytes) {
  // SO_RCVBUFFORCE needs CAP_NET_ADMIN and may exceed rmem_max; fall back to SO_RCVBUF.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) != 0 &&
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) != 0) {
    return common::ioError("could not set socket rcvbuf to " + std::to_string(bytes) + ": " +
                           errnoText(errno));
  }
  int actual = 0;
  socklen_t len = sizeof(actual);
  ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual, &len);
  return actual;
}

int boundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

Wakeup::Wakeup() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

void Wakeup::signal() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(fd_.get(), &one, sizeof(one));
}

}  // namespace ddsim::dogstatsd
