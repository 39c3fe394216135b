// libFuzzer target: arbitrary bytes through the DogStatsD worker pipeline (framing, parser,
// enrichment, batching) with option sets chosen by the first byte. The sink reads every byte
// of every view it is given, so a dangling or out-of-bounds view is an ASan report.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "core/dogstatsd/number_parse.h"
#include "core/dogstatsd/packet_processor.h"
#include "core/dogstatsd/parser.h"

namespace {

using namespace ddsim;

class TouchingSink final : public metrics::SampleSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> s, double) override { touch(s); }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    for (const auto& m : s) {
      if (!(m.timestamp > 0)) std::abort();  // only timestamped samples take this path
    }
    touch(s);
  }
  void addEvents(std::vector<metrics::Event>&& e) override {
    for (const auto& ev : e) {
      if (ev.title.empty()) std::abort();  // the agent rejects empty titles
      sum += ev.text.size() + ev.tags.size();
    }
  }
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& c) override {
    for (const auto& sc : c) {
      if (sc.check_name.empty()) std::abort();
      if (static_cast<int>(sc.status) < 0 || static_cast<int>(sc.status) > 3) std::abort();
    }
  }
  uint64_t sum = 0;

 private:
  static uint64_t bytesOf(std::string_view v) {
    uint64_t h = 0;
    for (char c : v) h += static_cast<unsigned char>(c);
    return h;
  }
  void touch(std::span<const metrics::MetricSample> s) {
    if (s.empty() || s.size() > 32) std::abort();  // batches of at most 32 (spec §3.1)
    for (const auto& m : s) {
      if (m.name.empty()) std::abort();
      sum += bytesOf(m.name) + bytesOf(m.host) + bytesOf(m.raw_value);
      for (auto t : m.tags) sum += bytesOf(t);
    }
  }
};

dogstatsd::ProcessorOptions optionsFor(uint8_t selector) {
  dogstatsd::ProcessorOptions o;
  o.parser.reject_absurd_values = selector & 1;
  o.parser.origin_detection_client = selector & 2;
  o.parser.read_timestamps = !(selector & 4);
  if (selector & 8) o.eol_required = {"udp", "uds"};
  if (selector & 16) {
    o.enrich.metric_namespace = "ns";
    o.enrich.metric_blocklist = {"ns.blocked", "b"};
    o.enrich.metric_blocklist_match_prefix = selector & 32;
  }
  if (selector & 64) {
    o.enrich.extra_tags = {"env:fuzz", "a", "a"};
    o.enrich.histogram_copy_to_distribution = true;
    o.enrich.histogram_copy_to_distribution_prefix = "dist.";
  }
  if (selector & 128) {
    o.sample_batch_size = 3;
    o.string_interner_size = 2;
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  // The worker with its context cache and without must see the same samples (issue 15).
  const auto run = [&](size_t cache_bytes) {
    TouchingSink sink;
    dogstatsd::ProcessorOptions o = optionsFor(selector);
    o.context_cache_bytes = cache_bytes;
    dogstatsd::PacketProcessor processor(o, sink);
    // The whole input as one packet, then split at NUL bytes into several packets of one batch.
    processor.process(input, dogstatsd::Transport::kUdp, 1700000000);
    processor.flush();
    size_t start = 0;
    while (start <= input.size()) {
      size_t end = input.find('\0', start);
      if (end == std::string_view::npos) end = input.size();
      processor.process(input.substr(start, end - start), dogstatsd::Transport::kUds, 1700000001);
      start = end + 1;
    }
    processor.flush();
    return std::make_pair(sink.sum, processor.counters().get(dogstatsd::Stat::kMetricPackets));
  };
  if (run(dogstatsd::ProcessorOptions{}.context_cache_bytes) != run(0)) std::abort();

  // The parser on its own: every error has a name; accepted metrics have a name.
  dogstatsd::Parser parser(optionsFor(selector).parser);
  dogstatsd::TagArena arena(input.size() + 1);
  dogstatsd::ParsedMetric m;
  auto err = parser.parseMetric(input, arena, m);
  if (dogstatsd::parseErrorName(err).empty()) std::abort();
  if (err == dogstatsd::ParseError::kNone && m.name.empty()) std::abort();
  arena.reset();
  dogstatsd::ParsedEvent e;
  if (parser.parseEvent(input, arena, e) == dogstatsd::ParseError::kNone && e.title.empty()) {
    std::abort();
  }
  arena.reset();
  dogstatsd::ParsedServiceCheck sc;
  (void)parser.parseServiceCheck(input, arena, sc);

  // Differential check of the decimal fast path: plain "[+-]digits[.digits]" must parse to
  // exactly what strtod gives.
  if (input.size() <= 64 && !input.empty()) {
    bool plain = true;
    bool digit = false;
    int dots = 0;
    for (size_t i = 0; i < input.size(); ++i) {
      const char c = input[i];
      if (c >= '0' && c <= '9') digit = true;
      else if (c == '.') ++dots;
      else if (!(i == 0 && (c == '+' || c == '-'))) plain = false;
    }
    if (plain && digit && dots <= 1) {
      double v = 0;
      if (!dogstatsd::parseGoFloat(input, &v)) std::abort();
      const std::string copy(input);
      const double want = std::strtod(copy.c_str(), nullptr);
      if (!(v == want || (std::isnan(v) && std::isnan(want)))) std::abort();
    }
  }
  return 0;
}
