// JSON payloads: series v1 (spec §5.4), service checks (§5.5, with the agent's own bytes),
// events (§5.8), through the JSON stream builder (§5.7) and the non-stream marshalers.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/serializer/events.h"
#include "core/serializer/json_payload_builder.h"
#include "core/serializer/series_v1.h"
#include "core/serializer/service_checks.h"
#include "tests/unit/serializer/serializer_test_support.h"

namespace ddsim::serializer {
namespace {

using nlohmann::json;

std::unique_ptr<Compressor> identity() {
  CompressionOptions o;
  o.kind = CompressorKind::kNone;
  o.none_streams = true;
  return makeCompressor(o);
}

std::string serieItem(const metrics::Serie& s) {
  SerieTagRewriter tags;
  tags.prepare(s);
  ByteBuffer b;
  JsonWriter w(b);
  writeSerieV1(s, tags, w);
  return b.toString();
}

// Spec §5.4: key order, optional device and source_type_name, tags always an array, numbers.
TEST(SeriesV1Test, ItemBytes) {
  metrics::Serie s = testing::makeSerie("m", {"a", "device:d"}, 1.5, 1700000000, "h");
  s.source_type_name = "src";
  s.points.push_back({1700000010.7, 1e-7});
  EXPECT_EQ(serieItem(s),
            R"({"metric":"m","points":[[1700000000,1.5],[1700000010,1e-07]],"tags":["a"],"host":"h",)"
            R"("device":"d","type":"gauge","interval":10,"source_type_name":"src"})");
  metrics::Serie bare = testing::makeSerie("c", {}, 2, 1700000000, "");
  bare.mtype = metrics::ApiMetricType::kCount;
  bare.interval = 0;
  EXPECT_EQ(serieItem(bare),
            R"({"metric":"c","points":[[1700000000,2]],"tags":[],"host":"","type":"count","interval":0})");
}

// Spec §5.4: NaN/±Inf leave an empty value slot (the agent's invalid JSON), counted.
TEST(SeriesV1Test, NonFiniteLeavesEmptySlot) {
  metrics::Serie s = testing::makeSerie("n", {}, std::nan(""), 1700000000, "h");
  s.points.push_back({1700000010, -std::numeric_limits<double>::infinity()});
  std::vector<const metrics::Serie*> ptrs{&s};
  SeriesV1Items items(ptrs);
  ByteBuffer b;
  JsonWriter w(b);
  ASSERT_TRUE(items.writeItem(0, w).isOk());
  EXPECT_EQ(b.view(),
            R"({"metric":"n","points":[[1700000000,],[1700000010,]],"tags":[],"host":"h","type":"gauge","interval":10})");
  EXPECT_EQ(items.nonfiniteValues(), 2);
}

// Spec §5.7: the JSON builder splits exactly at the compressed size (identity stream: bound =
// n) and the retried item goes first into the next payload; every series arrives once.
TEST(SeriesV1Test, BuilderSplitsExactlyAndLosesNothing) {
  auto c = identity();
  SerializerCounters counters;
  JsonPayloadBuilder b(*c, counters);
  std::vector<metrics::Serie> series;
  for (int i = 0; i < 50; ++i) series.push_back(testing::makeSerie("metric." + std::to_string(100 + i), {"k:v"}, 1));
  std::vector<const metrics::Serie*> ptrs;
  for (const auto& s : series) ptrs.push_back(&s);
  const size_t item = serieItem(series[0]).size();
  JsonLimits limits;
  // header + 6 items + 5 commas + footer, exactly.
  limits.max_payload_size = static_cast<int64_t>(kSeriesV1Header.size() + 6 * item + 5 + kSeriesV1Footer.size());
  SeriesV1Items items(ptrs);
  std::vector<PayloadPtr> out;
  ASSERT_TRUE(b.build(PayloadKind::kSeriesV1, kSeriesV1Header, kSeriesV1Footer, items, limits, ItemTooBigPolicy::kDrop, &out)
                  .isOk());
  ASSERT_EQ(out.size(), 9u);  // 8 x 6 + 2
  int n = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_LE(static_cast<int64_t>(out[i]->bytes.size()), limits.max_payload_size);
    if (i + 1 < out.size()) {
      EXPECT_EQ(static_cast<int64_t>(out[i]->bytes.size()), limits.max_payload_size);
    }
    const json j = json::parse(out[i]->bytes);
    for (const auto& s : j["series"]) EXPECT_EQ(s["metric"], "metric." + std::to_string(100 + n++));
    EXPECT_EQ(out[i]->item_count, static_cast<int64_t>(j["series"].size()));
    EXPECT_EQ(out[i]->point_count, out[i]->item_count);
  }
  EXPECT_EQ(n, 50);
  EXPECT_EQ(counters.jsonstream.payload_fulls.load(), 8);
  EXPECT_EQ(counters.jsonstream.total_items.load(), 50);
}

// Spec §5.7: ItemTooBig under both policies.
TEST(SeriesV1Test, ItemTooBigPolicies) {
  auto c = makeCompressor(CompressorKind::kZlib);
  std::vector<metrics::Serie> series{testing::makeSerie("small", {}, 1), testing::makeSerie("big", {std::string(5000, 't')}, 1),
                                     testing::makeSerie("small2", {}, 1)};
  std::vector<const metrics::Serie*> ptrs{&series[0], &series[1], &series[2]};
  JsonLimits limits;
  limits.max_payload_size = 1000;
  {
    SerializerCounters counters;
    JsonPayloadBuilder b(*c, counters);
    SeriesV1Items items(ptrs);
    std::vector<PayloadPtr> out;
    ASSERT_TRUE(b.build(PayloadKind::kSeriesV1, kSeriesV1Header, kSeriesV1Footer, items, limits, ItemTooBigPolicy::kDrop, &out)
                    .isOk());
    ASSERT_EQ(out.size(), 1u);
    const json j = json::parse(testing::decompress(*c, out[0]->bytes));
    ASSERT_EQ(j["series"].size(), 2u);
    EXPECT_EQ(j["series"][1]["metric"], "small2");
    EXPECT_EQ(counters.jsonstream.item_drops.load(), 1);
    EXPECT_EQ(counters.dropped.get("series_v1.item_too_big"), 1);
  }
  {
    SerializerCounters counters;
    JsonPayloadBuilder b(*c, counters);
    SeriesV1Items items(ptrs);
    std::vector<PayloadPtr> out;
    auto st = b.build(PayloadKind::kSeriesV1, kSeriesV1Header, kSeriesV1Footer, items, limits, ItemTooBigPolicy::kFail, &out);
    EXPECT_TRUE(isItemTooBig(st)) << st.toString();
    EXPECT_TRUE(out.empty());
  }
}

// The non-stream marshaler: encoding/json (HTML escaping, %v numbers, trailing newline).
TEST(SeriesV1Test, NonStreamMarshal) {
  metrics::Serie s = testing::makeSerie("m", {"<b>", "device:x&y"}, 1e6, 1700000000, "h");
  metrics::Serie n = testing::makeSerie("n", {}, 0.5, 1700000000, "h");
  SeriesV1Marshaler m({&s, &n}, nullptr);
  ByteBuffer out;
  ASSERT_TRUE(m.marshal(out).isOk());
  EXPECT_EQ(out.view(),
            "{\"series\":[{\"metric\":\"m\",\"points\":[[1700000000,1e+06]],\"tags\":[\"\\u003cb\\u003e\"],\"host\":\"h\","
            "\"device\":\"x\\u0026y\",\"type\":\"gauge\",\"interval\":10},{\"metric\":\"n\",\"points\":[[1700000000,0.5]],"
            "\"tags\":[],\"host\":\"h\",\"type\":\"gauge\",\"interval\":10}]}\n");
  metrics::Serie bad = testing::makeSerie("bad", {}, std::nan(""));
  SeriesV1Marshaler mb({&bad}, nullptr);
  out.clear();
  EXPECT_FALSE(mb.marshal(out).isOk());
}

// Spec §5.5 with the agent's own bytes: the 12 check runs of tests/data/check_run_zlib.bin,
// re-encoded, are byte-identical (including "tags":null).
TEST(ServiceChecksTest, ReencodesTheAgentsPayloadByteForByte) {
  const std::string raw = testing::decompress(CompressorKind::kZlib, testing::testData("check_run_zlib.bin"));
  const json fixture = json::parse(raw);
  ASSERT_EQ(fixture.size(), 12u);
  std::vector<metrics::ServiceCheck> checks;
  std::set<std::string> names;
  for (const auto& j : fixture) {
    metrics::ServiceCheck sc;
    sc.check_name = j["check"];
    sc.host = j["host_name"];
    sc.ts = j["timestamp"];
    sc.status = static_cast<metrics::ServiceCheckStatus>(j["status"].get<int>());
    sc.message = j["message"];
    if (!j["tags"].is_null()) sc.tags = j["tags"].get<std::vector<std::string>>();
    names.insert(sc.check_name);
    checks.push_back(std::move(sc));
  }
  EXPECT_EQ(names, (std::set<std::string>{"datadog.agent.check_status", "datadog.agent.up", "ntp.in_sync", "snmp.can_check"}));
  auto zlib = makeCompressor(CompressorKind::kZlib);
  SerializerCounters counters;
  JsonPayloadBuilder b(*zlib, counters);
  ServiceCheckItems items(checks);
  std::vector<PayloadPtr> out;
  ASSERT_TRUE(b.build(PayloadKind::kServiceChecks, kServiceChecksHeader, kServiceChecksFooter, items, {},
                      ItemTooBigPolicy::kDrop, &out)
                  .isOk());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(testing::decompress(*zlib, out[0]->bytes), raw);
  EXPECT_EQ(out[0]->item_count, 12);
}

TEST(ServiceChecksTest, NonStreamMarshal) {
  std::vector<metrics::ServiceCheck> checks(2);
  checks[0].check_name = "a<";
  checks[0].status = metrics::ServiceCheckStatus::kCritical;
  checks[0].ts = 5;
  checks[1].check_name = "b";
  checks[1].tags = {"x:1"};
  ServiceChecksMarshaler m(checks, nullptr);
  ByteBuffer out;
  ASSERT_TRUE(m.marshal(out).isOk());
  EXPECT_EQ(out.view(),
            "[{\"check\":\"a\\u003c\",\"host_name\":\"\",\"timestamp\":5,\"status\":2,\"message\":\"\",\"tags\":null},"
            "{\"check\":\"b\",\"host_name\":\"\",\"timestamp\":0,\"status\":0,\"message\":\"\",\"tags\":[\"x:1\"]}]\n");
}

metrics::Event makeEvent(std::string title, std::string source_type, std::string text = "body") {
  metrics::Event e;
  e.title = std::move(title);
  e.text = std::move(text);
  e.ts = 1700000000;
  e.host = "h";
  e.source_type_name = std::move(source_type);
  return e;
}

// Spec §5.8: event object key order and omitted fields; grouping with "api" as default.
TEST(EventsTest, ShapesAndGrouping) {
  metrics::Event full = makeEvent("t", "nagios");
  full.priority = "low";
  full.tags = {"a:b"};
  full.alert_type = "error";
  full.aggregation_key = "k";
  full.event_type = "et";
  ByteBuffer b;
  JsonWriter w(b);
  writeEvent(full, w);
  EXPECT_EQ(b.view(),
            R"({"msg_title":"t","msg_text":"body","timestamp":1700000000,"priority":"low","host":"h","tags":["a:b"],)"
            R"("alert_type":"error","aggregation_key":"k","source_type_name":"nagios","event_type":"et"})");
  b.clear();
  writeEvent(makeEvent("t2", ""), w);
  EXPECT_EQ(b.view(), R"({"msg_title":"t2","msg_text":"body","timestamp":1700000000,"host":"h"})");

  std::vector<metrics::Event> events{makeEvent("1", "nagios"), makeEvent("2", ""), makeEvent("3", "nagios")};
  auto groups = groupEventsBySourceType(events);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].source_type, "nagios");
  EXPECT_EQ(groups[0].events.size(), 2u);
  EXPECT_EQ(groups[1].source_type, "api");

  auto c = makeCompressor(CompressorKind::kZstd);
  SerializerCounters counters;
  JsonPayloadBuilder builder(*c, counters);
  EventGroupItems items(groups);
  std::vector<PayloadPtr> out;
  ASSERT_TRUE(builder.build(PayloadKind::kEvents, eventsHeader(), eventsFooter("agent-host"), items, {},
                            ItemTooBigPolicy::kFail, &out)
                  .isOk());
  ASSERT_EQ(out.size(), 1u);
  const std::string body = testing::decompress(*c, out[0]->bytes);
  EXPECT_TRUE(body.starts_with(R"({"apiKey":"","events":{"nagios":[{"msg_title":"1")")) << body;
  EXPECT_TRUE(body.ends_with(R"(}]},"internalHostname":"agent-host"})")) << body;
  const json j = json::parse(body);
  EXPECT_EQ(j["events"]["nagios"].size(), 2u);
  EXPECT_EQ(j["events"]["api"].size(), 1u);
}

TEST(EventsTest, NonStreamMarshalSortsSourceTypes) {
  std::vector<metrics::Event> events{makeEvent("1", "zeta"), makeEvent("2", ""), makeEvent("3", "alpha")};
  EventsMarshaler m(events, "h<", nullptr);
  ByteBuffer out;
  ASSERT_TRUE(m.marshal(out).isOk());
  const std::string s = out.toString();
  EXPECT_TRUE(s.starts_with(R"({"apiKey":"","events":{"alpha":[)")) << s;
  EXPECT_LT(s.find("\"api\":["), s.find("\"zeta\":["));
  EXPECT_TRUE(s.ends_with("]},\"internalHostname\":\"h\\u003c\"}\n")) << s;
  EXPECT_TRUE(json::accept(s));
}

}  // namespace
}  // namespace ddsim::serializer
