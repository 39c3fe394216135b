// `ddsim agent` with the trace receiver (issue 14, docs/trace-agent.md §1.1) as a child process:
// apm_config from DD_APM_* variables, v0.4 and v0.5 bodies built with msgpack-cxx posted over
// real HTTP, the agent's answers (200 + rate_by_service, 400 with the decoder's message), the
// counts in the /telemetry.json snapshot and the exit line. Every wait is a bounded poll.
#include <gtest/gtest.h>
#include <unistd.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <memory>
#include <string>
#include <vector>

#include "core/trace/msgpack_decoder.h"
#include "core/trace/stats_payload.h"
#include "tests/integration/agent_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/poll.h"
#include "tests/support/trace_payloads.h"
#include "tests/support/unix_http.h"

namespace ddsim {
namespace {

using testing::ChildProcess;

int printedPort(const std::string& out, const char* pattern) {
  std::smatch m;
  return std::regex_search(out, m, std::regex(pattern)) ? std::stoi(m[1]) : 0;
}

trace::Traces webTraces(uint64_t first_id) {
  using trace::testing::makeSpan;
  return {{makeSpan("web", "http.request", first_id, 1), makeSpan("db", "postgres.query", first_id, 2, 1)},
          {makeSpan("web", "http.request", first_id + 1, 3)}};
}

class AgentTraceTest : public testing::AgentIntakeTest {
 protected:
  // Starts the agent with the receiver on any free port (from DD_APM_* variables) and its
  // telemetry endpoint; fills the two printed ports.
  void startAgent(std::vector<std::string> extra_env = {}) {
    std::vector<std::string> env = {std::string("DD_API_KEY=") + testing::kAgentApiKey, "DD_APM_ENABLED=true",
                                    "DD_APM_RECEIVER_PORT=-1"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    agent_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{DDSIM_BINARY, "agent", "--config", writeConfig("telemetry:\n  enabled: true\nexpvar_port: 0\n")},
        std::move(env));
    ASSERT_TRUE(agent_->started());
    ASSERT_TRUE(agent_->waitForOutput(
        [](const std::string& o) { return o.find("telemetry listening on") != std::string::npos; }, testing::kHangGuard))
        << agent_->out() << agent_->err();
    port_ = printedPort(agent_->out(), R"(trace receiver listening on http://127\.0\.0\.1:(\d+))");
    tport_ = printedPort(agent_->out(), R"(telemetry listening on http://127\.0\.0\.1:(\d+)/telemetry)");
    ASSERT_GT(port_, 0) << agent_->out();
    ASSERT_GT(tport_, 0) << agent_->out();
  }
  // The /telemetry.json snapshot once `ready` holds for it (it is refreshed every second).
  template <typename Pred>
  nlohmann::json waitSnapshot(Pred ready) {
    httplib::Client tcli("127.0.0.1", tport_);
    nlohmann::json snap;
    auto counted = [&] {
      auto res = tcli.Get("/telemetry.json");
      if (!res || res->status != 200) return false;
      snap = nlohmann::json::parse(res->body);
      return ready(snap);
    };
    EXPECT_TRUE(testing::pollUntil(counted)) << snap.dump();
    return snap;
  }
  // The dd-trace test app's folder, or "" with the reason in `why` when node or dd-trace is missing.
  static std::string tracerDir(std::string& why) {
    const std::string dir = std::string(DDSIM_SOURCE_DIR) + "/tests/integration/tracer";
    if (std::system("command -v node >/dev/null 2>&1") != 0) {
      why = "node is not installed";
      return "";
    }
    if (!std::filesystem::exists(dir + "/node_modules/dd-trace")) {
      why = "dd-trace is not installed (scripts/install-test-clients.sh)";
      return "";
    }
    return dir;
  }
  // SIGTERM, a clean exit; returns its stdout.
  std::string stopAgent() {
    agent_->signal(SIGTERM);
    auto code = agent_->wait(testing::kHangGuard);
    EXPECT_TRUE(code.has_value());
    EXPECT_EQ(code.value_or(-1), 0) << agent_->err();
    return agent_->out();
  }

