// The worker's context cache (issue 15): exact-bytes lookups, its memory bound, and a
// differential test that the cache-on processor gives the same samples and contexts as the
// cache-off one for random and table-driven lines under every enrichment option.
#include "core/dogstatsd/context_cache.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/aggregator/context_resolver.h"
#include "core/dogstatsd/packet_processor.h"
#include "core/metrics/context_key.h"

namespace ddsim::dogstatsd {
namespace {

// ---------------------------------------------------------------------------------------------
// The cache on its own.

TEST(DsdContextCacheTest, HitsOnlyOnTheSameBytes) {
  ContextCache cache(1 << 20);
  std::string line_tags = "a:1,host:h,b:2";
  const std::string_view raw(line_tags);
  const std::string_view kept[] = {raw.substr(0, 3), raw.substr(11, 3), "extra:1"};
  CachedContext c;
  c.name = "ns.m";
  c.host = raw.substr(9, 1);
  c.tags = kept;
  c.context_key = 42;
  const uint64_t h = ContextCache::hashOf("m", raw);
  ASSERT_TRUE(cache.insert(h, "m", raw, c, 100));
  // Views point at the cache's copy: overwriting the line does not change the entry.
  line_tags.assign(line_tags.size(), 'x');
  const CachedContext* got = cache.find(h, "m", "a:1,host:h,b:2");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->name, "ns.m");
  EXPECT_EQ(got->host, "h");
  ASSERT_EQ(got->tags.size(), 3u);
  EXPECT_EQ(got->tags[0], "a:1");
  EXPECT_EQ(got->tags[1], "b:2");
  EXPECT_EQ(got->tags[2], "extra:1");
  EXPECT_EQ(got->context_key, 42u);
  EXPECT_EQ(cache.born(), 100);
  // Same hash, other bytes (a forced collision): a miss, never a wrong context.
  EXPECT_EQ(cache.find(h, "m", "a:1,host:h,b:3"), nullptr);
  EXPECT_EQ(cache.find(h, "n", "a:1,host:h,b:2"), nullptr);
  // The name/tags boundary is part of the key: "m"+"a" differs from "ma"+"".
  ASSERT_TRUE(cache.insert(ContextCache::hashOf("ma", ""), "ma", "", c, 100));
  EXPECT_EQ(cache.find(ContextCache::hashOf("m", "a"), "m", "a"), nullptr);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.find(ContextCache::hashOf("ma", ""), "ma", ""), nullptr);
}

// A pin keeps the entries' bytes through clear(); without one, clear() reuses the memory.
TEST(DsdContextCacheTest, APinKeepsTheEntriesThroughAnEmptying) {
  ContextCache cache(1 << 20);
  const auto fill = [&](const std::string& prefix) {
    for (int i = 0; i < 500; ++i) {
      const std::string name = prefix + std::to_string(i);
      CachedContext c;
      c.name = name;
      ASSERT_TRUE(cache.insert(ContextCache::hashOf(name, ""), name, "", c, 0));
    }
  };
  fill("first.");
  const std::string_view kept = cache.find(ContextCache::hashOf("first.7", ""), "first.7", "")->name;
  const size_t used = cache.memoryBytes();
  {
    const auto pin = cache.pin();
    cache.clear();
    fill("other.");  // new blocks: the pinned ones are not written
    EXPECT_EQ(kept, "first.7");
    EXPECT_EQ(cache.find(ContextCache::hashOf("first.7", ""), "first.7", ""), nullptr);
  }
  EXPECT_EQ(cache.memoryBytes(), used);  // the budget counts only the current blocks
  cache.clear();  // nothing pinned: the blocks are refilled in place
  fill("third.");
  EXPECT_EQ(cache.memoryBytes(), used);
}

