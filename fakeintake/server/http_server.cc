#include "fakeintake/server/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/common/allocator.h"
#include "core/common/process_stats.h"
#include "fakeintake/core/options.h"
#include "fakeintake/handler/intake_handler.h"
#include "fakeintake/server/http_request_reader.h"
#include "fakeintake/server/request_framing.h"
#include "fakeintake/server/socket_stream.h"

namespace ddsim::fakeintake {

namespace {

struct Conn {
  int fd = -1;
  std::string peer;          // "ip:port"
  size_t served = 0;         // requests answered on this connection
  std::string pending;       // response bytes still to write (a delayed answer)
  bool close_after = false;  // close once `pending` is written
  std::string inbuf;         // bytes of a request not yet complete, read by the reactor
  common::SteadyTime request_start{};  // when `inbuf` got its first byte
  bool continue_sent = false;          // the reactor answered "100 Continue" for it
  size_t held = 0;  // bytes this connection counts in the bodies budget while with the reactor
};

bool isControlPath(std::string_view path) {
  return path == "/metrics" || path == "/fakeintake" || path.rfind("/fakeintake/", 0) == 0;
}

std::string peerOf(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    port = ntohs(a->sin6_port);
  } else {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
    port = ntohs(a->sin_port);
  }
  return std::string(ip) + ":" + std::to_string(port);
}

// A counting gate without a stop problem: what runs under it (handler.handle) is bounded.
class Slots {
 public:
  explicit Slots(size_t n) : free_(n) {}
  void acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t free_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(IntakeHandler& h, ServerOptions o)
      : handler(h), options(std::move(o)), intake_slots(std::max<size_t>(1, options.threads)) {}

  IntakeHandler& handler;
  const ServerOptions options;
  Slots intake_slots;
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  int port = 0;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;  // reactor inbox signal (drained)
  int stop_fd = -1;  // readable once stopping (never drained): cuts every socket wait short
  std::thread reactor;
  std::thread ticker;
  std::mutex tick_mu;
  std::condition_variable tick_cv;

  // Worker pool (grows on demand up to max_workers).
  std::mutex pool_mu;
  std::condition_variable pool_cv;
  std::deque<Conn> queue;
  std::vector<std::thread> workers;
  size_t idle_workers = 0;

  // Reactor inbox: connections handed back by workers.
  enum class Hand { kIdle, kPark, kDelay };
  struct Handoff {
    Hand kind;
    Conn conn;
    common::SteadyTime when;
  };
  std::mutex inbox_mu;
  std::vector<Handoff> inbox;

  // Reactor-thread state.
  struct Idle {
    Conn conn;
    common::SteadyTime deadline;
  };
  std::unordered_map<int, Idle> idle;
  std::multimap<common::SteadyTime, int> idle_deadlines;  // may hold stale entries
  std::multimap<common::SteadyTime, Conn> parked;
  std::multimap<common::SteadyTime, Conn> delayed;
  std::atomic<size_t> open_connections{0};
  std::atomic<size_t> inflight_body_bytes{0};
  std::atomic<size_t> parked_count{0};
  std::atomic<size_t> worker_count{0};

  void count(std::string_view reason) { handler.countTransportEvent(reason); }

  // Bytes held by the reactor for requests not yet complete count against the bodies budget.
  void dropBuffered(Conn& c) {
    inflight_body_bytes -= c.held;
    c.held = 0;
    c.inbuf.clear();
    c.inbuf.shrink_to_fit();
  }

  RequestLimits requestLimits() const {
    RequestLimits limits;
    limits.max_header_bytes = options.max_header_bytes;
    limits.max_body_bytes = handler.options().max_body_bytes;
    return limits;
  }

  void closeConn(Conn& c, bool after_error = false) {
    dropBuffered(c);
    if (c.fd < 0) return;
    after_error ? closeAfterError(c.fd) : closeSocket(c.fd);
    c.fd = -1;
    --open_connections;
  }
  void resetConn(Conn& c) {
    dropBuffered(c);
    if (c.fd < 0) return;
    resetSocket(c.fd);
    c.fd = -1;
    --open_connections;
  }

  // --- worker side ---------------------------------------------------------------------------

  void submit(Conn c) {
    std::lock_guard lock(pool_mu);
    if (stopping) {
      closeConn(c);
      return;
    }
    queue.push_back(std::move(c));
    if (idle_workers >= queue.size()) {
      pool_cv.notify_one();
    } else if (workers.size() < std::max<size_t>(1, options.max_workers)) {
      workers.emplace_back([this] {
        common::nameThisThread("intake-http");
        workerLoop();
      });
      ++worker_count;
    } else {
      pool_cv.notify_one();  // all busy: it waits in the queue, each worker's hold is bounded
    }
  }