  // Every span the fakeintake decoded on /api/v0.2/traces, with its chunk's priority, after
  // checking that each payload decoded without a property violation.
  struct SentSpan {
    fakeintake::DecodedSpan span;
    int32_t priority = 0;
  };
  std::vector<SentSpan> sentSpans() {
    std::vector<SentSpan> out;
    for (const auto& p : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
      if (p->route != "/api/v0.2/traces") continue;
      EXPECT_TRUE(p->decoded) << p->decode_error;
      if (!p->decoded) continue;
      for (const auto& v : p->violations) ADD_FAILURE() << v.property << ": " << v.message;
      for (const auto& a : std::get<std::vector<fakeintake::DecodedAgentPayload>>(p->decoded->items)) {
        EXPECT_EQ(a.host_name, "agent-under-test");
        for (const auto& tp : a.tracer_payloads) {
          for (const auto& c : tp.chunks) {
            for (const auto& s : c.spans) out.push_back({s, c.priority});
          }
        }
      }
    }
    return out;
  }
  // Every stats group the fakeintake decoded on /api/v0.2/stats, summed by
  // (service, name, resource), after checking that no payload broke a property.
  struct StatsTotals {
    uint64_t hits = 0, errors = 0, top_level_hits = 0;
    double sketch_values = 0;
  };
  std::map<std::string, StatsTotals> statsTotals() {
    std::map<std::string, StatsTotals> out;
    for (const auto& p : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
      if (p->route != "/api/v0.2/stats") continue;
      EXPECT_TRUE(p->decoded) << p->decode_error;
      if (!p->decoded) continue;
      for (const auto& v : p->violations) ADD_FAILURE() << v.property << ": " << v.message;
      for (const auto& sp : std::get<std::vector<fakeintake::DecodedStatsPayload>>(p->decoded->items)) {
        EXPECT_EQ(sp.agent_hostname, "agent-under-test");
        for (const auto& c : sp.stats) {
          for (const auto& b : c.stats) {
            for (const auto& g : b.stats) {
              StatsTotals& t = out[g.service + "|" + g.name + "|" + g.resource];
              t.hits += g.hits;
              t.errors += g.errors;
              t.top_level_hits += g.top_level_hits;
              t.sketch_values += g.ok_count + g.error_count;
            }
          }
        }
      }
    }
    return out;
  }
  static const SentSpan* find(const std::vector<SentSpan>& spans, const std::string& name, const std::string& resource) {
    for (const auto& s : spans) {
      if (s.span.name == name && s.span.resource == resource) return &s;
    }
    return nullptr;
  }

