// The error and no-priority samplers (docs/trace-agent.md §7.3; the agent's
// pkg/trace/sampler/scoresampler.go, signature.go, sampler.go SampleByRate). Virtual time.
#include "core/trace/score_sampler.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

TEST(TraceSignature, DependsOnWhatTheAgentHashesOnly) {
  Trace t = {testing::makeSpan("web", "http.request", 1, 1), testing::makeSpan("db", "query", 1, 2, 1)};
  t[0].resource = "GET /a";
  const uint32_t base = traceSignature(t, t[0], "prod");
  Trace other_ids = t;
  other_ids[0].span_id = 9;
  other_ids[1].trace_id = 7;
  other_ids[1].meta["component"] = "pg";  // not hashed
  EXPECT_EQ(traceSignature(other_ids, other_ids[0], "prod"), base);
  Trace dup = t;
  dup.push_back(t[1]);  // span hashes are deduplicated
  EXPECT_EQ(traceSignature(dup, dup[0], "prod"), base);
  for (auto change : {+[](Trace& x) { x[0].resource = "GET /b"; }, +[](Trace& x) { x[1].error = 1; },
                      +[](Trace& x) { x[1].meta["http.status_code"] = "500"; },
                      +[](Trace& x) { x[1].meta["error.type"] = "Timeout"; }, +[](Trace& x) { x[1].name = "q2"; }}) {
    Trace changed = t;
    change(changed);
    EXPECT_NE(traceSignature(changed, changed[0], "prod"), base);
  }
  EXPECT_NE(traceSignature(t, t[0], "staging"), base);
}

TEST(SampleByRate, KeepsTheShareOfTraceIdsTheRateSays) {
  EXPECT_TRUE(sampleByRate(12345, 1));
  EXPECT_FALSE(sampleByRate(12345, 0));
  EXPECT_FALSE(sampleByRate(1, std::nextafter(0.0, 1.0)));  // the smallest rate keeps almost nothing
  EXPECT_TRUE(sampleByRate(1, std::nextafter(1.0, 0.0)));   // the largest rate below 1: bound 2^64 - 2048
  int kept = 0;
  for (uint64_t id = 1; id <= 100000; ++id) kept += sampleByRate(id * 0x9E3779B97F4A7C15ULL, 0.25) ? 1 : 0;
  EXPECT_NEAR(kept / 100000.0, 0.25, 0.01);
  // The same trace id gets the same decision (chunks of one trace agree).
  EXPECT_EQ(sampleByRate(777, 0.5), sampleByRate(777, 0.5));
}

TraceChunk errorChunk(uint64_t trace_id) {
  TraceChunk c;
  c.spans.push_back(testing::makeSpan("web", "op", trace_id, 1));
  c.spans[0].error = 1;
  return c;
}

TEST(ScoreSampler, KeepsAllUnderItsBudgetThenAboutTheTargetAfterTheRatesTurn) {
  ScoreSampler s(10, "_dd.errors_sr");
  // 1000 error traces in one 5 s bucket (200 TPS against 10). Before the first turn a new
  // signature has the default rate: 1 while the bucket holds <= 50 (10 TPS), then 50 / count.
  int kept = 0;
  uint64_t id = 1;
  for (int i = 0; i < 1000; ++i, ++id) {
    TraceChunk c = errorChunk(id * 0x9E3779B97F4A7C15ULL);
    const bool k = s.sample(1'700'000'000, c, 0, "prod");
    kept += k ? 1 : 0;
    if (i < 50) {
      EXPECT_TRUE(k) << i;
      EXPECT_EQ(c.spans[0].metrics.at("_dd.errors_sr"), 1);
    }
  }
  EXPECT_GT(kept, 150);  // about 50 + 50 ln(20) = 200
  EXPECT_LT(kept, 260);
  // Next bucket: rate 10 / 200 = 0.05.
  kept = 0;
  for (int i = 0; i < 1000; ++i, ++id) {
    TraceChunk c = errorChunk(id * 0x9E3779B97F4A7C15ULL);
    kept += s.sample(1'700'000'005, c, 0, "prod") ? 1 : 0;
  }
  EXPECT_NEAR(kept, 50, 20);
}

TEST(ScoreSampler, AZeroBudgetDisablesIt) {
  ScoreSampler s(0, "_dd.errors_sr");
  TraceChunk c = errorChunk(1);
  EXPECT_FALSE(s.sample(1'700'000'000, c, 0, "prod"));
}

}  // namespace
}  // namespace ddsim::trace
