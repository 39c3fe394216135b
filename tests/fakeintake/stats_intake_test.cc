// /api/v0.2/stats in the fakeintake (docs/trace-agent.md §8.3, §8.4): the decoder on bytes from
// core/trace's concentrator and stats writer and on a StatsPayload built independently (msgpack
// from nlohmann_json, sketches from libprotobuf), the JSON form and the client, and the stats
// property checks.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/trace/stats_concentrator.h"
#include "core/trace/stats_writer.h"
#include "fakeintake/client/fakeintake_client.h"
#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/decoders/decoder.h"
#include "proto/ddsketch.pb.h"
#include "tests/fakeintake/submission_support.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;

constexpr uint64_t kBucket = 10'000'000'000;
constexpr uint64_t kStart = 170'000'000 * kBucket;

json::binary_t sketch(double zero, std::vector<double> counts) {
  datadog::sketches::DDSketch pb;
  pb.mutable_mapping()->set_gamma(1.01 / 0.99);
  pb.set_zerocount(zero);
  auto* pos = pb.mutable_positivevalues();
  pos->set_contiguousbinindexoffset(1000);
  for (double c : counts) pos->add_contiguousbincounts(c);
  const std::string s = pb.SerializeAsString();
  return json::binary_t(std::vector<uint8_t>(s.begin(), s.end()));
}

// A StatsPayload as the agent's msgp code writes it, built without ddsim's encoder.
json independentPayload() {
  json group = {{"Service", "api"},      {"Name", "http.request"}, {"Resource", "GET /"},
                {"HTTPStatusCode", 200}, {"Type", "web"},          {"DBType", ""},
                {"Hits", 5},             {"Errors", 2},            {"Duration", 5000},
                {"OkSummary", sketch(1, {1, 0, 1})},               {"ErrorSummary", sketch(0, {2})},
                {"Synthetics", false},   {"TopLevelHits", 5},      {"SpanKind", "server"},
                {"PeerTags", json::array()}, {"IsTraceRoot", 1},   {"SomeNewerField", "skipped"}};
  json bucket = {{"Start", kStart}, {"Duration", kBucket}, {"Stats", json::array({group})}, {"AgentTimeShift", 0}};
  json client = {{"Hostname", "h1"}, {"Env", "prod"}, {"Version", "1.2"}, {"Stats", json::array({bucket})},
                 {"Lang", ""}, {"TracerVersion", ""}, {"RuntimeID", ""}, {"Sequence", 0}, {"AgentAggregation", ""},
                 {"Service", ""}, {"ContainerID", ""}, {"Tags", json::array()}, {"GitCommitSha", ""}, {"ImageTag", ""}};
  return {{"AgentHostname", "agent-1"}, {"AgentEnv", "none"}, {"Stats", json::array({client})},
          {"AgentVersion", "7.60.0"}, {"ClientComputed", false}, {"SplitPayload", false}};
}

