// Scripted faults observed by a real HTTP client on loopback, and in virtual time (the
// X-Ddsim-Simulated-* headers the forwarder reads). Outcomes the agent's forwarder reacts to
// are spec §6.3's table: 400/403/413 dropped, other >= 400 retried, network errors retried.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakeintake/faults/fault_engine.h"
#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using nlohmann::json;
using testing::TestServer;

const std::string kBody = R"({"series":[{"metric":"m","points":[[1700000000,1]],"host":"h","type":"gauge"}]})";

httplib::Result postSeries(const TestServer& s, int timeout_ms = testing::kClientTimeoutMs) {
  auto c = s.client(timeout_ms);
  return c->Post("/api/v1/series", httplib::Headers{{"DD-API-KEY", "k"}}, kBody, "application/json");
}

void setFaults(const TestServer& s, const std::string& rules) {
  auto r = s.client()->Post("/fakeintake/faults", rules, "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
}

size_t stored(const TestServer& s) {
  auto r = s.client()->Get("/fakeintake/payloads?endpoint=/api/v1/series");
  return json::parse(r->body)["payloads"].size();
}

TEST(Faults, StatusBodyAndRetryAfter) {
  TestServer s;
  setFaults(s, R"({"rules":[{"id":"throttle","route":"/api/v1/series","status":429,"body":"{\"errors\":[\"slow down\"]}",)"
               R"("retry_after":30}]})");
  auto r = postSeries(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->get_header_value("Retry-After"), "30");
  EXPECT_EQ(r->body, R"({"errors":["slow down"]})");
  EXPECT_EQ(r->get_header_value("X-Ddsim-Fault"), "throttle");
  EXPECT_EQ(stored(s), 0u);  // an error answer does not store by default
  auto stats = json::parse(s.client()->Get("/fakeintake/routestats")->body)["routes"]["/api/v1/series"];
  EXPECT_EQ(stats["status_counts"]["429"], 1);
  EXPECT_EQ(stats["faults"], 1);
  // Other routes are untouched.
  auto other = s.client()->Post("/api/v2/series", "{}", "application/json");
  EXPECT_EQ(other->status, 202);
}

TEST(Faults, CountAndSkipScheduleAnOrderedSequence) {
  TestServer s;
  // Let 1 through, then fail 2 with 500, then 1 with 413, then succeed.
  setFaults(s, R"({"rules":[{"route":"/api/v1/series","status":500,"skip":1,"count":2},)"
               R"({"route":"/api/v1/series","status":413,"count":1}]})");
  std::vector<int> got;
  for (int i = 0; i < 6; ++i) got.push_back(postSeries(s)->status);
  // Rule 1 sees request 0 (skipped) -> the next rule applies to it: 413 first.
  EXPECT_EQ(got, (std::vector<int>{413, 500, 500, 202, 202, 202}));
  json state = json::parse(s.client()->Get("/fakeintake/faults")->body);
  EXPECT_EQ(state["rules"][0]["state"]["applied"], 2);
  EXPECT_EQ(state["rules"][0]["state"]["remaining"], 0);
  EXPECT_EQ(state["rules"][1]["state"]["applied"], 1);
  EXPECT_EQ(stored(s), 3u);
}

TEST(Faults, ProbabilityIsReproducibleFromTheSeed) {
  IntakeOptions o;
  o.fault_seed = 42;
  TestServer s(o);
  setFaults(s, R"([{"route":"*","status":503,"probability":0.3}])");
  std::vector<bool> failed;
  for (int i = 0; i < 60; ++i) failed.push_back(postSeries(s)->status == 503);
  // The same seed and rules in-process give the same sequence.
  FaultEngine engine(42);
  FaultRule r;
  r.status = 503;
  r.probability = 0.3;
  engine.setRules({r}, s.clock().systemNow());
  std::vector<bool> want;
  for (int i = 0; i < 60; ++i) want.push_back(engine.evaluate("POST", "/api/v1/series", s.clock().systemNow()).applies);
  EXPECT_EQ(failed, want);
  size_t n = std::count(failed.begin(), failed.end(), true);
  EXPECT_GT(n, 5u);
  EXPECT_LT(n, 35u);
}

TEST(Faults, TimeWindowOutageInVirtualTime) {
  TestServer s;
  setFaults(s, R"({"rules":[{"route":"/api/*","status":503,"window":{"start_after_s":60,"duration_s":120}}]})");
  EXPECT_EQ(postSeries(s)->status, 202);
  s.clock().advance(std::chrono::seconds(60));
  EXPECT_EQ(postSeries(s)->status, 503);
  s.clock().advance(std::chrono::seconds(119));
  EXPECT_EQ(postSeries(s)->status, 503);
  s.clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(postSeries(s)->status, 202);
  // Absolute windows too (RFC 3339 or unix seconds).
  setFaults(s, R"([{"status":500,"window":{"start":1700000190,"end":"2023-11-14T22:16:40Z"}}])");
  EXPECT_EQ(postSeries(s)->status, 202);  // now = 1700000180
  s.clock().advance(std::chrono::seconds(10));
  EXPECT_EQ(postSeries(s)->status, 500);
  s.clock().advance(std::chrono::seconds(10));
  EXPECT_EQ(postSeries(s)->status, 202);
}

TEST(Faults, ConnectionResetIsSeenByTheClient) {
  TestServer s;
  setFaults(s, R"([{"route":"/api/v1/series","reset":true,"count":1}])");
  auto r = postSeries(s);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error() == httplib::Error::Read || r.error() == httplib::Error::Write)
      << httplib::to_string(r.error());
  EXPECT_EQ(stored(s), 0u);
  // The server keeps serving: the next request succeeds.
  EXPECT_EQ(postSeries(s)->status, 202);
  EXPECT_EQ(s.handler().counters().get("faults.reset"), 1);
}

TEST(Faults, NeverAnsweringTimesTheClientOutAndStopStillReturns) {
  TestServer s;
  setFaults(s, R"([{"route":"/api/v1/series","never_answer":true,"count":1}])");
  auto r = postSeries(s, /*timeout_ms=*/300);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), httplib::Error::Read) << httplib::to_string(r.error());
  EXPECT_EQ(postSeries(s)->status, 202);
  // ~TestServer stops the server while the handler thread still waits: stop() wakes it.
}

