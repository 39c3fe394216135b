#pragma once
// HTTP/1.1 over a Unix stream socket, for the trace receiver's apm_config.receiver_socket
// (docs/trace-agent.md §1.1): cpp-httplib 0.11 serves TCP only, so this is a small server of its
// own. The socket file is made as the agent makes it (api.go, listenUnix): a stale socket at the
// path is removed, anything else there is an error, mode 0722; it is removed again at stop().
// Requests: Content-Length or chunked bodies, Expect: 100-continue, keep-alive; one thread per
// connection (at most max_connections, others are closed at once); idle connections close after
// idle_timeout_ms. Thread-safe: the handler is called from connection threads concurrently.
#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/status.h"
#include "core/trace/receiver.h"

namespace ddsim::trace {

struct UnixHttpOptions {
  std::string path;
  size_t max_body_bytes = 25 * 1024 * 1024;  // larger bodies: 413 without reading them
  size_t max_header_bytes = 64 * 1024;
  int max_connections = 16;
  int idle_timeout_ms = 5000;  // the agent's default receiver_timeout (5 s)
};

class UnixHttpListener {
 public:
  // method ("GET", "PUT", ...) and the request with lower-case header names.
  using Handler = std::function<ReceiverResponse(const std::string& method, const ReceiverRequest& request)>;

  UnixHttpListener(UnixHttpOptions options, Handler handler);
  ~UnixHttpListener();
  UnixHttpListener(const UnixHttpListener&) = delete;
  UnixHttpListener& operator=(const UnixHttpListener&) = delete;

  // Makes the socket file and starts accepting. kInvalidArgument when something that is not a
  // socket is at the path or the path is too long; kIoError when it cannot be bound.
  common::Status start();
  // Stops accepting, closes connections once their request in flight is answered, joins,
  // removes the socket file. Idempotent.
  void stop();

 private:
  void acceptLoop();
  void serveConnection(int fd);

  UnixHttpOptions options_;
  Handler handler_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // a pipe that wakes the accept loop and idle connections at stop()
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread accept_thread_;
  std::mutex mu_;
  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::list<Worker> workers_;  // finished ones are joined at the next accept
};

}  // namespace ddsim::trace
