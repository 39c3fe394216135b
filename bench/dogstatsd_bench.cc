// DogStatsD intake benchmarks (issue 6): parsing alone, parsing into the aggregator's
// TimeSampler, and end-to-end UDP ingest over loopback.
#include <benchmark/benchmark.h>
#include <sys/socket.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/aggregator/tag_store.h"
#include "core/aggregator/time_sampler.h"
#include "core/dogstatsd/packet_processor.h"
#include "core/dogstatsd/server.h"
#include "core/dogstatsd/socket_util.h"
#include "core/common/clock.h"

namespace ddsim::dogstatsd {
namespace {

// Counts what it is given and keeps nothing. Thread-safe.
class CountingSink final : public metrics::SampleSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> s, double) override {
    samples.fetch_add(s.size(), std::memory_order_relaxed);
  }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    samples.fetch_add(s.size(), std::memory_order_relaxed);
  }
  void addEvents(std::vector<metrics::Event>&&) override {}
  void addServiceChecks(std::vector<metrics::ServiceCheck>&&) override {}
  std::atomic<uint64_t> samples{0};
};

// Feeds every sample into one TimeSampler, as a pipeline shard does.
class TimeSamplerSink final : public metrics::SampleSink {
 public:
  TimeSamplerSink() : store_(true), sampler_(0, aggregator::TimeSamplerOptions{}, &store_) {}
  void addSamples(std::span<const metrics::MetricSample> s, double now) override {
    for (const auto& m : s) sampler_.sample(m, now);
  }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    for (const auto& m : s) sampler_.sample(m, 0);
  }
  void addEvents(std::vector<metrics::Event>&&) override {}
  void addServiceChecks(std::vector<metrics::ServiceCheck>&&) override {}
  aggregator::TimeSampler& sampler() { return sampler_; }

 private:
  aggregator::TagStore store_;
  aggregator::TimeSampler sampler_;
};

struct Traffic {
  std::vector<std::string> packets;
  size_t lines = 0;
  size_t bytes = 0;
};

// `contexts` distinct contexts (name x first tag), one line each, `tags` tags per line, types
// cycling gauge / counter / histogram / distribution, every 8th line sampled; packed into
// packets of at most `max_bytes` bytes as a buffering client does.
Traffic makeTraffic(int tags, int contexts, size_t max_bytes) {
  static const char* kTypes[] = {"g", "c", "h", "d"};
  Traffic t;
  std::string cur;
  for (int i = 0; i < contexts; ++i) {
    std::string line = "app.service.metric" + std::to_string(i % 100) + ":" +
                       std::to_string(i % 1000) + "." + std::to_string(i % 7) + "|" + kTypes[i % 4];
    if (i % 8 == 0) line += "|@0.5";
    line += "|#ctx:" + std::to_string(i / 100);
    for (int k = 1; k < tags; ++k) {
      line += ",tag" + std::to_string(k) + ":value" + std::to_string((i / (k + 1)) % 20);
    }
    if (!cur.empty() && cur.size() + line.size() + 1 > max_bytes) {
      t.packets.push_back(cur);
      t.bytes += cur.size();
      cur.clear();
    }
    cur += line;
    cur += '\n';
    ++t.lines;
  }
  if (!cur.empty()) {
    t.bytes += cur.size();
    t.packets.push_back(cur);
  }
  return t;
}

void setLineCounters(benchmark::State& state, const Traffic& t) {
  const auto iters = static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.lines));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * t.bytes));
  state.counters["lines_per_s"] = benchmark::Counter(iters * static_cast<double>(t.lines),
                                                     benchmark::Counter::kIsRate);
  state.counters["bytes_per_line"] = static_cast<double>(t.bytes) / static_cast<double>(t.lines);
}

