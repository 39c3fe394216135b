// The trace path in a simulation run: repeatability, spans sent while the agent restarts,
// payloads lost to an outage that outlasts the run, what failed trace expectations say, and the
// stats the trace agent computes (totals at the intake against what it built, losses).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "core/store/run_store.h"
#include "fakeintake/core/decompress.h"
#include "fakeintake/decoders/decoder.h"
#include "simulator/runner/simulation.h"
#include "simulator/scenario/scenario_loader.h"

namespace ddsim::runner {
namespace {

RunResult runText(const std::string& text) {
  auto s = scenario::parseScenarioText(text, "traces.json");
  EXPECT_TRUE(s.isOk()) << s.status().message();
  if (!s.isOk()) return {};
  auto r = runScenario(*s);
  EXPECT_TRUE(r.isOk()) << r.status().message();
  return r.isOk() ? *r : RunResult{};
}

const nlohmann::json& stageOf(const nlohmann::json& report, const std::string& name) {
  static const nlohmann::json kNone;
  for (const auto& s : report["accounting"]["stages"]) {
    if (s["stage"] == name) return s;
  }
  return kNone;
}

TEST(SimulationTracesTest, SameSeedSameReportAndTheSeedMatters) {
  auto s = scenario::loadScenarioFile(std::string(DDSIM_SCENARIOS_DIR) + "/traces-priority-sampling.json");
  ASSERT_TRUE(s.isOk()) << s.status().message();
  s->duration = 60;
  s->expectations.clear();
  auto a = runScenario(*s), b = runScenario(*s);
  ASSERT_TRUE(a.isOk() && b.isOk());
  ASSERT_TRUE(a->passed()) << a->report["failures"].dump(2);
  EXPECT_EQ(deterministicPart(a->report).dump(), deterministicPart(b->report).dump());
  s->seed = 99;
  auto c = runScenario(*s);
  ASSERT_TRUE(c.isOk());
  EXPECT_NE(a->report["summary"]["traces"].dump(), c->report["summary"]["traces"].dump());
  EXPECT_EQ(a->report["summary"]["traces"]["traces_generated"], 24000);  // 400/s x 60 s
}

TEST(SimulationTracesTest, SpansSentWhileTheAgentIsDownAreCountedAsAgentDown) {
  RunResult r = runText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "workloads": [{"type": "traces", "rate": 100, "spans_per_trace": 2, "sampling_weights": {"user_keep": 1}}],
    "faults": [{"kind": "restart", "at": "20s", "downtime": "10s"}],
    "expect": [{"kind": "traces", "check": "spans_delivered", "value": 10000},
               {"kind": "traces", "check": "stats", "min": 5000}]})");
  // The stats of both trace agents (before and after the restart) are compared with the intake's.
  EXPECT_TRUE(r.passed()) << r.report["failures"].dump(2);
  const auto& recv = stageOf(r.report, "trace_receiver");
  EXPECT_EQ(recv["in"], 12000);                       // 100 traces/s x 2 spans x 60 s
  EXPECT_EQ(recv["dropped"]["agent_down"], 2000);     // the 10 s down
  EXPECT_EQ(recv["out"], 10000);
  EXPECT_EQ(r.report["summary"]["drops"]["trace_receiver.agent_down"], 2000);
  EXPECT_EQ(r.report["summary"]["drop_units"]["trace_receiver.agent_down"], "spans");
}

TEST(SimulationTracesTest, AnOutageThatOutlastsTheRunLosesPayloadsCountedNotMissing) {
  RunResult r = runText(R"({"name": "t", "duration": "1m", "drain": "5s", "intake": "inprocess",
    "workloads": [{"type": "traces", "rate": 50, "spans_per_trace": 3, "sampling_weights": {"user_keep": 1}}],
    "faults": [{"kind": "intake", "at": "30s", "route": "/api/v0.2/traces", "rule": {"status": 503}}],
    "expect": [{"kind": "traces", "check": "spans_delivered"}]})");
  EXPECT_TRUE(r.accounting_holds) << r.report["accounting"].dump(2);
  const auto& fwd = stageOf(r.report, "trace_forwarder");
  // The retry queue dropped at the agent's stop, named with the forwarder's reason.
  EXPECT_GT(fwd["dropped"]["retry_queue_at_stop"].get<int64_t>(), 0) << fwd.dump();
  EXPECT_TRUE(fwd["holds"].get<bool>()) << fwd.dump();
  EXPECT_GT(r.report["summary"]["drops"]["forwarder.retry_queue_at_stop"].get<int64_t>(), 0);
  // The spans of the lost payloads never reached the intake: the expectation says by how much.
  ASSERT_FALSE(r.expectations_passed);
  EXPECT_NE(r.failures.back().find("off by -"), std::string::npos) << r.failures.back();
  EXPECT_GT(r.report["summary"]["loss_by_unit"]["payloads"].get<int64_t>(), 0);
}

