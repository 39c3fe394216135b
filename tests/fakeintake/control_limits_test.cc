// Control-API inputs and answers are bounded (issue 10): rule counts, text sizes, route-name
// lengths and answer sizes each have a limit, and exceeding one is a clear 4xx.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakeintake/core/base64.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using testing::TestServer;

std::string rules(int n, const std::string& route = "/api/v2/series") {
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + std::string(R"({"route":")") + route + R"(","status":503})";
  return out + "]";
}

TEST(ControlLimits, FaultRuleCountIsCapped) {
  IntakeOptions o;
  o.control.max_fault_rules = 10;
  TestServer s(o);
  auto c = s.client();
  EXPECT_EQ(c->Post("/fakeintake/faults", rules(10), "application/json")->status, 200);
  auto over = c->Post("/fakeintake/faults", rules(11), "application/json");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 400);
  EXPECT_NE(over->body.find("too many fault rules"), std::string::npos) << over->body;
  auto append = c->Post("/fakeintake/faults?mode=append", rules(1), "application/json");
  EXPECT_EQ(append->status, 400) << append->body;
  EXPECT_EQ(s.handler().faults().ruleCount(), 10u);
}

TEST(ControlLimits, DefaultLimitsRefuseFourHundredThousandRules) {
  TestServer s;
  auto r = s.client()->Post("/fakeintake/faults", rules(400'000), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body.substr(0, 200);  // the body alone is over 1 MiB
  EXPECT_EQ(s.client()->Post("/fakeintake/faults", rules(1001), "application/json")->status, 400);
  EXPECT_EQ(s.handler().faults().ruleCount(), 0u);
}

TEST(ControlLimits, RuleAndOverrideTextIsCapped) {
  TestServer s;
  auto c = s.client();
  auto r = c->Post("/fakeintake/faults", rules(1, "/" + std::string(5000, 'r')), "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("rules[0].route"), std::string::npos) << r->body;
  json big = {{"endpoint", "/api/v2/series"}, {"status_code", 500}, {"body", base64Encode(std::string(5000, 'b'))}};
  auto o = c->Post("/fakeintake/configure/override", big.dump(), "application/json");
  EXPECT_EQ(o->status, 400);
  EXPECT_NE(o->body.find("override.body"), std::string::npos) << o->body;
}

TEST(ControlLimits, LongRouteNamesAre414AndNotTracked) {
  TestServer s;
  auto r = s.client()->Post(("/" + std::string(2000, 'x')).c_str(), "data", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  EXPECT_NE(r->body.find("over the limit of 1024"), std::string::npos) << r->body;
  EXPECT_EQ(s.handler().routeStats().routeCount(), 0u);
  EXPECT_EQ(s.handler().counters().get("rejected.route_too_long"), 1);
}

TEST(ControlLimits, MetricsAndRouteStatsAnswersAreCapped) {
  IntakeOptions o;
  o.max_answer_bytes = 64 * 1024;
  TestServer s(o);
  auto c = s.client();
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(c->Post(("/route/" + std::to_string(i) + "/" + std::string(500, 'n')).c_str(), "x", "text/plain")->status, 200);
  }
  auto metrics = c->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 413);
  EXPECT_NE(metrics->body.find("max_answer_bytes"), std::string::npos);
  auto stats = c->Get("/fakeintake/routestats");
  EXPECT_EQ(stats->status, 413);
  EXPECT_EQ(c->Get("/fakeintake/flushPayloads")->status, 200);
  EXPECT_EQ(c->Get("/metrics")->status, 200);
}

TEST(ControlLimits, ViolationsAnswerIsPaged) {
  IntakeOptions o;
  o.control.max_violations_per_answer = 5;
  TestServer s(o);
  for (int i = 0; i < 8; ++i) {
    // No API key: one Pyld violation each (the request is still stored).
    auto r = s.client()->Post("/api/v1/series", R"({"series":[]})", "application/json");
    ASSERT_TRUE(r);
  }
  auto first = json::parse(s.client()->Get("/fakeintake/violations")->body);
  ASSERT_LE(first["violations"].size(), 5u + 4u);  // a page stops after the payload that reaches 5
  auto cursor = first["next_cursor"].get<uint64_t>();
  auto rest = json::parse(s.client()->Get(("/fakeintake/violations?cursor=" + std::to_string(cursor)).c_str())->body);
  EXPECT_GT(rest["violations"].size(), 0u);
}

}  // namespace
}  // namespace ddsim::fakeintake