TEST(DsdContextCacheTest, NeverExceedsItsBudget) {
  for (size_t budget : {size_t{0}, size_t{4096}, size_t{100000}, size_t{1} << 20}) {
    ContextCache cache(budget);
    size_t refused = 0;
    for (int i = 0; i < 50000; ++i) {
      const std::string name = "metric.name." + std::to_string(i);
      const std::string tags = "env:prod,service:web,pod:" + std::to_string(i * 7919);
      CachedContext c;
      c.name = name;
      if (!cache.insert(ContextCache::hashOf(name, tags), name, tags, c, 0)) ++refused;
      ASSERT_LE(cache.memoryBytes(), budget) << "budget " << budget;
    }
    EXPECT_GT(refused, 0u) << "budget " << budget;  // 50k entries fit in none of them
    // Everything kept is still found.
    size_t found = 0;
    for (int i = 0; i < 50000; ++i) {
      const std::string name = "metric.name." + std::to_string(i);
      const std::string tags = "env:prod,service:web,pod:" + std::to_string(i * 7919);
      if (const CachedContext* c = cache.find(ContextCache::hashOf(name, tags), name, tags)) {
        ++found;
        EXPECT_EQ(c->name, name);
      }
    }
    EXPECT_EQ(found, cache.size());
    EXPECT_EQ(budget == 0, !cache.enabled());
  }
}

// ---------------------------------------------------------------------------------------------
// Differential: cache on vs cache off.

// Everything a sample says, with the context the aggregator's resolver gives it.
struct Seen {
  std::string name, host, raw_value;
  std::vector<std::string> tags;
  double value, sample_rate, timestamp, now;
  metrics::MetricType mtype;
  metrics::MetricSource source;
  bool no_agg;
  uint64_t context;
  bool operator==(const Seen&) const = default;
};

class ResolvingSink final : public metrics::SampleSink {
 public:
  ResolvingSink() : resolver_(&store_, &interner_) {}
  void addSamples(std::span<const metrics::MetricSample> s, double now) override { record(s, now, false); }
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> s) override {
    record(s, 0, true);
  }
  void addEvents(std::vector<metrics::Event>&& e) override { events += e.size(); }
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& c) override { checks += c.size(); }

  std::vector<Seen> seen;
  size_t precomputed = 0;  // samples that came with a context key
  size_t events = 0, checks = 0;

 private:
  void record(std::span<const metrics::MetricSample> samples, double now, bool no_agg) {
    for (const auto& s : samples) {
      if (s.context_key != 0) {
        // The contract of MetricSample::context_key: exactly what fastKey gives.
        uint64_t fast = 0;
        ASSERT_TRUE(metrics::KeyGenerator::fastKey(s.name, s.host, s.tagger_tags, s.tags, &fast));
        ASSERT_EQ(fast, s.context_key);
        ++precomputed;
      }
      Seen x{std::string(s.name), std::string(s.host), std::string(s.raw_value), {}, s.value,
             s.sample_rate, s.timestamp, now, s.mtype, s.source, no_agg, resolver_.track(s, 0)};
      for (auto t : s.tags) x.tags.emplace_back(t);
      seen.push_back(std::move(x));
    }
  }
  aggregator::TagStore store_;
  aggregator::StringInterner interner_;
  aggregator::ContextResolver resolver_;
};

struct Outcome {
  ResolvingSink sink;
  ProcessorCounters counters;
};

// Feeds the packets (a flush after each group) at the given receive times.
void feed(const ProcessorOptions& o, const std::vector<std::vector<std::string>>& groups, double t0,
          double step, Outcome& out) {
  PacketProcessor p(o, out.sink);
  double now = t0;
  for (const auto& g : groups) {
    for (const auto& packet : g) p.process(packet, Transport::kUdp, now);
    p.flush();
    now += step;
  }
  out.counters = p.counters();
}

