// The rare sampler (docs/trace-agent.md §7.6, pkg/trace/sampler/rare_sampler.go): which spans
// count, the signature, the cooldown, the token bucket, the shard's cardinality, the _dd.rare
// metric, and its place before the priority sampler in runSamplers and the processor.
#include "core/trace/rare_sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/common/clock.h"
#include "core/trace/score_sampler.h"
#include "core/trace/trace_processor.h"
#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1'700'000'000 * kSec;

// A one-span chunk (a root: top-level) of priority 0 with the signature's fields.
TraceChunk rootChunk(const std::string& service, const std::string& resource, int32_t error = 0,
                     const std::string& status = "", const std::string& error_type = "",
                     const std::string& name = "op") {
  TraceChunk c;
  c.priority = 0;
  Span s = testing::makeSpan(service, name, 1, 1);
  s.resource = resource;
  s.error = error;
  if (!status.empty()) s.meta["http.status_code"] = status;
  if (!error_type.empty()) s.meta["error.type"] = error_type;
  c.spans.push_back(s);
  computeTopLevel(c.spans);
  return c;
}

TEST(RareSampler, TheAgentsDefaults) {
  const RareSamplerOptions o;
  EXPECT_EQ(o.tps, 5);
  EXPECT_EQ(o.burst, 50);
  EXPECT_EQ(o.cooldown_ns, 300 * kSec);
  EXPECT_EQ(o.cardinality, 200u);
  EXPECT_EQ(o.renewal_ns, 60 * kSec);
  EXPECT_EQ(kRareKey, "_dd.rare");
}

// After a first chunk of (env web, service, op, /a, no error), which chunks are rare at +1 s.
TEST(RareSampler, EachPartOfTheSignatureMakesANewOne) {
  struct Row {
    const char* why;
    std::string env;
    TraceChunk chunk;
    bool rare;
  };
  const Row rows[] = {
      {"the same signature within the cooldown", "web", rootChunk("svc", "/a"), false},
      {"another resource", "web", rootChunk("svc", "/b"), true},
      {"another operation name", "web", rootChunk("svc", "/a", 0, "", "", "op2"), true},
      {"an error", "web", rootChunk("svc", "/a", 1), true},
      {"an http status", "web", rootChunk("svc", "/a", 0, "500"), true},
      {"an error type", "web", rootChunk("svc", "/a", 0, "", "Timeout"), true},
      {"another service (its own shard)", "web", rootChunk("svc2", "/a"), true},
      {"another env (its own shard)", "staging", rootChunk("svc", "/a"), true},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.why);
    RareSampler rs;
    TraceChunk first = rootChunk("svc", "/a");
    ASSERT_TRUE(rs.sample(kT0, first, "web"));
    EXPECT_EQ(first.spans[0].metrics.at("_dd.rare"), 1);
    TraceChunk c = r.chunk;
    EXPECT_EQ(rs.sample(kT0 + kSec, c, r.env), r.rare);
    EXPECT_EQ(c.spans[0].metrics.count("_dd.rare"), r.rare ? 1u : 0u);
  }
}

TEST(RareSampler, TheCooldownEndsFiveMinutesAfterTheKeep) {
  RareSampler rs;
  TraceChunk c = rootChunk("svc", "/a");
  ASSERT_TRUE(rs.sample(kT0, c, "web"));
  const struct {
    int64_t at;
    bool rare;
  } steps[] = {{kT0 + 299 * kSec, false}, {kT0 + 300 * kSec, false}, {kT0 + 300 * kSec + 1, true}};
  for (const auto& s : steps) {
    TraceChunk again = rootChunk("svc", "/a");
    EXPECT_EQ(rs.sample(s.at, again, "web"), s.rare) << (s.at - kT0);
  }
}

TEST(RareSampler, TheTokenBucketHoldsFiftyAndRefillsFiveASecond) {
  RareSampler rs;
  int kept = 0;
  for (int i = 0; i < 60; ++i) {
    TraceChunk c = rootChunk("svc", "/r" + std::to_string(i));
    kept += rs.sample(kT0, c, "web");
  }
  EXPECT_EQ(kept, 50);
  EXPECT_EQ(rs.counters().misses, 10u);
  // One second later: five tokens. The refused signatures are still unseen: they get them.
  kept = 0;
  for (int i = 50; i < 60; ++i) {
    TraceChunk c = rootChunk("svc", "/r" + std::to_string(i));
    kept += rs.sample(kT0 + kSec, c, "web");
  }
  EXPECT_EQ(kept, 5);
  EXPECT_EQ(rs.counters().hits, 55u);
}

TEST(RareSampler, OnlyTopLevelOrMeasuredSpansCountAndAKeptChunkRecordsThemAll) {
  RareSampler rs;
  // root (svc) -> child of the same service: not top-level, so its resource does not count...
  TraceChunk c;
  c.priority = 0;
  c.spans = {testing::makeSpan("svc", "op", 1, 1), testing::makeSpan("svc", "inner", 1, 2, 1)};
  c.spans[0].resource = "/a";
  c.spans[1].resource = "SELECT 1";
  computeTopLevel(c.spans);
  ASSERT_TRUE(rs.sample(kT0, c, "web"));  // the root is new
  TraceChunk child_only = c;
  child_only.spans[0].resource = "/a";
  child_only.spans[1].resource = "SELECT 2";
  for (auto& s : child_only.spans) s.metrics.erase("_dd.rare");
  EXPECT_FALSE(rs.sample(kT0 + kSec, child_only, "web"));  // a new inner resource is not rare
  // ...unless the span is measured.
  child_only.spans[1].metrics["_dd.measured"] = 1;
  EXPECT_TRUE(rs.sample(kT0 + 2 * kSec, child_only, "web"));
  EXPECT_EQ(child_only.spans[1].metrics.at("_dd.rare"), 1);
  EXPECT_EQ(child_only.spans[0].metrics.count("_dd.rare"), 0u);
  // handlePriorityTrace: the kept chunk recorded every top-level or measured span, so a chunk
  // whose only counted span is that measured one is no longer rare.
  TraceChunk measured_again = child_only;
  measured_again.spans[1].metrics.erase("_dd.rare");
  EXPECT_FALSE(rs.sample(kT0 + 3 * kSec, measured_again, "web"));
}

