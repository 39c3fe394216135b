// The stats concentrator (docs/trace-agent.md §8; the agent's pkg/trace/stats/concentrator.go,
// statsraw.go, aggregation.go, weight.go). Time is an argument: no clock is read.
#include "core/trace/stats_concentrator.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/trace/stats_sketch.h"
#include "proto/ddsketch.pb.h"
#include "tests/support/trace_payloads.h"

namespace ddsim::trace {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1'700'000'000 * kSec;  // aligned on 10 s

Span topSpan(std::string service, std::string name, std::string resource, int64_t end, int64_t duration,
             uint64_t span_id = 1, uint64_t parent = 0) {
  Span s = testing::makeSpan(std::move(service), std::move(name), 42, span_id, parent);
  s.resource = std::move(resource);
  s.start = end - duration;
  s.duration = duration;
  s.metrics["_top_level"] = 1;
  return s;
}

TraceChunk chunkOf(std::vector<Span> spans) {
  TraceChunk c;
  c.spans = std::move(spans);
  return c;
}

double sketchCount(const std::string& bytes) {
  datadog::sketches::DDSketch pb;
  EXPECT_TRUE(pb.ParseFromString(bytes));
  double n = pb.zerocount();
  for (double c : pb.positivevalues().contiguousbincounts()) n += c;
  for (double c : pb.negativevalues().contiguousbincounts()) n += c;
  return n;
}

std::vector<GroupedStats> allGroups(const StatsPayload& p) {
  std::vector<GroupedStats> out;
  for (const auto& c : p.stats) {
    for (const auto& b : c.stats) out.insert(out.end(), b.stats.begin(), b.stats.end());
  }
  return out;
}

// concentrator.go addNow: which spans count (top-level, measured, span.kind with
// compute_stats_by_span_kind, not partial snapshots).
TEST(StatsConcentratorEligibility, CountsTheSpansTheAgentCounts) {
  struct Row {
    const char* why;
    std::map<std::string, double> metrics;
    std::map<std::string, std::string> meta;
    bool by_span_kind;
    bool counted;
  };
  const Row rows[] = {
      {"top-level (_top_level = 1)", {{"_top_level", 1}}, {}, true, true},
      {"measured (_dd.measured = 1)", {{"_dd.measured", 1}}, {}, true, true},
      {"_dd.measured other than 1", {{"_dd.measured", 2}}, {}, true, false},
      {"neither", {}, {}, true, false},
      {"span.kind client with compute_stats_by_span_kind", {}, {{"span.kind", "client"}}, true, true},
      {"span.kind SERVER (case-insensitive)", {}, {{"span.kind", "SERVER"}}, true, true},
      {"span.kind producer", {}, {{"span.kind", "producer"}}, true, true},
      {"span.kind consumer", {}, {{"span.kind", "consumer"}}, true, true},
      {"span.kind internal is not eligible", {}, {{"span.kind", "internal"}}, true, false},
      {"span.kind client without the option", {}, {{"span.kind", "client"}}, false, false},
      {"partial snapshot of a long-running span", {{"_top_level", 1}, {"_dd.partial_version", 0}}, {}, true, false},
      {"negative partial version is not a snapshot", {{"_top_level", 1}, {"_dd.partial_version", -1}}, {}, true, true},
  };
  for (const Row& r : rows) {
    StatsConcentratorOptions o;
    o.compute_stats_by_span_kind = r.by_span_kind;
    StatsConcentrator c(o, kT0);
    Span s = testing::makeSpan("svc", "op", 1, 2, 1);  // parent not in the chunk: not a root
    s.start = kT0 + kSec;
    s.duration = 5;
    s.metrics = r.metrics;
    s.meta = r.meta;
    c.add(chunkOf({s}), 0, {});
    const StatsPayload p = c.flush(kT0 + 100 * kSec, true);
    EXPECT_EQ(allGroups(p).size(), r.counted ? 1u : 0u) << r.why;
    EXPECT_EQ(c.counters().spans_counted, r.counted ? 1u : 0u) << r.why;
  }
}

// statsraw.go add / export: hits, errors, top-level hits, duration; ok and error sketches.
TEST(StatsConcentratorAggregation, SumsPerGroupAndSplitsOkAndErrorLatencies) {
  StatsConcentrator c({}, kT0);
  Span a = topSpan("web", "http.request", "GET /", kT0 + 2 * kSec, 100);
  Span b = topSpan("web", "http.request", "GET /", kT0 + 3 * kSec, 300, 2);
  b.error = 1;
  Span measured = topSpan("web", "http.request", "GET /", kT0 + 3 * kSec, 50, 3, 1);
  measured.metrics = {{"_dd.measured", 1}};  // counted, not top-level
  Span other = topSpan("web", "http.request", "POST /", kT0 + 4 * kSec, 7, 4);
  c.add(chunkOf({a}), 0, {});
  c.add(chunkOf({b, measured}), 0, {});
  c.add(chunkOf({other}), 0, {});
  const auto groups = allGroups(c.flush(kT0 + 30 * kSec, false));
  ASSERT_EQ(groups.size(), 3u);  // GET / root, GET / non-root (is_trace_root differs), POST /
  const GroupedStats& get_root = groups[0];
  EXPECT_EQ(get_root.resource, "GET /");
  EXPECT_EQ(get_root.is_trace_root, TraceRootFlag::kTrue);
  EXPECT_EQ(get_root.hits, 2u);
  EXPECT_EQ(get_root.errors, 1u);
  EXPECT_EQ(get_root.top_level_hits, 2u);
  EXPECT_EQ(get_root.duration, 400u);
  EXPECT_EQ(sketchCount(get_root.ok_summary), 1);
  EXPECT_EQ(sketchCount(get_root.error_summary), 1);
  const GroupedStats& get_child = groups[1];
  EXPECT_EQ(get_child.is_trace_root, TraceRootFlag::kFalse);
  EXPECT_EQ(get_child.hits, 1u);
  EXPECT_EQ(get_child.top_level_hits, 0u);
  EXPECT_EQ(groups[2].resource, "POST /");
}

// aggregation.go: the bucket key — type, span.kind, HTTP status (metric over meta), synthetics
// (origin prefix), peer tags (client/producer only) — and the payload key (env, hostname,
// version).
TEST(StatsConcentratorAggregation, KeyFieldsAsTheAgentReadsThem) {
  StatsConcentrator c({}, kT0);
  const int64_t end = kT0 + kSec;
  Span s = topSpan("api", "db.query", "SELECT", end, 10);
  s.type = "sql";
  s.meta = {{"span.kind", "client"}, {"http.status_code", "404"}, {"db.instance", "users"},
            {"peer.service", "pg"}, {"not.a.peer.tag", "x"}};
  TraceChunk ch = chunkOf({s});
  ch.origin = "synthetics-browser";
  c.add(ch, 0, {"prod", "", "1.2.3", "", "", ""});
  Span metric_code = topSpan("api", "web", "GET", end, 10, 2);
  metric_code.meta = {{"span.kind", "server"}, {"http.status_code", "500"}, {"peer.service", "ignored"}};
  metric_code.metrics["http.status_code"] = 201;  // the metric wins
  c.add(chunkOf({metric_code}), 0, {});
  const StatsPayload p = c.flush(end, true);
  ASSERT_EQ(p.stats.size(), 2u);  // payload keys: env none (agent's) and prod, sorted
  EXPECT_EQ(p.agent_env, "none");
  EXPECT_EQ(p.stats[0].env, "none");
  EXPECT_EQ(p.stats[1].env, "prod");
  EXPECT_EQ(p.stats[1].version, "1.2.3");
  const GroupedStats& db = p.stats[1].stats.at(0).stats.at(0);
  EXPECT_EQ(db.type, "sql");
  EXPECT_EQ(db.span_kind, "client");
  EXPECT_EQ(db.http_status_code, 404u);
  EXPECT_TRUE(db.synthetics);
  EXPECT_EQ(db.peer_tags, (std::vector<std::string>{"db.instance:users", "peer.service:pg"}));
  const GroupedStats& web = p.stats[0].stats.at(0).stats.at(0);
  EXPECT_EQ(web.http_status_code, 201u);
  EXPECT_FALSE(web.synthetics);
  EXPECT_TRUE(web.peer_tags.empty()) << "server spans carry no peer tags";
}

TEST(StatsConcentratorAggregation, StatusCodeAndPeerHashHelpers) {
  struct Row {
    const char* meta;
    uint32_t want;
  };
  for (const Row& r : {Row{"200", 200}, Row{"", 0}, Row{"abc", 0}, Row{"-1", 0}, Row{"4294967296", 0},
                       Row{"20x", 0}}) {
    Span s;
    if (*r.meta) s.meta["http.status_code"] = r.meta;
    EXPECT_EQ(statsStatusCode(s), r.want) << r.meta;
  }
  std::vector<std::string> none;
  EXPECT_EQ(peerTagsHash(none), 0u);
  std::vector<std::string> ab{"b:2", "a:1"}, ba{"a:1", "b:2"};
  EXPECT_EQ(peerTagsHash(ab), peerTagsHash(ba));
  EXPECT_EQ(ab, ba) << "sorted in place";
  std::vector<std::string> joined{"a:1b:2"};
  EXPECT_NE(peerTagsHash(joined), peerTagsHash(ba)) << "tags are separated by NUL";
}

// weight.go: a root _sample_rate r in (0, 1] weighs every span 1/r; statsraw.go round keeps the
// expectation of a fractional count.
TEST(StatsConcentratorWeights, SampleRateWeighsHitsButNotSketches) {
  StatsConcentrator c({}, kT0);
  Span s = topSpan("svc", "op", "r", kT0 + kSec, 10);
  s.metrics["_sample_rate"] = 0.25;
  c.add(chunkOf({s}), 0, {});
  const auto g = allGroups(c.flush(kT0 + kSec, true)).at(0);
  EXPECT_EQ(g.hits, 4u);
  EXPECT_EQ(g.top_level_hits, 4u);
  EXPECT_EQ(g.duration, 40u);
  EXPECT_EQ(sketchCount(g.ok_summary), 1);
  common::Random rnd(7);
  uint64_t sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t v = roundStochastic(2.25, rnd);
    ASSERT_TRUE(v == 2 || v == 3);
    sum += v;
  }
  EXPECT_NEAR(static_cast<double>(sum) / 10000, 2.25, 0.03);
  for (double bad : {0.0, -1.0, 1.5}) {
    StatsConcentrator c2({}, kT0);
    Span t = s;
    t.metrics["_sample_rate"] = bad;
    c2.add(chunkOf({t}), 0, {});
    EXPECT_EQ(allGroups(c2.flush(kT0 + kSec, true)).at(0).hits, 1u) << bad;
  }
}