  void workerLoop() {
    std::unique_lock lock(pool_mu);
    for (;;) {
      ++idle_workers;
      pool_cv.wait(lock, [&] { return stopping || !queue.empty(); });
      --idle_workers;
      if (queue.empty()) return;  // stopping
      Conn c = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      if (stopping) {
        closeConn(c);
      } else {
        serveConnection(std::move(c));
      }
      lock.lock();
    }
  }

  void handOff(Hand kind, Conn c, common::SteadyTime when) {
    {
      std::lock_guard lock(inbox_mu);
      inbox.push_back({kind, std::move(c), when});
    }
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
  }

  IntakeResponse dispatch(IntakeRequest req) {
    if (isControlPath(req.path)) return handler.handle(std::move(req));
    intake_slots.acquire();
    IntakeResponse r = handler.handle(std::move(req));
    intake_slots.release();
    return r;
  }

  void serveConnection(Conn c) {
    SocketStream stream(c.fd, stop_fd, options.read_timeout, options.write_timeout);
    if (!c.pending.empty()) {
      bool ok = stream.writeAll(c.pending);
      c.pending.clear();
      if (!ok || c.close_after) return closeConn(c);
      return handOff(Hand::kIdle, std::move(c), {});
    }
    RequestLimits limits = requestLimits();
    // Bodies held at once are bounded: the reader asks before reading each body (or chunk).
    size_t reserved = 0;
    if (options.max_inflight_body_bytes > 0) {
      limits.admit_body = [this, &reserved](size_t n) {
        if (inflight_body_bytes.fetch_add(n) + n > options.max_inflight_body_bytes) {
          inflight_body_bytes -= n;
          count("inflight_bodies_over_limit");
          return false;
        }
        reserved += n;
        return true;
      };
    }
    RequestReader reader(stream, limits);
    if (!c.inbuf.empty()) {  // what the reactor read: the reader's admit_body counts it from here
      inflight_body_bytes -= std::exchange(c.held, 0);
      reader.prime(std::move(c.inbuf));
      c.inbuf.clear();
    }
    if (std::exchange(c.continue_sent, false)) reader.continueAlreadySent();
    for (;;) {
      stream.setDeadline(serverNow() + options.request_timeout);
      struct Release {
        std::atomic<size_t>& inflight;
        size_t& reserved;
        void now() {
          inflight -= reserved;
          reserved = 0;
        }
        ~Release() { now(); }
      } release{inflight_body_bytes, reserved};
      ReadOutcome out = reader.next();
      if (out.kind == ReadOutcome::Kind::kClosed) return closeConn(c);
      if (out.kind == ReadOutcome::Kind::kError) {
        count("http_" + std::to_string(out.error_status));
        stream.writeAll(errorResponse(out.error_status, out.error, handler.serverId()));
        return closeConn(c, true);
      }
      ++c.served;
      const bool keep = out.keep_alive && c.served < options.keep_alive_max_count && !stopping;
      out.request.remote_addr = c.peer;
      IntakeResponse resp = dispatch(std::move(out.request));
      release.now();
      switch (resp.connection) {
        case ConnectionAction::kReset: return resetConn(c);
        case ConnectionAction::kNeverAnswer:
          if (parked_count.load() >= options.max_parked) {
            count("parked_over_limit");
            return resetConn(c);
          }
          ++parked_count;
          return handOff(Hand::kPark, std::move(c), serverNow() + options.never_answer_max);
        case ConnectionAction::kAnswer: break;
      }
      // Pipelined requests after a delayed answer are not served (the connection closes).
      const bool keep_after = keep && !(resp.latency.count() > 0 && reader.hasBuffered());
      std::string bytes = serializeResponse(resp, keep_after, out.head_only);
      if (resp.latency.count() > 0) {
        c.pending = std::move(bytes);
        c.close_after = !keep_after;
        return handOff(Hand::kDelay, std::move(c),
                       serverNow() + std::chrono::duration_cast<std::chrono::milliseconds>(resp.latency));
      }
      if (!stream.writeAll(bytes) || !keep_after) return closeConn(c);
      // A following request is served here only when it is already whole; its start, if any,
      // goes back to the reactor with the connection (a worker never waits on a slow client).
      if (frameRequest(reader.unread(), limits).kind == Framing::Kind::kIncomplete) {
        c.inbuf = reader.takeUnread();
        c.held = c.inbuf.size();
        inflight_body_bytes += c.held;
        if (!c.inbuf.empty()) c.request_start = serverNow();
        return handOff(Hand::kIdle, std::move(c), {});
      }
    }
  }

  // --- reactor side --------------------------------------------------------------------------

