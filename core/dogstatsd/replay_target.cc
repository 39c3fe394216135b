// The replay targets: UDP, Unix datagram, Unix stream, in-process.
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/dogstatsd/number_parse.h"
#include "core/dogstatsd/packet_batch.h"
#include "core/dogstatsd/packet_processor.h"
#include "core/dogstatsd/replay.h"
#include "core/dogstatsd/socket_util.h"

namespace ddsim::dogstatsd {
namespace {

class SocketTarget final : public ReplayTarget {
 public:
  SocketTarget(Fd fd, bool framed, std::string description)
      : fd_(std::move(fd)), framed_(framed), description_(std::move(description)) {}

  common::Status send(std::string_view payload) override {
    if (!framed_) {
      if (::send(fd_.get(), payload.data(), payload.size(), MSG_NOSIGNAL) < 0) {
        return common::unavailable(description_ + ": " + std::strerror(errno));
      }
      return common::Status::ok();
    }
    // dogstatsd_stream_socket framing: uint32 little-endian length, then the payload.
    char header[4];
    const auto n = static_cast<uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) header[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    iovec iov[2] = {{header, 4}, {const_cast<char*>(payload.data()), payload.size()}};
    size_t left = 4 + payload.size();
    while (left > 0) {
      msghdr m{};
      m.msg_iov = iov;
      m.msg_iovlen = 2;
      ssize_t w = ::sendmsg(fd_.get(), &m, MSG_NOSIGNAL);
      if (w < 0) {
        if (errno == EINTR) continue;
        return common::unavailable(description_ + ": " + std::strerror(errno));
      }
      left -= static_cast<size_t>(w);
      // Advance the iovecs past what was written.
      for (auto& v : iov) {
        size_t used = std::min(v.iov_len, static_cast<size_t>(w));
        v.iov_base = static_cast<char*>(v.iov_base) + used;
        v.iov_len -= used;
        w -= static_cast<ssize_t>(used);
      }
    }
    return common::Status::ok();
  }
  std::string describe() const override { return description_; }

 private:
  Fd fd_;
  bool framed_;
  std::string description_;
};

common::Result<std::pair<std::string, int>> splitHostPort(std::string_view hp) {
  std::string_view host;
  std::string_view port;
  if (!hp.empty() && hp[0] == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos || close + 1 >= hp.size() || hp[close + 1] != ':') {
      return common::invalidArgument("expected [HOST]:PORT, got \"" + std::string(hp) + "\"");
    }
    host = hp.substr(1, close - 1);
    port = hp.substr(close + 2);
  } else {
    size_t colon = hp.rfind(':');
    if (colon == std::string_view::npos) {
      return common::invalidArgument("expected HOST:PORT, got \"" + std::string(hp) + "\"");
    }
    host = hp.substr(0, colon);
    port = hp.substr(colon + 1);
  }
  auto p = parseGoInt(port);
  if (!p || *p < 1 || *p > 65535) {
    return common::invalidArgument("invalid port \"" + std::string(port) + "\"");
  }
  return std::make_pair(std::string(host), static_cast<int>(*p));
}

}  // namespace

common::Result<std::unique_ptr<ReplayTarget>> openReplayTarget(const std::string& url) {
  std::string_view u(url);
  if (u.starts_with("udp://")) {
    auto hp = splitHostPort(u.substr(6));
    if (!hp.isOk()) return common::invalidArgument("replay target " + url + ": " + hp.status().message());
    auto fd = connectUdpSocket(hp->first, hp->second);
    if (!fd.isOk()) return fd.status();
    return std::unique_ptr<ReplayTarget>(new SocketTarget(std::move(fd).value(), false, url));
  }
  const bool stream = u.starts_with("unixstream://");
  if (stream || u.starts_with("unix://")) {
    std::string path(u.substr(stream ? 13 : 7));
    if (path.empty() || path[0] != '/') {
      return common::invalidArgument("replay target " + url + ": expected an absolute path, as in unix:///path");
    }
    auto fd = connectUnixSocket(path, stream ? SOCK_STREAM : SOCK_DGRAM);
    if (!fd.isOk()) return fd.status();
    return std::unique_ptr<ReplayTarget>(new SocketTarget(std::move(fd).value(), stream, url));
  }
  return common::invalidArgument("unknown replay target \"" + url +
                                 "\" (expected udp://HOST:PORT, unix:///path, unixstream:///path or inproc)");
}

struct InprocReplayTarget::Impl {
  Impl(metrics::SampleSink& sink, const ProcessorOptions& o, const common::Clock& c)
      : processor(o, sink), clock(c), batch(32) {}
  void processBatch() {
    if (batch.empty()) return;
    const double now = common::toUnixSeconds(clock.systemNow());
    for (size_t i = 0; i < batch.size(); ++i) processor.process(batch.packet(i), Transport::kInproc, now);
    processor.flush();
    batch.clear();
  }
  PacketProcessor processor;
  const common::Clock& clock;
  PacketBatch batch;
};

InprocReplayTarget::InprocReplayTarget(metrics::SampleSink& sink, const ProcessorOptions& options,
                                       const common::Clock& clock)
    : impl_(std::make_unique<Impl>(sink, options, clock)) {}

InprocReplayTarget::~InprocReplayTarget() = default;

common::Status InprocReplayTarget::send(std::string_view payload) {
  impl_->batch.append(payload);  // never full here: a full batch is processed at once
  if (impl_->batch.full()) impl_->processBatch();
  return common::Status::ok();
}

void InprocReplayTarget::finish() { impl_->processBatch(); }

const ProcessorCounters& InprocReplayTarget::counters() const { return impl_->processor.counters(); }

}  // namespace ddsim::dogstatsd
