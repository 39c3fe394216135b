#include "core/dogstatsd/datagram_listener.h"

#include <linux/sock_diag.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/common/process_stats.h"
#include "core/dogstatsd/thread_priority.h"

namespace ddsim::dogstatsd {
namespace {

constexpr size_t kControlBytes = 64;  // room for SCM_CREDENTIALS and SO_RXQ_OVFL
// After stop(): most recvmmsg calls spent draining what the socket already holds.
constexpr int kMaxDrainReads = 4096;
// Most recvmmsg calls of one readForWorker().
constexpr int kMaxWorkerReads = 8;

// SO_RXQ_OVFL (the kernel's cumulative drop count with every datagram) and SO_RCVBUF from
// dogstatsd_so_rcvbuf when set.
common::Status prepareDatagramSocket(int fd, const ServerOptions& o) {
  const int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) != 0) {
    spdlog::warn("dogstatsd: SO_RXQ_OVFL unavailable ({}): kernel drops are read only when the socket is quiet",
                 std::strerror(errno));
  }
  if (o.so_rcvbuf != 0) {
    auto r = setReceiveBuffer(fd, o.so_rcvbuf);
    if (!r.isOk()) return r.status();
  }
  return common::Status::ok();
}

}  // namespace

common::Result<std::unique_ptr<DatagramListener>> DatagramListener::openUdp(const ServerOptions& o,
                                                                            ListenerContext ctx) {
  const int port = o.port == ServerOptions::kRandomPort ? 0 : o.port;
  const std::string host = o.non_local_traffic ? std::string() : o.bind_host;
  auto fd = openUdpListenSocket(host, port);
  if (!fd.isOk()) return fd.status();
  if (auto st = prepareDatagramSocket(fd->get(), o); !st.isOk()) return st;
  const int bound = boundPort(fd->get());
  std::string desc = "udp " + (host.empty() ? std::string("*") : host) + ":" + std::to_string(bound);
  std::unique_ptr<DatagramListener> l(
      new DatagramListener(std::move(fd).value(), Transport::kUdp, o, ctx, std::move(desc)));
  l->port_ = bound;
  return l;
}

common::Result<std::unique_ptr<DatagramListener>> DatagramListener::openUnix(
    const ServerOptions& o, ListenerContext ctx) {
  auto fd = openUnixListenSocket(o.socket_path, SOCK_DGRAM);
  if (!fd.isOk()) return fd.status();
  if (auto st = prepareDatagramSocket(fd->get(), o); !st.isOk()) return st;
  if (o.origin_detection) {
    const int one = 1;
    if (::setsockopt(fd->get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0) {
      spdlog::error("dogstatsd-uds: cannot enable origin detection on {}: {}", o.socket_path,
                    std::strerror(errno));
    }
  }
  std::unique_ptr<DatagramListener> l(
      new DatagramListener(std::move(fd).value(), Transport::kUds, o, ctx, "unix " + o.socket_path));
  l->credentials_ = o.origin_detection;
  l->unlink_path_ = o.socket_path;
  return l;
}

DatagramListener::DatagramListener(Fd fd, Transport transport, const ServerOptions& o,
                                   ListenerContext ctx, std::string description)
    : fd_(std::move(fd)),
      transport_(transport),
      ctx_(ctx),
      description_(std::move(description)),
      priority_(o.listener_priority),
      coalesce_us_(o.read_coalesce_us),
      queue_full_pause_us_(o.queue_full_pause_us),
      worker_reads_(o.worker_reads),
      watch_us_(o.reader_watch_us),
      buffer_size_(std::max<size_t>(1, o.buffer_size)) {
  batch_ = ctx_.pool->acquire();
  batch_->transport = transport_;
  const size_t n = batch_->capacity();
  buffers_.resize(n * buffer_size_);
  headers_.resize(n);
  iovecs_.resize(n);
  control_.resize(n * kControlBytes);
}

DatagramListener::~DatagramListener() { stop(); }

void DatagramListener::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    common::nameThisThread("dsd-reader");
    run();
  });
}

