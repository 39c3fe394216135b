// "Steady-state parsing allocates nothing per message" (issue 6): after a warm-up, processing
// the same kind of traffic again must not call operator new at all.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "core/dogstatsd/packet_processor.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

// The replacement pair is malloc/free on purpose; GCC cannot see that new and delete match.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace ddsim::dogstatsd {
namespace {

// A sink that looks at every view and keeps nothing.
class TouchingSink : public metrics::SampleSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> s, double) override { touch(s); }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    touch(s);
  }
  void addEvents(std::vector<metrics::Event>&&) override {}
  void addServiceChecks(std::vector<metrics::ServiceCheck>&&) override {}
  size_t bytes = 0;
  size_t samples = 0;

 private:
  void touch(std::span<const metrics::MetricSample> s) {
    for (const auto& m : s) {
      bytes += m.name.size() + m.host.size() + m.raw_value.size();
      for (auto t : m.tags) bytes += t.size();
      ++samples;
    }
  }
};

TEST(DsdAllocationTest, SteadyStateMetricParsingDoesNotAllocate) {
  std::string packet;
  for (int i = 0; i < 50; ++i) {
    std::string n = std::to_string(i % 10);
    packet += "svc.req" + n + ":1|c|@0.5|#env:prod,service:web,host:h" + n + ",version:1.2\n";
    packet += "svc.lat" + n + ":1.5:2.5|h|#env:prod\n";
    packet += "svc.users" + n + ":u" + n + "|s\n";
    packet += "svc.late" + n + ":3|g|T1700000000\n";
    packet += "bad line " + n + "\n";
  }
  ProcessorOptions o;
  o.enrich.metric_namespace = "app";
  o.enrich.extra_tags = {"dc:1"};
  o.enrich.histogram_copy_to_distribution = true;
  o.enrich.histogram_copy_to_distribution_prefix = "dist.";
  TouchingSink sink;
  PacketProcessor p(o, sink);
  // Warm-up: vectors reach their capacity, the interner learns the names. Logging of the first
  // rejections (which allocates) happens here too.
  for (int i = 0; i < 20; ++i) {
    p.process(packet, Transport::kUdp, 1700000000);
    p.flush();
  }
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 100; ++i) {
    p.process(packet, Transport::kUdp, 1700000000);
    p.flush();
  }
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_GT(sink.samples, 0u);
  EXPECT_GT(p.counters().get(Stat::kMetricParseErrors), 0u);

  // The counter itself works: events own their strings, so they do allocate.
  g_counting = true;
  p.process("_e{5,4}:title|text|#a,b", Transport::kUdp, 1700000000);
  p.flush();
  g_counting = false;
  EXPECT_GT(g_allocations.load(), 0);
}

}  // namespace
}  // namespace ddsim::dogstatsd