TEST(SimulationTracesTest, FailedTraceExpectationsSayWhy) {
  RunResult r = runText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "workloads": [{"type": "traces", "rate": 10, "spans_per_trace": 1, "sampling_weights": {"user_keep": 1}}],
    "expect": [{"kind": "traces", "check": "kept_rate", "value": 50, "tolerance": 0.1},
               {"kind": "traces", "check": "spans_delivered", "value": 601},
               {"kind": "traces", "check": "sampled_out", "min": 1},
               {"kind": "traces", "check": "stats", "max": 599}]})");
  ASSERT_EQ(r.failures.size(), 4u) << r.report["failures"].dump(2);
  EXPECT_NE(r.failures[0].find("got 10/s (600 traces over 60 s"), std::string::npos) << r.failures[0];
  EXPECT_NE(r.failures[1].find("decoded 600 spans"), std::string::npos) << r.failures[1];
  EXPECT_NE(r.failures[1].find("off by -1"), std::string::npos) << r.failures[1];
  EXPECT_NE(r.failures[2].find("counted 0"), std::string::npos) << r.failures[2];
  // One span per trace: every span is a root, so top-level, and counted once.
  EXPECT_NE(r.failures[3].find("the intake decoded hits 600, errors 0, top-level hits 600"), std::string::npos)
      << r.failures[3];
  EXPECT_NE(r.failures[3].find("the trace agent built hits 600"), std::string::npos) << r.failures[3];
}

TEST(SimulationTracesTest, StatsCountEveryTopLevelSpanBeforeSamplingAndReachTheIntake) {
  RunResult r = runText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "workloads": [{"type": "traces", "rate": 100, "spans_per_trace": 1, "error_ratio": 0.1,
                   "sampling_weights": {"auto_reject": 1}}],
    "expect": [{"kind": "traces", "check": "stats", "min": 6000, "max": 6000}]})");
  // The priority sampler drops the P0 traces, but stats count them all (agent.go Process
  // computes stats before sampling); the error sampler keeps some of the errors.
  EXPECT_TRUE(r.passed()) << r.report["failures"].dump(2);
  const auto& st = r.report["summary"]["traces"]["stats"];
  EXPECT_EQ(st["hits"], 6000);
  EXPECT_EQ(st["spans_counted"], 6000);
  EXPECT_EQ(st["intake"]["hits"], 6000);
  EXPECT_GT(st["errors"].get<int64_t>(), 400);
  EXPECT_LT(st["errors"].get<int64_t>(), 800);
  EXPECT_EQ(st["intake"]["errors"], st["errors"]);
  EXPECT_GT(r.report["summary"]["traces"]["traces_sampled_out"]["priority_sampler"].get<int64_t>(), 0);
  // Flushed every 10 s and at stop: one payload per flush that had something.
  EXPECT_GE(st["payloads_delivered"].get<int64_t>(), 6);
  EXPECT_TRUE(stageOf(r.report, "trace_stats_writer")["holds"].get<bool>());
  EXPECT_EQ(stageOf(r.report, "trace_stats_writer")["in"], st["groups_built"]);
}