std::string msgpackOf(const json& j) {
  const auto bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<Violation> violationsOf(const DecodedPayload& d) {
  std::vector<Violation> out;
  PropertyChecker(IntakeOptions{}).checkDecoded(RouteKind::kStats, d, common::ManualClock().systemNow(), out);
  return out;
}

TEST(StatsDecoder, DecodesAnIndependentlyBuiltStatsPayload) {
  auto d = decodeBody(RouteKind::kStats, "application/msgpack", msgpackOf(independentPayload()), 1 << 24);
  ASSERT_TRUE(d.isOk()) << d.status().message();
  const auto& p = std::get<std::vector<DecodedStatsPayload>>(d->items).at(0);
  EXPECT_EQ(p.agent_hostname, "agent-1");
  EXPECT_EQ(p.agent_version, "7.60.0");
  EXPECT_EQ(p.groupCount(), 1u);
  const DecodedClientStats& c = p.stats.at(0);
  EXPECT_EQ(c.env, "prod");
  EXPECT_EQ(c.version, "1.2");
  const DecodedStatsBucket& b = c.stats.at(0);
  EXPECT_EQ(b.start, kStart);
  EXPECT_EQ(b.duration, kBucket);
  const DecodedGroupedStats& g = b.stats.at(0);
  EXPECT_EQ(g.resource, "GET /");
  EXPECT_EQ(g.http_status_code, 200u);
  EXPECT_EQ(g.hits, 5u);
  EXPECT_EQ(g.errors, 2u);
  EXPECT_EQ(g.span_kind, "server");
  EXPECT_EQ(g.is_trace_root, 1);
  EXPECT_EQ(g.ok_count, 3);
  EXPECT_EQ(g.error_count, 2);
  EXPECT_TRUE(violationsOf(*d).empty());
  const json j = itemsToJson(d->items);
  EXPECT_EQ(j[0]["stats"][0]["stats"][0]["stats"][0]["okCount"], 3);
  EXPECT_EQ(j[0]["stats"][0]["stats"][0]["start"].get<uint64_t>(), kStart);
  auto back = statsPayloadFromJson(j[0]);
  ASSERT_TRUE(back.isOk()) << back.status().message();
  EXPECT_EQ(back->stats.at(0).stats.at(0).stats.at(0).ok_summary, g.ok_summary);
}

TEST(StatsDecoder, WrongTypesAndGarbageAreErrorsSayingWhere) {
  json bad = independentPayload();
  bad["Stats"][0]["Stats"][0]["Stats"][0]["Hits"] = "five";
  struct Row {
    std::string body;
    const char* want;
  };
  const Row rows[] = {
      {msgpackOf(bad), "Stats[0].Stats[0].Stats[0].Hits: expected uint64"},
      {msgpackOf(json::array({1})), "expected a msgpack map"},
      {std::string("\x81\xa5Stats", 7), "stats payload"},
  };
  for (const Row& r : rows) {
    auto d = decodeBody(RouteKind::kStats, "application/msgpack", r.body, 1 << 20);
    ASSERT_FALSE(d.isOk()) << r.want;
    EXPECT_NE(d.status().message().find(r.want), std::string::npos) << d.status().message();
  }
}

TEST(StatsProperties, EachBrokenGroupIsNamed) {
  struct Row {
    const char* property;
    void (*breakIt)(json&);
  };
  auto g = [](json& p) -> json& { return p["Stats"][0]["Stats"][0]["Stats"][0]; };
  static decltype(g)* gp = &g;
  const Row rows[] = {
      {"DdStatsCounts", [](json& p) { (*gp)(p)["Errors"] = 6; }},
      {"DdStatsCounts", [](json& p) { (*gp)(p)["TopLevelHits"] = 9; }},
      {"DdStatsBucket", [](json& p) { p["Stats"][0]["Stats"][0]["Start"] = kStart + 1; }},
      {"DdStatsFields", [](json& p) { (*gp)(p)["Service"] = ""; }},
      {"DdStatsSketch", [](json& p) { (*gp)(p)["OkSummary"] = json::binary_t({0xff, 0xff}); }},
      {"DdStatsSketch", [](json& p) { (*gp)(p)["ErrorSummary"] = sketch(0, {3}); }},  // 3 values, 2 errors
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.property);
    json p = independentPayload();
    row.breakIt(p);
    auto d = decodeBody(RouteKind::kStats, "application/msgpack", msgpackOf(p), 1 << 20);
    ASSERT_TRUE(d.isOk()) << d.status().message();
    const auto out = violationsOf(*d);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].property, row.property);
    EXPECT_NE(out[0].message.find("stats[0].stats[0]"), std::string::npos) << out[0].message;
  }
}

// concentrator → stats writer → the handler, as the bytes arrive (gzip, the writer's headers):
// no violation, and the counts are the spans added.
TEST(StatsDecoder, DecodesWhatTheStatsWriterSends) {
  testing::CapturingForwarder fwd;
  const int64_t t0 = static_cast<int64_t>(kStart);
  trace::StatsConcentratorOptions o;
  o.agent_hostname = "host-a";
  trace::StatsConcentrator conc(o, t0);
  for (int i = 0; i < 10; ++i) {
    trace::TraceChunk c;
    trace::Span s;
    s.service = "web";
    s.name = "express.request";
    s.resource = i % 2 ? "GET /a" : "GET /b";
    s.trace_id = s.span_id = static_cast<uint64_t>(i + 1);
    s.start = t0 + i * 1000;
    s.duration = 1000 + i;
    s.error = i < 3 ? 1 : 0;
    s.metrics["_top_level"] = 1;
    c.spans.push_back(s);
    conc.add(c, 0, {});
  }
  trace::StatsWriter w({}, fwd);
  w.write(conc.flush(t0, true), "nodejs");
  ASSERT_EQ(fwd.subs.size(), 1u);
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  auto stored = testing::deliver(h, clock, fwd.subs[0], "/api/v0.2/stats");
  ASSERT_TRUE(stored && stored->decoded);
  const auto& p = std::get<std::vector<DecodedStatsPayload>>(stored->decoded->items).at(0);
  EXPECT_EQ(p.agent_hostname, "host-a");
  uint64_t hits = 0, errors = 0;
  for (const auto& g : p.stats.at(0).stats.at(0).stats) {
    hits += g.hits;
    errors += g.errors;
    EXPECT_EQ(g.ok_count + g.error_count, static_cast<double>(g.hits)) << "unweighted: the sketches hold every span";
    EXPECT_EQ(g.error_count, static_cast<double>(g.errors));
  }
  EXPECT_EQ(hits, 10u);
  EXPECT_EQ(errors, 3u);
}

TEST(StatsDecoder, ServedAsJsonAndReadByTheClient) {
  testing::TestServer s;
  auto r = s.post("/api/v0.2/stats", testing::gzipCompress(msgpackOf(independentPayload())), "gzip", "application/msgpack");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto c = FakeintakeClient::create(s.url());
  ASSERT_TRUE(c.isOk());
  auto stats = (*c)->stats();
  ASSERT_TRUE(stats.isOk()) << stats.status().message();
  ASSERT_EQ(stats->size(), 1u);
  const DecodedGroupedStats& g = (*stats)[0].stats.at(0).stats.at(0).stats.at(0);
  EXPECT_EQ(g.hits, 5u);
  EXPECT_EQ(g.ok_count, 3);
  EXPECT_EQ((*c)->stats()->size(), 1u);
}

}  // namespace
}  // namespace ddsim::fakeintake
