#pragma once
// The sampler of one check instance (spec §3.3, the agent's CheckSampler): metrics are flushed
// at each commit with interval 1, distributions and histogram buckets go to sketches keyed by
// their own timestamp, contexts expire by commit count and stateful metrics after a timeout
// (spec §1.6). Not thread-safe: used by the BufferedAggregator under its lock.
#include <cstdint>
#include <string>
#include <vector>

#include "core/aggregator/check_items.h"
#include "core/aggregator/context_resolver.h"
#include "core/aggregator/options.h"
#include "core/aggregator/sketch_map.h"
#include "core/common/counters.h"
#include "core/metrics/context_metrics.h"
#include "core/metrics/histogram_config.h"
#include "core/metrics/key_map.h"
#include "core/metrics/series.h"

namespace ddsim::aggregator {

// Counters shared by every check sampler (thread-safe).
struct CheckSamplerCounters {
  common::CounterSet drops;         // input discarded, by reason
  common::CounterSet flush_errors;  // metrics that produced nothing because of an error
};

class CheckSampler {
 public:
  // `store`, `interner`, `histogram` and `counters` are shared by every check sampler and must
  // outlive this one.
  CheckSampler(CheckId id, const CheckSamplerOptions& opts, TagStore* store, StringInterner* interner,
               const metrics::HistogramConfig* histogram, CheckSamplerCounters* counters);

  // `s.timestamp` is the sample's time (set by the sender). Tags must already be sorted+uniq'ed.
  void addSample(const metrics::MetricSample& s);
  // Tags must already be sorted+uniq'ed.
  void addBucket(HistogramBucket b);
  // Flushes metrics at `ts` into the pending series, finishes sketches older than `ts`, then
  // expires contexts and metrics.
  void commit(double ts);
  // Hands over (appends) everything committed since the last call.
  void flush(std::vector<metrics::Serie>& series, std::vector<metrics::SketchSeries>& sketches);

  const CheckId& id() const { return id_; }
  bool deregistered() const { return deregistered_; }
  void setDeregistered(bool d) { deregistered_ = d; }
  size_t contextCount() const { return resolver_.resolver().size(); }
  size_t metricCount() const { return metrics_.size(); }
  // Stateful metrics kept past their context's expiry, waiting for their deadline.
  size_t waitingMetricCount() const { return deadlines_.size(); }

 private:
  void commitSeries(double ts);
  void commitSketches(double ts);
  void expireMetrics(const std::vector<ContextKey>& keys, double ts);
  void removeExpiredMetrics(double ts);

  CheckId id_;
  CheckSamplerOptions opts_;
  const metrics::HistogramConfig* histogram_;
  CheckSamplerCounters* counters_;
  CountBasedContextResolver resolver_;
  metrics::ContextMetrics metrics_;
  metrics::KeyMap<double> deadlines_;       // stateful metrics: key -> removal deadline
  metrics::KeyMap<int64_t> last_bucket_value_;
  SketchMap sketches_;
  std::vector<metrics::Serie> series_;
  std::vector<metrics::SketchSeries> sketch_series_;
  bool deregistered_ = false;
};

}  // namespace ddsim::aggregator