  void addIdle(Conn c, common::SteadyTime now) {
    const int fd = c.fd;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      closeConn(c);
      return;
    }
    const auto deadline = c.inbuf.empty() ? now + options.keep_alive_timeout : partialDeadline(c, now);
    idle[fd] = Idle{std::move(c), deadline};
    idle_deadlines.emplace(deadline, fd);
  }

  // A request under way: the next byte within read_timeout, the whole within request_timeout.
  common::SteadyTime partialDeadline(const Conn& c, common::SteadyTime now) const {
    return std::min(now + options.read_timeout, c.request_start + options.request_timeout);
  }

  // The reactor's read of a readable connection (never blocks). Returns true when the
  // connection stays with the reactor; false when it was handed to a worker or closed.
  bool readReady(int fd, Idle& entry, common::SteadyTime now) {
    Conn& c = entry.conn;
    const bool was_empty = c.inbuf.empty();
    bool peer_closed = false;
    size_t got_now = 0;
    char tmp[64 * 1024];
    while (got_now < (1u << 20)) {  // at most 1 MiB per wake-up: others get their turn
      const ssize_t n = ::recv(fd, tmp, sizeof tmp, MSG_DONTWAIT);
      if (n > 0) {
        c.inbuf.append(tmp, static_cast<size_t>(n));
        got_now += static_cast<size_t>(n);
        continue;
      }
      if (n == 0) peer_closed = true;
      else if (errno == EINTR) continue;
      else if (errno != EAGAIN && errno != EWOULDBLOCK) peer_closed = true;
      break;
    }
    if (was_empty && !c.inbuf.empty()) c.request_start = now;
    const RequestLimits limits = requestLimits();
    Framing f = frameRequest(c.inbuf, limits);
    // The bodies budget holds what the connection buffered, and from its head on the whole
    // declared body (admitted as soon as it is announced, as the worker's reader does). Over the
    // budget, a worker's reader answers 503 with Retry-After.
    bool over_budget = false;
    size_t need = c.inbuf.size();
    if (f.head_length > 0 && f.kind != Framing::Kind::kHandOver) {
      need = std::max<size_t>(need, f.head_length + static_cast<size_t>(f.content_length));
    }
    if (need > c.held) {
      const size_t more = need - c.held;
      const size_t total = inflight_body_bytes.fetch_add(more) + more;
      if (options.max_inflight_body_bytes > 0 && total > options.max_inflight_body_bytes) {
        inflight_body_bytes -= more;
        over_budget = true;
      } else {
        c.held = need;
      }
    }
    if (f.kind == Framing::Kind::kIncomplete && !over_budget) {
      if (peer_closed) {  // the peer went away in the middle of (or before) a request
        ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
        closeConn(c);
        idle.erase(fd);
        return false;
      }
      if (f.awaits_continue && !c.continue_sent) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        c.continue_sent = ::send(fd, kContinue.data(), kContinue.size(), MSG_DONTWAIT | MSG_NOSIGNAL) ==
                          static_cast<ssize_t>(kContinue.size());
      }
      if (!c.inbuf.empty()) {
        entry.deadline = partialDeadline(c, now);
        idle_deadlines.emplace(entry.deadline, fd);
      }
      return true;
    }
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    Conn out = std::move(c);
    idle.erase(fd);
    submit(std::move(out));
    return false;
  }

  void acceptAll(common::SteadyTime now) {
    for (;;) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE) {
          count("accept_no_descriptors");
          spdlog::warn("fakeintake: accept: out of file descriptors");
        }
        return;
      }
      if (open_connections.load() >= options.max_connections) {
        count("connections_over_limit");
        resetSocket(fd);
        continue;
      }
      ++open_connections;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      addIdle(Conn{fd, peerOf(ss), 0, {}, false}, now);
    }
  }

  void drainInbox(common::SteadyTime now) {
    uint64_t v = 0;
    [[maybe_unused]] auto n = ::read(wake_fd, &v, sizeof v);
    std::vector<Handoff> items;
    {
      std::lock_guard lock(inbox_mu);
      items.swap(inbox);
    }
    for (auto& h : items) {
      switch (h.kind) {
        case Hand::kIdle: addIdle(std::move(h.conn), now); break;
        case Hand::kPark: parked.emplace(h.when, std::move(h.conn)); break;
        case Hand::kDelay: delayed.emplace(h.when, std::move(h.conn)); break;
      }
    }
  }

  void expire(common::SteadyTime now) {
    while (!idle_deadlines.empty() && idle_deadlines.begin()->first <= now) {
      auto [deadline, fd] = *idle_deadlines.begin();
      idle_deadlines.erase(idle_deadlines.begin());
      auto it = idle.find(fd);
      if (it == idle.end() || it->second.deadline != deadline) continue;  // stale
      ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
      if (!it->second.conn.inbuf.empty()) count("incomplete_request_timeout");
      closeConn(it->second.conn);
      idle.erase(it);
    }
    while (!parked.empty() && parked.begin()->first <= now) {
      resetConn(parked.begin()->second);
      parked.erase(parked.begin());
      --parked_count;
    }
    while (!delayed.empty() && delayed.begin()->first <= now) {
      Conn c = std::move(delayed.begin()->second);
      delayed.erase(delayed.begin());
      submit(std::move(c));  // a worker writes it (bounded by write_timeout)
    }
  }

  int nextWaitMs(common::SteadyTime now) const {
    common::SteadyTime next = now + std::chrono::seconds(1);
    if (!idle_deadlines.empty()) next = std::min(next, idle_deadlines.begin()->first);
    if (!parked.empty()) next = std::min(next, parked.begin()->first);
    if (!delayed.empty()) next = std::min(next, delayed.begin()->first);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    return static_cast<int>(std::clamp<int64_t>(ms + 1, 0, 1000));
  }

  void reactorLoop() {
    epoll_event events[256];
    while (!stopping) {
      int n = ::epoll_wait(epoll_fd, events, 256, nextWaitMs(serverNow()));
      const common::SteadyTime now = serverNow();
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == listen_fd) {
          acceptAll(now);
        } else if (fd == wake_fd) {
          drainInbox(now);
        } else if (auto it = idle.find(fd); it != idle.end()) {
          readReady(fd, it->second, now);  // a whole request goes to a worker; a part stays
        }
      }
      expire(now);
    }
    drainInbox(serverNow());
    for (auto& [fd, entry] : idle) closeConn(entry.conn);
    idle.clear();
    for (auto& [t, c] : parked) resetConn(c);
    parked.clear();
    parked_count = 0;
    for (auto& [t, c] : delayed) resetConn(c);
    delayed.clear();
  }
};

