// Decoders on the agent's own bytes (fixtures, see tests/data and /work/shared/fixtures/README)
// and on payloads built with libprotobuf / nlohmann_json in the formats of spec §4.4 and §5.
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/decoders/decoder.h"
#include "proto/process.pb.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using common::StatusCode;
using nlohmann::json;
using testing::inflateZlib;
using testing::testData;

// Replaces `from` with `to` (same length) in serialized bytes: libprotobuf refuses to write
// invalid UTF-8 itself, the agent's hand-written encoder does not.
std::string withBytes(std::string bytes, const std::string& from, const std::string& to) {
  bytes.replace(bytes.find(from), from.size(), to);
  return bytes;
}

TEST(SeriesV2Decoder, DecodesTheAgentFixture) {
  // Fixture facts (README): 20,149 bytes after inflate; 151 series and points; a host resource
  // on every series; first series aggregated_context_by_type, RATE, interval 10, timestamp
  // 1675259630. (The README says the host is COMP-N52P6N99MH everywhere; in the bytes 24 SNMP
  // series carry the host "device:COMP-N52P6N99MH:172.30.0.3" instead.)
  std::string body = inflateZlib(testData("series_v2_zlib.bin"));
  ASSERT_EQ(body.size(), 20149u);
  auto p = decodeBody(RouteKind::kSeriesV2, "application/x-protobuf", body, 64u << 20);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  const auto& series = std::get<std::vector<DecodedSeries>>(p->items);
  ASSERT_EQ(series.size(), 151u);
  size_t points = 0, agent_host = 0, snmp_host = 0;
  for (const auto& s : series) {
    points += s.points.size();
    ASSERT_EQ(s.resources.size(), 1u);
    EXPECT_EQ(s.resources[0].type, "host");
    agent_host += s.host() == "COMP-N52P6N99MH";
    snmp_host += s.host() == "device:COMP-N52P6N99MH:172.30.0.3";
  }
  EXPECT_EQ(points, 151u);
  EXPECT_EQ(agent_host, 127u);
  EXPECT_EQ(snmp_host, 24u);
  EXPECT_EQ(series[0].metric, "datadog.dogstatsd.client.aggregated_context_by_type");
  EXPECT_EQ(series[0].type, 2);
  EXPECT_EQ(series[0].interval, 10);
  EXPECT_EQ(series[0].points[0].timestamp, 1675259630);
  EXPECT_TRUE(p->notes.empty());
}

TEST(CheckRunDecoder, DecodesTheAgentFixture) {
  std::string body = inflateZlib(testData("check_run_zlib.bin"));
  auto p = decodeBody(RouteKind::kCheckRuns, "application/json", body, 64u << 20);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  const auto& runs = std::get<std::vector<DecodedCheckRun>>(p->items);
  ASSERT_EQ(runs.size(), 12u);
  std::set<std::string> names;
  for (const auto& r : runs) names.insert(r.check);
  EXPECT_EQ(names, (std::set<std::string>{"datadog.agent.check_status", "datadog.agent.up", "ntp.in_sync",
                                          "snmp.can_check"}));
}

// Spec §5.4: v1 JSON as the agent writes it; mapped onto MetricSeries as the agent fakeintake
// does (host then device become resources; type names become the v2 enum).
TEST(SeriesV1Decoder, MapsV1OntoMetricSeries) {
  const std::string body =
      R"({"series":[{"metric":"m.one","points":[[1700000000,1.5],[1700000010,2]],"tags":["a:b"],)"
      R"("host":"h1","device":"sda","type":"rate","interval":10,"source_type_name":"System"},)"
      R"({"metric":"m.two","points":[[1700000000,0.3333333333333333]],"tags":[],"host":"","type":"count","interval":0}]})";
  auto p = decodeBody(RouteKind::kSeriesV1, "application/json", body, 1 << 20);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  const auto& s = std::get<std::vector<DecodedSeries>>(p->items);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].metric, "m.one");
  EXPECT_EQ(s[0].type, 2);
  ASSERT_EQ(s[0].resources.size(), 2u);
  EXPECT_EQ(s[0].resources[0].type, "host");
  EXPECT_EQ(s[0].resources[1].type, "device");
  EXPECT_EQ(s[0].resources[1].name, "sda");
  ASSERT_EQ(s[0].points.size(), 2u);
  EXPECT_EQ(s[0].points[1].timestamp, 1700000010);
  EXPECT_EQ(s[0].points[1].value, 2);
  EXPECT_EQ(s[0].source_type_name, "System");
  EXPECT_EQ(s[1].type, 1);
  EXPECT_TRUE(s[1].resources.empty());
  EXPECT_DOUBLE_EQ(s[1].points[0].value, 1.0 / 3);
}

