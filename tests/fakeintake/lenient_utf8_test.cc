// Invalid UTF-8 never makes the fakeintake reject a payload (issue 10): every string field of
// every decoded kind is decoded leniently (each invalid sequence becomes U+FFFD) and flagged as
// a Pyld50 violation. The agent's own fakeintake decodes with Go, which keeps such bytes and
// accepts the payload (test/fakeintake/aggregator/*.go in DataDog/datadog-agent), so a 400
// here would make the agent drop data the real intake keeps.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakeintake/decoders/decoded_json.h"
#include "fakeintake/decoders/decoder.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using testing::TestServer;

constexpr const char* kReplacement = "\xEF\xBF\xBD";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  s.replace(s.find(from), from.size(), to);
  return s;
}

std::string sketchPayload(const std::string& metric, const std::string& host) {
  datadog::agentpayload::SketchPayload p;
  auto* s = p.add_sketches();
  s->set_metric(metric);
  s->set_host(host);
  s->add_tags("env:test");
  auto* d = s->add_dogsketches();
  d->set_ts(1700000000);
  d->set_cnt(1);
  d->set_min(1);
  d->set_max(1);
  d->set_avg(1);
  d->set_sum(1);
  d->add_k(1338);
  d->add_n(1);
  return p.SerializeAsString();
}

bool containsReplacement(const json& j) { return j.dump().find(kReplacement) != std::string::npos; }

TEST(LenientUtf8, EveryStringFieldOfEveryKindDecodesWithAViolation) {
  auto series = [](const std::string& placeholder) {
    testing::SeriesSpec s{"metric.ok", {"env:ok"}, {{1700000000, 1}}};
    s.host = "host-ok";
    datadog::agentpayload::MetricPayload p;
    testing::addSeries(p, s);
    p.mutable_series(0)->set_unit(placeholder == "unit" ? "UNITX" : "");
    p.mutable_series(0)->set_source_type_name(placeholder == "source" ? "SRCX" : "");
    return p.SerializeAsString();
  };
  struct Case {
    const char* name;
    RouteKind kind;
    const char* content_type;
    std::string body;
  } cases[] = {
      {"series v2 metric", RouteKind::kSeriesV2, "application/x-protobuf",
       replaced(series(""), "metric.ok", "metric\xff.o")},
      {"series v2 resource name", RouteKind::kSeriesV2, "application/x-protobuf",
       replaced(series(""), "host-ok", "host\xc3\x28k")},
      {"series v2 tag", RouteKind::kSeriesV2, "application/x-protobuf", replaced(series(""), "env:ok", "env:\xed\xa0")},
      {"series v2 unit", RouteKind::kSeriesV2, "application/x-protobuf", replaced(series("unit"), "UNITX", "UNI\xf8X")},
      {"series v2 source type", RouteKind::kSeriesV2, "application/x-protobuf",
       replaced(series("source"), "SRCX", "SR\x80X")},
      {"sketch metric", RouteKind::kSketches, "application/x-protobuf", sketchPayload("sk\xff", "h")},
      {"sketch host", RouteKind::kSketches, "application/x-protobuf", sketchPayload("sk", "h\xfe")},
      {"series v1 JSON metric", RouteKind::kSeriesV1, "application/json",
       "{\"series\":[{\"metric\":\"m\xff\",\"points\":[[1700000000,1]],\"type\":\"gauge\",\"host\":\"h\"}]}"},
      {"series v2 JSON tag", RouteKind::kSeriesV2, "application/json",
       "{\"series\":[{\"metric\":\"m\",\"points\":[{\"timestamp\":1700000000,\"value\":1}],\"tags\":[\"a:\xc0\"]}]}"},
      {"check run name", RouteKind::kCheckRuns, "application/json",
       "[{\"check\":\"c\xff\",\"status\":0,\"host_name\":\"h\",\"timestamp\":1700000000}]"},
      {"check run message, lone surrogate escape", RouteKind::kCheckRuns, "application/json",
       R"([{"check":"c","status":0,"host_name":"h","timestamp":1700000000,"message":"x\udc00y"}])"},
      {"event title", RouteKind::kIntake, "application/json",
       "{\"events\":{\"api\":[{\"msg_title\":\"t\xff\",\"msg_text\":\"x\",\"timestamp\":1700000000}]}}"},
  };
  for (const auto& c : cases) {
    auto p = decodeBody(c.kind, c.content_type, c.body, 1 << 20);
    ASSERT_TRUE(p.isOk()) << c.name << ": " << p.status().toString();
    bool flagged = false;
    for (const auto& n : p->notes) flagged = flagged || n.property == "Pyld50";
    EXPECT_TRUE(flagged) << c.name;
    EXPECT_TRUE(containsReplacement(itemsToJson(p->items))) << c.name;
  }
}

TEST(LenientUtf8, OneBadNameAmongTwoThousandSeriesLosesNothing) {
  TestServer s;
  std::vector<testing::SeriesSpec> specs;
  for (int i = 0; i < 2000; ++i) specs.push_back({"good.metric." + std::to_string(i), {"env:test"}, {{1700000000, 1.0 * i}}});
  specs.push_back({"badX", {"env:test"}, {{1700000000, 7}}});
  const std::string body = replaced(testing::seriesPayload(specs), "badX", "bad\xff");
  auto r = s.post("/api/v2/series", testing::zlibCompress(body), "deflate");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;

  auto dec = s.client()->Get("/fakeintake/payloads?endpoint=/api/v2/series&format=json");
  ASSERT_TRUE(dec);
  ASSERT_EQ(dec->status, 200);
  const json answer = json::parse(dec->body);
  ASSERT_EQ(answer["payloads"].size(), 1u);
  const json& series = answer["payloads"][0]["data"];
  ASSERT_EQ(series.size(), 2001u);
  EXPECT_EQ(series[2000]["metric"], std::string("bad") + kReplacement);
  EXPECT_EQ(series[1999]["metric"], "good.metric.1999");

  auto violations = json::parse(s.client()->Get("/fakeintake/violations?property=Pyld50")->body);
  ASSERT_EQ(violations["violations"].size(), 1u);
  EXPECT_NE(violations["violations"][0]["message"].get<std::string>().find("series[2000].metric"), std::string::npos)
      << violations.dump();
  EXPECT_EQ(s.handler().counters().get("violations.Pyld50"), 1);
  EXPECT_EQ(s.handler().counters().get("decode_errors"), 0);
}

// Found by the fuzzer: an orchestrator message whose header says "JSON body" (encoding 1) but
// whose body is neither JSON nor UTF-8 is kept as text, and its JSON form is still valid UTF-8.
TEST(LenientUtf8, AnOrchestratorBodyThatIsNotJsonIsKeptAsValidText) {
  const std::string body("\x01\x01\x60\x80\x00\x01\x59\xa0\x2d\x2a", 10);
  auto d = decodeBody(RouteKind::kOrchestratorManifest, "application/x-protobuf", body, 1 << 20);
  ASSERT_TRUE(d.isOk()) << d.status().message();
  const json j = itemsToJson(d->items, RouteKind::kOrchestratorManifest);
  std::string text;
  ASSERT_NO_THROW(text = j.dump(-1, ' ', false, json::error_handler_t::strict));
  EXPECT_NE(text.find(kReplacement), std::string::npos) << text;
}

}  // namespace
}  // namespace ddsim::fakeintake