// apm_config.trace_writer.connection_limit / queue_size (docs/trace-agent.md §6.1.1): during an
// outage one payload is out (retried by the forwarder), two wait, and every further payload
// pushes the oldest waiting one out, counted as sender_queue_full; what was handed over is
// delivered once the intake recovers.
TEST(SimulationTracesTest, TheTraceWritersSenderQueueDropsTheOldestWaitingPayloadsDuringAnOutage) {
  RunResult r = runText(R"({"name": "t", "duration": "2m", "drain": "30s", "intake": "inprocess",
    "agent": {"apm_config.trace_writer.connection_limit": 1, "apm_config.trace_writer.queue_size": 2},
    "workloads": [{"type": "traces", "rate": 50, "spans_per_trace": 2, "sampling_weights": {"user_keep": 1}}],
    "faults": [{"kind": "intake", "at": "20s", "until": "80s", "route": "/api/v0.2/traces", "rule": {"status": 503}}],
    "expect": [{"kind": "traces", "check": "spans_delivered"}]})");
  EXPECT_TRUE(r.accounting_holds) << r.report["accounting"].dump(2);
  const auto& writer = stageOf(r.report, "trace_writer");
  const int64_t dropped = writer["dropped"]["sender_queue_full"].get<int64_t>();
  // 60 s of outage at one payload per 5 s: about 12 payloads, 1 out and 2 waiting kept.
  EXPECT_GT(dropped, 8 * 50 * 5 / 2) << writer.dump();
  EXPECT_TRUE(writer["holds"].get<bool>()) << writer.dump();
  EXPECT_EQ(r.report["summary"]["drops"]["trace_writer.sender_queue_full"].get<int64_t>(), dropped);
  EXPECT_TRUE(r.expectations_passed) << r.report["failures"].dump(2);
}

TEST(SimulationTracesTest, StatsPayloadsLostToAnOutageMakeTheStatsExpectationIncomplete) {
  RunResult r = runText(R"({"name": "t", "duration": "1m", "drain": "5s", "intake": "inprocess",
    "workloads": [{"type": "traces", "rate": 50, "spans_per_trace": 2, "sampling_weights": {"user_keep": 1}}],
    "faults": [{"kind": "intake", "at": "30s", "route": "/api/v0.2/stats", "rule": {"status": 503}}],
    "expect": [{"kind": "traces", "check": "stats"}, {"kind": "traces", "check": "spans_delivered"}]})");
  EXPECT_TRUE(r.accounting_holds) << r.report["accounting"].dump(2);
  const auto& fwd = stageOf(r.report, "trace_stats_forwarder");
  EXPECT_GT(fwd["dropped"]["retry_queue_at_stop"].get<int64_t>(), 0) << fwd.dump();
  EXPECT_TRUE(fwd["holds"].get<bool>()) << fwd.dump();
  // The traces were not touched; the stats comparison refuses to judge what is left.
  ASSERT_EQ(r.failures.size(), 1u) << r.report["failures"].dump(2);
  EXPECT_NE(r.failures[0].find("incomplete: stats payloads lost ("), std::string::npos) << r.failures[0];
  EXPECT_NE(r.failures[0].find("dropped by the forwarder (retry_queue_at_stop)"), std::string::npos) << r.failures[0];
}

// The scenario's `agent` settings reach the simulated trace agent's samplers: a lower
// apm_config.max_traces_per_second is the rate the priority sampler converges on; a bad value is
// refused naming its place.
TEST(SimulationTracesTest, AgentSettingsSetTheSamplersBudgets) {
  RunResult r = runText(R"({"name": "t", "duration": "3m", "intake": "inprocess",
    "agent": {"apm_config.max_traces_per_second": 3, "apm_config.errors_per_second": 1},
    "workloads": [{"type": "traces", "rate": 100, "spans_per_trace": 1, "services": 1, "sampling_weights": {"auto": 1}}],
    "expect": [{"kind": "traces", "check": "kept_rate", "value": 3, "tolerance": 0.2, "after": "90s"}]})");
  EXPECT_TRUE(r.passed()) << r.report["failures"].dump(2);

  auto s = scenario::parseScenarioText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "agent": {"apm_config.max_traces_per_second": -2},
    "workloads": [{"type": "traces", "rate": 10}]})", "bad.json");
  ASSERT_TRUE(s.isOk()) << s.status().message();
  auto bad = runScenario(*s);
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("bad.json: $.agent.apm_config.max_traces_per_second: "
                                        "apm_config.max_traces_per_second: must be a number >= 0"),
            std::string::npos)
      << bad.status().message();
  auto typed = scenario::parseScenarioText(R"({"name": "t", "duration": "1m",
    "agent": {"apm_config.enable_rare_sampler": "often"}, "workloads": [{"type": "traces", "rate": 10}]})", "bad.json");
  ASSERT_FALSE(typed.isOk());
  EXPECT_NE(typed.status().message().find("$.agent.apm_config.enable_rare_sampler"), std::string::npos)
      << typed.status().message();
}

