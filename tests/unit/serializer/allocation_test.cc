// The builders' per-item path does not allocate once their buffers have grown: building twice
// as many items into the same number of payloads costs the same number of allocations.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "core/serializer/json_payload_builder.h"
#include "core/serializer/series_v1.h"
#include "core/serializer/series_v2.h"
#include "core/serializer/sketches.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace {
std::atomic<int64_t> g_allocations{0};
}  // namespace

// Counting replacements of the global allocation functions (this test binary only).
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace ddsim::serializer {
namespace {

template <typename Build>
int64_t allocationsOf(Build&& build) {
  const int64_t before = g_allocations.load();
  build();
  return g_allocations.load() - before;
}

std::vector<metrics::Serie> series(size_t n) {
  std::vector<metrics::Serie> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(testing::makeSerie("metric.name", {"env:prod", "service:web", "device:sda", "host_tag:abc"}, 1.5));
  }
  return out;
}

TEST(AllocationTest, SeriesV2PerItemPathDoesNotAllocate) {
  auto c = makeCompressor(CompressorKind::kZstd);
  SerializerCounters counters;
  SeriesV2Builder b(*c, counters);
  const auto small = series(1000), large = series(2000);
  std::vector<PayloadPtr> out;
  auto run = [&](const std::vector<metrics::Serie>& s) {
    out.clear();
    ASSERT_TRUE(b.build(s, {}, &out).isOk());
    ASSERT_EQ(out.size(), 1u);
  };
  run(large);  // grow the buffers
  run(large);
  const int64_t a1 = allocationsOf([&] { run(small); });
  const int64_t a2 = allocationsOf([&] { run(large); });
  EXPECT_EQ(a1, a2);
  EXPECT_LT(a2, 10);
}

TEST(AllocationTest, SeriesV1AndSketchesPerItemPathDoNotAllocate) {
  auto c = makeCompressor(CompressorKind::kZlib);
  SerializerCounters counters;
  JsonPayloadBuilder jb(*c, counters);
  const auto small = series(1000), large = series(2000);
  std::vector<const metrics::Serie*> ps, pl;
  for (const auto& s : small) ps.push_back(&s);
  for (const auto& s : large) pl.push_back(&s);
  std::vector<PayloadPtr> out;
  auto runJson = [&](std::vector<const metrics::Serie*>& p) {
    out.clear();
    SeriesV1Items items(p);
    ASSERT_TRUE(jb.build(PayloadKind::kSeriesV1, kSeriesV1Header, kSeriesV1Footer, items, {}, ItemTooBigPolicy::kDrop, &out)
                    .isOk());
  };
  runJson(pl);
  runJson(pl);
  EXPECT_EQ(allocationsOf([&] { runJson(ps); }), allocationsOf([&] { runJson(pl); }));

  SketchesBuilder sb(*c, counters);
  std::vector<metrics::SketchSeries> sk(2000);
  for (auto& s : sk) {
    s.name = std::string(1, 'd');
    s.points.resize(1);
    s.points[0].sketch.bins = {{1338, 3}, {1400, 2}};
  }
  auto runSketch = [&](size_t n) {
    out.clear();
    ASSERT_TRUE(sb.build(std::span(sk).first(n), {}, &out).isOk());
  };
  runSketch(2000);
  runSketch(2000);
  EXPECT_EQ(allocationsOf([&] { runSketch(1000); }), allocationsOf([&] { runSketch(2000); }));
}

}  // namespace
}  // namespace ddsim::serializer
