// Recorded tracer traffic replayed (issue 14, "replay of a recorded msgpack stream"): a live
// `ddsim agent` with ddsim.trace_record_path records the v0.4 and v0.5 requests posted to it
// over real HTTP (and a broken one); `ddsim run` replays the capture twice into its simulated
// agent, and its report counts every recorded span through the receiver, the processor and the
// writer to the intake, the broken request as a decoding error. The real dd-trace (npm) is
// recorded and replayed to the same spans.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/trace/trace_capture.h"
#include "tests/integration/agent_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/trace_payloads.h"

namespace ddsim {
namespace {

using testing::ChildProcess;
using trace::testing::makeSpan;

trace::Traces kept(uint64_t id) {  // priority 2: every sampler keeps them
  trace::Traces t = {{makeSpan("web", "http.request", id, 1), makeSpan("db", "postgres.query", id, 2, 1),
                      makeSpan("db", "postgres.query", id, 3, 1)}};
  t[0][0].metrics["_sampling_priority_v1"] = 2;
  return t;
}

class TraceReplayTest : public testing::AgentIntakeTest {
 protected:
  // `ddsim agent` with the trace receiver on any free port, recording into `capture`.
  ChildProcess recordingAgent(const std::string& capture) {
    return ChildProcess({DDSIM_BINARY, "agent", "--config", writeConfig()},
                        {std::string("DD_API_KEY=") + testing::kAgentApiKey, "DD_APM_ENABLED=true",
                         "DD_APM_RECEIVER_PORT=-1", "DD_DDSIM_TRACE_RECORD_PATH=" + capture});
  }
  // The receiver's port once the agent printed it (0 with a test failure when it did not).
  static int receiverPort(ChildProcess& agent) {
    const bool up = agent.waitForOutput(
        [](const std::string& o) { return o.find("trace receiver listening on") != std::string::npos; },
        testing::kHangGuard);
    EXPECT_TRUE(up) << agent.out() << agent.err();
    std::smatch m;
    const std::string out = agent.out();
    if (!std::regex_search(out, m, std::regex(R"(trace receiver listening on http://127\.0\.0\.1:(\d+))"))) return 0;
    return std::stoi(m[1]);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    testing::AgentIntakeTest::TearDown();
  }
};

TEST_F(TraceReplayTest, ALiveAgentsRecordingReplaysThroughTheSimulatedTraceAgent) {
  const std::string capture = dir_ + "/tracers.ddtrace";
  ChildProcess agent = recordingAgent(capture);
  const int port = receiverPort(agent);
  ASSERT_GT(port, 0);
  EXPECT_NE(agent.out().find("recording tracer requests into " + capture), std::string::npos) << agent.out();
  httplib::Client cli("127.0.0.1", port);
  const httplib::Headers meta = {{"Datadog-Meta-Lang", "cpp"}, {"X-Datadog-Trace-Count", "1"}};
  for (uint64_t i = 0; i < 3; ++i) {
    auto r = cli.Put("/v0.4/traces", meta, trace::testing::packV04(kept(100 + i)), "application/msgpack");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  for (uint64_t i = 0; i < 2; ++i) {
    auto r = cli.Put("/v0.5/traces", meta, trace::testing::packV05(kept(200 + i)), "application/msgpack");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  auto bad = cli.Put("/v0.4/traces", meta, trace::testing::packV04(kept(300)).substr(0, 15), "application/msgpack");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  agent.signal(SIGTERM);
  ASSERT_TRUE(agent.wait(testing::kHangGuard).has_value());
  EXPECT_NE(agent.err().find("trace recording " + capture + ": 6 requests"), std::string::npos) << agent.err();

  // The capture holds the six requests as they came.
  auto reader = trace::TraceCaptureReader::open(capture);
  ASSERT_TRUE(reader.isOk()) << reader.status().toString();
  int records = 0;
  while (true) {
    auto rec = reader->next();
    ASSERT_TRUE(rec.isOk()) << rec.status().toString();
    if (!rec->has_value()) break;
    EXPECT_EQ((*rec)->headers.at("datadog-meta-lang"), "cpp");
    ++records;
  }
  EXPECT_EQ(records, 6);

  // Replayed twice by `ddsim run`, in virtual time.
  const std::string scenario = dir_ + "/replay.json";
  std::ofstream(scenario) << R"({"name": "trace-replay", "duration": "20s", "mode": "virtual", "intake": "inprocess",
    "workloads": [{"type": "replay", "file": "tracers.ddtrace", "loops": 2}],
    "expect": [{"kind": "traces", "check": "spans_delivered", "value": 30}]})";
  const std::string report_path = dir_ + "/report.json";
  ChildProcess run({DDSIM_BINARY, "run", "-q", scenario, "--report", report_path}, {});
  auto code = run.wait(testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << run.out() << run.err();
  std::ifstream in(report_path);
  const nlohmann::json report = nlohmann::json::parse(in);
  const nlohmann::json& traces = report["summary"]["traces"];
  EXPECT_EQ(traces["spans_generated"], 30) << traces.dump();  // 5 good requests x 3 spans x 2 loops
  EXPECT_EQ(traces["requests"], 12) << traces.dump();
  const nlohmann::json* receiver = nullptr;
  for (const auto& s : report["accounting"]["stages"]) {
    if (s["stage"] == "trace_receiver") receiver = &s;
  }
  ASSERT_NE(receiver, nullptr);
  EXPECT_EQ((*receiver)["in"], 30);
  EXPECT_EQ((*receiver)["out"], 30);
  EXPECT_TRUE(report["accounting"]["holds"].get<bool>()) << report["accounting"].dump(2);
  bool found = false;
  for (const auto& w : report["workloads"]) {
    if (w["generated"].value("format", "") == "trace capture") {
      found = true;
      EXPECT_EQ(w["generated"]["records"], 6);
      EXPECT_EQ(w["generated"]["loops_completed"], 2);
    }
  }
  EXPECT_TRUE(found) << report["workloads"].dump();
}

// The real Node.js tracer (npm dd-trace) recorded and replayed: the replay delivers the spans the
// live agent delivered (its recorded sampling decisions: auto keep, user keep, user reject).
TEST_F(TraceReplayTest, ADdTraceJsRecordingReplaysToTheSameSpans) {
  const std::string dir = std::string(DDSIM_SOURCE_DIR) + "/tests/integration/tracer";
  if (std::system("command -v node >/dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
  if (!std::filesystem::exists(dir + "/node_modules/dd-trace")) {
    GTEST_SKIP() << "dd-trace is not installed (scripts/install-test-clients.sh)";
  }
  const std::string capture = dir_ + "/node.ddtrace";
  ChildProcess agent = recordingAgent(capture);
  const int port = receiverPort(agent);
  ASSERT_GT(port, 0);
  ChildProcess tracer({"/usr/bin/env", "node", dir + "/send_spans.js", std::to_string(port), "0.4"});
  auto tcode = tracer.wait(testing::kHangGuard);
  ASSERT_TRUE(tcode.has_value());
  ASSERT_EQ(*tcode, 0) << tracer.err();
  agent.signal(SIGTERM);
  ASSERT_TRUE(agent.wait(testing::kHangGuard).has_value());
  EXPECT_NE(agent.out().find("1 sampled out, 3 sent"), std::string::npos) << agent.out();

  const std::string scenario = dir_ + "/node.json";
  std::ofstream(scenario) << R"({"name": "node-replay", "duration": "30s", "mode": "virtual", "intake": "inprocess",
    "workloads": [{"type": "replay", "file": "node.ddtrace"}],
    "expect": [{"kind": "traces", "check": "spans_delivered", "value": 4}]})";
  const std::string report_path = dir_ + "/node-report.json";
  ChildProcess run({DDSIM_BINARY, "run", "-q", scenario, "--report", report_path}, {});
  auto code = run.wait(testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << run.out() << run.err();
  std::ifstream in(report_path);
  const nlohmann::json report = nlohmann::json::parse(in);
  EXPECT_EQ(report["summary"]["traces"]["spans_generated"], 5) << report["summary"]["traces"].dump();
  EXPECT_TRUE(report["accounting"]["holds"].get<bool>()) << report["accounting"].dump(2);
}

// A capture cut in its last record is refused before the run, naming the record.
TEST_F(TraceReplayTest, ACutCaptureIsRefusedBeforeTheRun) {
  const std::string capture = dir_ + "/cut.ddtrace";
  {
    auto w = trace::TraceCaptureWriter::create(capture, 1 << 20).value();
    trace::ReceiverRequest r;
    r.path = "/v0.4/traces";
    const std::string body = trace::testing::packV04(kept(1));
    r.body = body;
    w->write(r, 1);
    w->write(r, 2);
    ASSERT_TRUE(w->close().isOk());
  }
  std::filesystem::resize_file(capture, std::filesystem::file_size(capture) - 5);
  const std::string scenario = dir_ + "/cut.json";
  std::ofstream(scenario) << R"({"name": "cut", "duration": "5s", "intake": "inprocess",
    "workloads": [{"type": "replay", "file": "cut.ddtrace"}]})";
  ChildProcess run({DDSIM_BINARY, "run", "-q", scenario}, {});
  auto code = run.wait(testing::kHangGuard);
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_NE(run.err().find("record 1 at byte"), std::string::npos) << run.err();
  EXPECT_NE(run.err().find("cut short"), std::string::npos) << run.err();
}

}  // namespace
}  // namespace ddsim
