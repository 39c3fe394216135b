// The split package for non-stream payloads (spec §5.9).
#include "core/serializer/split.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/serializer/series_v1.h"
#include "core/serializer/service_checks.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::serializer {
namespace {

using Chunks = std::vector<std::pair<size_t, size_t>>;

// Spec §5.9: contiguous slices of len/n, the last one takes the remainder, n capped at len.
TEST(SplitTest, ContiguousChunks) {
  struct Case {
    size_t len;
    int times;
    Chunks want;
  };
  const Case cases[] = {
      {10, 3, {{0, 3}, {3, 6}, {6, 10}}},
      {10, 1, {{0, 10}}},
      {2, 5, {{0, 1}, {1, 2}}},
      {7, 7, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}}},
      {0, 3, {}},
  };
  for (const auto& c : cases) EXPECT_EQ(contiguousChunks(c.len, c.times), c.want) << c.len << "/" << c.times;
}

std::vector<metrics::ServiceCheck> checks(size_t n, size_t tag_len = 40) {
  std::vector<metrics::ServiceCheck> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].check_name = "check." + std::to_string(i);
    out[i].tags = {std::string(tag_len, 'a' + static_cast<char>(i % 26))};
  }
  return out;
}

// Spec §5.9: too big -> numChunks = compressed/max + 1 + int(ratio/2); every item still arrives.
TEST(SplitTest, SplitsUntilSmallEnoughAndLosesNothing) {
  auto none = makeCompressor(CompressorKind::kNone);  // compressed == raw: ratio 1
  auto items = checks(100);
  SerializerCounters counters;
  ServiceChecksMarshaler m(items, &counters);
  ByteBuffer whole;
  ASSERT_TRUE(m.marshal(whole).isOk());
  SplitThresholds t;
  t.max_compressed = static_cast<int64_t>(whole.size() / 4);  // needs 5 chunks of 20
  std::vector<PayloadPtr> out;
  ASSERT_TRUE(splitPayloads(m, *none, t, counters, PayloadKind::kServiceChecks, &out).isOk());
  ASSERT_EQ(out.size(), 5u);
  size_t seen = 0;
  for (const auto& p : out) {
    EXPECT_LE(static_cast<int64_t>(p->bytes.size()), t.max_compressed);
    EXPECT_EQ(p->point_count, 0);
    const auto j = nlohmann::json::parse(p->bytes);
    for (const auto& sc : j) EXPECT_EQ(sc["check"], "check." + std::to_string(seen++));
  }
  EXPECT_EQ(seen, 100u);
  EXPECT_EQ(counters.splitter.too_big.load(), 1);
  EXPECT_EQ(counters.splitter.total_loops.load(), 1);
  EXPECT_EQ(counters.splitter.payload_drops.load(), 0);
  EXPECT_EQ(counters.service_check_times_split.load(), 1);
}

TEST(SplitTest, NotTooBigIsOnePayload) {
  auto zlib = makeCompressor(CompressorKind::kZlib);
  auto items = checks(3);
  SerializerCounters counters;
  std::vector<PayloadPtr> out;
  ASSERT_TRUE(splitPayloads(ServiceChecksMarshaler(items, &counters), *zlib, {}, counters, PayloadKind::kServiceChecks, &out)
                  .isOk());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(testing::decompress(*zlib, out[0]->bytes).ends_with("]\n"));
  EXPECT_EQ(counters.splitter.not_too_big.load(), 1);
}

// Spec §5.9: leftovers after three rounds are dropped; PayloadDrops counts one per call.
TEST(SplitTest, LeftoversAfterThreeRoundsAreDropped) {
  auto none = makeCompressor(CompressorKind::kNone);
  auto items = checks(20);
  items[7].tags[0] = std::string(5000, 'x');  // this one never fits
  SerializerCounters counters;
  SplitThresholds t;
  t.max_compressed = 1000;
  std::vector<PayloadPtr> out;
  ASSERT_TRUE(splitPayloads(ServiceChecksMarshaler(items, &counters), *none, t, counters, PayloadKind::kServiceChecks, &out)
                  .isOk());
  int64_t sent = 0;
  for (const auto& p : out) sent += p->item_count;
  EXPECT_EQ(sent, 19);
  EXPECT_EQ(counters.splitter.payload_drops.load(), 1);
  EXPECT_EQ(counters.splitter.total_loops.load(), 3);
  EXPECT_EQ(counters.dropped.get("service_checks.split_too_big"), 1);
}

// Spec §5.9: series are grouped by metric name; one name cannot be split (an error, counted).
TEST(SplitTest, SeriesSplitByMetricName) {
  std::vector<metrics::Serie> series;
  for (int i = 0; i < 30; ++i) series.push_back(testing::makeSerie("name." + std::to_string(i % 3), {"t:" + std::to_string(i)}, 1));
  std::vector<const metrics::Serie*> ptrs;
  for (const auto& s : series) ptrs.push_back(&s);
  SerializerCounters counters;
  SeriesV1Marshaler m(ptrs, &counters);
  auto chunks = m.split(3);
  ASSERT_TRUE(chunks.isOk());
  ASSERT_EQ(chunks->size(), 3u);
  for (const auto& c : *chunks) EXPECT_EQ(c->itemCount(), 10u);

  std::vector<const metrics::Serie*> one(10, &series[0]);
  SeriesV1Marshaler single(one, &counters);
  EXPECT_FALSE(single.split(2).isOk());
  EXPECT_EQ(counters.series_split_metrics_too_big.load(), 1);

  auto none = makeCompressor(CompressorKind::kNone);
  SplitThresholds t;
  t.max_compressed = 100;
  std::vector<PayloadPtr> out;
  auto st = splitPayloads(single, *none, t, counters, PayloadKind::kSeriesV1, &out);
  EXPECT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("Cannot split metric 'name.0'"), std::string::npos) << st.toString();
  EXPECT_EQ(counters.splitter.payload_drops.load(), 1);
}

}  // namespace
}  // namespace ddsim::serializer