// apm_config.enable_rare_sampler in the scenario's agent settings: tracers that drop everything
// (priority 0) still get the first trace of each signature through, once per cooldown.
TEST(SimulationTracesTest, TheRareSamplerKeepsTheFirstTraceOfEachSignature) {
  const std::string workload = R"("workloads": [{"type": "traces", "rate": 100, "spans_per_trace": 1, "services": 1,
      "operations": 2, "resources": 5, "sampling_weights": {"auto_reject": 1}}])";
  RunResult off = runText(R"({"name": "t", "duration": "1m", "intake": "inprocess", )" + workload + "}");
  EXPECT_EQ(off.report["summary"]["traces"]["traces_kept"], 0);
  RunResult on = runText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "agent": {"apm_config.enable_rare_sampler": true}, )" + workload + "}");
  const int64_t kept = on.report["summary"]["traces"]["traces_kept"].get<int64_t>();
  EXPECT_GE(kept, 1);
  EXPECT_LE(kept, 10);  // at most one per (operation, resource) in a minute (cooldown 5 min)
  EXPECT_EQ(on.report["telemetry"]["trace.processor.rare_sampler.hits"], kept) << on.report["telemetry"].dump();
}

// The rates version in virtual time: the simulated tracer sends Datadog-Rates-Payload-Version
// ("0" at first, as libdatadog), the receiver names its version back, and while the rates stay
// the same the answers are "{}". The priority sampler's rates change at most once per 5 s
// bucket, so over a minute nearly every answer is "{}".
TEST(SimulationTracesTest, UnchangedRatesAreAnsweredWithAnEmptyObject) {
  RunResult r = runText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "workloads": [{"type": "traces", "rate": 200, "spans_per_trace": 1, "services": 2,
                   "traces_per_payload": [10, 10], "sampling_weights": {"auto": 1}}]})");
  const auto& t = r.report["summary"]["traces"];
  const int64_t requests = t["requests"].get<int64_t>(), unchanged = t["unchanged_rate_answers"].get<int64_t>();
  EXPECT_EQ(requests, 1200);  // 200 traces/s in payloads of 10 for 60 s
  EXPECT_GT(unchanged, 0);
  EXPECT_GE(unchanged, requests - 13) << "at most one change per 5 s bucket, plus the first answer";
  EXPECT_LT(unchanged, requests);
  EXPECT_EQ(t["bad_rate_answers"], 0);
}

// Client-side stats (spec §8.6): the tracer counts every trace before it drops its P0s, the
// agent runs no concentrator on its payloads, and the stats reach the intake through the client
// stats aggregator; the dropped P0 traces are counted by reason, by design.
TEST(SimulationTracesTest, ClientStatsSkipTheConcentratorAndTheTracerDropsP0s) {
  RunResult r = runText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "workloads": [{"type": "traces", "rate": 100, "spans_per_trace": 1, "error_ratio": 0.1, "client_stats": true,
                   "sampling_weights": {"auto_reject": 3, "user_reject": 1, "user_keep": 1}}],
    "expect": [{"kind": "traces", "check": "stats", "min": 6000, "max": 6000},
               {"kind": "traces", "check": "spans_delivered"}, {"kind": "delivery", "no_loss": true}]})");
  EXPECT_TRUE(r.passed()) << r.report["failures"].dump(2);
  const auto& t = r.report["summary"]["traces"];
  EXPECT_EQ(t["stats"]["spans_counted"], 0);  // the agent's concentrator saw nothing
  EXPECT_EQ(t["stats"]["intake"]["hits"], 6000);
  EXPECT_GT(t["stats"]["intake"]["errors"].get<int64_t>(), 400);
  const int64_t auto_rejected = t["client_dropped_p0_traces"]["auto_reject"].get<int64_t>();
  const int64_t user_rejected = t["client_dropped_p0_traces"]["user_reject"].get<int64_t>();
  EXPECT_GT(auto_rejected, 2000);
  EXPECT_GT(user_rejected, 600);
  // Only the kept traces reach the agent; none is sampled out there.
  EXPECT_EQ(t["traces_received"].get<int64_t>(), 6000 - auto_rejected - user_rejected);
  EXPECT_EQ(t["traces_sampled_out"].size(), 0u) << t.dump();
  const auto& recv = stageOf(r.report, "trace_receiver");
  EXPECT_TRUE(recv["holds"].get<bool>()) << recv.dump();
  EXPECT_EQ(recv["dropped"]["client_dropped_p0_auto_reject"], auto_rejected);
  EXPECT_EQ(r.report["summary"]["loss"], 0);
  EXPECT_GE(t["client_stats_requests"].get<int64_t>(), 6);
}