  std::unique_ptr<ChildProcess> agent_;
  int port_ = 0;
  int tport_ = 0;
};

TEST_F(AgentTraceTest, ReceivesV04AndV05AndCountsThemInTelemetry) {
  ASSERT_NO_FATAL_FAILURE(startAgent());
  const int port = port_;
  // Logged just after the listening line startAgent() waited for.
  EXPECT_TRUE(agent_->waitForErrorOutput(
      [](const std::string& e) { return e.find("sent to /api/v0.2/traces") != std::string::npos; },
      testing::kHangGuard))
      << agent_->err();

  httplib::Client cli("127.0.0.1", port);
  const httplib::Headers meta = {{"Datadog-Meta-Lang", "cpp"}, {"X-Datadog-Trace-Count", "2"}};
  auto r = cli.Put("/v0.4/traces", meta, trace::testing::packV04(webTraces(10)), "application/msgpack");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_TRUE(nlohmann::json::parse(r->body).contains("rate_by_service")) << r->body;
  r = cli.Post("/v0.5/traces", meta, trace::testing::packV05(webTraces(20)), "application/msgpack");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(r->body).contains("rate_by_service")) << r->body;
  // A truncated v0.4 body: 400 with the decoder's own message, its announced traces dropped.
  const std::string broken = trace::testing::packV04(webTraces(30)).substr(0, 20);
  r = cli.Put("/v0.4/traces", meta, broken, "application/msgpack");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, trace::decodeV04(broken).status().message() + "\n");
  r = cli.Get("/info");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("/v0.5/traces"), std::string::npos);

  const nlohmann::json snap = waitSnapshot([](const nlohmann::json& j) {
    return j.value("trace.receiver.traces_received", 0.0) >= 4 &&
           j.value("trace.receiver.traces_dropped.decoding_error", 0.0) >= 2;
  });
  const std::map<std::string, double> expected = {
      {"payloads_accepted", 2},     {"traces_received", 4},       {"spans_received", 6},
      {"traces_by_service.web", 4}, {"spans_by_service.web", 4}, {"spans_by_service.db", 2},
      {"payloads_refused.decoding_error", 1}, {"traces_dropped.decoding_error", 2},
      {"payloads_by_endpoint.v0.4", 1}, {"payloads_by_endpoint.v0.5", 1}};
  for (const auto& [key, value] : expected) EXPECT_EQ(snap.value("trace.receiver." + key, -1.0), value) << key;
  httplib::Client tcli("127.0.0.1", tport_);
  auto prom = tcli.Get("/telemetry");
  ASSERT_TRUE(prom);
  EXPECT_NE(prom->body.find("ddsim__trace_receiver_spans{service=\"db\"} 2"), std::string::npos) << prom->body;

  // `ddsim agent status` shows them in its APM section.
  ChildProcess status({DDSIM_BINARY, "agent", "status", "--port", std::to_string(tport_)}, {});
  auto scode = status.wait(testing::kHangGuard);
  ASSERT_TRUE(scode.has_value());
  EXPECT_EQ(*scode, 0) << status.err();
  for (const char* line : {"APM Agent", "Traces received: 4", "service:web: 4", "Spans received: 6", "v0.5: 1",
                           "decoding_error: 2"}) {
    EXPECT_NE(status.out().find(line), std::string::npos) << line << "\n" << status.out();
  }
  const std::string out = stopAgent();
  EXPECT_NE(out.find("traces: 4 received (6 spans), 2 dropped"), std::string::npos) << out;
  // No sampling priority: the no-priority sampler keeps all four; the writer's last payload
  // went out before the forwarder stopped, and the fakeintake decoded every span.
  EXPECT_NE(out.find("0 sampled out, 4 sent"), std::string::npos) << out;
  const auto spans = sentSpans();
  ASSERT_EQ(spans.size(), 6u);
  const SentSpan* db = find(spans, "postgres.query", "postgres.query");  // resource_empty: the name
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->span.service, "db");
  EXPECT_EQ(db->span.parent_id, 1u);
  EXPECT_GT(db->span.start, 0);  // invalid_start_date: now - duration
  EXPECT_EQ(db->span.metrics.at("_top_level"), 1);  // its parent has another service
  EXPECT_EQ(db->priority, -128);                    // no decision, sent as is
}

// The priority sampler's rates come back in the answers (docs/trace-agent.md §7.2): after the
// first automatically kept chunk, the default rate "service:,env:" is published, with a rates
// version that lets a tracer that has it get "{}".
TEST_F(AgentTraceTest, RateByServiceIsFedBackFromThePrioritySampler) {
  ASSERT_NO_FATAL_FAILURE(startAgent());
  httplib::Client cli("127.0.0.1", port_);
  trace::Traces kept = webTraces(40);
  for (auto& t : kept) t[0].metrics["_sampling_priority_v1"] = 1;
  auto r = cli.Put("/v0.4/traces", trace::testing::packV04(kept), "application/msgpack");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  nlohmann::json answer;
  std::string version;
  const std::string empty = trace::testing::packV04({});
  EXPECT_TRUE(testing::pollUntil([&] {
    auto e = cli.Put("/v0.4/traces", {{"Datadog-Rates-Payload-Version", "0"}}, empty, "application/msgpack");
    if (!e || e->status != 200) return false;
    answer = nlohmann::json::parse(e->body);
    version = e->get_header_value("Datadog-Rates-Payload-Version");
    return answer["rate_by_service"].contains("service:,env:");
  })) << answer.dump();
  EXPECT_EQ(answer["rate_by_service"]["service:,env:"], 1.0);
  ASSERT_FALSE(version.empty());
  auto same = cli.Put("/v0.4/traces", {{"Datadog-Rates-Payload-Version", version}}, empty, "application/msgpack");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->body, "{}");
  stopAgent();
}

