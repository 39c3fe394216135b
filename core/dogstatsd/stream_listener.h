#pragma once
// The Unix stream listener (dogstatsd_stream_socket, comp/dogstatsd/listeners/uds_stream.go):
// each frame is a uint32 little-endian length followed by that many bytes of DogStatsD
// payload. One thread accepts; one thread per connection reads and queues frames. As in the
// agent, a frame longer than dogstatsd_buffer_size or a zero-length frame closes the
// connection (both counted).
#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/status.h"
#include "core/dogstatsd/listener.h"
#include "core/dogstatsd/socket_util.h"

namespace ddsim::dogstatsd {

class StreamListener final : public Listener {
 public:
  static common::Result<std::unique_ptr<StreamListener>> open(const ServerOptions& o,
                                                              ListenerContext ctx);
  ~StreamListener() override;

  void start() override;
  // Stops accepting, lets every connection read what it already received, then joins.
  void stop() override;
  std::string describe() const override { return "unix-stream " + path_; }

 private:
  struct Connection {
    Fd fd;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  StreamListener(Fd fd, const ServerOptions& o, ListenerContext ctx);
  void acceptLoop();
  void serve(Connection& c);
  void reapFinished();
  // Queues `batch` (leaving it empty); on a full queue, waits instead of dropping.
  void handOver(std::unique_ptr<PacketBatch>& batch);

  Fd fd_;
  std::string path_;
  ListenerContext ctx_;
  size_t buffer_size_;
  size_t max_connections_;
  int queue_full_pause_us_;
  Wakeup wakeup_;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::list<Connection> connections_;  // list: elements never move while their thread runs
};

}  // namespace ddsim::dogstatsd
