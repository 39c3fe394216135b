// Series v2 protobuf (spec §5.3, §1.7, §5.6): the agent's own bytes, field order, zero
// omission, device/resource extraction, origin metadata, NoIndex and the payload limits.
#include "core/serializer/series_v2.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "proto/metrics.pb.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::serializer {
namespace {

using testing::decompress;
using testing::hex;

std::vector<PayloadPtr> build(const Compressor& c, SerializerCounters& counters, const std::vector<metrics::Serie>& series,
                              const SeriesV2Limits& limits = {}) {
  SeriesV2Builder b(c, counters);
  std::vector<PayloadPtr> out;
  auto st = b.build(series, limits, &out);
  EXPECT_TRUE(st.isOk()) << st.toString();
  return out;
}

datadog::agentpayload::MetricPayload parse(const Compressor& c, const Payload& p) {
  datadog::agentpayload::MetricPayload mp;
  EXPECT_TRUE(mp.ParseFromString(decompress(c, p.bytes)));
  return mp;
}

metrics::ApiMetricType fromV2(int t) {
  switch (t) {
    case 1: return metrics::ApiMetricType::kCount;
    case 2: return metrics::ApiMetricType::kRate;
    default: return metrics::ApiMetricType::kGauge;
  }
}

// The agent's own payload (tests/data/series_v2_zlib.bin, facts in the fixtures README):
// decode it, rebuild the same series, serialize them, and compare byte for byte. The fixture
// predates origin metadata (field 9), which today's agent appends to every serie: each of our
// series is the fixture's series followed by the metadata of an unknown source.
TEST(SeriesV2Test, ReencodesTheAgentsPayloadByteForByte) {
  const std::string raw = decompress(CompressorKind::kZlib, testing::testData("series_v2_zlib.bin"));
  ASSERT_EQ(raw.size(), 20149u);
  datadog::agentpayload::MetricPayload fixture;
  ASSERT_TRUE(fixture.ParseFromString(raw));
  ASSERT_EQ(fixture.series_size(), 151);
  const auto& first = fixture.series(0);
  EXPECT_EQ(first.metric(), "datadog.dogstatsd.client.aggregated_context_by_type");
  EXPECT_EQ(first.type(), datadog::agentpayload::MetricPayload::RATE);
  EXPECT_EQ(first.interval(), 10);
  EXPECT_EQ(first.points(0).timestamp(), 1675259630);

  std::vector<metrics::Serie> series;
  int points = 0, agent_host = 0;
  for (const auto& ms : fixture.series()) {
    metrics::Serie s;
    s.name = ms.metric();
    ASSERT_EQ(ms.resources_size(), 1);
    EXPECT_EQ(ms.resources(0).type(), "host");
    agent_host += ms.resources(0).name() == "COMP-N52P6N99MH";
    s.host = ms.resources(0).name();
    s.tags = metrics::CompositeTags::of({ms.tags().begin(), ms.tags().end()});
    s.mtype = fromV2(ms.type());
    s.interval = ms.interval();
    s.source_type_name = ms.source_type_name();
    for (const auto& p : ms.points()) s.points.push_back({static_cast<double>(p.timestamp()), p.value()});
    points += ms.points_size();
    series.push_back(std::move(s));
  }
  EXPECT_EQ(points, 151);
  // The other 24 are SNMP series whose host is "device:COMP-N52P6N99MH:172.30.0.3".
  EXPECT_EQ(agent_host, 127);

  auto zlib = makeCompressor(CompressorKind::kZlib);
  SerializerCounters counters;
  auto payloads = build(*zlib, counters, series);
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0]->item_count, 151);
  EXPECT_EQ(payloads[0]->point_count, 151);
  const std::string ours = decompress(*zlib, payloads[0]->bytes);
  EXPECT_EQ(payloads[0]->uncompressed_size, ours.size());

  const auto theirs_items = testing::lengthDelimitedFields(raw, 1);
  const auto our_items = testing::lengthDelimitedFields(ours, 1);
  ASSERT_EQ(theirs_items.size(), 151u);
  ASSERT_EQ(our_items.size(), 151u);
  const std::string unknown_source_metadata("\x4a\x04\x0a\x02\x20\x0a", 6);
  for (size_t i = 0; i < 151; ++i) {
    EXPECT_EQ(hex(our_items[i]), hex(std::string(theirs_items[i]) + unknown_source_metadata)) << "serie " << i;
  }
}