TEST(RareSampler, AShardPastItsCardinalityFoldsItsSignatures) {
  RareSamplerOptions o;
  o.cardinality = 4;
  RareSampler rs(o);
  for (int i = 0; i < 5; ++i) {
    TraceChunk c = rootChunk("svc", "/r" + std::to_string(i));
    EXPECT_TRUE(rs.sample(kT0, c, "web")) << i;
  }
  EXPECT_EQ(rs.counters().shrinks, 1u);
  // Folded modulo 4 (computeSpanHash without env): a new signature is rare only when its fold
  // is not taken yet, and then takes it.
  std::set<uint32_t> taken;
  for (int i = 0; i < 5; ++i) taken.insert(spanHash(rootChunk("svc", "/r" + std::to_string(i)).spans[0], "", true) % 4);
  int rare = 0;
  for (int i = 5; i < 25; ++i) {
    TraceChunk c = rootChunk("svc", "/r" + std::to_string(i));
    const bool fresh = taken.insert(spanHash(c.spans[0], "", true) % 4).second;
    EXPECT_EQ(rs.sample(kT0 + kSec, c, "web"), fresh) << i;
    rare += fresh;
  }
  EXPECT_LE(rare, 3);  // five signatures took at least one of the four folds
  // Another service has its own shard.
  TraceChunk other = rootChunk("svc2", "/r0");
  EXPECT_TRUE(rs.sample(kT0 + kSec, other, "web"));
}

// agent.go samplePriorityTrace: the rare sampler runs first and keeps what the priority and
// error samplers drop; a user reject never reaches it; without a priority it does not run.
TEST(RareSampler, RunSamplersKeepsARareP0AndNothingElseChanges) {
  struct Row {
    const char* why;
    int32_t priority;
    bool enabled;
    SampleDecision first, second;
  };
  const Row rows[] = {
      {"off (the default): P0 dropped", 0, false, SampleDecision::kDropPriority, SampleDecision::kDropPriority},
      {"on: the first P0 of a signature kept, the next dropped", 0, true, SampleDecision::kKeep,
       SampleDecision::kDropPriority},
      {"on: user reject returns before any sampler", -1, true, SampleDecision::kDropUserReject,
       SampleDecision::kDropUserReject},
      {"on: auto keep is the priority sampler's", 1, true, SampleDecision::kKeep, SampleDecision::kKeep},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.why);
    Samplers samplers;
    samplers.rare_enabled = r.enabled;
    TraceChunk a = rootChunk("svc", "/a");
    a.priority = r.priority;
    TraceChunk b = a;
    EXPECT_EQ(runSamplers(kT0 / kSec, a, 0, "web", 0, samplers, kT0), r.first);
    EXPECT_EQ(runSamplers(kT0 / kSec + 1, b, 0, "web", 0, samplers, kT0 + kSec), r.second);
  }
  // A priority-1 chunk also spends the rare sampler's look: its signature is then seen.
  Samplers samplers;
  samplers.rare_enabled = true;
  TraceChunk keep = rootChunk("svc", "/k");
  keep.priority = 1;
  ASSERT_EQ(runSamplers(kT0 / kSec, keep, 0, "web", 0, samplers, kT0), SampleDecision::kKeep);
  EXPECT_EQ(keep.spans[0].metrics.at("_dd.rare"), 1);
  TraceChunk p0 = rootChunk("svc", "/k");
  EXPECT_EQ(runSamplers(kT0 / kSec + 1, p0, 0, "web", 0, samplers, kT0 + kSec), SampleDecision::kDropPriority);
}

TEST(RareSampler, TheProcessorKeepsRareTracesOnItsClockAndCountsThem) {
  common::ManualClock clock;
  std::vector<TracerPayload> out;
  TraceProcessor p(clock, [&](TracerPayload&& tp) { out.push_back(std::move(tp)); });
  p.enableRareSampler();
  auto payload = [](uint64_t id, const std::string& resource) {
    ReceivedPayload r;
    Span s = testing::makeSpan("svc", "op", id, 1);
    s.resource = resource;
    s.metrics["_sampling_priority_v1"] = 0;
    r.traces = {{s}};
    return r;
  };
  p.process(payload(1, "/a"));
  p.process(payload(2, "/a"));  // same instant, same signature: dropped
  clock.advance(std::chrono::seconds(301));
  p.process(payload(3, "/a"));  // the cooldown is over
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].chunks[0].spans[0].trace_id, 1u);
  EXPECT_EQ(out[0].chunks[0].spans[0].metrics.at("_dd.rare"), 1);
  EXPECT_EQ(out[1].chunks[0].spans[0].trace_id, 3u);
  const auto t = p.telemetry();
  EXPECT_EQ(t.at("trace.processor.rare_sampler.hits"), 2);
  EXPECT_EQ(t.at("trace.processor.traces_sampled_out.priority_sampler"), 1);
}

}  // namespace
}  // namespace ddsim::trace