// Runs both and compares; returns how many samples came with a precomputed key (cache on).
size_t expectSameOutcome(ProcessorOptions o, const std::vector<std::vector<std::string>>& groups,
                         double step = 1) {
  Outcome on, off;
  feed(o, groups, 1700000000, step, on);
  o.context_cache_bytes = 0;
  feed(o, groups, 1700000000, step, off);
  EXPECT_EQ(on.sink.seen.size(), off.sink.seen.size());
  for (size_t i = 0; i < std::min(on.sink.seen.size(), off.sink.seen.size()); ++i) {
    if (!(on.sink.seen[i] == off.sink.seen[i])) {
      ADD_FAILURE() << "sample " << i << " differs: " << on.sink.seen[i].name << " vs "
                    << off.sink.seen[i].name;
      break;
    }
  }
  EXPECT_EQ(on.sink.events, off.sink.events);
  EXPECT_EQ(on.sink.checks, off.sink.checks);
  EXPECT_EQ(off.sink.precomputed, 0u);
  // Every counter but the cache's own and the interner's (a hit skips the namespace step).
  for (int s = 0; s < kNumStats; ++s) {
    const auto st = static_cast<Stat>(s);
    if (st == Stat::kContextCacheResets || st == Stat::kContextCacheFull || st == Stat::kInternerResets) continue;
    EXPECT_EQ(on.counters.get(st), off.counters.get(st)) << statName(st);
  }
  EXPECT_EQ(on.counters.rejected, off.counters.rejected);
  return on.sink.precomputed;
}

// The option sets that change what a line's name and tags resolve to.
std::vector<ProcessorOptions> optionVariants() {
  std::vector<ProcessorOptions> v;
  ProcessorOptions base;
  base.enrich.default_hostname = "default-host";
  v.push_back(base);
  ProcessorOptions ns = base;
  ns.enrich.metric_namespace = "ns";
  ns.enrich.namespace_blacklist = {"raw."};
  ns.enrich.metric_blocklist = {"ns.blocked", "raw.blocked"};
  ns.enrich.extra_tags = {"zone:b", "team:x", "zone:b"};
  ns.string_interner_size = 3;
  v.push_back(ns);
  ProcessorOptions sl = base;
  sl.enrich.serverless = true;
  sl.enrich.histogram_copy_to_distribution = true;
  sl.enrich.histogram_copy_to_distribution_prefix = "dist.";
  sl.parser.origin_detection_client = true;
  v.push_back(sl);
  ProcessorOptions strict = base;
  strict.parser.reject_absurd_values = true;
  strict.parser.read_timestamps = false;
  strict.enrich.metric_blocklist = {"blo"};
  strict.enrich.metric_blocklist_match_prefix = true;
  v.push_back(strict);
  ProcessorOptions tiny = ns;
  tiny.context_cache_bytes = 4096;  // fills up at once: most lines take the full path
  v.push_back(tiny);
  ProcessorOptions aging = base;
  aging.context_cache_max_age_seconds = 2;  // cleared every other flush
  v.push_back(aging);
  return v;
}

