// Parsing on a producer thread into SampleBatches, then replaying them on the driver thread,
// must give the agent the calls that parsing in place gives: the same samples (names, values,
// tags, hosts, timestamps), batched the same way, with events and service checks between them
// in the same order, and the same parser counters.
#include "simulator/runner/sample_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/clock.h"
#include "core/dogstatsd/packet_processor.h"
#include "core/metrics/context_key.h"
#include "tests/scenarios/sink_transcript.h"
#include "simulator/runner/sample_feed.h"

namespace ddsim::runner {
namespace {

std::vector<std::string> packets() {
  std::vector<std::string> out;
  for (int p = 0; p < 40; ++p) {
    std::string packet;
    for (int i = 0; i < 50; ++i) {
      const std::string n = std::to_string(p * 50 + i);
      packet += "app.m" + std::to_string(i % 7) + ":" + n + "|" + (i % 5 == 0 ? "h" : i % 5 == 1 ? "c|@0.5" : "g") +
                "|#env:test,k" + std::to_string(i % 3) + ":v" + n + (i % 4 == 0 ? ",host:h" + n : "") + "\n";
      if (i % 11 == 0) packet += "app.s:user" + n + "|s\n";
      if (i % 13 == 0) packet += "app.ts:1|c|T1700000000\n";
      if (i % 17 == 0) packet += "bad line without a type\n";
    }
    if (p % 9 == 0) packet += "_e{5,4}:title|text|h:eh\n_sc|svc|1|m:oops\n";
    out.push_back(std::move(packet));
  }
  return out;
}

TEST(SampleBatchTest, ReplayedBatchesMakeTheCallsParsingInPlaceMakes) {
  dogstatsd::ProcessorOptions options;
  common::ManualClock clock;

  SinkTranscript direct;
  dogstatsd::PacketProcessor processor(options, direct);
  for (const auto& p : packets()) {
    processor.process(p, dogstatsd::Transport::kInproc, common::toUnixSeconds(clock.systemNow()));
    processor.flush();
  }
  const auto want_counters = processor.takeCounters();

  SinkTranscript replayed;
  BatchParser parser(options, clock);
  std::vector<SampleBatch> batches(3);
  {
    const auto ps = packets();  // the packets die before the batches are replayed
    for (size_t i = 0; i < ps.size(); ++i) parser.parse(ps[i], batches[i * batches.size() / ps.size()]);
  }
  dogstatsd::ProcessorCounters got_counters;
  int64_t got_packets = 0;
  for (auto& b : batches) {
    b.replayInto(replayed);
    got_packets += b.packets;
    for (size_t i = 0; i < b.counters.stats.size(); ++i) got_counters.stats[i] += b.counters.stats[i];
    for (size_t i = 0; i < b.counters.rejected.size(); ++i) got_counters.rejected[i] += b.counters.rejected[i];
  }
  ASSERT_GT(direct.lines.size(), 2000u);
  EXPECT_EQ(replayed.lines, direct.lines);
  EXPECT_EQ(got_packets, 40);
  EXPECT_EQ(got_counters.stats, want_counters.stats);
  EXPECT_EQ(got_counters.rejected, want_counters.rejected);
  uint64_t rejected = 0;
  for (auto r : got_counters.rejected) rejected += r;
  EXPECT_GT(rejected, 0u);  // the bad lines were counted, not lost with the batch
}

TEST(SampleBatchTest, AClearedBatchIsEmptyAndRefillsTheSame) {
  dogstatsd::ProcessorOptions options;
  common::ManualClock clock;
  BatchParser parser(options, clock);
  SampleBatch batch;
  const auto ps = packets();
  parser.parse(ps[0], batch);
  SinkTranscript first;
  batch.replayInto(first);
  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.sampleCount(), 0u);
  parser.parse(ps[0], batch);  // reuses the blocks the first fill allocated
  SinkTranscript second;
  batch.replayInto(second);
  EXPECT_FALSE(first.lines.empty());
  EXPECT_EQ(second.lines, first.lines);
}

// The batch computes each sample's context key on the parsing thread, as the aggregator would.
TEST(SampleBatchTest, SamplesCarryTheirContextKey) {
  struct Keys final : metrics::SampleSink {
    std::vector<std::pair<metrics::ContextKey, metrics::ContextKey>> got;  // carried, recomputed
    void addSamples(std::span<const metrics::MetricSample> s, double) override {
      for (const auto& x : s) {
        metrics::ContextKey k = 0;
        EXPECT_TRUE(metrics::KeyGenerator::fastKey(x.name, x.host, x.tagger_tags, x.tags, &k));
        got.emplace_back(x.context_key, k);
      }
    }
    void addSamplesWithoutAggregation(std::span<const metrics::MetricSample>) override {}
    void addEvents(std::vector<metrics::Event>&&) override {}
    void addServiceChecks(std::vector<metrics::ServiceCheck>&&) override {}
  } keys;
  common::ManualClock clock;
  BatchParser parser(dogstatsd::ProcessorOptions{}, clock);
  SampleBatch batch;
  parser.parse("a.b:1|c|#x:1,y:2\na.b:2|g|#y:2,x:1\nc.d:3|h\n", batch);
  batch.replayInto(keys);
  ASSERT_EQ(keys.got.size(), 3u);
  for (const auto& [carried, recomputed] : keys.got) EXPECT_EQ(carried, recomputed);
  EXPECT_NE(keys.got[0].first, 0u);
}

// Text the parser's context cache holds is not copied: the batch holds the cache's pin, and the
// views stay right after the cache is emptied (its expiry) and refilled with other contexts.
TEST(SampleBatchTest, CachedTextIsKeptUnderAPinAndOutlivesTheCachesEmptying) {
  struct Pinned final : metrics::SampleSink {
    size_t pinned = 0, copied = 0;
    void addSamples(std::span<const metrics::MetricSample> s, double) override {
      for (const auto& x : s) (x.text_pinned ? pinned : copied) += 1;
    }
    void addSamplesWithoutAggregation(std::span<const metrics::MetricSample>) override {}
    void addEvents(std::vector<metrics::Event>&&) override {}
    void addServiceChecks(std::vector<metrics::ServiceCheck>&&) override {}
  };
  dogstatsd::ProcessorOptions options;
  common::ManualClock clock;
  BatchParser parser(options, clock);
  const auto ps = packets();
  SampleBatch first;
  for (int round = 0; round < 2; ++round) {
    for (const auto& p : ps) parser.parse(p, 1000.0, first);  // the second round hits the cache
  }
  SinkTranscript want;
  first.replayInto(want);
  Pinned counts;
  first.replayInto(counts);
  EXPECT_GT(counts.pinned, counts.copied);  // most samples point into the cache
  EXPECT_GT(counts.copied, 0u);             // the first sight of each context is copied
  // Past the expiry the cache empties (at the end of a parse) and refills with other contexts:
  // what `first` points to must not be reused while it holds the pin.
  SampleBatch second;
  parser.parse("x:1|c\n", 1000.0 + options.context_cache_max_age_seconds + 1, second);
  for (int i = 0; i < 2000; ++i) {
    const std::string other = "other.metric." + std::to_string(i) + ":1|c|#k:" + std::string(40, 'z') + "\n";
    parser.parse(other, 1100.0, second);
    parser.parse(other, 1100.0, second);
  }
  SinkTranscript again;
  first.replayInto(again);
  EXPECT_EQ(again.lines, want.lines);
  // A batch that holds no pin (as SampleFeed's held batch) copies pinned text like any other.
  SampleBatch unpinned;
  first.replayInto(unpinned);
  Pinned none;
  unpinned.replayInto(none);
  EXPECT_EQ(none.pinned, 0u);
  EXPECT_EQ(none.copied, counts.pinned + counts.copied);
}

}  // namespace
}  // namespace ddsim::runner
