// Per-payload processing and the sampling decision (docs/trace-agent.md §7; the agent's
// pkg/trace/agent/agent.go Process, sample, runSamplers, samplePriorityTrace,
// sampleNoPriorityTrace).
#include "core/trace/trace_processor.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

TraceChunk chunkOf(int32_t priority, bool error) {
  TraceChunk c;
  c.priority = priority;
  Span s = testing::makeSpan("svc", "op", 1, 1);
  s.error = error ? 1 : 0;
  c.spans.push_back(s);
  return c;
}

// agent.go sample + runSamplers, below the samplers' TPS budgets (fresh samplers: every rate 1).
TEST(SampleDecisionTable, FollowsTheAgentsBranches) {
  struct Row {
    int32_t priority;
    bool error;
    SampleDecision want;
    const char* why;
  };
  const Row rows[] = {
      {-1, false, SampleDecision::kDropUserReject, "sample: priority < 0 returns before the samplers"},
      {-1, true, SampleDecision::kDropUserReject, "an error does not save a user reject"},
      {0, false, SampleDecision::kDropPriority, "priority sampler keeps only > 0; rare sampler off"},
      {0, true, SampleDecision::kKeep, "samplePriorityTrace: error sampler, under its budget"},
      {1, false, SampleDecision::kKeep, "priority sampler: auto keep"},
      {2, false, SampleDecision::kKeep, "priority sampler: user keep"},
      {kPriorityNone, false, SampleDecision::kKeep, "sampleNoPriorityTrace: no-priority sampler, under its budget"},
      {kPriorityNone, true, SampleDecision::kKeep, "sampleNoPriorityTrace: error sampler, under its budget"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.why);
    Samplers samplers;
    TraceChunk c = chunkOf(r.priority, r.error);
    EXPECT_EQ(runSamplers(1'700'000'000, c, 0, "prod", 0, samplers), r.want);
  }
}

struct Fixture {
  common::ManualClock clock;
  std::vector<TracerPayload> out;
  TraceProcessor p{clock, [this](TracerPayload&& tp) { out.push_back(std::move(tp)); }};
};

Trace traceWith(uint64_t id, double priority, int error = 0) {
  Span root = testing::sampleSpan(id, 1, 0);
  root.metrics["_sampling_priority_v1"] = priority;
  root.error = error;
  root.metrics.erase("_top_level");
  Span child = testing::sampleSpan(id, 2, 1);
  child.service = "db";
  child.error = 0;
  child.metrics.clear();
  return {root, child};
}

TEST(TraceProcessor, KeepsNormalizesAndMarksTopLevelThenSendsOneTracerPayload) {
  Fixture f;
  ReceivedPayload p;
  p.lang = "nodejs";
  p.lang_version = "v20";
  p.tracer_version = "5.1";
  p.traces = {traceWith(10, 1), traceWith(11, 0), traceWith(12, -1), traceWith(13, 0, 1)};
  p.traces[0][1].service = "";  // normalized to the fallback
  f.p.process(std::move(p));
  ASSERT_EQ(f.out.size(), 1u);
  const TracerPayload& tp = f.out[0];
  EXPECT_EQ(tp.language_name, "nodejs");
  EXPECT_EQ(tp.tracer_version, "5.1");
  EXPECT_EQ(tp.env, "prod");  // traceutil.GetEnv: the root's env
  ASSERT_EQ(tp.chunks.size(), 2u);
  EXPECT_EQ(tp.chunks[0].priority, 1);
  EXPECT_EQ(tp.chunks[1].priority, 0);  // kept by the error sampler
  EXPECT_EQ(tp.chunks[0].spans[1].service, "unnamed-nodejs-service");
  // computeTopLevel: the root and the child of another service.
  EXPECT_EQ(tp.chunks[0].spans[0].metrics.at("_top_level"), 1);
  EXPECT_EQ(tp.chunks[0].spans[1].metrics.at("_top_level"), 1);
  const auto c = f.p.counters();
  EXPECT_EQ(c.traces_in, 4u);
  EXPECT_EQ(c.traces_kept, 2u);
  EXPECT_EQ(c.spans_kept, 4u);
  EXPECT_EQ(c.traces_sampled_out.at("user_reject"), 1u);
  EXPECT_EQ(c.traces_sampled_out.at("priority_sampler"), 1u);
  EXPECT_EQ(c.spans_fixed.at("service_empty"), 1u);
  EXPECT_EQ(f.p.telemetry().at("trace.processor.traces_sampled_out.user_reject"), 1);
}

TEST(TraceProcessor, ClientComputedTopLevelIsLeftAlone) {
  Fixture f;
  ReceivedPayload p;
  p.client_computed_top_level = true;
  p.traces = {traceWith(10, 1)};
  f.p.process(std::move(p));
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0].chunks[0].spans[1].metrics.count("_top_level"), 0u);
}

TEST(TraceProcessor, RefusedTracesAreCountedByTheNormalizersReasonAndNothingIsSentWhenNoneIsKept) {
  Fixture f;
  ReceivedPayload p;
  p.traces = {traceWith(10, 1), Trace{}, traceWith(12, 0)};
  p.traces[0][0].span_id = 0;
  f.p.process(std::move(p));
  EXPECT_TRUE(f.out.empty());
  const auto c = f.p.counters();
  EXPECT_EQ(c.traces_dropped.at("span_id_zero"), 1u);
  EXPECT_EQ(c.traces_dropped.at("empty_trace"), 1u);
  EXPECT_EQ(c.traces_sampled_out.at("priority_sampler"), 1u);
}

// agent.go Process: stats come from every normalized chunk before sampling (the dropped and
// user-rejected ones too), not from refused traces, and not when the tracer computed them.
TEST(TraceProcessor, StatsSinkSeesEveryNormalizedChunkBeforeSampling) {
  Fixture f;
  std::vector<std::pair<uint64_t, std::string>> seen;  // trace id, env
  std::vector<std::string> versions;
  f.p.setStatsSink([&](const TraceChunk& c, size_t root, const StatsChunkContext& ctx) {
    EXPECT_EQ(c.spans[root].parent_id, 0u);
    seen.emplace_back(c.spans[0].trace_id, ctx.tracer_env);
    versions.push_back(ctx.app_version);
  });
  ReceivedPayload p;
  p.traces = {traceWith(10, 1), traceWith(11, 0), traceWith(12, -1), Trace{}};
  p.traces[0][1].meta["version"] = "2.0";  // not the root: the first span with one gives it
  p.traces[1][0].meta["version"] = "3.0";  // later chunks keep the payload's (agent.go Process)
  f.p.process(std::move(p));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], (std::pair<uint64_t, std::string>{10, "prod"}));
  EXPECT_EQ(seen[2].first, 12u);
  EXPECT_EQ(versions, (std::vector<std::string>{"2.0", "2.0", "2.0"}));
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0].app_version, "2.0");
  ReceivedPayload client;
  client.client_computed_stats = true;
  client.traces = {traceWith(13, 1)};
  f.p.process(std::move(client));
  EXPECT_EQ(seen.size(), 3u) << "client-computed stats: the agent computes none";
}

}  // namespace
}  // namespace ddsim::trace