// Spec §5.3 write order with §1.7 extraction and §5.6 origin, pinned to the byte.
TEST(SeriesV2Test, FieldOrderAndExtractionBytes) {
  metrics::Serie s = testing::makeSerie("m", {"a", "device:d", "dd.internal.resource:t:n"}, 1.5, 1700000000, "h");
  s.source = metrics::MetricSource::kDogstatsd;
  SerieTagRewriter tags;
  tags.prepare(s);
  ByteBuffer b;
  ProtoWriter w(b);
  EXPECT_EQ(encodeSerieV2(s, tags, w), 0);
  EXPECT_EQ(hex(b.view()),
            "0a430a090a04686f73741201680a0b0a066465766963651201640a060a017412016e12016d1a01612803400a220f1080e2cfaa06"
            "09000000000000f83f4a060a04200a280a");
}

// Spec §1.7: the last device: tag wins; malformed resource tags are dropped; both kinds of tag
// leave the tag list; resources keep the serie's own first. Spec §5.6 origin by source.
TEST(SeriesV2Test, DecodesIndependentlyWithExtractionAndOrigin) {
  struct Case {
    metrics::MetricSource source;
    uint32_t category;
    uint32_t service;
  };
  const Case cases[] = {
      {metrics::MetricSource::kUnknown, 0, 0},       {metrics::MetricSource::kDogstatsd, 10, 0},
      {metrics::MetricSource::kJmxCustom, 11, 9},    {metrics::MetricSource::kCassandra, 11, 28},
      {metrics::MetricSource::kActiveDirectory, 11, 10}, {metrics::MetricSource::kInternal, 11, 212},
  };
  auto zstd = makeCompressor(CompressorKind::kZstd);
  for (const auto& c : cases) {
    metrics::Serie s = testing::makeSerie(
        "my.metric", {"env:prod", "device:sda", "dd.internal.resource:database_instance:db1", "device:sdb",
                      "dd.internal.resource:bad", "dd.internal.resource::x", "dd.internal.resource:y:", "z:1"},
        42.0);
    s.resources.push_back({"cluster", "c1"});
    s.source = c.source;
    s.source_type_name = "System";
    s.mtype = metrics::ApiMetricType::kCount;
    SerializerCounters counters;
    auto payloads = build(*zstd, counters, {s});
    ASSERT_EQ(payloads.size(), 1u);
    auto mp = parse(*zstd, *payloads[0]);
    ASSERT_EQ(mp.series_size(), 1);
    const auto& ms = mp.series(0);
    ASSERT_EQ(ms.resources_size(), 4);
    EXPECT_EQ(ms.resources(0).type(), "host");
    EXPECT_EQ(ms.resources(0).name(), "host-a");
    EXPECT_EQ(ms.resources(1).type(), "device");
    EXPECT_EQ(ms.resources(1).name(), "sdb");
    EXPECT_EQ(ms.resources(2).type(), "cluster");
    EXPECT_EQ(ms.resources(3).type(), "database_instance");
    EXPECT_EQ(ms.resources(3).name(), "db1");
    ASSERT_EQ(ms.tags_size(), 2);
    EXPECT_EQ(ms.tags(0), "env:prod");
    EXPECT_EQ(ms.tags(1), "z:1");
    EXPECT_EQ(ms.type(), datadog::agentpayload::MetricPayload::COUNT);
    EXPECT_EQ(ms.source_type_name(), "System");
    EXPECT_EQ(ms.interval(), 10);
    ASSERT_EQ(ms.points_size(), 1);
    EXPECT_EQ(ms.points(0).value(), 42.0);
    EXPECT_EQ(ms.points(0).timestamp(), 1700000000);
    EXPECT_EQ(ms.metadata().origin().origin_product(), 10u);
    EXPECT_EQ(ms.metadata().origin().origin_category(), c.category);
    EXPECT_EQ(ms.metadata().origin().origin_service(), c.service);
    EXPECT_EQ(ms.metadata().origin().origin_metric_type(), 0u);
  }
}