// What the official API clients POST to /api/v2/series with Content-Type application/json.
TEST(SeriesV2JsonDecoder, DecodesTheApiClientShape) {
  const std::string body = R"({"series":[{"metric":"system.load.1","type":3,"unit":"load",)"
                           R"("points":[{"timestamp":1700000000,"value":0.7}],)"
                           R"("resources":[{"name":"dummyhost","type":"host"}],"tags":["env:test"],)"
                           R"("interval":20,"source_type_name":"api","metadata":{"origin":{"product":10,"service":5}}}]})";
  auto p = decodeBody(RouteKind::kSeriesV2, "application/json; charset=utf-8", body, 1 << 20);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  const auto& s = std::get<std::vector<DecodedSeries>>(p->items);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].metric, "system.load.1");
  EXPECT_EQ(s[0].type, 3);
  EXPECT_EQ(s[0].unit, "load");
  EXPECT_EQ(s[0].host(), "dummyhost");
  EXPECT_EQ(s[0].interval, 20);
  EXPECT_DOUBLE_EQ(s[0].points[0].value, 0.7);
  ASSERT_TRUE(s[0].origin.has_value());  // MetricOrigin {metric_type, product, service}
  EXPECT_EQ(s[0].origin->product, 10u);
  EXPECT_EQ(s[0].origin->service, 5u);
}

// Spec §4.4: SketchPayload with dogsketches, per-sketch metadata and the empty payload metadata.
TEST(SketchDecoder, DecodesDogsketches) {
  datadog::agentpayload::SketchPayload p;
  auto* s = p.add_sketches();
  s->set_metric("dist.latency");
  s->set_host("h");
  s->add_tags("env:prod");
  auto* d = s->add_dogsketches();
  d->set_ts(1700000000);
  d->set_cnt(3);
  d->set_min(1);
  d->set_max(10);
  d->set_avg(4.333);
  d->set_sum(13);
  for (int k : {1338, 1383, 1487}) d->add_k(k);
  for (int n : {1, 1, 1}) d->add_n(n);
  s->mutable_metadata()->mutable_origin()->set_origin_product(10);
  p.mutable_metadata();
  auto r = decodeBody(RouteKind::kSketches, "application/x-protobuf", p.SerializeAsString(), 1 << 20);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  const auto& sk = std::get<std::vector<DecodedSketch>>(r->items);
  ASSERT_EQ(sk.size(), 1u);
  EXPECT_EQ(sk[0].metric, "dist.latency");
  EXPECT_EQ(sk[0].dogsketches[0].k, (std::vector<int32_t>{1338, 1383, 1487}));
  EXPECT_EQ(sk[0].dogsketches[0].cnt, 3);
  ASSERT_TRUE(sk[0].origin.has_value());
  EXPECT_EQ(sk[0].origin->product, 10u);
  // Round trip through the control API JSON and back.
  auto back = sketchFromJson(toJson(sk[0]));
  ASSERT_TRUE(back.isOk());
  EXPECT_EQ(back->dogsketches[0].n, sk[0].dogsketches[0].n);
  EXPECT_DOUBLE_EQ(back->dogsketches[0].avg, 4.333);
}

// Spec §5.8: events grouped by source type; other /intake/ JSON (host metadata) is generic.
TEST(IntakeDecoder, EventsAndMetadata) {
  const std::string events = R"({"apiKey":"","events":{"api":[{"msg_title":"t1","msg_text":"x","timestamp":1700000000,)"
                             R"("priority":"low","host":"h","tags":["a:b"],"alert_type":"error"}],)"
                             R"("nagios":[{"msg_title":"t2","msg_text":"","timestamp":1700000001,"host":"h"}]},)"
                             R"("internalHostname":"h"})";
  auto p = decodeBody(RouteKind::kIntake, "application/json", events, 1 << 20);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  const auto& ev = std::get<std::vector<DecodedEvent>>(p->items);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].source, "api");
  EXPECT_EQ(ev[0].alert_type, "error");
  EXPECT_EQ(ev[1].source, "nagios");
  auto meta = decodeBody(RouteKind::kIntake, "application/json",
                         R"({"apiKey":"","internalHostname":"h","meta":{"hostname":"h"}})", 1 << 20);
  ASSERT_TRUE(meta.isOk());
  EXPECT_TRUE(std::get<DecodedGeneric>(meta->items).is_json);
}

