#pragma once
// The DogStatsD sampler (spec §3.2, the agent's TimeSampler): samples land in 10 s buckets;
// a flush emits only closed buckets, fills counters with zeros until they expire, finishes
// sketches and expires contexts. Time is an argument everywhere.
// Not thread-safe: one per pipeline shard, used under the shard's lock.
#include <cstdint>
#include <string>
#include <vector>

#include "core/aggregator/context_resolver.h"
#include "core/aggregator/options.h"
#include "core/aggregator/serie_recycler.h"
#include "core/aggregator/sketch_map.h"
#include "core/aggregator/string_interner.h"
#include "core/aggregator/tag_store.h"
#include "core/common/counters.h"
#include "core/metrics/context_metrics.h"
#include "core/metrics/histogram_config.h"
#include "core/metrics/series.h"

namespace ddsim::aggregator {

class TimeSampler {
 public:
  // `store` is this shard's tag store and must outlive the sampler; `histogram` too.
  TimeSampler(int id, const TimeSamplerOptions& opts, TagStore* store,
              const metrics::HistogramConfig* histogram = &metrics::HistogramConfig::defaults());

  // Adds one sample at `now` (Unix s), or at its own timestamp when that is > 0. Bad input
  // (empty name, NaN/Inf value, timestamp out of range) is dropped and counted in drops().
  void sample(const metrics::MetricSample& s, double now);

  // Flushes at trigger time `ts` (Unix s): closed buckets' series and sketches are appended.
  // `all_buckets` also flushes the open ones (the agent's forceFlushAll, used at shutdown when
  // dogstatsd_flush_incomplete_buckets is true). `recycler`, when given, supplies the series'
  // name and points buffers (it must not be used by another thread meanwhile).
  void flush(double ts, std::vector<metrics::Serie>& series, std::vector<metrics::SketchSeries>& sketches,
             bool all_buckets = false, SerieRecycler* recycler = nullptr);
  // Samples (series and sketch) added to buckets that no flush has emitted yet: what a shutdown
  // without dogstatsd_flush_incomplete_buckets loses.
  int64_t samplesInOpenBuckets() const;

  int id() const { return id_; }
  size_t contextCount() const { return resolver_.resolver().size(); }
  size_t bucketCount() const { return buckets_.size(); }
  const std::array<uint64_t, metrics::kNumMetricTypes>& contextsByMtype() const {
    return resolver_.resolver().countsByMtype();
  }
  const common::CounterSet& drops() const { return drops_; }
  // Input the agent accepts but that is suspicious (kept, not dropped): "non_positive_sample_rate".
  const common::CounterSet& anomalies() const { return anomalies_; }
  const common::CounterSet& flushErrors() const { return flush_errors_; }
  // Approximate heap bytes of contexts and open buckets (not tags or interned strings).
  size_t memoryBytes() const;
  const ContextResolver& contexts() const { return resolver_.resolver(); }

 private:
  struct Bucket {
    int64_t start;
    metrics::ContextMetrics metrics;
  };
  // Per context, the parts (type, suffix) merged across closed buckets.
  struct MergedPart {
    std::string_view suffix;
    metrics::ApiMetricType type;
    std::vector<metrics::Point> points;
  };

  int64_t bucketStart(double ts) const;
  void countSample(int64_t start);
  metrics::ContextMetrics& bucketFor(int64_t start);
  void countersSampleZeroValue(int64_t bucket_start, metrics::ContextMetrics& m);
  void flushSeries(int64_t cutoff, std::vector<metrics::Serie>& out, SerieRecycler* recycler);
  void flushSketches(int64_t cutoff, std::vector<metrics::SketchSeries>& out);
  void addMerged(std::string_view suffix, metrics::ApiMetricType t, std::span<const metrics::Point> pts);
  void emitMerged(metrics::ContextKey key, std::vector<metrics::Serie>& out, SerieRecycler* recycler);
  void appendOriginTelemetry(double ts, std::vector<metrics::Serie>& out);

  int id_;
  TimeSamplerOptions opts_;
  TagStore* store_;
  const metrics::HistogramConfig* histogram_;
  StringInterner interner_;
  TimestampContextResolver resolver_;
  std::vector<Bucket> buckets_;                      // few: kept sorted by start
  std::vector<metrics::ContextMetrics> spare_;       // cleared tables reused for new buckets
  SketchMap sketches_;
  int64_t last_cutoff_ = 0;
  std::vector<std::pair<int64_t, int64_t>> samples_by_bucket_;  // (bucket start, samples), sorted
  std::vector<MergedPart> merged_;                    // scratch
  size_t merged_used_ = 0;
  common::CounterSet drops_;
  common::CounterSet flush_errors_;
  common::CounterSet anomalies_;
};

}  // namespace ddsim::aggregator