TEST(Faults, RealtimeLatencyHoldsTheAnswer) {
  TestServer s;
  setFaults(s, R"([{"route":"/api/v1/series","latency":{"distribution":"fixed","ms":60000},"count":1}])");
  // The answer is held far longer than the client waits: the client sees a timeout.
  auto r = postSeries(s, /*timeout_ms=*/300);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), httplib::Error::Read);
  EXPECT_EQ(s.handler().counters().get("faults.latency"), 1);
}

TEST(Faults, SimulateDelaysAnswersAtOnceWithHeaders) {
  IntakeOptions o;
  o.simulate_delays = true;
  TestServer s(o);
  setFaults(s, R"([{"route":"/api/v1/series","latency_ms":250,"count":1},)"
               R"({"route":"/api/v1/series","never_answer":true,"count":1},)"
               R"({"route":"/api/v1/series","status":502,"latency":{"distribution":"uniform","min_ms":10,"max_ms":20},"count":1}])");
  auto lat = postSeries(s);
  ASSERT_TRUE(lat);
  EXPECT_EQ(lat->status, 202);
  EXPECT_EQ(lat->get_header_value("X-Ddsim-Simulated-Latency-Ms"), "250");
  EXPECT_EQ(stored(s), 1u);  // a latency-only fault still stores
  auto never = postSeries(s);
  ASSERT_TRUE(never);
  EXPECT_EQ(never->status, 504);
  EXPECT_EQ(never->get_header_value("X-Ddsim-Simulated-Timeout"), "1");
  auto both = postSeries(s);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 502);
  int ms = std::stoi(both->get_header_value("X-Ddsim-Simulated-Latency-Ms"));
  EXPECT_GE(ms, 10);
  EXPECT_LE(ms, 20);
  EXPECT_EQ(stored(s), 1u);
}

TEST(Faults, InProcessHandlerReportsConnectionActions) {
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  auto rules = parseFaultRules(R"([{"reset":true,"count":1},{"never_answer":true,"count":1},{"latency_ms":5,"count":1}])");
  ASSERT_TRUE(rules.isOk()) << rules.status().toString();
  h.faults().setRules(*rules, clock.systemNow());
  IntakeRequest req;
  req.path = "/api/v1/series";
  req.body = kBody;
  req.headers.add("Content-Type", "application/json");
  EXPECT_EQ(h.handle(req).connection, ConnectionAction::kReset);
  EXPECT_EQ(h.handle(req).connection, ConnectionAction::kNeverAnswer);
  IntakeResponse delayed = h.handle(req);
  EXPECT_EQ(delayed.connection, ConnectionAction::kAnswer);
  EXPECT_EQ(delayed.latency, std::chrono::milliseconds(5));
  EXPECT_EQ(delayed.status, 202);
}

TEST(Faults, RulesJsonErrorsNameTheField) {
  TestServer s;
  struct Case {
    const char* body;
    const char* expect;
  } cases[] = {
      {R"([{"route":"/x"}])", "rules[0]: a rule needs an effect"},
      {R"([{"status":700}])", "rules[0].status: must be in [100, 599]"},
      {R"([{"status":500,"probability":2}])", "rules[0].probability: must be in [0, 1]"},
      {R"([{"status":500},{"latency":{"distribution":"pareto","ms":3}}])", "rules[1].latency.distribution: unknown"},
      {R"([{"status":500,"colour":"red"}])", "rules[0].colour: unknown field"},
      {R"([{"reset":true,"never_answer":true}])", "exclusive"},
      {R"(not json)", "not valid JSON"},
  };
  for (const auto& c : cases) {
    auto r = s.client()->Post("/fakeintake/faults", c.body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << c.body;
    EXPECT_NE(r->body.find(c.expect), std::string::npos) << c.body << " -> " << r->body;
  }
  // DELETE clears; append adds after the existing rules.
  setFaults(s, R"([{"status":500}])");
  ASSERT_EQ(s.client()->Post("/fakeintake/faults?mode=append", R"([{"status":501}])", "application/json")->status, 200);
  EXPECT_EQ(json::parse(s.client()->Get("/fakeintake/faults")->body)["rules"].size(), 2u);
  ASSERT_EQ(s.client()->Delete("/fakeintake/faults")->status, 200);
  EXPECT_EQ(json::parse(s.client()->Get("/fakeintake/faults")->body)["rules"].size(), 0u);
  EXPECT_EQ(postSeries(s)->status, 202);
}

}  // namespace
}  // namespace ddsim::fakeintake