// Tracer stats sent while the agent is down are lost: the stats expectation fails as incomplete
// rather than comparing what is left.
TEST(SimulationTracesTest, ClientStatsLostWhileTheAgentIsDownFailTheStatsExpectation) {
  RunResult r = runText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "workloads": [{"type": "traces", "rate": 50, "spans_per_trace": 2, "client_stats": true,
                   "sampling_weights": {"user_keep": 1}}],
    "faults": [{"kind": "restart", "at": "18s", "downtime": "15s"}],
    "expect": [{"kind": "traces", "check": "stats"}]})");
  EXPECT_FALSE(r.passed());
  EXPECT_GT(r.report["summary"]["traces"]["client_stats_refused"].get<int64_t>(), 0);
  ASSERT_EQ(r.failures.size(), 1u) << r.report["failures"].dump(2);
  EXPECT_NE(r.failures[0].find("incomplete: stats payloads lost ("), std::string::npos) << r.failures[0];
  EXPECT_NE(r.failures[0].find("tracer stats payloads not accepted on /v0.6/stats"), std::string::npos)
      << r.failures[0];
}

// apm_config.env (normalized as a tag) is the AgentPayload's env (and the samplers' and stats'
// env for spans without one); apm_config.trace_writer.flush_period_seconds sets the writer's period
// (docs/trace-agent.md §7.7).
TEST(SimulationTracesTest, AgentEnvAndWriterFlushPeriodFromTheAgentSettings) {
  const auto store = std::filesystem::temp_directory_path() / ("ddsim_trace_env_" + std::to_string(::getpid()) + ".sqlite");
  std::filesystem::remove(store);
  auto s = scenario::parseScenarioText(R"({"name": "t", "duration": "1m", "intake": "inprocess",
    "agent": {"apm_config.env": "Canary Env", "apm_config.trace_writer.flush_period_seconds": 1},
    "workloads": [{"type": "traces", "rate": 20, "spans_per_trace": 1, "env": "", "sampling_weights": {"user_keep": 1}}],
    "expect": [{"kind": "traces", "check": "spans_delivered", "value": 1200}]})", "env.json");
  ASSERT_TRUE(s.isOk()) << s.status().message();
  RunOptions o;
  o.store_path = store.string();
  auto r = runScenario(*s, o);
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_TRUE(r->passed()) << r->report["failures"].dump(2);
  // One payload a second rather than one every 5 s.
  EXPECT_GE(r->report["summary"]["traces"]["payloads_written"].get<int64_t>(), 55);
  auto rs = store::RunStore::open(store.string()).value();
  auto rows = rs->payloads("main", "/api/v0.2/traces", 0, 0).value();
  ASSERT_FALSE(rows.empty());
  std::vector<fakeintake::DecodeNote> notes;
  auto body = fakeintake::decompress(fakeintake::parseContentEncoding(rows[0].row.encoding),
                                     rs->body(rows[0].id).value(), 64u << 20);
  ASSERT_TRUE(body.isOk());
  auto decoded = fakeintake::decodeTraces(*body, notes);
  ASSERT_TRUE(decoded.isOk()) << decoded.status().message();
  EXPECT_EQ(decoded->at(0).env, "canary_env");
  rs.reset();
  std::filesystem::remove(store);
}

}  // namespace
}  // namespace ddsim::runner