HttpServer::HttpServer(IntakeHandler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

common::Result<int> HttpServer::start() {
  Impl& im = *impl_;
  if (im.started.exchange(true)) return common::failedPrecondition("fakeintake server already started");
  int port = 0;
  auto fd = listenTcp(im.options.host, im.options.port, im.options.backlog, port);
  if (!fd.isOk()) {
    im.started = false;
    return fd.status();
  }
  im.listen_fd = *fd;
  im.port = port;
  im.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  im.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  im.stop_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  for (int f : {im.listen_fd, im.wake_fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = f;
    ::epoll_ctl(im.epoll_fd, EPOLL_CTL_ADD, f, &ev);
  }
  im.reactor = std::thread([&im] {
    common::nameThisThread("intake-reactor");
    im.reactorLoop();
  });
  im.ticker = std::thread([&im] {
    std::unique_lock lock(im.tick_mu);
    while (!im.tick_cv.wait_for(lock, im.options.tick_interval, [&] { return im.stopping.load(); })) {
      lock.unlock();
      im.handler.tick(im.handler.clock().systemNow());
      // Freed answers and bodies go back to the system instead of staying in the allocator's
      // arenas (what made the process "settle" far above its cap after queries).
      if (im.options.trim_memory) common::releaseFreeMemory();
      lock.lock();
    }
  });
  return port;
}

void HttpServer::stop() {
  Impl& im = *impl_;
  if (!im.started) return;
  {
    std::lock_guard lock(im.tick_mu);
    if (im.stopping.exchange(true)) return;
  }
  im.tick_cv.notify_all();
  uint64_t one = 1;
  [[maybe_unused]] auto a = ::write(im.stop_fd, &one, sizeof one);
  [[maybe_unused]] auto b = ::write(im.wake_fd, &one, sizeof one);
  if (im.reactor.joinable()) im.reactor.join();
  ::close(im.listen_fd);
  {
    std::lock_guard lock(im.pool_mu);
    im.pool_cv.notify_all();
  }
  // Workers finish the connection they hold (every wait is cut short by stop_fd).
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(im.pool_mu);
    workers.swap(im.workers);
  }
  for (auto& t : workers) t.join();
  for (auto& c : im.queue) im.closeConn(c);
  im.queue.clear();
  // Connections handed back after the reactor ended.
  for (auto& h : im.inbox) im.resetConn(h.conn);
  im.inbox.clear();
  if (im.ticker.joinable()) im.ticker.join();
  ::close(im.epoll_fd);
  ::close(im.wake_fd);
  ::close(im.stop_fd);
}

bool HttpServer::running() const { return impl_->started && !impl_->stopping; }

int HttpServer::port() const { return impl_->port; }

std::string HttpServer::url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port);
}

size_t HttpServer::parkedConnections() const { return impl_->parked_count.load(); }

size_t HttpServer::workerThreads() const { return impl_->worker_count.load(); }

}  // namespace ddsim::fakeintake
