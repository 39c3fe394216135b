// The C++ client over real HTTP: metric filters (name, exact tags, tag regex, value range with
// explicit any-point/all-points semantics, type, time window), check runs, events, sketches,
// route stats, flush, faults, incremental fetching and restart detection (anchors.md §1.4).
#include "fakeintake/client/fakeintake_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakeintake/test_support.h"

namespace ddsim::fakeintake {
namespace {

using testing::SeriesSpec;
using testing::TestServer;

constexpr int64_t kNow = 1'700'000'000;

std::unique_ptr<FakeintakeClient> connect(const TestServer& s, ClientOptions o = {}) {
  auto c = FakeintakeClient::create(s.url(), std::move(o));
  EXPECT_TRUE(c.isOk()) << c.status().toString();
  return std::move(c).value();
}

void postSeries(const TestServer& s, std::vector<SeriesSpec> series) {
  auto r = s.post("/api/v2/series", testing::zstdCompress(testing::seriesPayload(series)), "zstd");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
}

std::vector<std::string> names(const std::vector<DecodedSeries>& v) {
  std::vector<std::string> out;
  for (const auto& s : v) out.push_back(s.metric);
  return out;
}

TEST(FakeintakeClient, FiltersMetrics) {
  TestServer s;
  postSeries(s, {{"cpu", {"env:prod", "host:a"}, {{kNow, 10}, {kNow + 10, 90}}, 3},
                 {"cpu", {"env:dev", "host:b"}, {{kNow, 50}, {kNow + 10, 60}}, 3},
                 {"requests", {"env:prod", "service:web"}, {{kNow, 5}}, 1},
                 {"requests", {"env:prod", "service:db"}, {{kNow + 20, 7}}, 2}});
  auto c = connect(s);
  struct Case {
    const char* name;
    MetricFilter filter;
    std::vector<std::string> want;
  } cases[] = {
      {"by name", {.name = "cpu"}, {"cpu", "cpu"}},
      {"exact tags", {.name = "cpu", .tags = {"env:prod"}}, {"cpu"}},
      {"tag must match exactly", {.tags = {"env:pro"}}, {}},
      {"tag regex", {.tag_regexes = {"^service:(web|db)$"}}, {"requests", "requests"}},
      {"every regex must match some tag", {.tag_regexes = {"^env:prod$", "^host:"}}, {"cpu"}},
      // Any point: one point in [40, 70] is enough (cpu/dev has 50 and 60; cpu/prod has none).
      {"value range, any point", {.name = "cpu", .min_value = 40, .max_value = 70}, {"cpu"}},
      // The agent client's gotcha: cpu/prod has 10 (<= 70) and 90 (>= 40) but no single point
      // in range; our any-point semantics do not match it.
      {"range needs one point satisfying both bounds",
       {.name = "cpu", .tags = {"env:prod"}, .min_value = 40, .max_value = 70},
       {}},
      {"all points", {.name = "cpu", .min_value = 5, .max_value = 60, .value_match = ValueMatch::kAllPoints}, {"cpu"}},
      {"all points, none", {.name = "cpu", .min_value = 55, .value_match = ValueMatch::kAllPoints}, {}},
      {"type count", {.type = 1}, {"requests"}},
      {"type rate", {.type = 2}, {"requests"}},
      {"time window ignores points outside", {.name = "cpu", .min_value = 80, .from_ts = kNow + 5}, {"cpu"}},
      {"window with no points does not match", {.from_ts = kNow + 100}, {}},
      {"window upper bound is exclusive", {.name = "requests", .to_ts = kNow + 20}, {"requests"}},
      {"host", {.host = "test-host"}, {"cpu", "cpu", "requests", "requests"}},
  };
  for (const auto& tc : cases) {
    auto got = c->filterMetrics(tc.filter);
    ASSERT_TRUE(got.isOk()) << tc.name << ": " << got.status().toString();
    EXPECT_EQ(names(*got), tc.want) << tc.name;
  }
  auto any_dev = c->filterMetrics({.name = "cpu", .tags = {"env:dev"}, .min_value = 40, .max_value = 70});
  ASSERT_EQ(any_dev->size(), 1u);
  auto bad = c->filterMetrics({.tag_regexes = {"("}});
  EXPECT_EQ(bad.status().code(), common::StatusCode::kInvalidArgument);
  auto n = c->metricNames();
  EXPECT_EQ(*n, (std::vector<std::string>{"cpu", "requests"}));
}

TEST(FakeintakeClient, FetchesOnlyWhatIsNewAndSeesV1Too) {
  TestServer s;
  auto c = connect(s);
  postSeries(s, {{"a", {}, {{kNow, 1}}}});
  EXPECT_EQ(c->filterMetrics({})->size(), 1u);
  const uint64_t stored_before = s.handler().counters().get("requests.control");
  postSeries(s, {{"b", {}, {{kNow, 1}}}});
  ASSERT_EQ(s.post("/api/v1/series", R"({"series":[{"metric":"c","points":[[1700000000,2]],"type":"gauge","host":"h"}]})", "",
                   "application/json")->status, 202);
  EXPECT_EQ(names(*c->filterMetrics({})), (std::vector<std::string>{"a", "b", "c"}));
  // Each call fetched only the new payloads of each route (one request per route).
  EXPECT_EQ(s.handler().counters().get("requests.control") - stored_before, 2);
  auto raw = c->payloads("/api/v2/series", 0);
  ASSERT_TRUE(raw.isOk());
  ASSERT_EQ(raw->size(), 2u);
  EXPECT_EQ(raw->at(0).encoding, "zstd");
  uint64_t next = 0;
  auto newer = c->payloads("/api/v2/series", raw->at(0).id, &next);
  EXPECT_EQ(newer->size(), 1u);
  EXPECT_EQ(next, raw->at(1).id);
}

TEST(FakeintakeClient, LargeAnswersArePagedAndTheClientFollows) {
  IntakeOptions o;
  o.max_answer_bytes = 1000;  // every answer holds one payload
  TestServer s(o);
  for (int i = 0; i < 5; ++i) postSeries(s, {{std::string("m").append(std::to_string(i)), {}, {{kNow, 1}}}});
  auto raw = nlohmann::json::parse(s.client()->Get("/fakeintake/payloads?endpoint=/api/v2/series&format=json")->body);
  EXPECT_EQ(raw["payloads"].size(), 1u);
  EXPECT_EQ(raw["truncated"], true);
  auto c = connect(s);
  EXPECT_EQ(names(*c->filterMetrics({})), (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"}));
}

TEST(FakeintakeClient, CheckRunsEventsSketchesAndRouteStats) {
  TestServer s;
  auto c = connect(s);
  ASSERT_TRUE(s.post("/api/v1/check_run", testing::testData("check_run_zlib.bin"), "deflate", "application/json"));
  ASSERT_TRUE(s.post("/intake/", R"({"apiKey":"","events":{"api":[{"msg_title":"deploy","msg_text":"v2","timestamp":1700000000,"host":"h"}]},"internalHostname":"h"})",
                     "", "application/json"));
  datadog::agentpayload::SketchPayload sp;
  auto* sk = sp.add_sketches();
  sk->set_metric("latency");
  auto* d = sk->add_dogsketches();
  d->set_ts(kNow);
  d->set_cnt(1);
  d->add_k(1338);
  d->add_n(1);
  ASSERT_TRUE(s.post("/api/beta/sketches", testing::zlibCompress(sp.SerializeAsString()), "deflate"));

  auto runs = c->checkRuns();
  ASSERT_TRUE(runs.isOk()) << runs.status().toString();
  EXPECT_EQ(runs->size(), 12u);
  EXPECT_FALSE(c->checkRuns("ntp.in_sync")->empty());
  auto ev = c->events("api");
  ASSERT_EQ(ev->size(), 1u);
  EXPECT_EQ(ev->at(0).title, "deploy");
  auto sketches = c->sketches("latency");
  ASSERT_EQ(sketches->size(), 1u);
  EXPECT_EQ(sketches->at(0).dogsketches[0].k, std::vector<int32_t>{1338});
  auto stats = c->routeStats();
  ASSERT_TRUE(stats.isOk());
  EXPECT_EQ(stats->at("/api/v1/check_run").count, 1u);
  EXPECT_EQ(stats->at("/api/beta/sketches").status_counts.at(202), 1u);
  EXPECT_GT(stats->at("/api/v1/check_run").bytes_uncompressed, stats->at("/api/v1/check_run").bytes_compressed);

  ASSERT_TRUE(c->flush().isOk());
  EXPECT_TRUE(c->checkRuns()->empty());
  EXPECT_TRUE(c->routeStats()->empty());
}

TEST(FakeintakeClient, FaultsOverridesAndViolations) {
  TestServer s;
  auto c = connect(s);
  FaultRule r;
  r.route = "/api/v2/series";
  r.status = 503;
  r.count = 1;
  ASSERT_TRUE(c->setFaults({r}).isOk());
  auto first = s.post("/api/v2/series", testing::seriesPayload({{"m", {}, {{kNow, 1}}}}), "");
  EXPECT_EQ(first->status, 503);
  auto state = c->faultState();
  EXPECT_EQ((*state)["rules"][0]["state"]["applied"], 1);
  ASSERT_TRUE(c->clearFaults().isOk());
  ASSERT_TRUE(c->configureOverride({"/api/v1/check_run", "POST", 500, "text/plain", "boom"}).isOk());
  EXPECT_EQ(s.post("/api/v1/check_run", "[]", "", "application/json")->status, 500);
  EXPECT_FALSE(c->setFaultsJson(R"([{"status":1000}])").isOk());
  postSeries(s, {{std::string(400, 'n'), {}, {{kNow, 1}}}});
  auto v = c->violations("/api/v2/series", "Pyld10");
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(v->size(), 1u);
  ASSERT_TRUE(c->setValidApiKeys({"only"}, true).isOk());
  EXPECT_EQ(s.post("/api/v2/series", "x", "", "application/x-protobuf", "other")->status, 403);
}

TEST(FakeintakeClient, DetectsAServerRestart) {
  auto s = std::make_unique<TestServer>();
  const int port = s->port();
  auto c = connect(*s);
  ASSERT_TRUE(c->health().isOk());
  const std::string id = c->serverId();
  EXPECT_EQ(id, s->handler().serverId());
  // Restart on the same port with a new handler.
  s.reset();
  common::ManualClock clock;
  IntakeHandler h(IntakeOptions{}, clock);
  ServerOptions so;
  so.port = port;
  HttpServer again(h, so);
  ASSERT_TRUE(again.start().isOk());
  auto st = c->health();
  EXPECT_EQ(st.code(), common::StatusCode::kFailedPrecondition) << st.toString();
  EXPECT_NE(c->serverId(), id);
  EXPECT_TRUE(c->health().isOk());  // the new id is now the known one
  again.stop();
}

TEST(FakeintakeClient, RejectsBadUrlsAndReportsUnreachableServers) {
  EXPECT_FALSE(FakeintakeClient::create("ftp://x:1").isOk());
  EXPECT_FALSE(FakeintakeClient::create("http://nohost").isOk());
  EXPECT_FALSE(FakeintakeClient::create("http://h:99999").isOk());
  ClientOptions o;
  o.timeout = std::chrono::milliseconds(500);
  auto c = FakeintakeClient::create("http://127.0.0.1:1", o);
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ((*c)->health().code(), common::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ddsim::fakeintake