// The real Node.js tracer (npm dd-trace, scripts/install-test-clients.sh) over each protocol:
// four traces of five spans (tags, an error, manual keep and drop), all accepted and counted,
// and its health metrics relayed to DogStatsD by the /dogstatsd/v2/proxy route.
class AgentTracerTest : public AgentTraceTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(AgentTracerTest, DdTraceJsSpansAreReceived) {
  std::string why;
  const std::string dir = tracerDir(why);
  if (dir.empty()) GTEST_SKIP() << why;
  ASSERT_NO_FATAL_FAILURE(startAgent());
  ChildProcess tracer({"/usr/bin/env", "node", dir + "/send_spans.js", std::to_string(port_), GetParam()});
  auto code = tracer.wait(testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  ASSERT_EQ(*code, 0) << tracer.err();
  const nlohmann::json snap =
      waitSnapshot([](const nlohmann::json& j) {
        return j.value("trace.receiver.spans_received", 0.0) >= 5 &&
               j.value("trace.receiver.dogstatsd_proxy.requests", 0.0) >= 1 && j.value("dogstatsd.MetricPackets", 0.0) >= 1;
      });
  // The tracer's health metrics came through /dogstatsd/v2/proxy into DogStatsD; no route was missing.
  EXPECT_EQ(snap.value("trace.receiver.not_found", -1.0), 0) << snap.dump();
  EXPECT_EQ(snap.value("trace.receiver.traces_received", -1.0), 4) << snap.dump();
  EXPECT_EQ(snap.value("trace.receiver.spans_by_service.ddsim-node", -1.0), 5) << snap.dump();
  EXPECT_EQ(snap.value("trace.receiver.payloads_refused.decoding_error", -1.0), 0) << snap.dump();
  const std::string endpoint = std::string("trace.receiver.payloads_by_endpoint.v") + GetParam();
  EXPECT_EQ(snap.value(endpoint, 0.0), snap.value("trace.receiver.payloads_accepted", -1.0)) << snap.dump();
  const std::string out = stopAgent();
  EXPECT_NE(out.find("traces: 4 received (5 spans), 0 dropped"), std::string::npos) << out;
  // dd-trace's priorities: auto keep (1) by default, user keep (2) for manual.keep, user reject
  // (-1) for manual.drop, which the agent drops before any sampler (agent.go sample).
  EXPECT_NE(out.find("1 sampled out, 3 sent"), std::string::npos) << out;
  const auto spans = sentSpans();
  ASSERT_EQ(spans.size(), 4u);
  for (const auto& s : spans) {
    EXPECT_EQ(s.span.service, "ddsim-node");
    EXPECT_EQ(s.span.meta.at("env"), "test");
  }
  const SentSpan* users = find(spans, "web.request", "GET /users");
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(users->span.error, 0);
  EXPECT_EQ(users->span.parent_id, 0u);
  EXPECT_EQ(users->span.meta.at("http.status_code"), "200");
  EXPECT_EQ(users->priority, 1);
  const SentSpan* query = find(spans, "db.query", "SELECT users");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->span.parent_id, users->span.span_id);
  EXPECT_EQ(query->span.trace_id, users->span.trace_id);
  EXPECT_EQ(query->span.metrics.at("db.rows"), 3);
  const SentSpan* fail = find(spans, "web.request", "GET /fail");
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->span.error, 1);
  EXPECT_EQ(fail->span.meta.at("error.message"), "boom");
  const SentSpan* keep = find(spans, "job.run", "keep");
  ASSERT_NE(keep, nullptr);
  EXPECT_EQ(keep->priority, 2);
  EXPECT_EQ(find(spans, "job.run", "drop"), nullptr);
  // Stats (docs/trace-agent.md §8): every root counts once, the dropped trace too (stats come
  // before sampling); the one error is GET /fail; the sketches hold every counted span (no
  // _sample_rate). The child db.query has the root's service: counted only if dd-trace marks it
  // measured or gives it a span.kind.
  auto stats = statsTotals();
  ASSERT_FALSE(stats.empty()) << out << agent_->err();
  for (const char* key : {"ddsim-node|web.request|GET /users", "ddsim-node|web.request|GET /fail",
                          "ddsim-node|job.run|keep", "ddsim-node|job.run|drop"}) {
    EXPECT_EQ(stats[key].hits, 1u) << key;
    EXPECT_EQ(stats[key].top_level_hits, 1u) << key;
  }
  uint64_t errors = 0;
  for (const auto& [key, t] : stats) {
    errors += t.errors;
    EXPECT_EQ(t.sketch_values, static_cast<double>(t.hits)) << key;
    EXPECT_LE(t.hits, 1u) << key;
  }
  EXPECT_EQ(errors, 1u);
  EXPECT_EQ(stats["ddsim-node|web.request|GET /fail"].errors, 1u);
  EXPECT_NE(out.find("stats: "), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Protocols, AgentTracerTest, ::testing::Values("0.4", "0.5"),
                         [](const auto& info) { return std::string(info.param[2] == '4' ? "v04" : "v05"); });

