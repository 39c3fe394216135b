#include "core/dogstatsd/stream_listener.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/common/process_stats.h"

namespace ddsim::dogstatsd {

common::Result<std::unique_ptr<StreamListener>> StreamListener::open(const ServerOptions& o,
                                                                     ListenerContext ctx) {
  auto fd = openUnixListenSocket(o.stream_socket_path, SOCK_STREAM);
  if (!fd.isOk()) return fd.status();
  return std::unique_ptr<StreamListener>(new StreamListener(std::move(fd).value(), o, ctx));
}

StreamListener::StreamListener(Fd fd, const ServerOptions& o, ListenerContext ctx)
    : fd_(std::move(fd)),
      path_(o.stream_socket_path),
      ctx_(ctx),
      buffer_size_(o.buffer_size),
      max_connections_(o.max_stream_connections),
      queue_full_pause_us_(o.queue_full_pause_us) {
  // accept() never blocks: poll() waits, and stop() empties the backlog without waiting.
  ::fcntl(fd_.get(), F_SETFL, O_NONBLOCK);
}

StreamListener::~StreamListener() { stop(); }

void StreamListener::start() {
  if (accept_thread_.joinable()) return;
  accept_thread_ = std::thread([this] {
    common::nameThisThread("dsd-accept");
    acceptLoop();
  });
}

void StreamListener::stop() {
  stopping_.store(true);
  wakeup_.signal();
  if (accept_thread_.joinable()) accept_thread_.join();
  std::lock_guard<std::mutex> l(mu_);
  // SHUT_RD: what a connection already received is still read, then read() returns 0.
  for (auto& c : connections_) ::shutdown(c.fd.get(), SHUT_RD);
  for (auto& c : connections_) {
    if (c.thread.joinable()) c.thread.join();
  }
  connections_.clear();
  if (fd_.valid()) {
    fd_.reset();
    ::unlink(path_.c_str());
  }
}

void StreamListener::reapFinished() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->done.load()) {
      it->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void StreamListener::acceptLoop() {
  while (true) {
    const bool stopping = stopping_.load();
    if (!stopping) {
      pollfd fds[2] = {{fd_.get(), POLLIN, 0}, {wakeup_.fd(), POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
      if (!(fds[0].revents & POLLIN) && !stopping_.load()) continue;
    }
    // When stopping, connections still in the backlog are accepted too: their data was sent.
    Fd conn(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn.valid()) {
      if (stopping || stopping_.load()) break;  // backlog empty (or broken): done
      if (errno != EAGAIN && errno != EINTR) {
        spdlog::error("dogstatsd-uds-stream: error accepting connection: {}", std::strerror(errno));
      }
      continue;
    }
    reapFinished();
    std::lock_guard<std::mutex> l(mu_);
    if (connections_.size() >= max_connections_) {
      ctx_.stats->add(NetStat::kUdsConnectionsRefused);
      continue;  // closes `conn`
    }
    ctx_.stats->add(NetStat::kUdsConnections);
    auto& c = connections_.emplace_back();
    c.fd = std::move(conn);
    c.thread = std::thread([this, &c] {
      common::nameThisThread("dsd-stream");
      serve(c);
    });
  }
}

void StreamListener::handOver(std::unique_ptr<PacketBatch>& batch) {
  // A stream socket never drops: while the reader holds its batch and reads nothing, the
  // socket's buffer fills and then the sender waits. So on a full queue the reader keeps the
  // batch and offers it again after a pause, and the overload goes back to the sender as
  // backpressure instead of being dropped here. A pause of 0 keeps the old rule (drop,
  // counted as queue_full); so does a stopping listener, which must not wait on the workers.
  while (queue_full_pause_us_ > 0 && !stopping_.load()) {
    if (ctx_.offer(batch) == ListenerContext::Offer::kTaken) return;
    ctx_.stats->add(NetStat::kStreamQueueFullWaits);
    pollfd fd{wakeup_.fd(), POLLIN, 0};
    const timespec ts{queue_full_pause_us_ / 1'000'000,
                      static_cast<long>(queue_full_pause_us_ % 1'000'000) * 1000};
    ::ppoll(&fd, 1, &ts, nullptr);
  }
  ctx_.deliver(batch);
}

void StreamListener::serve(Connection& c) {
  const size_t cap = std::max<size_t>(65536, buffer_size_ + 4);
  std::vector<char> buf(cap);
  size_t have = 0;
  auto batch = ctx_.pool->acquire();
  batch->transport = Transport::kUdsStream;
  bool closing = false;
  while (!closing) {
    ssize_t n = ::read(c.fd.get(), buf.data() + have, cap - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ctx_.stats->add(NetStat::kUdsReadErrors);
      break;
    }
    if (n == 0) {
      if (have > 0) ctx_.stats->add(NetStat::kStreamTruncatedFrame);
      break;
    }
    have += static_cast<size_t>(n);
    size_t pos = 0;
    std::shared_ptr<PacketTap> tap = ctx_.currentTap();
    while (have - pos >= 4) {
      uint32_t len = 0;
      std::memcpy(&len, buf.data() + pos, 4);  // little-endian on every target ddsim runs on
      if (len == 0) {
        // agent behaviour: a zero-length frame reads nothing and is taken as a closed peer.
        ctx_.stats->add(NetStat::kStreamEmptyFrame);
        closing = true;
        break;
      }
      if (len > buffer_size_) {
        ctx_.stats->add(NetStat::kStreamFrameTooLarge);
        closing = true;
        break;
      }
      if (have - pos - 4 < len) break;
      std::string_view payload(buf.data() + pos + 4, len);
      if (batch->full()) handOver(batch);
      batch->append(payload);
      ctx_.stats->add(NetStat::kUdsPackets);
      ctx_.stats->add(NetStat::kUdsBytes, len);
      if (tap != nullptr) tap->onPacket(Transport::kUdsStream, payload, 0, {});
      pos += 4 + len;
    }
    std::memmove(buf.data(), buf.data() + pos, have - pos);
    have -= pos;
    handOver(batch);
  }
  ctx_.deliver(batch);
  ctx_.pool->release(std::move(batch));
  c.done.store(true);
}

}  // namespace ddsim::dogstatsd
