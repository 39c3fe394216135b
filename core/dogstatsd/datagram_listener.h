#pragma once
// UDP and Unix datagram listeners (comp/dogstatsd/listeners/udp.go, uds_datagram.go). One
// reader thread per socket only reads: one recvmmsg call (up to dogstatsd_packet_buffer_size
// datagrams of dogstatsd_buffer_size bytes) into its own buffers, the datagrams copied back to
// back into a PacketBatch, the batch queued without ever waiting (a full queue drops it,
// counted as queue_full). Longer datagrams are truncated, as in the agent, and counted.
// Datagrams the kernel dropped because the socket buffer was full are counted through
// SO_RXQ_OVFL (and SO_MEMINFO when the socket goes quiet).
#include <sys/socket.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/common/status.h"
#include "core/dogstatsd/listener.h"
#include "core/dogstatsd/pi_mutex.h"
#include "core/dogstatsd/socket_util.h"

namespace ddsim::dogstatsd {

class DatagramListener final : public Listener {
 public:
  // UDP on bind_host:port (every interface when non_local_traffic); port per ServerOptions.
  static common::Result<std::unique_ptr<DatagramListener>> openUdp(const ServerOptions& o,
                                                                   ListenerContext ctx);
  // Unix datagram socket at o.socket_path.
  static common::Result<std::unique_ptr<DatagramListener>> openUnix(const ServerOptions& o,
                                                                    ListenerContext ctx);
  ~DatagramListener() override;

  void start() override;
  void stop() override;
  std::string describe() const override { return description_; }
  // The bound UDP port (0 for Unix sockets).
  int port() const { return port_; }
  // Called by a worker that found the queue empty (ddsim.dogstatsd_worker_reads): reads the
  // socket once, as the reader would, and queues what it read. Never waits: returns false at
  // once when the reader is reading, the listener is stopping or paused, or nothing was
  // queued. Reads are serialized, so batches are queued in the order they were read.
  bool readForWorker();

 private:
  DatagramListener(Fd fd, Transport transport, const ServerOptions& o, ListenerContext ctx,
                   std::string description);
  void run();
  // One recvmmsg; returns the number of datagrams read, 0 when none were waiting, -1 on error.
  // Caller holds read_mu_. `dropped` tells whether the batch was dropped (queue full).
  int readBatch(bool& dropped);
  // readBatch() under read_mu_; notes when the socket was last left empty.
  int readLocked(bool& dropped);
  int64_t sinceEmptiedUs() const;
  void noteKernelDrops(uint32_t total);
  void pollKernelDrops();
  // Waits up to `us` microseconds or until stop() (0: returns at once).
  void pause(int us);
  // Blocks while the test hook holds the readers (ListenerContext::paused).
  void waitWhilePaused();

  Fd fd_;
  Transport transport_;
  ListenerContext ctx_;
  std::string description_;
  std::string unlink_path_;
  int port_ = 0;
  bool credentials_ = false;
  Wakeup wakeup_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::unique_ptr<PacketBatch> batch_;
  ListenerPriority priority_;
  int coalesce_us_;
  int queue_full_pause_us_;
  bool worker_reads_;
  int watch_us_;
  PiMutex read_mu_;  // one reader of the socket at a time: the reader thread or a worker
  std::atomic<int64_t> last_emptied_ns_{0};  // steady clock: a read left the socket empty
  size_t buffer_size_;
  std::vector<char> buffers_;  // packet_buffer_size slots of buffer_size bytes
  std::vector<mmsghdr> headers_;
  std::vector<iovec> iovecs_;
  std::vector<char> control_;
  uint32_t kernel_drops_seen_ = 0;
};

}  // namespace ddsim::dogstatsd
