#include "simulator/runner/sample_feed.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace ddsim::runner {

namespace {

int64_t countMessages(std::string_view packet) {
  int64_t n = 0;
  size_t start = 0;
  while (start <= packet.size()) {
    size_t end = packet.find('\n', start);
    if (end == std::string_view::npos) end = packet.size();
    if (end > start) ++n;
    start = end + 1;
  }
  return n;
}

void addCounters(const dogstatsd::ProcessorCounters& c, dogstatsd::ProcessorCounters& into) {
  for (size_t i = 0; i < c.stats.size(); ++i) into.stats[i] += c.stats[i];
  for (size_t i = 0; i < c.rejected.size(); ++i) into.rejected[i] += c.rejected[i];
}

}  // namespace

BatchParser::BatchParser(const dogstatsd::ProcessorOptions& options, const common::Clock& clock)
    : clock_(clock), processor_(options, target_) {}

void BatchParser::parse(std::string_view packet, SampleBatch& into) {
  parse(packet, common::toUnixSeconds(clock_.systemNow()), into);
}

void BatchParser::parse(std::string_view packet, double now, SampleBatch& into) {
  target_.batch = &into;
  into.holdPin(processor_.pinContextCache());  // before any sample: cached text is kept as views
  ++into.packets;
  into.messages += countMessages(packet);
  processor_.process(packet, dogstatsd::Transport::kInproc, now);
  processor_.flush();  // the batch holds copies: the packet may die now
  addCounters(processor_.takeCounters(), into.counters);
}

std::unique_ptr<BatchParser> SampleFeed::makeBatchParser() const {
  return std::make_unique<BatchParser>(options_.processor, clock_);
}

void SampleFeed::deliver(SampleBatch& batch) {
  packets_sent_ += batch.packets;
  messages_sent_ += batch.messages;
  if (!inproc_) {
    send_errors_.add("inproc_not_open", batch.packets);
    return;
  }
  batch.replayInto(held_ ? static_cast<metrics::SampleSink&>(*held_) : sink_);
  addCounters(batch.counters, inproc_counters_);
}

SampleFeed::SampleFeed(const dogstatsd::ServerOptions& options, const common::Clock& clock, SwitchableSink& sink,
                       bool deterministic)
    : options_(options), clock_(clock), sink_(sink), deterministic_(deterministic) {}

SampleFeed::~SampleFeed() { close(); }

common::Status SampleFeed::open(const std::set<scenario::SampleTransport>& transports) {
  using T = scenario::SampleTransport;
  const bool need_server = transports.count(T::kUdp) || transports.count(T::kUds) || transports.count(T::kUdsStream);
  if (transports.count(T::kInProcess)) {
    // Virtual time must repeat exactly: beside a socket transport, whose samples reach the sink
    // from the server's worker, in-process samples are held until sync() and handed over after
    // every packet sent on the sockets is parsed. Otherwise the two interleave in thread order
    // and contexts (and so the series in a payload) come in a different order on every run.
    if (deterministic_ && need_server) held_ = std::make_unique<SampleBatch>();
    metrics::SampleSink& target = held_ ? static_cast<metrics::SampleSink&>(*held_) : sink_;
    inproc_ = std::make_unique<dogstatsd::PacketProcessor>(options_.processor, target);
  }
  if (!need_server) return common::Status::ok();

  dogstatsd::ServerOptions so = options_;
  so.port = transports.count(T::kUdp) ? dogstatsd::ServerOptions::kRandomPort : 0;
  so.bind_host = "127.0.0.1";
  so.non_local_traffic = false;
  so.socket_path.clear();
  so.stream_socket_path.clear();
  if (transports.count(T::kUds) || transports.count(T::kUdsStream)) {
    char tmpl[] = "/tmp/ddsim-dsd-XXXXXX";
    if (!mkdtemp(tmpl)) return common::ioError("cannot create a temporary directory for the DogStatsD sockets");
    temp_dir_ = tmpl;
    if (transports.count(T::kUds)) so.socket_path = temp_dir_ + "/dsd.socket";
    if (transports.count(T::kUdsStream)) so.stream_socket_path = temp_dir_ + "/dsd-stream.socket";
  }
  if (so.so_rcvbuf == 0) so.so_rcvbuf = 32 << 20;  // generated bursts arrive faster than any client sends
  // A simulation measures the pipeline, not the intake's overload: readers wait for the workers
  // (the kernel buffer above holds the burst) instead of dropping at a full queue.
  so.queue_full_policy = dogstatsd::QueueFullPolicy::kBlock;
  // Virtual time must repeat exactly: one worker parses packets in the order they were sent,
  // so contexts are created (and series written) in the same order every run.
  if (deterministic_) so.workers_count = 1;
  server_ = std::make_unique<dogstatsd::DogStatsdServer>(so, sink_, clock_);
  if (auto st = server_->start(); !st.isOk()) return st;
  for (const auto& e : server_->listenerErrors()) spdlog::warn("dogstatsd listener: {}", e);
  auto connect = [](const std::string& url, std::unique_ptr<dogstatsd::ReplayTarget>& out) -> common::Status {
    auto t = dogstatsd::openReplayTarget(url);
    if (!t.isOk()) return t.status();
    out = std::move(t).value();
    return common::Status::ok();
  };
  if (transports.count(T::kUdp)) {
    if (auto st = connect("udp://127.0.0.1:" + std::to_string(server_->udpPort()), udp_); !st.isOk()) return st;
  }
  if (transports.count(T::kUds)) {
    if (auto st = connect("unix://" + so.socket_path, uds_); !st.isOk()) return st;
  }
  if (transports.count(T::kUdsStream)) {
    if (auto st = connect("unixstream://" + so.stream_socket_path, uds_stream_); !st.isOk()) return st;
  }
  return common::Status::ok();
}