TEST(DsdContextCacheTest, TableDrivenLinesGiveTheSameSamplesAndContexts) {
  const std::vector<std::string> lines = {
      "m:1|g|#a,b", "m:2|g|#b,a", "m:3|g|#a,a,b", "m:4|g|#a,b,a", "m:5|g|#a,,b", "m:6|g|#,",
      "m:7|g|#", "m:8|g", "m:9|g|", "m:10|g|#a|#b", "m:11|g|#b|#a,b", "m:12|g|#a|#",
      "m:13|c|@0.5|#a", "m:14|c|#a|@0.25", "m:15|c|@2|#a", "m:16|c|@x|#a", "m:17|h|#a|T1700000001",
      "m:18|d|#a|T0", "m:19|g|#a|c:abc", "m:20|g|#a|c:ci-abc,in-1", "m:21|g|#a|e:it-false,cn-x",
      "m:22|g|#host:h1,a", "m:23|g|#a,host:h1", "m:24|g|#host:,a", "m:25|g|#host:h1,host:h2",
      "m:26|g|#dd.internal.entity_id:x,a", "m:27|g|#dd.internal.card:high,a",
      "m:28|g|#dd.internal.jmx_check_name:cassandra,a", "m:29|g|#dd.internal.jmx_check_name:mine",
      "m:1:2::3|d|#a", "m:1:x|d|#a", "m:abc|s|#a", "m:abc|s|#b", "raw.m:1|g|#a", "blocked:1|g|#a",
      "raw.blocked:1|g|#a", "blob:1|g|#a", "m:1|ms|#a", "m:1|x|#a", "m|g|#a", ":1|g|#a", "m:1",
      "m:1|g|#zone:b", "m:1|g|#team:x,zone:b", "m:1|g|#a\xff", "m\xff:1|g|#a", "m:1|g|T99999999999|#a",
      "m:1|g|#a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", "m:1|g|#" + std::string(300, 't'),
      "_e{1,1}:t|x|#a", "_sc|c|0|#a", "m:1|g|#a\r", "other:1|g|#a,b",
  };
  // Each line alone, then all of them packed, several times over (hits), in three flushes.
  std::vector<std::vector<std::string>> groups(3);
  for (int round = 0; round < 3; ++round) {
    for (const auto& l : lines) groups[round].push_back(l);
    std::string packed;
    for (const auto& l : lines) packed += l + "\n";
    groups[round].push_back(packed);
  }
  for (const auto& o : optionVariants()) {
    SCOPED_TRACE(o.enrich.metric_namespace + (o.enrich.serverless ? " serverless" : "") +
                 " cache " + std::to_string(o.context_cache_bytes));
    const size_t precomputed = expectSameOutcome(o, groups);
    EXPECT_GT(precomputed, 0u);  // the cache was used, not bypassed
  }
}

// A random line built from parts that each change the context in their own way.
std::string randomLine(std::mt19937_64& rng) {
  static const char* kNames[] = {"m", "app.req", "raw.m", "blocked", "blob.x", "ns.m", "m.2", "m\xc3", "\xe2\x82\xac"};
  static const char* kValues[] = {"1", "0.5", "-3", "1e3", "1:2", "1::2", "abc", "", "+Inf"};
  static const char* kTypes[] = {"g", "c", "h", "d", "s", "ms", "x", ""};
  static const char* kTags[] = {"a", "b", "a:1", "a:2", "env:prod", "", "host:h1", "host:h2", "host:",
                                "dd.internal.entity_id:e1", "dd.internal.card:low",
                                "dd.internal.jmx_check_name:kafka", "zone:b", "team:x", "h", "d",
                                "\xc3\xa9t\xc3\xa9", "bad\xc3", "\x80x"};
  static const char* kFields[] = {"@0.5", "@1", "@3", "@", "T1700000000", "T-1", "c:abc", "e:x", "q", "", "q\xff", "\xa9"};
  auto pick = [&](auto& arr) { return std::string(arr[rng() % std::size(arr)]); };
  std::string line = pick(kNames) + ":" + pick(kValues) + "|" + pick(kTypes);
  const int nfields = static_cast<int>(rng() % 4);
  for (int f = 0; f < nfields; ++f) {
    if (rng() % 2 == 0) {
      line += "|#";
      const int ntags = static_cast<int>(rng() % 6);
      for (int t = 0; t < ntags; ++t) line += (t ? "," : "") + pick(kTags);
    } else {
      line += "|" + pick(kFields);
    }
  }
  return line;
}

TEST(DsdContextCacheTest, RandomLinesGiveTheSameSamplesAndContexts) {
  std::mt19937_64 rng(15);
  for (const auto& o : optionVariants()) {
    // A pool of lines, each sent many times in random order and packing, over 8 flushes.
    std::vector<std::string> pool;
    for (int i = 0; i < 300; ++i) pool.push_back(randomLine(rng));
    std::vector<std::vector<std::string>> groups(8);
    for (auto& g : groups) {
      for (int p = 0; p < 40; ++p) {
        std::string packet;
        const int n = 1 + static_cast<int>(rng() % 20);
        for (int i = 0; i < n; ++i) packet += pool[rng() % pool.size()] + "\n";
        g.push_back(packet);
      }
    }
    expectSameOutcome(o, groups);
  }
}

