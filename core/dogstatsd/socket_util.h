#pragma once
// Socket set-up shared by the listeners and replay targets (POSIX/Linux only).
#include <string>

#include "core/common/status.h"

namespace ddsim::dogstatsd {

// An owned file descriptor. Move-only; closes on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset();

 private:
  int fd_ = -1;
};

// A UDP socket bound to host:port (port 0 = ephemeral). `host` is resolved (IPv4 preferred,
// as Go's resolver does for "localhost"); "" binds every interface.
common::Result<Fd> openUdpListenSocket(const std::string& host, int port);
// A Unix socket (SOCK_DGRAM or SOCK_STREAM) bound at `path`. A stale socket file is removed;
// any other existing file is an error. Like the agent, the file is made write-only for others
// (0722). Stream sockets are also listen()ing.
common::Result<Fd> openUnixListenSocket(const std::string& path, int type);
// A client socket connected to a Unix path (for replay and tests).
common::Result<Fd> connectUnixSocket(const std::string& path, int type);
// A UDP socket connected to host:port (for replay and tests).
common::Result<Fd> connectUdpSocket(const std::string& host, int port);

// SO_RCVBUF; as root, values above net.core.rmem_max are applied with SO_RCVBUFFORCE.
// Returns the size the kernel reports afterwards (it doubles the request).
common::Result<int> setReceiveBuffer(int fd, int bytes);
// The bound port of a UDP/TCP socket.
int boundPort(int fd);
// Whether `s` fits in sockaddr_un::sun_path.
bool unixPathFits(const std::string& s);

// An eventfd used to wake a thread blocked in poll(). Thread-safe.
class Wakeup {
 public:
  Wakeup();
  int fd() const { return fd_.get(); }
  void signal();

 private:
  Fd fd_;
};

}  // namespace ddsim::dogstatsd