void DatagramListener::stop() {
  stopping_.store(true);
  wakeup_.signal();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<PiMutex> l(read_mu_);  // a worker may be reading
  if (batch_) {
    ctx_.pool->release(std::move(batch_));
  }
  fd_.reset();
  if (!unlink_path_.empty()) {
    ::unlink(unlink_path_.c_str());
    unlink_path_.clear();
  }
}

namespace {
int64_t steadyNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
}  // namespace

int64_t DatagramListener::sinceEmptiedUs() const {
  return (steadyNs() - last_emptied_ns_.load(std::memory_order_relaxed)) / 1000;
}

int DatagramListener::readLocked(bool& dropped) {
  std::lock_guard<PiMutex> l(read_mu_);
  const int got = readBatch(dropped);
  if (got >= 0 && static_cast<size_t>(got) < headers_.size()) {
    last_emptied_ns_.store(steadyNs(), std::memory_order_relaxed);
  }
  return got;
}

bool DatagramListener::readForWorker() {
  if (!worker_reads_ || stopping_.load(std::memory_order_relaxed)) return false;
  if (ctx_.paused != nullptr && ctx_.paused->load()) return false;
  std::unique_lock<PiMutex> l(read_mu_, std::try_to_lock);
  if (!l.owns_lock() || stopping_.load() || !fd_.valid()) return false;
  // Until the socket is empty (a short read), or a few full batches: a backlog left in the
  // socket would leave only part of its buffer for the next burst.
  bool queued = false;
  for (int reads = 0; reads < kMaxWorkerReads; ++reads) {
    bool dropped = false;
    const int got = readBatch(dropped);
    if (got < 0) {
      ctx_.stats->add(transport_ == Transport::kUdp ? NetStat::kUdpReadErrors : NetStat::kUdsReadErrors);
      break;
    }
    if (got > 0) ctx_.stats->add(NetStat::kWorkerReads);
    queued = queued || (got > 0 && !dropped);
    if (dropped) break;
    if (static_cast<size_t>(got) < headers_.size()) {
      last_emptied_ns_.store(steadyNs(), std::memory_order_relaxed);
      break;
    }
  }
  return queued;
}

int DatagramListener::readBatch(bool& dropped) {
  dropped = false;
  const size_t n = batch_->capacity();
  for (size_t i = 0; i < n; ++i) {
    iovecs_[i].iov_base = buffers_.data() + i * buffer_size_;
    iovecs_[i].iov_len = buffer_size_;
    msghdr& h = headers_[i].msg_hdr;
    h = msghdr{};
    h.msg_iov = &iovecs_[i];
    h.msg_iovlen = 1;
    h.msg_control = control_.data() + i * kControlBytes;
    h.msg_controllen = kControlBytes;
    headers_[i].msg_len = 0;
  }
  int got = ::recvmmsg(fd_.get(), headers_.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    return -1;
  }
  const NetStat packets_stat = transport_ == Transport::kUdp ? NetStat::kUdpPackets : NetStat::kUdsPackets;
  const NetStat bytes_stat = transport_ == Transport::kUdp ? NetStat::kUdpBytes : NetStat::kUdsBytes;
  std::shared_ptr<PacketTap> tap = ctx_.currentTap();
  size_t bytes = 0;
  for (int i = 0; i < got; ++i) bytes += headers_[i].msg_len;
  batch_->reserve(bytes);  // one allocation at most, sized to what was read
  for (int i = 0; i < got; ++i) {
    const msghdr& h = headers_[i].msg_hdr;
    const std::string_view payload(static_cast<const char*>(iovecs_[i].iov_base), headers_[i].msg_len);
    batch_->append(payload);
    // agent behaviour: a datagram longer than the buffer is cut and parsed as cut.
    if (h.msg_flags & MSG_TRUNC) ctx_.stats->add(NetStat::kTruncatedPackets);
    int32_t pid = 0;
    std::string_view ancillary;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SO_RXQ_OVFL) {
        uint32_t drops = 0;
        std::memcpy(&drops, CMSG_DATA(c), sizeof(drops));
        noteKernelDrops(drops);
      } else if (c->cmsg_type == SCM_CREDENTIALS && credentials_) {
        ucred cred{};
        std::memcpy(&cred, CMSG_DATA(c), sizeof(cred));
        pid = cred.pid;
        ancillary = std::string_view(reinterpret_cast<const char*>(c), CMSG_SPACE(sizeof(ucred)));
      }
    }
    if (tap != nullptr) tap->onPacket(transport_, payload, pid, ancillary);
  }
  ctx_.stats->add(packets_stat, static_cast<uint64_t>(got));
  ctx_.stats->add(bytes_stat, bytes);
  dropped = !ctx_.deliver(batch_);
  return got;
}