void SampleFeed::send(scenario::SampleTransport transport, std::string_view packet) {
  using T = scenario::SampleTransport;
  ++packets_sent_;
  messages_sent_ += countMessages(packet);
  if (transport == T::kInProcess) {
    if (!inproc_) {
      send_errors_.add("inproc_not_open");
      return;
    }
    inproc_->process(packet, dogstatsd::Transport::kInproc, common::toUnixSeconds(clock_.systemNow()));
    // The processor keeps views into the packet until flush(): the packet dies with this call.
    inproc_->flush();
    addCounters(inproc_->takeCounters(), inproc_counters_);
    return;
  }
  dogstatsd::ReplayTarget* target = transport == T::kUdp ? udp_.get() : transport == T::kUds ? uds_.get() : uds_stream_.get();
  if (!target) {
    send_errors_.add("transport_not_open");
    return;
  }
  ++server_packets_sent_;
  if (auto st = target->send(packet); !st.isOk()) {
    send_errors_.add("socket_send");
    spdlog::debug("dogstatsd send: {}", st.message());
  }
}

int64_t SampleFeed::packetsAccountedByServer() const {
  if (!server_) return 0;
  const auto& s = server_->stats();
  return static_cast<int64_t>(s.get(dogstatsd::Stat::kPackets) + s.get(dogstatsd::NetStat::kKernelDrops) +
                              s.get(dogstatsd::NetStat::kQueueFullPackets));
}

bool SampleFeed::sync(common::Duration max_wait) {
  if (!server_) return true;
  for (auto* t : {udp_.get(), uds_.get(), uds_stream_.get()}) {
    if (t) t->finish();
  }
  const int64_t expected = server_packets_sent_ - send_errors_.get("socket_send");
  auto& real = common::SystemClock::instance();
  const auto deadline = real.steadyNow() + max_wait;
  bool synced = true;
  while (packetsAccountedByServer() < expected) {
    if (real.steadyNow() >= deadline) {
      synced = false;
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  releaseHeld();
  return synced;
}

void SampleFeed::releaseHeld() {
  if (!held_ || held_->empty()) return;
  held_->replayInto(sink_);
  held_->clear();
}

void SampleFeed::close() {
  udp_.reset();
  uds_.reset();
  uds_stream_.reset();
  if (server_) {
    server_->stop();
  }
  if (inproc_) inproc_->flush();
  releaseHeld();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
    temp_dir_.clear();
  }
}

common::TelemetrySnapshot SampleFeed::telemetry() const {
  common::TelemetrySnapshot s;
  if (server_) s = server_->telemetry();
  dogstatsd::appendToSnapshot(inproc_counters_, s);
  return s;
}

}  // namespace ddsim::runner