void BM_DogStatsD_Parse(benchmark::State& state) {
  const Traffic t = makeTraffic(static_cast<int>(state.range(0)), 10000, 8192);
  CountingSink sink;
  PacketProcessor proc(ProcessorOptions{}, sink);
  for (auto _ : state) {
    for (const auto& p : t.packets) proc.process(p, Transport::kUdp, 1700000000);
    proc.flush();
  }
  setLineCounters(state, t);
  state.counters["parse_errors"] = static_cast<double>(proc.counters().get(Stat::kMetricParseErrors));
}
BENCHMARK(BM_DogStatsD_Parse)->ArgNames({"tags"})->Arg(1)->Arg(4)->Arg(16);

void BM_DogStatsD_ParseAndAggregate(benchmark::State& state) {
  const int contexts = static_cast<int>(state.range(1));
  const Traffic t = makeTraffic(static_cast<int>(state.range(0)), contexts, 8192);
  TimeSamplerSink sink;
  PacketProcessor proc(ProcessorOptions{}, sink);
  double now = 1700000000;
  std::vector<metrics::Serie> series;
  std::vector<metrics::SketchSeries> sketches;
  // Each context gets kSamplesPerBucket samples per 10 s bucket (at 5M lines/s over 10k
  // contexts a live bucket would see ~5000); closed buckets are flushed outside the timing.
  constexpr int kSamplesPerBucket = 50;
  int in_bucket = 0;
  for (auto _ : state) {
    for (const auto& p : t.packets) proc.process(p, Transport::kUdp, now);
    proc.flush();
    if (++in_bucket == kSamplesPerBucket) {
      state.PauseTiming();
      in_bucket = 0;
      now += 10;
      sink.sampler().flush(now, series, sketches);
      series.clear();
      sketches.clear();
      state.ResumeTiming();
    }
  }
  setLineCounters(state, t);
  state.counters["contexts"] = static_cast<double>(sink.sampler().contextCount());
}
BENCHMARK(BM_DogStatsD_ParseAndAggregate)
    ->ArgNames({"tags", "contexts"})
    ->Args({1, 10000})
    ->Args({4, 10000})
    ->Args({16, 10000})
    ->Args({1, 1000})
    ->Args({4, 1000})
    ->Args({16, 1000})
    ->Args({4, 50000});  // past PacketProcessor::kGuessFromEntries: the lookahead is on