// agent-payload process encoding: v3 header (16 bytes, little-endian) + body.
TEST(OrchestratorDecoder, ReadsTheVersionedHeader) {
  std::string msg;
  msg.push_back(3);   // version
  msg.push_back(0);   // encoding protobuf
  msg.push_back(41);  // CollectorPod
  msg.push_back(0);   // subscription
  int32_t org = 7;
  int64_t ts = 1700000000;
  msg.append(reinterpret_cast<const char*>(&org), 4);
  msg.append(reinterpret_cast<const char*>(&ts), 8);
  msg.append("\x0a\x03" "abc");
  auto p = decodeBody(RouteKind::kOrchestrator, "application/x-protobuf", msg, 1 << 20);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  const auto& m = std::get<std::vector<DecodedOrchestratorMessage>>(p->items);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].version, 3);
  EXPECT_EQ(m[0].type, 41);
  EXPECT_EQ(m[0].type_name, "pod");
  EXPECT_EQ(m[0].org_id, 7);
  EXPECT_EQ(m[0].header_timestamp, 1700000000);
  EXPECT_EQ(m[0].body_bytes, 5u);

  // zstd 1.x encoding of the body.
  std::string z = msg.substr(0, 16);
  z[1] = 4;
  z += testing::zstdCompress("\x0a\x03" "abc");
  auto pz = decodeBody(RouteKind::kOrchestrator, "application/x-protobuf", z, 1 << 20);
  ASSERT_TRUE(pz.isOk()) << pz.status().toString();
  EXPECT_EQ(std::get<std::vector<DecodedOrchestratorMessage>>(pz->items)[0].body_decoded_bytes, 5u);

  auto bad = decodeBody(RouteKind::kOrchestrator, "application/x-protobuf", std::string("\x09\x00\x29\x00\x00", 5), 1 << 20);
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("header version 9"), std::string::npos) << bad.status().message();
}

// A zstd v0.5 frame of raw blocks (what encoding 2, the agent's legacy zstd, looks like on the
// wire when stored uncompressed): magic FD2FB525, window byte, raw blocks, end block.
std::string legacyZstdFrame(const std::string& body) {
  std::string f("\x25\xb5\x2f\xfd", 4);
  int window_log = 11;
  while ((size_t{1} << window_log) < body.size()) ++window_log;
  f.push_back(static_cast<char>(window_log - 11));
  f.push_back(static_cast<char>((1u << 6) | ((body.size() >> 16) & 7)));
  f.push_back(static_cast<char>((body.size() >> 8) & 0xFF));
  f.push_back(static_cast<char>(body.size() & 0xFF));
  f += body;
  f.append("\xc0\x00\x00", 3);
  return f;
}

std::string processHeader(int encoding, int type) {
  std::string h(16, '\0');
  h[0] = 3;
  h[1] = static_cast<char>(encoding);
  h[2] = static_cast<char>(type);
  return h;
}

// The collector messages of proto/process.proto decode to JSON, in every body encoding.
TEST(OrchestratorDecoder, DecodesCollectorPodBodies) {
  datadog::process_agent::CollectorPod pod;
  pod.set_clustername("prod-cluster");
  pod.set_clusterid("0f7a");
  auto* p = pod.add_pods();
  p->mutable_metadata()->set_name("web-1");
  p->mutable_metadata()->set_uid("uid-1");
  p->set_phase("Running");
  const std::string body = pod.SerializeAsString();
  for (int encoding : {0, 2, 4, 5}) {
    std::string payload = processHeader(encoding, 41);
    payload += encoding == 0 ? body : encoding == 2 ? legacyZstdFrame(body) : testing::zstdCompress(body);
    auto d = decodeBody(RouteKind::kOrchestrator, "application/x-protobuf", payload, 1 << 20);
    ASSERT_TRUE(d.isOk()) << "encoding " << encoding << ": " << d.status().toString();
    const auto& m = std::get<std::vector<DecodedOrchestratorMessage>>(d->items)[0];
    EXPECT_EQ(m.message_name, "datadog.process_agent.CollectorPod");
    EXPECT_EQ(m.body_decoded_bytes, body.size());
    json j = toJson(m);
    EXPECT_EQ(j["body"]["clusterName"], "prod-cluster") << j.dump();
    EXPECT_EQ(j["body"]["pods"][0]["metadata"]["name"], "web-1");
  }
  // A manifest (type 80) on /api/v2/orchmanif.
  datadog::process_agent::CollectorManifest manifest;
  manifest.set_clusterid("0f7a");
  manifest.add_manifests()->set_uid("m-1");
  auto d = decodeBody(RouteKind::kOrchestratorManifest, "application/x-protobuf",
                      processHeader(2, 80) + legacyZstdFrame(manifest.SerializeAsString()), 1 << 20);
  ASSERT_TRUE(d.isOk()) << d.status().toString();
  EXPECT_EQ(toJson(std::get<std::vector<DecodedOrchestratorMessage>>(d->items)[0])["body"]["manifests"][0]["uid"], "m-1");
  // A known type whose body is not that message.
  auto bad = decodeBody(RouteKind::kOrchestrator, "application/x-protobuf", processHeader(0, 41) + "\xff\xff\xff", 1 << 20);
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("CollectorPod"), std::string::npos) << bad.status().message();
}