void DatagramListener::noteKernelDrops(uint32_t total) {
  if (total > kernel_drops_seen_) {
    ctx_.stats->add(NetStat::kKernelDrops, total - kernel_drops_seen_);
    kernel_drops_seen_ = total;
  }
}

void DatagramListener::pollKernelDrops() {
  // SO_RXQ_OVFL only reports drops on datagrams queued after them; SO_MEMINFO has the total.
  std::lock_guard<PiMutex> l(read_mu_);  // kernel_drops_seen_ is also a worker's (readBatch)
  uint32_t meminfo[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof(meminfo);
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_MEMINFO, meminfo, &len) == 0 &&
      len > SK_MEMINFO_DROPS * sizeof(uint32_t)) {
    noteKernelDrops(meminfo[SK_MEMINFO_DROPS]);
  }
}

void DatagramListener::pause(int us) {
  if (us <= 0) return;
  pollfd fd{wakeup_.fd(), POLLIN, 0};
  const timespec ts{us / 1'000'000, static_cast<long>(us % 1'000'000) * 1000};
  ::ppoll(&fd, 1, &ts, nullptr);
}

void DatagramListener::waitWhilePaused() {
  while (ctx_.paused != nullptr && ctx_.paused->load() && !stopping_.load()) pause(1000);
}

void DatagramListener::run() {
  const std::string applied = applyListenerPriority(priority_);
  spdlog::debug("dogstatsd: reader of {} scheduled as {}", description_, applied);
  const NetStat errors_stat =
      transport_ == Transport::kUdp ? NetStat::kUdpReadErrors : NetStat::kUdsReadErrors;
  int drain_reads = 0;
  while (true) {
    const bool stopping = stopping_.load();
    if (stopping && ++drain_reads > kMaxDrainReads) {
      pollKernelDrops();
      break;
    }
    waitWhilePaused();
    if (worker_reads_ && !stopping) {
      // The workers read the socket whenever they run out of work: this thread is the
      // safety net for when they cannot (held in a flush, busy with a long batch). It reads
      // only once the socket has gone watch_us without being emptied by anyone.
      const int64_t since = sinceEmptiedUs();
      if (since < watch_us_) {
        pause(static_cast<int>(watch_us_ - since));
        continue;
      }
    }
    bool dropped = false;
    int got = readLocked(dropped);
    if (got > 0) {
      if (dropped && !stopping) {
        pause(queue_full_pause_us_);
        continue;
      }
      // The socket had less than a batch: let more arrive before the next read, so a busy
      // socket costs one wake-up per many datagrams. The fuller the read, the shorter the
      // wait: a burst (a sender catching up) is read back to back. With worker reads, the
      // wait is the watch at the top of the loop.
      const size_t cap = headers_.size();
      if (static_cast<size_t>(got) < cap && !stopping && !worker_reads_) {
        pause(static_cast<int>(static_cast<size_t>(coalesce_us_) * (cap - static_cast<size_t>(got)) / cap));
      }
      continue;
    }
    if (got < 0) {
      ctx_.stats->add(errors_stat);
      spdlog::error("dogstatsd: error reading packet on {}: {}", description_, std::strerror(errno));
    }
    // Nothing waiting: when stopping, the socket is drained.
    pollKernelDrops();
    if (stopping) break;
    pollfd fds[2] = {{fd_.get(), POLLIN, 0}, {wakeup_.fd(), POLLIN, 0}};
    ::poll(fds, 2, -1);
  }
}

}  // namespace ddsim::dogstatsd