// Past PacketProcessor::kGuessFromEntries cached contexts, each line's lookup is guessed while
// the line before it is processed (a prefetch, and the hash reused when the guess matches the
// parser's name and tags). The table's lines and random lines, sent after that many contexts,
// must give exactly what the processor without a cache gives.
TEST(DsdContextCacheTest, TheLookaheadPastManyContextsGivesTheSameSamples) {
  std::vector<std::string> warm;  // enough distinct contexts to turn the lookahead on
  for (size_t i = 0; i < PacketProcessor::kGuessFromEntries + 500; i += 50) {
    std::string packet;
    for (size_t j = i; j < i + 50; ++j) packet += "warm." + std::to_string(j % 7) + ":1|c|#k:" + std::to_string(j) + "\n";
    warm.push_back(packet);
  }
  std::mt19937_64 rng(21);
  std::vector<std::string> pool = {"m:1|g|#a,b", "m:10|g|#a|#b", "m:11|g|#b|#a,b", "m:12|g|#a|#",
                                   "m:14|c|#a|@0.25", "m:17|h|#a|T1700000001", "m:19|g|#a|c:abc",
                                   "m:1|g|#a\r", "m:8|g", "m:9|g|", "m|g|#a", ":1|g|#a", "m:1",
                                   "_e{1,1}:t|x|#a", "_sc|c|0|#a", "m:1|g|#x|y", "m:1|g|#||#a"};
  for (int i = 0; i < 200; ++i) pool.push_back(randomLine(rng));
  std::vector<std::vector<std::string>> groups(3);
  groups[0] = warm;  // (the variant whose cache ages out in 2 s turns the lookahead off again)
  for (auto& g : groups) {
    for (int p = 0; p < 60; ++p) {
      std::string packet;
      const int n = 1 + static_cast<int>(rng() % 30);
      for (int i = 0; i < n; ++i) packet += pool[rng() % pool.size()] + (i + 1 < n || rng() % 2 ? "\n" : "");
      g.push_back(packet);
    }
  }
  for (const auto& o : optionVariants()) {
    if (o.context_cache_bytes < (size_t{1} << 20)) continue;  // too small to hold that many
    SCOPED_TRACE(o.enrich.metric_namespace + (o.enrich.serverless ? " serverless" : ""));
    EXPECT_GT(expectSameOutcome(o, groups), PacketProcessor::kGuessFromEntries);
  }
}

TEST(DsdContextCacheTest, ForgottenEveryContextExpiryAndCountedWhenFull) {
  struct NullSink final : metrics::SampleSink {
    void addSamples(std::span<const metrics::MetricSample>, double) override {}
    void addSamplesWithoutAggregation(std::span<const metrics::MetricSample>) override {}
    void addEvents(std::vector<metrics::Event>&&) override {}
    void addServiceChecks(std::vector<metrics::ServiceCheck>&&) override {}
  } sink;
  ProcessorOptions o;
  o.context_cache_max_age_seconds = 20;
  PacketProcessor p(o, sink);
  for (double now : {0.0, 10.0, 19.0, 20.0, 25.0, 39.0, 45.0}) {
    p.process("m:1|g|#a,b", Transport::kUdp, now);
    p.flush();
  }
  // Born at 0, cleared at the flush at 20; born again at 25, cleared at 45.
  EXPECT_EQ(p.counters().get(Stat::kContextCacheResets), 2u);
  EXPECT_EQ(p.counters().get(Stat::kContextCacheFull), 0u);

  ProcessorOptions small;
  small.context_cache_bytes = 4096;
  PacketProcessor q(small, sink);
  std::string packet;
  for (int i = 0; i < 200; ++i) packet += "metric" + std::to_string(i) + ":1|g|#a,b\n";
  q.process(packet, Transport::kUdp, 0);
  q.flush();
  EXPECT_GT(q.counters().get(Stat::kContextCacheFull), 0u);
  EXPECT_EQ(q.counters().get(Stat::kMetricPackets), 200u);
}

}  // namespace
}  // namespace ddsim::dogstatsd