// Spec §5.3: zero values omitted (value 0, timestamp 0, empty host name, interval 0), embedded
// messages always present; NoIndex flagged with metric_type 9.
TEST(SeriesV2Test, ZeroOmissionAndNoIndex) {
  metrics::Serie s = testing::makeSerie("z", {}, 0.0, 0, "");
  s.interval = 0;
  s.no_index = true;
  SerieTagRewriter tags;
  tags.prepare(s);
  ByteBuffer b;
  ProtoWriter w(b);
  encodeSerieV2(s, tags, w);
  // series{ resources{type:"host"} metric:"z" type:3 points{} metadata{origin{3:9 4:10}} }
  EXPECT_EQ(hex(b.view()), "0a170a060a04686f737412017a280322004a060a041809200a");
}

// Spec §5.3: a point limit per payload, split exactly; a serie over the limit is dropped and
// counted; nothing else is lost.
TEST(SeriesV2Test, PointLimitSplitsExactlyAndDropsOversizedSeries) {
  auto zstd = makeCompressor(CompressorKind::kZstd);
  SerializerCounters counters;
  std::vector<metrics::Serie> series;
  for (int i = 0; i < 7; ++i) series.push_back(testing::makeSerieWithPoints("s" + std::to_string(i), 3000));
  series.push_back(testing::makeSerieWithPoints("full", 10000));
  series.push_back(testing::makeSerieWithPoints("too.big", 10001));
  series.push_back(testing::makeSerieWithPoints("tail", 1));
  auto payloads = build(*zstd, counters, series);
  std::vector<int64_t> points, items;
  int64_t total_items = 0;
  for (const auto& p : payloads) {
    points.push_back(p->point_count);
    items.push_back(p->item_count);
    total_items += p->item_count;
    auto mp = parse(*zstd, *p);
    EXPECT_EQ(mp.series_size(), p->item_count);
    int64_t pts = 0;
    for (const auto& ms : mp.series()) pts += ms.points_size();
    EXPECT_EQ(pts, p->point_count);
  }
  // s0-s2 | s3-s5 | s6 (full would make 13000) | full | too.big dropped | tail
  EXPECT_EQ(points, (std::vector<int64_t>{9000, 9000, 3000, 10000, 1}));
  EXPECT_EQ(items, (std::vector<int64_t>{3, 3, 1, 1, 1}));
  EXPECT_EQ(total_items, static_cast<int64_t>(series.size()) - 1);
  EXPECT_EQ(counters.sketch_series.item_too_big.load(), 1);
  EXPECT_EQ(counters.sketch_series.payload_full.load(), 4);
  EXPECT_EQ(counters.dropped.get("series_v2.item_too_big"), 1);
}

// Spec §5.3/§5.7: the compressed limit. With an identity stream CompressBound(n) = n, so a
// payload holds exactly floor(max / item size) series.
TEST(SeriesV2Test, CompressedLimitSplitsExactly) {
  CompressionOptions o;
  o.kind = CompressorKind::kNone;
  o.none_streams = true;
  auto c = makeCompressor(o);
  std::vector<metrics::Serie> series;
  for (int i = 0; i < 100; ++i) series.push_back(testing::makeSerie("metric.name." + std::to_string(1000 + i), {"k:v"}, 1));
  SerieTagRewriter tags;
  tags.prepare(series[0]);
  ByteBuffer one;
  ProtoWriter w(one);
  encodeSerieV2(series[0], tags, w);
  const int64_t item = static_cast<int64_t>(one.size());
  SeriesV2Limits limits;
  limits.max_payload_size = item * 7 + item / 2;
  SerializerCounters counters;
  auto payloads = build(*c, counters, series, limits);
  ASSERT_EQ(payloads.size(), 15u);  // 14 x 7 + 2
  for (size_t i = 0; i < payloads.size(); ++i) {
    EXPECT_EQ(payloads[i]->item_count, i + 1 < payloads.size() ? 7 : 2);
    EXPECT_EQ(static_cast<int64_t>(payloads[i]->bytes.size()), item * payloads[i]->item_count);
  }
  // An item as large as the payload limit can never fit: ItemTooBig.
  limits.max_payload_size = item;
  SerializerCounters c2;
  EXPECT_TRUE(build(*c, c2, {series[0]}, limits).empty());
  EXPECT_EQ(c2.dropped.get("series_v2.item_too_big"), 1);
}