// Malformed bodies: a DataLoss whose message says what and where.
TEST(Decoders, ExplainWhatIsWrongAndWhere) {
  std::string good = testing::seriesPayload({{"m", {"a:b"}, {{1700000000, 1}}}});
  struct Case {
    const char* name;
    RouteKind kind;
    const char* content_type;
    std::string body;
    const char* expect;
  } cases[] = {
      {"truncated protobuf", RouteKind::kSeriesV2, "application/x-protobuf", good.substr(0, good.size() - 3),
       "runs past the end"},
      {"JSON sent as protobuf", RouteKind::kSeriesV2, "application/x-protobuf", R"({"series":[]})",
       "not part of datadog.agentpayload.MetricPayload"},
      {"v1 point not a number", RouteKind::kSeriesV1, "application/json",
       R"({"series":[{"metric":"m","points":[[1700000000,"x"]]}]})", "series[0].points[0]: value is not a number"},
      {"v1 NaN as the agent's jsoniter writes it", RouteKind::kSeriesV1, "application/json",
       R"({"series":[{"metric":"m","points":[[1700000000,]]}]})", "not valid JSON"},
      {"check run status wrong type", RouteKind::kCheckRuns, "application/json", R"([{"check":"c","status":"ok"}])",
       "check_runs[0].status"},
      {"events not an object", RouteKind::kIntake, "application/json", R"({"events":[1]})", "events: expected an object"},
      {"sketch garbage", RouteKind::kSketches, "application/x-protobuf", std::string("\xff\xff\xff", 3), "SketchPayload"},
      {"deep JSON", RouteKind::kSeriesV1, "application/json", std::string(1000, '[') + std::string(1000, ']'),
       "nested deeper"},
  };
  for (const auto& c : cases) {
    auto r = decodeBody(c.kind, c.content_type, c.body, 1 << 20);
    ASSERT_FALSE(r.isOk()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << c.name << ": " << r.status().message();
  }
}

// Invalid UTF-8 in tags is coerced to U+FFFD (the intake's behaviour for agent tags) and noted.
TEST(SeriesV2Decoder, CoercesInvalidUtf8InTags) {
  std::string body = withBytes(testing::seriesPayload({{"m", {"ok:1", "bad:@("}, {{1700000000, 1}}}}), "bad:@(",
                               "bad:\xc3(");
  auto p = decodeBody(RouteKind::kSeriesV2, "application/x-protobuf", body, 1 << 20);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  const auto& s = std::get<std::vector<DecodedSeries>>(p->items);
  EXPECT_EQ(s[0].tags[1], "bad:\xEF\xBF\xBD(");
  ASSERT_EQ(p->notes.size(), 1u);
  EXPECT_EQ(p->notes[0].property, "Pyld50");
  EXPECT_NE(p->notes[0].message.find("series[0].tags[1]"), std::string::npos) << p->notes[0].message;
}

TEST(Decoders, EmptyObjectMeansNoItems) {
  for (auto kind : {RouteKind::kSeriesV2, RouteKind::kSeriesV1, RouteKind::kCheckRuns}) {
    auto p = decodeBody(kind, "application/json", "{}", 1 << 20);
    ASSERT_TRUE(p.isOk()) << routeKindName(kind);
  }
}

// The series JSON shape of the agent fakeintake's format=json (gogoproto MetricSeries).
TEST(DecodedJson, SeriesShape) {
  DecodedSeries s;
  s.resources = {{"host", "h"}};
  s.metric = "m";
  s.tags = {"a:b"};
  s.points = {{1.5, 1700000000}, {0, 1700000010}};
  s.type = 3;
  s.interval = 10;
  s.origin = DecodedOrigin{0, 10, 10, 0};
  json j = toJson(s);
  EXPECT_EQ(j, json::parse(R"({"resources":[{"type":"host","name":"h"}],"metric":"m","tags":["a:b"],)"
                           R"("points":[{"value":1.5,"timestamp":1700000000},{"timestamp":1700000010}],)"
                           R"("type":3,"interval":10,"metadata":{"origin":{"origin_product":10,"origin_category":10}}})"));
  auto back = seriesFromJson(j);
  ASSERT_TRUE(back.isOk());
  EXPECT_EQ(back->points[1].value, 0);
  EXPECT_EQ(back->origin->category, 10u);
  DecodedSeries nan = s;
  nan.points = {{std::nan(""), 1}};
  EXPECT_EQ(toJson(nan)["points"][0]["value"], "NaN");
  EXPECT_TRUE(std::isnan(seriesFromJson(toJson(nan))->points[0].value));
}

}  // namespace
}  // namespace ddsim::fakeintake
