// `ddsim agent` with the trace receiver (issue 14, docs/trace-agent.md §1.1) as a child process:
// apm_config from DD_APM_* variables, v0.4 and v0.5 bodies built with msgpack-cxx posted over
// real HTTP, the agent's answers (200 + rate_by_service, 400 with the decoder's message), the
// counts in the /telemetry.json snapshot and the exit line. Every wait is a bounded poll.
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "core/trace/msgpack_decoder.h"
#include "tests/integration/agent_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/poll.h"
#include "tests/support/trace_payloads.h"

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

class AgentTraceTest : public testing::AgentIntakeTest {};

TEST_F(AgentTraceTest, ReceivesV04AndV05AndCountsThemInTelemetry) {
  ChildProcess agent({DDSIM_BINARY, "agent", "--config", writeConfig("telemetry:\n  enabled: true\nexpvar_port: 0\n")},
                     {std::string("DD_API_KEY=") + testing::kAgentApiKey, "DD_APM_ENABLED=true",
                      "DD_APM_RECEIVER_PORT=-1"});
  ASSERT_TRUE(agent.started());
  ASSERT_TRUE(agent.waitForOutput(
      [](const std::string& o) { return o.find("telemetry listening on") != std::string::npos; }, testing::kHangGuard))
      << agent.out() << agent.err();
  const int port = printedPort(agent.out(), R"(trace receiver listening on http://127\.0\.0\.1:(\d+))");
  const int tport = printedPort(agent.out(), R"(telemetry listening on http://127\.0\.0\.1:(\d+)/telemetry)");
  ASSERT_GT(port, 0) << agent.out();
  ASSERT_GT(tport, 0) << agent.out();
  EXPECT_NE(agent.err().find("not sent (no trace writer yet)"), std::string::npos) << agent.err();

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

  // The snapshot is refreshed every second: poll until it has every count.
  httplib::Client tcli("127.0.0.1", tport);
  nlohmann::json snap;
  auto counted = [&] {
    auto res = tcli.Get("/telemetry.json");
    if (!res || res->status != 200) return false;
    snap = nlohmann::json::parse(res->body);
    return snap.value("trace.receiver.traces_received", 0.0) >= 4 &&
           snap.value("trace.receiver.traces_dropped.decoding_error", 0.0) >= 2;
  };
  ASSERT_TRUE(testing::pollUntil(counted)) << snap.dump();
  const std::map<std::string, double> expected = {
      {"payloads_accepted", 2},     {"traces_received", 4},       {"spans_received", 6},
      {"traces_by_service.web", 4}, {"spans_by_service.web", 4}, {"spans_by_service.db", 2},
      {"payloads_refused.decoding_error", 1}, {"traces_dropped.decoding_error", 2}};
  for (const auto& [key, value] : expected) EXPECT_EQ(snap.value("trace.receiver." + key, -1.0), value) << key;
  auto prom = tcli.Get("/telemetry");
  ASSERT_TRUE(prom);
  EXPECT_NE(prom->body.find("ddsim__trace_receiver_spans{service=\"db\"} 2"), std::string::npos) << prom->body;

  agent.signal(SIGTERM);
  auto code = agent.wait(testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << agent.err();
  EXPECT_NE(agent.out().find("traces: 4 received (6 spans), 2 dropped"), std::string::npos) << agent.out();
}

// Without apm_config.enabled (ddsim's default) no trace port is bound.
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
