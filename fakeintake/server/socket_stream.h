#pragma once
// Socket helpers of the fakeintake server: a ByteStream over a non-blocking TCP socket whose
// every wait is bounded (per-read timeout, a whole-request deadline, and a "stop" descriptor
// that cuts all waits short), and the listening socket. Linux only (poll, eventfd).
// Not thread-safe: one SocketStream per connection and thread.
#include <chrono>
#include <string>

#include "core/common/clock.h"
#include "core/common/status.h"
#include "fakeintake/server/http_request_reader.h"

namespace ddsim::fakeintake {

class SocketStream final : public ByteStream {
 public:
  // `stop_fd` becomes readable when the server stops (an eventfd that is never drained).
  SocketStream(int fd, int stop_fd, std::chrono::milliseconds read_timeout,
               std::chrono::milliseconds write_timeout)
      : fd_(fd), stop_fd_(stop_fd), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  // Reads after `deadline` fail (the whole-request bound).
  void setDeadline(common::SteadyTime deadline) { deadline_ = deadline; }

  long read(char* buf, size_t n) override;
  // Fails when no byte could be written for write_timeout.
  bool writeAll(std::string_view bytes) override;

 private:
  const int fd_;
  const int stop_fd_;
  const std::chrono::milliseconds read_timeout_;
  const std::chrono::milliseconds write_timeout_;
  common::SteadyTime deadline_ = common::SteadyTime::max();
};

// A non-blocking, close-on-exec listening TCP socket on host:port (SO_REUSEADDR), with the
// given backlog (0 = SOMAXCONN). Returns the descriptor; `bound_port` gets the actual port.
common::Result<int> listenTcp(const std::string& host, int port, int backlog, int& bound_port);

// Closes with an RST (SO_LINGER 0): the "connection reset" fault.
void resetSocket(int fd);
// Half-closes then closes, so that a response just written is not cut by an RST.
void closeSocket(int fd);
// After an error answer sent before the request was fully read: half-close, drain briefly
// (at most 200 ms, 1 MiB), then close, so that the client reads the answer.
void closeAfterError(int fd);

// Steady time for the server's own timeouts (always real time, whatever the handler's clock).
common::SteadyTime serverNow();

}  // namespace ddsim::fakeintake
