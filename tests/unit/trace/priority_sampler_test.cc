// The priority sampler and its rate engine (docs/trace-agent.md §7.2; the agent's
// pkg/trace/sampler/coresampler.go, prioritysampler.go, catalog.go). Time is virtual: Unix
// seconds passed in; buckets are 5 s.
#include "core/trace/priority_sampler.h"

#include <gtest/gtest.h>

#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

// coresampler.go computeTPSPerSig: an even share, what low-volume signatures leave goes to the rest.
TEST(TpsPerSignature, SpreadsTheTargetAsTheAgentDoes) {
  struct Row {
    double target;
    std::vector<double> seen;
    double want;
  };
  const Row rows[] = {
      {10, {5, 5}, 5},
      {10, {20, 30}, 5},
      {10, {1, 1, 100}, 8},     // two quiet signatures leave 8 to the busy one
      {10, {100}, 10},
      {10, {0, 0, 0, 0, 50}, 10},
  };
  for (const Row& r : rows) EXPECT_DOUBLE_EQ(tpsPerSignature(r.target, r.seen), r.want);
}

TEST(CoreSampler, RatesFollowTheBusiestBucketAndRiseAtMostTwentyPercentAStep) {
  CoreSampler s(10);
  const std::string a = "service:a,env:prod";
  // The first count turns the bucket (from 0), with nothing seen yet to compute from.
  EXPECT_TRUE(s.countWeighted(1'700'000'000, a, 1));
  for (int i = 1; i < 100; ++i) EXPECT_FALSE(s.countWeighted(1'700'000'000 + i % 5, a, 1));
  EXPECT_TRUE(s.rates().empty());
  EXPECT_EQ(s.defaultRate(), 0.5);  // 100 in one bucket = 20 TPS against 10
  // The next bucket: rates computed from the window (20 TPS seen, 10 wanted).
  EXPECT_TRUE(s.countWeighted(1'700'000'005, a, 1));
  EXPECT_DOUBLE_EQ(s.rates().at(a), 0.5);
  EXPECT_DOUBLE_EQ(s.signatureRate(a), 0.5);
  EXPECT_DOUBLE_EQ(s.signatureRate("service:b,env:prod"), 0.5);  // unknown: the default rate
  // Still in the 30 s window: unchanged.
  EXPECT_TRUE(s.countWeighted(1'700'000'010, a, 1));
  EXPECT_DOUBLE_EQ(s.rates().at(a), 0.5);
  // Once the busy bucket has left the window the rate would be 1, but rises to 0.5 * 1.2.
  EXPECT_TRUE(s.countWeighted(1'700'000'035, a, 1));
  EXPECT_DOUBLE_EQ(s.rates().at(a), 0.6);
  EXPECT_TRUE(s.countWeighted(1'700'000'040, a, 1));
  EXPECT_DOUBLE_EQ(s.rates().at(a), 0.72);
}

TraceChunk chunk(int32_t priority, const std::string& service, double sample_rate = 0) {
  TraceChunk c;
  c.priority = priority;
  c.spans.push_back(testing::makeSpan(service, "op", 1, 1));
  if (sample_rate > 0) c.spans[0].metrics["_sample_rate"] = sample_rate;
  return c;
}

TEST(PrioritySampler, KeepsTheTracersChoiceAndCountsOnlyAutomaticDecisions) {
  PrioritySampler p(10, "none");
  struct Row {
    int32_t priority;
    bool kept;
  };
  for (const Row& r : {Row{-1, false}, Row{0, false}, Row{1, true}, Row{2, true}}) {
    TraceChunk c = chunk(r.priority, "web");
    EXPECT_EQ(p.sample(1'700'000'000, c, 0, "prod", 0), r.kept) << r.priority;
    // A kept root without a rate gets the rate applied (prioritysampler.go applyRate); the
    // user keep (2) is not counted but still annotated as the agent does for any kept root.
    EXPECT_EQ(c.spans[0].metrics.count("_sampling_priority_rate_v1"), r.priority == 1 ? 1u : 0u) << r.priority;
  }
}

TEST(PrioritySampler, RatesByServiceAreWhatTheReceiverAnswers) {
  PrioritySampler p(10, "none");
  EXPECT_EQ(p.ratesVersion(), 0u);
  // 200 auto-kept chunks of web/prod and 10 of api under the agent's env in one bucket.
  for (int i = 0; i < 200; ++i) {
    TraceChunk c = chunk(1, "web");
    p.sample(1'700'000'000, c, 0, "prod", 0);
  }
  for (int i = 0; i < 10; ++i) {
    TraceChunk c = chunk(0, "api");
    p.sample(1'700'000'000, c, 0, "", 0);  // no tracer env: the agent's
  }
  TraceChunk next = chunk(1, "web");
  p.sample(1'700'000'005, next, 0, "prod", 0);
  const auto rates = p.ratesByService();
  // api: 2 TPS, under its share; web: 40 TPS for the remaining 8 -> 0.2.
  EXPECT_DOUBLE_EQ(rates.at("service:web,env:prod"), 0.2);
  EXPECT_DOUBLE_EQ(rates.at("service:api,env:none"), 1.0);
  EXPECT_DOUBLE_EQ(rates.at("service:api,env:"), 1.0);  // the agent's env also answers env-less
  EXPECT_EQ(rates.count("service:web,env:"), 0u);
  EXPECT_NEAR(rates.at("service:,env:"), 0.2, 1e-6);  // default: 10 / 42 TPS, capped by the lowest rate
  // Published twice: the default rate alone at the first chunk, then these.
  EXPECT_EQ(p.ratesVersion(), 2u);
}

// Tracers that drop P0 chunks themselves report them; each kept chunk then weighs for them too,
// and a root's client _sample_rate weighs 1/rate (prioritysampler.go countSignature, weightRoot).
TEST(PrioritySampler, ClientDroppedP0sAndClientRatesWeighTheCount) {
  PrioritySampler plain(10, "none"), weighted(10, "none"), client_rate(10, "none"), both_rates(10, "none");
  for (int i = 0; i < 50; ++i) {
    TraceChunk a = chunk(1, "web"), b = chunk(1, "web"), c = chunk(1, "web", 0.25), d = chunk(1, "web", 0.5);
    d.spans[0].metrics["_dd1.sr.rapre"] = 0.5;
    plain.sample(1'700'000'000, a, 0, "prod", 0);
    weighted.sample(1'700'000'000, b, 0, "prod", 3);
    client_rate.sample(1'700'000'000, c, 0, "prod", 0);
    both_rates.sample(1'700'000'000, d, 0, "prod", 0);
  }
  for (PrioritySampler* p : {&plain, &weighted, &client_rate, &both_rates}) {
    TraceChunk c = chunk(1, "web");
    p->sample(1'700'000'005, c, 0, "prod", 0);
  }
  EXPECT_DOUBLE_EQ(plain.ratesByService().at("service:web,env:prod"), 1.0);       // 10 TPS seen
  EXPECT_DOUBLE_EQ(weighted.ratesByService().at("service:web,env:prod"), 0.25);   // 40 TPS seen
  EXPECT_DOUBLE_EQ(client_rate.ratesByService().at("service:web,env:prod"), 0.25);
  EXPECT_DOUBLE_EQ(both_rates.ratesByService().at("service:web,env:prod"), 0.25);  // 1 / (0.5 x 0.5)
}

}  // namespace
}  // namespace ddsim::trace
