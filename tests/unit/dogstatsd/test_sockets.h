#pragma once
// Helpers for tests that talk to real sockets: a temporary directory for Unix socket paths,
// and senders. Every server binds 127.0.0.1:0 or a path inside its own temporary directory.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "core/common/clock.h"
#include "core/dogstatsd/options.h"
#include "core/dogstatsd/socket_util.h"
#include "tests/support/poll.h"

namespace ddsim::dogstatsd::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ddsim-dsd-XXXXXX";
    char* p = ::mkdtemp(tmpl);
    path_ = p ? p : "/tmp";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A server on a free UDP port of 127.0.0.1 only (no Unix socket), with `rcvbuf` as SO_RCVBUF
// (0: the kernel default).
inline ServerOptions loopbackUdpOptions(int rcvbuf) {
  ServerOptions o;
  o.port = ServerOptions::kRandomPort;
  o.bind_host = "127.0.0.1";
  o.socket_path = "";
  o.so_rcvbuf = rcvbuf;
  return o;
}

inline void sendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// A stream frame: uint32 little-endian length + payload.
inline std::string frame(std::string_view payload) {
  std::string out(4, '\0');
  uint32_t n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  out.append(payload);
  return out;
}

// Spins (yielding) until pred() holds or `limit` passes; for conditions reached by other
// threads. Returns pred(). Never used to wait for time to pass.
template <typename Pred>
bool eventually(Pred pred, std::chrono::seconds limit = ddsim::testing::kHangGuard) {
  const auto& clock = common::SystemClock::instance();
  auto deadline = clock.steadyNow() + limit;
  while (!pred()) {
    if (clock.steadyNow() > deadline) return pred();
    std::this_thread::yield();
  }
  return true;
}

}  // namespace ddsim::dogstatsd::testing