// apm_config.receiver_socket (DD_APM_RECEIVER_SOCKET, docs/trace-agent.md §1.1): the same routes
// as HTTP over a Unix socket, made mode 0722 and removed when the agent stops.
class AgentTraceSocketTest : public AgentTraceTest {
 protected:
  void SetUp() override {
    AgentTraceTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() / ("ddsim-apm-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    socket_ = (dir_ / "apm.socket").string();
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    AgentTraceTest::TearDown();
  }
  void startWithSocket() {
    ASSERT_NO_FATAL_FAILURE(startAgent({"DD_APM_RECEIVER_SOCKET=" + socket_}));
    EXPECT_NE(agent_->out().find("trace receiver listening on unix://" + socket_), std::string::npos) << agent_->out();
    ASSERT_TRUE(std::filesystem::is_socket(socket_));
  }
  std::filesystem::path dir_;
  std::string socket_;
};

TEST_F(AgentTraceSocketTest, PlainRequestsOverTheSocket) {
  ASSERT_NO_FATAL_FAILURE(startWithSocket());
  const std::string body = trace::testing::packV04(webTraces(80));
  const std::string put = "PUT /v0.4/traces HTTP/1.1\r\nContent-Type: application/msgpack\r\nX-Datadog-Trace-Count: 2\r\n"
                          "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string answer = testing::unixRoundTrip(socket_, put);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("{\"rate_by_service\""), std::string::npos) << answer;
  const std::string info = testing::unixRoundTrip(socket_, "GET /info HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(info.find("\"receiver_socket\": \"" + socket_ + "\""), std::string::npos) << info;
  EXPECT_NE(info.find("/v0.7/traces"), std::string::npos) << info;
  waitSnapshot([](const nlohmann::json& j) { return j.value("trace.receiver.spans_received", 0.0) >= 3; });
  const std::string out = stopAgent();
  EXPECT_NE(out.find("traces: 2 received (3 spans), 0 dropped"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(socket_)) << "removed at stop";
}