// A DogStatsD server on 127.0.0.1:0 with one worker counting samples, and a client socket
// with the packets of `t` ready for sendmmsg.
struct UdpRig {
  explicit UdpRig(const Traffic& t) : server(options(), sink) {
    ok = server.start().isOk();
    if (!ok) return;
    auto c = connectUdpSocket("127.0.0.1", server.udpPort());
    ok = c.isOk();
    if (!ok) return;
    fd = std::move(c).value();
    msgs.resize(t.packets.size());
    iov.resize(t.packets.size());
    for (size_t i = 0; i < t.packets.size(); ++i) {
      iov[i] = {const_cast<char*>(t.packets[i].data()), t.packets[i].size()};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
  }
  static ServerOptions options() {
    ServerOptions o;
    o.port = ServerOptions::kRandomPort;
    o.bind_host = "127.0.0.1";
    o.socket_path = "";
    o.workers_count = 1;
    o.so_rcvbuf = 64 << 20;  // above rmem_max: applied with SO_RCVBUFFORCE when root
    return o;
  }
  // Sends packets [from, to) in sendmmsg calls of up to 64.
  void send(size_t from, size_t to) {
    while (from < to) {
      const unsigned n = static_cast<unsigned>(std::min<size_t>(64, to - from));
      int r = ::sendmmsg(fd.get(), msgs.data() + from, n, 0);
      if (r > 0) from += static_cast<size_t>(r);
    }
  }
  // Waits until every datagram sent was read or dropped by the kernel, and parsed.
  void drain(uint64_t sent) {
    const auto& st = server.stats();
    // Every datagram sent is read or dropped by the kernel, and every one read is processed or
    // dropped at the full packet queue (an overloaded open-loop run waited forever without it).
    while (st.get(NetStat::kUdpPackets) + st.get(NetStat::kKernelDrops) < sent ||
           st.get(Stat::kPackets) + st.get(NetStat::kQueueFullPackets) < st.get(NetStat::kUdpPackets)) {
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  }
  void report(benchmark::State& state, const Traffic& t, double lines_sent) {
    server.stop();
    const auto& st = server.stats();
    const double lines_parsed = static_cast<double>(st.get(Stat::kMetricPackets));
    state.SetItemsProcessed(static_cast<int64_t>(lines_parsed));
    state.SetBytesProcessed(static_cast<int64_t>(st.get(NetStat::kUdpBytes)));
    state.counters["lines_per_s"] = benchmark::Counter(lines_parsed, benchmark::Counter::kIsRate);
    state.counters["packets_per_s"] =
        benchmark::Counter(static_cast<double>(st.get(NetStat::kUdpPackets)), benchmark::Counter::kIsRate);
    state.counters["loss_pct"] = lines_sent > 0 ? 100.0 * (lines_sent - lines_parsed) / lines_sent : 0;
    state.counters["kernel_drops"] = static_cast<double>(st.get(NetStat::kKernelDrops));
    state.counters["lines_per_packet"] =
        static_cast<double>(t.lines) / static_cast<double>(t.packets.size());
  }

  CountingSink sink;
  DogStatsdServer server;
  Fd fd;
  std::vector<mmsghdr> msgs;
  std::vector<iovec> iov;
  bool ok = false;
};

// End to end over loopback, closed loop: this thread sends one round of packets with
// sendmmsg and waits until the server (a reader thread and one worker) has read and parsed
// them: the throughput the intake sustains without loss.
void BM_DogStatsD_UdpIngest(benchmark::State& state) {
  const Traffic t = makeTraffic(4, 10000, static_cast<size_t>(state.range(0)));
  UdpRig rig(t);
  if (!rig.ok) {
    state.SkipWithError("cannot start the server or connect to it");
    return;
  }
  uint64_t sent = 0;
  for (auto _ : state) {
    rig.send(0, rig.msgs.size());
    sent += rig.msgs.size();
    rig.drain(sent);
  }
  rig.report(state, t, static_cast<double>(state.iterations()) * static_cast<double>(t.lines));
}
BENCHMARK(BM_DogStatsD_UdpIngest)->ArgNames({"packet_bytes"})->Arg(1432)->Arg(8192)->UseRealTime();

// Open loop: the sender keeps a fixed offered rate (millions of lines per second) whether or
// not the server keeps up; what the server could not take shows up as loss.
void BM_DogStatsD_UdpIngestOpenLoop(benchmark::State& state) {
  const Traffic t = makeTraffic(4, 10000, 8192);
  const double rate = static_cast<double>(state.range(0)) * 1e6;  // lines per second
  UdpRig rig(t);
  if (!rig.ok) {
    state.SkipWithError("cannot start the server or connect to it");
    return;
  }
  const auto& clock = common::SystemClock::instance();
  const double lines_per_packet = static_cast<double>(t.lines) / static_cast<double>(t.packets.size());
  const auto start = clock.steadyNow();
  double lines_sent = 0;
  uint64_t packets_sent = 0;
  for (auto _ : state) {
    for (size_t from = 0; from < rig.msgs.size(); from += 16) {
      const size_t to = std::min(rig.msgs.size(), from + 16);
      // Pace: chunk k leaves when the offered rate says so.
      const auto due = start + common::fromSeconds(lines_sent / rate);
      while (clock.steadyNow() < due) {
      }
      rig.send(from, to);
      packets_sent += to - from;
      lines_sent += static_cast<double>(to - from) * lines_per_packet;
    }
  }
  rig.drain(packets_sent);
  state.counters["offered_lines_per_s"] = rate;
  // Every iteration sends every packet: the exact line count, not the paced estimate.
  rig.report(state, t, static_cast<double>(state.iterations()) * static_cast<double>(t.lines));
}
BENCHMARK(BM_DogStatsD_UdpIngestOpenLoop)->ArgNames({"offered_mlines"})->Arg(2)->Arg(4)->UseRealTime();

}  // namespace
}  // namespace ddsim::dogstatsd
