// The stats latency sketch (docs/trace-agent.md §8.2; the agent's pkg/trace/stats/statsraw.go
// with DataDog/sketches-go's LogCollapsingLowestDenseDDSketch(0.01, 2048) and its protobuf).
// The encoding is read back with libprotobuf from proto/ddsketch.proto, independently of the
// hand-written encoder.
#include "core/trace/stats_sketch.h"

#include <gtest/gtest.h>

#include <cmath>

#include "proto/ddsketch.pb.h"

namespace ddsim::trace {
namespace {

datadog::sketches::DDSketch decoded(const StatsSketch& s) {
  serializer::ByteBuffer b;
  s.encode(b);
  datadog::sketches::DDSketch pb;
  EXPECT_TRUE(pb.ParseFromArray(b.data(), static_cast<int>(b.size())));
  return pb;
}

// statsraw.go nsTimestampToFloat: 10 bits of precision, sign and exponent kept.
TEST(StatsTruncateDuration, KeepsTenBitsOfMantissa) {
  struct Row {
    int64_t ns;
    double want;
  };
  const Row rows[] = {
      {0, 0},
      {1, 1},
      {1023, 1023},  // fits in 10 bits
      {1024, 1024},
      {2047, 2046},  // 11 significant bits: the lowest is cut
      {1'000'000'007, 999'292'928},  // 2^29 × 1.861328125: the mantissa's top 9 bits
  };
  for (const Row& r : rows) EXPECT_EQ(truncateDuration(r.ns), r.want) << r.ns;
  // Any value is within 1/1024 below the original.
  for (int64_t ns = 3; ns < 100'000'000'000; ns = ns * 7 + 1) {
    const double t = truncateDuration(ns);
    EXPECT_LE(t, static_cast<double>(ns));
    EXPECT_GE(t, static_cast<double>(ns) * (1 - 1.0 / 512));
  }
}

// sketches-go LogarithmicMapping(0.01): gamma = 1.01 / 0.99; index = floor(ln v / ln gamma);
// every value maps to a bin whose representative is within 1 % of it.
TEST(StatsSketchMapping, RelativeAccuracyOnePercent) {
  EXPECT_DOUBLE_EQ(StatsSketch::gamma(), 1.01 / 0.99);
  EXPECT_EQ(StatsSketch::index(1), 0);
  EXPECT_EQ(StatsSketch::index(1.0203), 1);  // just past gamma
  EXPECT_EQ(StatsSketch::index(0.99), -1);
  for (double v = 1e-3; v < 1e12; v *= 1.37) {
    const double rep = StatsSketch::value(StatsSketch::index(v));
    EXPECT_LE(std::abs(rep - v) / v, 0.01 + 1e-9) << v;
  }
}

TEST(StatsSketchEncoding, ReadsBackWithLibprotobuf) {
  StatsSketch s;
  s.add(0);
  s.add(1000);
  s.add(1000);
  s.add(2000);
  EXPECT_EQ(s.count(), 4);
  const auto pb = decoded(s);
  EXPECT_DOUBLE_EQ(pb.mapping().gamma(), 1.01 / 0.99);
  EXPECT_EQ(pb.mapping().indexoffset(), 0);
  EXPECT_EQ(pb.mapping().interpolation(), datadog::sketches::IndexMapping::NONE);
  EXPECT_EQ(pb.zerocount(), 1);
  const auto& pos = pb.positivevalues();
  EXPECT_EQ(pos.contiguousbinindexoffset(), StatsSketch::index(1000));
  ASSERT_EQ(pos.contiguousbincounts_size(), StatsSketch::index(2000) - StatsSketch::index(1000) + 1);
  EXPECT_EQ(pos.contiguousbincounts(0), 2);
  EXPECT_EQ(pos.contiguousbincounts(pos.contiguousbincounts_size() - 1), 1);
  double total = 0;
  for (double c : pos.contiguousbincounts()) total += c;
  EXPECT_EQ(total + pb.zerocount(), 4);
  EXPECT_EQ(pb.negativevalues().contiguousbincounts_size(), 0);
}

TEST(StatsSketchEncoding, EmptySketchStillNamesItsMapping) {
  const auto pb = decoded(StatsSketch{});
  EXPECT_TRUE(pb.has_mapping());
  EXPECT_EQ(pb.zerocount(), 0);
  EXPECT_EQ(pb.positivevalues().contiguousbincounts_size(), 0);
}

// CollapsingLowestDenseStore: past 2048 bins the lowest indexes fold into the lowest kept bin;
// nothing is lost.
TEST(StatsSketchStore, CollapsesLowestBinsPastTheLimit) {
  CollapsingLowestStore st(4);
  st.add(10, 1);
  st.add(11, 1);
  st.add(14, 1);  // range 10..14 is 5 bins: 10 folds into 11
  EXPECT_EQ(st.offset(), 11);
  EXPECT_EQ(st.counts(), (std::vector<double>{2, 0, 0, 1}));
  st.add(3, 5);  // below the range once collapsed: into the lowest bin
  EXPECT_EQ(st.counts()[0], 7);
  st.add(30, 1);  // far above: everything folds into the new lowest bin
  EXPECT_EQ(st.offset(), 27);
  EXPECT_EQ(st.counts(), (std::vector<double>{8, 0, 0, 1}));
  EXPECT_EQ(st.total(), 9);
  CollapsingLowestStore low(4);
  low.add(10, 1);
  low.add(5, 1);  // extending downwards past the limit collapses too
  EXPECT_EQ(low.offset(), 7);
  EXPECT_EQ(low.counts(), (std::vector<double>{1, 0, 0, 1}));
}

}  // namespace
}  // namespace ddsim::trace
