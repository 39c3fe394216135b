// The client stats aggregator (docs/trace-agent.md §8.6; the agent's
// pkg/trace/stats/client_stats_aggregator.go and agent.go ProcessStats). Time is an argument.
#include "core/trace/client_stats_aggregator.h"

#include <gtest/gtest.h>

#include <vector>

namespace ddsim::trace {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kNow = 1'700'000'000 * kSec;  // an even second

ClientStatsPayload clientPayload(int64_t start, uint64_t hits, std::string resource = "GET /") {
  ClientStatsPayload p;
  p.hostname = "h";
  p.env = "prod";
  p.version = "1";
  p.lang = "python";
  GroupedStats g;
  g.service = "web";
  g.name = "http.request";
  g.resource = std::move(resource);
  g.hits = hits;
  g.errors = 1;
  g.duration = 100 * hits;
  g.top_level_hits = hits;
  g.ok_summary = "sketch";
  p.stats.push_back(StatsBucket{static_cast<uint64_t>(start), static_cast<uint64_t>(10 * kSec), {g}, 0});
  return p;
}

struct Fixture {
  std::vector<StatsPayload> out;
  ClientStatsAggregator agg{{}, kNow, [this](StatsPayload&& p) { out.push_back(std::move(p)); }};
};

TEST(ClientStatsAggregator, AlignsOnOddSeconds) {
  EXPECT_EQ(alignClientStatsTs(kNow), kNow + kSec);
  EXPECT_EQ(alignClientStatsTs(kNow + kSec + 5), kNow + kSec);
  EXPECT_EQ(alignClientStatsTs(kNow + 2 * kSec), kNow + 3 * kSec);
}

// One payload in a bucket passes through as sent, once the bucket is 20 s old.
TEST(ClientStatsAggregator, ASinglePayloadPassesThrough) {
  Fixture f;
  f.agg.add(kNow, clientPayload(kNow - 5 * kSec, 4));
  EXPECT_TRUE(f.out.empty());
  f.agg.tick(kNow + 10 * kSec);  // flushes buckets before align(now + 2 s - 20 s): not yet
  EXPECT_TRUE(f.out.empty());
  f.agg.tick(kNow + 20 * kSec);
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_TRUE(f.out[0].client_computed);
  EXPECT_EQ(f.out[0].agent_env, "none");
  const ClientStatsPayload& c = f.out[0].stats.at(0);
  EXPECT_EQ(c.agent_aggregation, "");
  EXPECT_EQ(c.stats.at(0).start, static_cast<uint64_t>(kNow - 5 * kSec)) << "not shifted: start kept";
  EXPECT_EQ(c.stats.at(0).stats.at(0).hits, 4u);
  EXPECT_EQ(c.stats.at(0).stats.at(0).ok_summary, "sketch");
}

// A second payload in the same bucket: both go out at once with counts zeroed
// ("distributions"), and the summed counts follow at flush ("counts", 10 s, the bucket's start).
TEST(ClientStatsAggregator, CollisionsSplitDistributionsFromSummedCounts) {
  Fixture f;
  f.agg.add(kNow, clientPayload(kNow - 5 * kSec, 4));
  f.agg.add(kNow, clientPayload(kNow - 5 * kSec, 6));
  ASSERT_EQ(f.out.size(), 1u);
  ASSERT_EQ(f.out[0].stats.size(), 2u);
  for (const auto& c : f.out[0].stats) {
    EXPECT_EQ(c.agent_aggregation, "distributions");
    EXPECT_EQ(c.stats.at(0).stats.at(0).hits, 0u);
    EXPECT_EQ(c.stats.at(0).stats.at(0).top_level_hits, 4u + 2u * (&c - &f.out[0].stats[0])) << "kept";
    EXPECT_EQ(c.stats.at(0).stats.at(0).ok_summary, "sketch");
  }
  f.agg.add(kNow, clientPayload(kNow - 5 * kSec, 10, "POST /"));
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_EQ(f.out[1].stats.at(0).agent_aggregation, "distributions");
  f.agg.flushAll();
  ASSERT_EQ(f.out.size(), 3u);
  const ClientStatsPayload& counts = f.out[2].stats.at(0);
  EXPECT_EQ(counts.agent_aggregation, "counts");
  EXPECT_EQ(counts.env, "prod");
  const StatsBucket& b = counts.stats.at(0);
  EXPECT_EQ(b.start, static_cast<uint64_t>(alignClientStatsTs(kNow - 5 * kSec)));
  EXPECT_EQ(b.duration, static_cast<uint64_t>(10 * kSec));
  ASSERT_EQ(b.stats.size(), 2u);  // GET / and POST /, sorted
  EXPECT_EQ(b.stats[0].resource, "GET /");
  EXPECT_EQ(b.stats[0].hits, 10u);
  EXPECT_EQ(b.stats[0].errors, 2u);
  EXPECT_EQ(b.stats[0].duration, 1000u);
  EXPECT_EQ(b.stats[1].hits, 10u);
}

// getAggregationBucketTime: older than the oldest bucket (now - 18 s aligned) or in the future:
// moved, with the shift recorded.
TEST(ClientStatsAggregator, OldAndFutureBucketsAreTimeShifted) {
  Fixture f;
  const int64_t old_start = kNow - 60 * kSec;
  f.agg.add(kNow, clientPayload(old_start, 1));
  const int64_t future = kNow + 60 * kSec;
  f.agg.add(kNow, clientPayload(future, 1, "future"));
  f.agg.flushAll();
  ASSERT_EQ(f.out.size(), 2u);
  const StatsBucket& o = f.out[0].stats.at(0).stats.at(0);
  const int64_t oldest = alignClientStatsTs(kNow + 2 * kSec - 20 * kSec);
  EXPECT_EQ(o.start, static_cast<uint64_t>(oldest));
  EXPECT_EQ(o.agent_time_shift, oldest - old_start);
  const StatsBucket& fu = f.out[1].stats.at(0).stats.at(0);
  EXPECT_EQ(fu.start, static_cast<uint64_t>(alignClientStatsTs(kNow)));
  EXPECT_EQ(fu.agent_time_shift, alignClientStatsTs(kNow) - future);
  EXPECT_EQ(f.agg.counters().buckets_time_shifted, 2u);
}

// agent.go processStats: env, lang and tracer version filled; names normalized as spans are.
TEST(ClientStatsAggregator, ProcessStatsNormalizesAsTheAgent) {
  ClientStatsPayload p = clientPayload(kNow, 1);
  p.env = "";
  p.lang = "";
  p.container_id = "abc";
  p.stats[0].stats[0].name = "Http Request!";
  p.stats[0].stats[0].service = "";
  p.stats[0].stats[0].resource = "";
  processClientStats(p, "java", "1.2.3", "none");
  EXPECT_EQ(p.env, "none");
  EXPECT_EQ(p.lang, "java");
  EXPECT_EQ(p.tracer_version, "1.2.3");
  EXPECT_EQ(p.container_id, "") << "no enable_cid_stats";
  EXPECT_EQ(p.stats[0].stats[0].name, "Http_Request");
  EXPECT_EQ(p.stats[0].stats[0].service, "unnamed-java-service");
  EXPECT_EQ(p.stats[0].stats[0].resource, "Http_Request");
}

// agent.go mergeDuplicates: equal keys in a bucket (type is not part of it) sum into the first;
// the later group stays, counts zeroed.
TEST(ClientStatsAggregator, ProcessStatsMergesDuplicateGroups) {
  ClientStatsPayload p = clientPayload(kNow, 3);
  GroupedStats dup = p.stats[0].stats[0];
  dup.type = "web";
  dup.hits = 4;
  GroupedStats other = p.stats[0].stats[0];
  other.resource = "POST /";
  p.stats[0].stats.push_back(dup);
  p.stats[0].stats.push_back(other);
  processClientStats(p, "python", "", "none");
  const auto& g = p.stats[0].stats;
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].hits, 7u);
  EXPECT_EQ(g[0].errors, 2u);
  EXPECT_EQ(g[0].duration, 600u);
  EXPECT_EQ(g[1].hits, 0u);
  EXPECT_EQ(g[1].ok_summary, "sketch") << "kept for its distribution";
  EXPECT_EQ(g[2].hits, 3u);
}

}  // namespace
}  // namespace ddsim::trace
