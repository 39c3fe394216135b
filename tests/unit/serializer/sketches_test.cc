// Sketch payloads (spec §4.4): field layout, packed keys/counts, per-sketch origin, the `12 00`
// payload footer, the non-stream (gogoproto) layout, and the payload limits.
#include "core/serializer/sketches.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/metrics.pb.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::serializer {
namespace {

using testing::hex;

metrics::SketchSeries makeSketch(std::string name, std::vector<std::string> tags, int points = 1) {
  metrics::SketchSeries ss;
  ss.name = std::move(name);
  ss.tags = metrics::CompositeTags::of(std::move(tags));
  ss.host = "h";
  for (int i = 0; i < points; ++i) {
    metrics::SketchPoint p;
    p.ts = 1700000000 + 10 * i;
    p.sketch.basic = {-2.0, 10.0, 12.0, 3.0, 4};
    p.sketch.bins = {{-1383, 1}, {0, 1}, {1338, 1}, {1487, 65535}, {1487, 2}, {32767, 1}};
    ss.points.push_back(p);
  }
  return ss;
}

// Spec §4.4 pinned to the byte: metric, dogsketch{ts, cnt, min, max, avg, sum, k (zigzag),
// n}, metadata{origin{product 10}}; host and tags omitted when empty.
TEST(SketchesTest, EntryBytes) {
  metrics::SketchSeries ss;
  ss.name = "d";
  metrics::SketchPoint p;
  p.ts = 1700000000;
  p.sketch.basic = {1, 1, 1, 1, 1};
  p.sketch.bins = {{1338, 1}};
  ss.points.push_back(p);
  ByteBuffer b;
  ProtoWriter w(b);
  encodeSketchSeries(ss, true, w);
  EXPECT_EQ(hex(b.view()),
            "0a3e0a01643a330880e2cfaa06100119000000000000f03f21000000000000f03f29000000000000f03f31000000000000f03f"
            "3a02f41442010142040a02200a");
}

TEST(SketchesTest, StreamPayloadDecodesWithFooterAndOrigin) {
  auto zstd = makeCompressor(CompressorKind::kZstd);
  SerializerCounters counters;
  SketchesBuilder b(*zstd, counters);
  std::vector<metrics::SketchSeries> sketches{makeSketch("a", {"env:x", ""}, 2), makeSketch("b", {})};
  sketches[0].no_index = true;
  sketches[0].source = metrics::MetricSource::kDogstatsd;
  sketches[1].source = metrics::MetricSource::kKafka;
  std::vector<PayloadPtr> out;
  ASSERT_TRUE(b.build(sketches, {}, &out).isOk());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->item_count, 2);
  EXPECT_EQ(out[0]->point_count, 3);
  const std::string raw = testing::decompress(*zstd, out[0]->bytes);
  ASSERT_GE(raw.size(), 2u);
  EXPECT_TRUE(raw.ends_with(std::string_view("\x12\x00", 2)));
  datadog::agentpayload::SketchPayload sp;
  ASSERT_TRUE(sp.ParseFromString(raw));
  ASSERT_EQ(sp.sketches_size(), 2);
  EXPECT_TRUE(sp.has_metadata());
  const auto& a = sp.sketches(0);
  EXPECT_EQ(a.metric(), "a");
  EXPECT_EQ(a.host(), "h");
  ASSERT_EQ(a.tags_size(), 1);  // molecule omits the empty tag
  ASSERT_EQ(a.dogsketches_size(), 2);
  const auto& d = a.dogsketches(1);
  EXPECT_EQ(d.ts(), 1700000010);
  EXPECT_EQ(d.cnt(), 4);
  EXPECT_EQ(d.min(), -2.0);
  EXPECT_EQ(d.max(), 10.0);
  EXPECT_EQ(d.sum(), 12.0);
  EXPECT_EQ(d.avg(), 3.0);
  EXPECT_EQ(std::vector<int>(d.k().begin(), d.k().end()), (std::vector<int>{-1383, 0, 1338, 1487, 1487, 32767}));
  EXPECT_EQ(std::vector<uint32_t>(d.n().begin(), d.n().end()), (std::vector<uint32_t>{1, 1, 1, 65535, 2, 1}));
  EXPECT_EQ(a.metadata().origin().origin_metric_type(), 9u);
  EXPECT_EQ(a.metadata().origin().origin_category(), 10u);
  EXPECT_EQ(sp.sketches(1).metadata().origin().origin_category(), 11u);
  EXPECT_EQ(sp.sketches(1).metadata().origin().origin_service(), 90u);
}

// Spec §4.4: the non-stream fallback has no per-sketch metadata but keeps the `12 00` footer;
// gogoproto keeps empty repeated strings.
TEST(SketchesTest, NonStreamLayout) {
  std::vector<metrics::SketchSeries> sketches{makeSketch("a", {"", "t"})};
  SketchesMarshaler m(sketches);
  ByteBuffer out;
  ASSERT_TRUE(m.marshal(out).isOk());
  const std::string raw = out.toString();
  EXPECT_TRUE(raw.ends_with(std::string_view("\x12\x00", 2)));
  datadog::agentpayload::SketchPayload sp;
  ASSERT_TRUE(sp.ParseFromString(raw));
  ASSERT_EQ(sp.sketches_size(), 1);
  EXPECT_FALSE(sp.sketches(0).has_metadata());
  EXPECT_EQ(sp.sketches(0).tags_size(), 2);
  EXPECT_EQ(sp.sketches(0).dogsketches_size(), 1);
}

// Spec §4.4/§5.7: limits split the stream; a sketch too big for any payload is dropped and
// counted; every started payload is emitted (the agent sends a lone footer when nothing fits).
TEST(SketchesTest, LimitsSplitAndDrop) {
  CompressionOptions o;
  o.kind = CompressorKind::kNone;
  o.none_streams = true;
  auto c = makeCompressor(o);
  std::vector<metrics::SketchSeries> sketches;
  for (int i = 0; i < 10; ++i) sketches.push_back(makeSketch(std::string("s").append(std::to_string(i)), {"k:v"}));
  ByteBuffer one;
  ProtoWriter w(one);
  encodeSketchSeries(sketches[0], true, w);
  JsonLimits limits;
  limits.max_payload_size = static_cast<int64_t>(3 * one.size() + 2);  // 3 sketches + footer
  SerializerCounters counters;
  SketchesBuilder b(*c, counters);
  std::vector<PayloadPtr> out;
  ASSERT_TRUE(b.build(sketches, limits, &out).isOk());
  ASSERT_EQ(out.size(), 4u);
  int64_t total = 0;
  for (const auto& p : out) {
    total += p->item_count;
    EXPECT_LE(static_cast<int64_t>(p->bytes.size()), limits.max_payload_size);
  }
  EXPECT_EQ(total, 10);
  EXPECT_EQ(out[0]->item_count, 3);

  limits.max_payload_size = static_cast<int64_t>(one.size());
  SerializerCounters c2;
  SketchesBuilder b2(*c, c2);
  out.clear();
  ASSERT_TRUE(b2.build(std::span(sketches).first(1), limits, &out).isOk());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->item_count, 0);
  EXPECT_EQ(hex(out[0]->bytes), "1200");
  EXPECT_EQ(c2.sketch_series.item_too_big.load(), 1);
  EXPECT_EQ(c2.dropped.get("sketches.item_too_big"), 1);
}

}  // namespace
}  // namespace ddsim::serializer