// Spec §5.4 (NaN reaches v2 unfiltered): the double is sent as is, and ddsim counts it.
TEST(SeriesV2Test, NonFiniteValuesAreSentAndCounted) {
  auto zlib = makeCompressor(CompressorKind::kZlib);
  SerializerCounters counters;
  metrics::Serie s = testing::makeSerie("nan", {}, std::nan(""));
  s.points.push_back({1700000010, std::numeric_limits<double>::infinity()});
  auto payloads = build(*zlib, counters, {s});
  ASSERT_EQ(payloads.size(), 1u);
  auto mp = parse(*zlib, *payloads[0]);
  EXPECT_TRUE(std::isnan(mp.series(0).points(0).value()));
  EXPECT_TRUE(std::isinf(mp.series(0).points(1).value()));
  EXPECT_EQ(counters.kind(PayloadKind::kSeriesV2).nonfinite_values.load(), 2);
}

TEST(SeriesV2Test, NoSeriesNoPayload) {
  auto zlib = makeCompressor(CompressorKind::kZlib);
  SerializerCounters counters;
  EXPECT_TRUE(build(*zlib, counters, {}).empty());
}

TEST(SeriesV2Test, NoneCompressorHasNoStream) {
  auto none = makeCompressor(CompressorKind::kNone);
  SerializerCounters counters;
  SeriesV2Builder b(*none, counters);
  std::vector<PayloadPtr> out;
  std::vector<metrics::Serie> series{testing::makeSerie("a", {}, 1)};
  auto st = b.build(series, {}, &out);
  EXPECT_EQ(st.message(), "Stream compression not available");
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace ddsim::serializer

namespace ddsim::serializer {
namespace {

// Long fields make every embedded length take 2-3 bytes (the encoder shifts bodies then).
TEST(SeriesV2Test, LongFieldsRoundTrip) {
  metrics::Serie s = testing::makeSerieWithPoints(std::string(300, 'n'), 2000);
  s.host = std::string(200, 'h');
  s.source_type_name = std::string(150, 's');
  s.resources.push_back({std::string(130, 't'), std::string(20000, 'r')});
  std::vector<std::string> tags{"device:" + std::string(180, 'd')};
  for (int i = 0; i < 40; ++i) tags.push_back(std::string(static_cast<size_t>(100 + i * 10), 'a' + static_cast<char>(i % 26)));
  s.tags = metrics::CompositeTags::of(tags);
  auto zlib = makeCompressor(CompressorKind::kZlib);
  SerializerCounters counters;
  auto payloads = build(*zlib, counters, {s});
  ASSERT_EQ(payloads.size(), 1u);
  auto mp = parse(*zlib, *payloads[0]);
  ASSERT_EQ(mp.series_size(), 1);
  const auto& ms = mp.series(0);
  EXPECT_EQ(ms.metric(), s.name);
  EXPECT_EQ(ms.resources(0).name(), s.host);
  EXPECT_EQ(ms.resources(1).name(), std::string(180, 'd'));
  EXPECT_EQ(ms.resources(2).name().size(), 20000u);
  EXPECT_EQ(ms.tags_size(), 40);
  EXPECT_EQ(ms.source_type_name(), s.source_type_name);
  ASSERT_EQ(ms.points_size(), 2000);
  EXPECT_EQ(ms.points(1999).value(), 1999.0);
}

}  // namespace
}  // namespace ddsim::serializer