// The real Node.js tracer over DD_TRACE_AGENT_URL=unix://<socket> (v0.4), as in AgentTracerTest.
TEST_F(AgentTraceSocketTest, DdTraceJsOverTheSocket) {
  std::string why;
  const std::string dir = tracerDir(why);
  if (dir.empty()) GTEST_SKIP() << why;
  ASSERT_NO_FATAL_FAILURE(startWithSocket());
  ChildProcess tracer({"/usr/bin/env", "node", dir + "/send_spans.js", "-", "0.4"},
                      {"DD_TRACE_AGENT_URL=unix://" + socket_});
  auto code = tracer.wait(testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  ASSERT_EQ(*code, 0) << tracer.err();
  const nlohmann::json snap = waitSnapshot([](const nlohmann::json& j) {
    return j.value("trace.receiver.spans_received", 0.0) >= 5;
  });
  EXPECT_EQ(snap.value("trace.receiver.not_found", -1.0), 0) << snap.dump();
  EXPECT_EQ(snap.value("trace.receiver.traces_received", -1.0), 4) << snap.dump();
  EXPECT_EQ(snap.value("trace.receiver.spans_by_service.ddsim-node", -1.0), 5) << snap.dump();
  EXPECT_EQ(snap.value("trace.receiver.payloads_refused.decoding_error", -1.0), 0) << snap.dump();
  const std::string out = stopAgent();
  EXPECT_NE(out.find("traces: 4 received (5 spans), 0 dropped"), std::string::npos) << out;
  EXPECT_NE(out.find("1 sampled out, 3 sent"), std::string::npos) << out;
  const auto spans = sentSpans();
  ASSERT_EQ(spans.size(), 4u);
  const SentSpan* users = find(spans, "web.request", "GET /users");
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(users->span.service, "ddsim-node");
  EXPECT_EQ(users->span.meta.at("http.status_code"), "200");
  const SentSpan* keep = find(spans, "job.run", "keep");
  ASSERT_NE(keep, nullptr);
  EXPECT_EQ(keep->priority, 2);
  EXPECT_EQ(find(spans, "job.run", "drop"), nullptr);
}

// Stats from traces built with msgpack-cxx (docs/trace-agent.md §8): the root of each trace and
// the child of another service are top-level and counted, with the trace's error; the forced
// flush at SIGTERM sends every bucket.
TEST_F(AgentTraceTest, StatsOfPostedTracesReachTheIntake) {
  ASSERT_NO_FATAL_FAILURE(startAgent());
  httplib::Client cli("127.0.0.1", port_);
  trace::Traces traces = webTraces(60);
  traces[1][0].error = 1;
  traces[0][0].metrics["_sampling_priority_v1"] = -1;  // user reject: still in the stats
  auto r = cli.Put("/v0.4/traces", trace::testing::packV04(traces), "application/msgpack");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  waitSnapshot([](const nlohmann::json& j) { return j.value("trace.stats.spans_counted", 0.0) >= 3; });
  const std::string out = stopAgent();
  EXPECT_NE(out.find("stats: 3 spans counted, 2 groups sent in 1 payloads, 0 dropped"), std::string::npos) << out;
  auto stats = statsTotals();
  ASSERT_EQ(stats.size(), 2u);
  // An empty resource is normalized to the name.
  EXPECT_EQ(stats["web|http.request|http.request"].hits, 2u);
  EXPECT_EQ(stats["web|http.request|http.request"].errors, 1u);
  EXPECT_EQ(stats["db|postgres.query|postgres.query"].hits, 1u);
  EXPECT_EQ(stats["db|postgres.query|postgres.query"].top_level_hits, 1u);
}

// The trace agent's senders finish what they hold before it exits (§6.1.2, writer/sender.go
// Stop, up to 5 s): with every trace-route answer taking 800 ms, the last traces and stats
// payloads are still out when SIGTERM comes; the forwarder's own stop (agent mode) would cancel
// the one in flight and lose it with the retry queue. Both reach the intake, nothing dropped.
TEST_F(AgentTraceTest, PayloadsOutAtStopAreWaitedForAsTheTraceAgentsSendersDo) {
  fakeintake::FaultRule slow;
  slow.route = "/api/v0.2/*";
  slow.latency = fakeintake::LatencySpec{};
  slow.latency->ms = 800;
  addFault(slow);
  ASSERT_NO_FATAL_FAILURE(startAgent());
  httplib::Client cli("127.0.0.1", port_);
  auto r = cli.Put("/v0.4/traces", trace::testing::packV04(webTraces(70)), "application/msgpack");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  waitSnapshot([](const nlohmann::json& j) { return j.value("trace.stats.spans_counted", 0.0) >= 3; });
  const std::string out = stopAgent();
  const std::string err = agent_->err();
  EXPECT_EQ(sentSpans().size(), 3u) << out << err;
  EXPECT_EQ(statsTotals()["web|http.request|http.request"].hits, 2u) << out << err;
  EXPECT_EQ(err.find("to traces_v02:"), std::string::npos) << err;
  EXPECT_EQ(err.find("to stats_v02:"), std::string::npos) << err;
  EXPECT_EQ(err.find("still out after"), std::string::npos) << err;
}

// /v0.6/stats (docs/trace-agent.md §8.6): a tracer's own stats pass through the client stats
// aggregator (a lone payload in its bucket goes out as sent) to /api/v0.2/stats, marked
// clientComputed, with the tracer's language filled in.
TEST_F(AgentTraceTest, ClientComputedStatsReachTheIntake) {
  ASSERT_NO_FATAL_FAILURE(startAgent());
  httplib::Client cli("127.0.0.1", port_);
  auto info = cli.Get("/info");
  ASSERT_TRUE(info);
  EXPECT_EQ(nlohmann::json::parse(info->body)["client_drop_p0s"], true) << info->body;
  trace::ClientStatsPayload p;
  p.env = "prod";
  p.hostname = "tracer-host";
  trace::GroupedStats g;
  g.service = "py-svc";
  g.name = "flask.request";
  g.resource = "GET /";
  g.hits = 7;
  g.errors = 2;
  g.top_level_hits = 7;
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  p.stats.push_back(trace::StatsBucket{static_cast<uint64_t>(now - now % 10'000'000'000), 10'000'000'000, {g}, 0});
  auto r = cli.Post("/v0.6/stats", {{"Datadog-Meta-Lang", "python"}}, trace::encodeClientStatsPayloadMsgpack(p),
                    "application/msgpack");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  waitSnapshot([](const nlohmann::json& j) { return j.value("trace.receiver.stats_payloads", 0.0) >= 1; });
  const std::string out = stopAgent();
  bool found = false;
  for (const auto& stored : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
    if (stored->route != "/api/v0.2/stats" || !stored->decoded) continue;
    for (const auto& v : stored->violations) ADD_FAILURE() << v.property << ": " << v.message;
    for (const auto& sp : std::get<std::vector<fakeintake::DecodedStatsPayload>>(stored->decoded->items)) {
      EXPECT_TRUE(sp.client_computed);
      const auto& c = sp.stats.at(0);
      EXPECT_EQ(c.hostname, "tracer-host");
      EXPECT_EQ(c.lang, "python");
      EXPECT_EQ(c.stats.at(0).stats.at(0).hits, 7u);
      EXPECT_EQ(c.stats.at(0).stats.at(0).errors, 2u);
      found = true;
    }
  }
  EXPECT_TRUE(found) << out << agent_->err();
}

// Without apm_config.enabled (ddsim's default) no trace port is bound.
// The samplers' budgets from the agent's variables (pkg/config/setup/apm.go: DD_APM_MAX_TPS,
// DD_APM_ERROR_TPS) reach the AgentPayload's targetTPS and errorTPS, and the rare sampler
// (DD_APM_ENABLE_RARE_SAMPLER) keeps a P0 trace of an unseen signature with _dd.rare.
TEST_F(AgentTraceTest, SamplerBudgetsAndTheRareSamplerFromTheEnvironment) {
  ASSERT_NO_FATAL_FAILURE(startAgent({"DD_APM_MAX_TPS=3.5", "DD_APM_ERROR_TPS=2", "DD_APM_ENABLE_RARE_SAMPLER=true"}));
  httplib::Client cli("127.0.0.1", port_);
  trace::Traces traces = webTraces(70);
  for (auto& t : traces) t[0].metrics["_sampling_priority_v1"] = 0;  // the tracer drops them all
  auto r = cli.Put("/v0.4/traces", trace::testing::packV04(traces), "application/msgpack");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  waitSnapshot([](const nlohmann::json& j) { return j.value("trace.processor.rare_sampler.hits", 0.0) >= 1; });
  stopAgent();
  int payloads = 0, rare = 0;
  for (const auto& p : handler_->store().all(0, common::SystemClock::instance().systemNow())) {
    if (p->route != "/api/v0.2/traces" || !p->decoded) continue;
    for (const auto& a : std::get<std::vector<fakeintake::DecodedAgentPayload>>(p->decoded->items)) {
      ++payloads;
      EXPECT_EQ(a.target_tps, 3.5);
      EXPECT_EQ(a.error_tps, 2);
      for (const auto& tp : a.tracer_payloads) {
        for (const auto& c : tp.chunks) {
          for (const auto& s : c.spans) rare += s.metrics.count("_dd.rare") ? 1 : 0;
        }
      }
    }
  }
  EXPECT_GE(payloads, 1);
  EXPECT_GE(rare, 1);
}

TEST_F(AgentTraceTest, OffByDefault) {
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig()},
                     {std::string("DD_API_KEY=") + testing::kAgentApiKey});
  ASSERT_TRUE(agent.waitForOutput([](const std::string& o) { return udpPort(o) != 0; }, testing::kHangGuard))
      << agent.out() << agent.err();
  agent.signal(SIGTERM);
  ASSERT_TRUE(agent.wait(testing::kHangGuard).has_value());
  EXPECT_EQ(agent.out().find("trace receiver"), std::string::npos) << agent.out();
}

}  // namespace
}  // namespace ddsim