// concentrator.go: buckets by end time aligned on 10 s; flush keeps bufferLen (2) buckets;
// a span older than the oldest open bucket goes into it; at start only the current bucket is open.
TEST(StatsConcentratorBuckets, AlignedByEndTimeFlushedAfterTheBuffer) {
  StatsConcentrator c({}, kT0 + 3 * kSec);
  c.add(chunkOf({topSpan("s", "op", "r", kT0 + 5 * kSec, 1)}), 0, {});
  c.add(chunkOf({topSpan("s", "op", "r", kT0 + 15 * kSec, 1)}), 0, {});
  c.add(chunkOf({topSpan("s", "op", "r", kT0 - 20 * kSec, 1)}), 0, {});  // before start: oldest open
  EXPECT_EQ(c.counters().spans_late, 1u);
  EXPECT_EQ(c.openBuckets(), 2u);
  // At kT0 + 19 s the bucket kT0 is within the buffer (kT0 > now - 20 s): nothing yet.
  EXPECT_TRUE(c.flush(kT0 + 19 * kSec, false).stats.empty());
  // At kT0 + 20 s it goes, with the late span in it.
  StatsPayload p = c.flush(kT0 + 20 * kSec, false);
  ASSERT_EQ(p.stats.size(), 1u);
  ASSERT_EQ(p.stats[0].stats.size(), 1u);
  EXPECT_EQ(p.stats[0].stats[0].start, static_cast<uint64_t>(kT0));
  EXPECT_EQ(p.stats[0].stats[0].duration, static_cast<uint64_t>(10 * kSec));
  EXPECT_EQ(p.stats[0].stats[0].stats.at(0).hits, 2u);
  // The oldest open bucket is now kT0 + 10 s: a span ending at kT0 + 1 s lands there.
  c.add(chunkOf({topSpan("s", "op", "r", kT0 + kSec, 1)}), 0, {});
  p = c.flush(kT0 + 30 * kSec, false);
  ASSERT_EQ(p.stats.size(), 1u);
  EXPECT_EQ(p.stats[0].stats[0].start, static_cast<uint64_t>(kT0 + 10 * kSec));
  EXPECT_EQ(p.stats[0].stats[0].stats.at(0).hits, 2u);
  // A future bucket is kept until forced.
  c.add(chunkOf({topSpan("s", "op", "r", kT0 + 100 * kSec, 1)}), 0, {});
  EXPECT_TRUE(c.flush(kT0 + 31 * kSec, false).stats.empty());
  EXPECT_EQ(allGroups(c.flush(kT0 + 31 * kSec, true)).size(), 1u);
  EXPECT_EQ(c.openBuckets(), 0u);
}

}  // namespace
}  // namespace ddsim::trace
