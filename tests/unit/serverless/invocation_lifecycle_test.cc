// The invocation lifecycle behind /lambda/start-invocation, /lambda/end-invocation and
// /trace-context (the agent's invocationlifecycle): where the trace context comes from, what
// the answer headers say, and the execution span built at the end.
#include "core/serverless/invocation_lifecycle.h"

#include <gtest/gtest.h>

namespace ddsim::serverless {
namespace {

common::SystemTime at(int64_t ms) { return common::SystemTime(std::chrono::milliseconds(ms)); }

InvocationEnd endOf(const std::string& id) { return {id, true, "checkout", "arn:aws:lambda:us-east-1:1:function:checkout"}; }

TEST(InvocationLifecycle, ContextFromTheEventHeadersThenTheRequestThenANewTrace) {
  struct Row {
    const char* what;
    std::map<std::string, std::string> headers;
    std::string body;
    uint64_t want_trace;  // 0: a new random id
    uint64_t want_parent;
    int32_t want_priority;
  };
  const Row rows[] = {
      {"event headers win", {{"X-Datadog-Trace-Id", "5"}},
       R"({"headers": {"x-datadog-trace-id": "111", "x-datadog-parent-id": "222", "x-datadog-sampling-priority": "2"}})",
       111, 222, 2},
      {"request headers (direct invocation)", {{"X-Datadog-Trace-Id", "5"}, {"x-datadog-parent-id", "6"}}, "{}", 5, 6, 1},
      {"nothing: a new trace, auto keep", {}, "not json", 0, 0, 1},
      {"a bad id is ignored", {{"x-datadog-trace-id", "abc"}}, "{}", 0, 0, 1},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.what);
    InvocationLifecycle lc(7);
    const auto answer = lc.onStart(r.headers, r.body, at(1000));
    const auto ctx = lc.current();
    if (r.want_trace != 0) {
      EXPECT_EQ(ctx.trace_id, r.want_trace);
    } else {
      EXPECT_NE(ctx.trace_id, 0u);
    }
    EXPECT_EQ(ctx.parent_id, r.want_parent);
    EXPECT_EQ(ctx.sampling_priority, r.want_priority);
    EXPECT_EQ(answer.at(kTraceIdHeader), std::to_string(ctx.trace_id));
    EXPECT_EQ(answer.at(kSamplingPriorityHeader), std::to_string(r.want_priority));
    EXPECT_EQ(lc.traceContext().at(kSpanIdHeader), std::to_string(ctx.span_id));
  }
}

TEST(InvocationLifecycle, TheEndBuildsTheExecutionSpan) {
  InvocationLifecycle lc(7);
  lc.onStart({{"x-datadog-trace-id", "42"}, {"x-datadog-parent-id", "9"}}, "{}", at(1000));
  auto p = lc.onEnd({{"x-datadog-invocation-error", "true"}, {"x-datadog-span-id", "77"}}, endOf("req-1"), false,
                    at(1250));
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->traces.size(), 1u);
  ASSERT_EQ(p->traces[0].size(), 1u);
  const trace::Span& s = p->traces[0][0];
  EXPECT_EQ(s.name, "aws.lambda");
  EXPECT_EQ(s.service, "aws.lambda");
  EXPECT_EQ(s.type, "serverless");
  EXPECT_EQ(s.resource, "checkout");
  EXPECT_EQ(s.trace_id, 42u);
  EXPECT_EQ(s.parent_id, 9u);
  EXPECT_EQ(s.span_id, 77u) << "the tracer's span id is injected";
  EXPECT_EQ(s.start, 1'000'000'000);
  EXPECT_EQ(s.duration, 250'000'000);
  EXPECT_EQ(s.error, 1);
  EXPECT_EQ(s.meta.at("request_id"), "req-1");
  EXPECT_EQ(s.meta.at("cold_start"), "true");
  EXPECT_EQ(s.metrics.at("_sampling_priority_v1"), 1);
  // One span per started invocation.
  EXPECT_FALSE(lc.onEnd({}, endOf("req-1"), false, at(1300)).has_value());
}

TEST(InvocationLifecycle, NoSpanWhenADatadogLibraryMakesItsOwnOrNothingStarted) {
  InvocationLifecycle lc(7);
  EXPECT_FALSE(lc.onEnd({}, endOf("r"), false, at(10)).has_value());
  lc.onStart({}, "{}", at(20));
  EXPECT_FALSE(lc.onEnd({}, endOf("r"), true, at(30)).has_value());
}

}  // namespace
}  // namespace ddsim::serverless
