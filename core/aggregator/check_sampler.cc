#include "core/aggregator/check_sampler.h"

#include <cmath>
#include <utility>

#include "core/metrics/go_compat.h"

namespace ddsim::aggregator {

namespace {
constexpr const char* kChecksSourceTypeName = "System";  // required for check metrics
}

CheckSampler::CheckSampler(CheckId id, const CheckSamplerOptions& opts, TagStore* store,
                           StringInterner* interner, const metrics::HistogramConfig* histogram,
                           CheckSamplerCounters* counters)
    : id_(std::move(id)),
      opts_(opts),
      histogram_(histogram),
      counters_(counters),
      resolver_(store, interner, opts.bucket_commits_count_expiry) {}

void CheckSampler::addSample(const metrics::MetricSample& s) {
  if (s.name.empty()) {
    counters_->drops.add("empty_name");
    return;
  }
  const ContextKey key = resolver_.track(s);
  if (s.mtype == metrics::MetricType::kDistribution) {
    // Check distributions are keyed by the sample's own second, not bucketed (spec §3.3).
    if (!sketches_.insert(metrics::goInt64(s.timestamp), key, s.value, s.sample_rate)) {
      counters_->drops.add("non_finite_value");
    }
    return;
  }
  deadlines_.erase(key);  // a new sample cancels a pending stateful-metric removal
  if (!metrics_.addSample(key, s, s.timestamp).isOk()) counters_->drops.add("non_finite_value");
}

void CheckSampler::addBucket(HistogramBucket b) {
  if (b.name.empty()) {
    counters_->drops.add("empty_name");
    return;
  }
  if (b.value < 0) {
    counters_->drops.add("bucket_negative_value");
    return;
  }
  if (b.value == 0) return;  // no-op
  if (b.upper_bound - b.lower_bound < 0) {
    counters_->drops.add("bucket_negative_range");
    return;
  }
  std::vector<std::string_view> tag_views(b.tags.begin(), b.tags.end());
  metrics::MetricSample ctx;
  ctx.name = b.name;
  ctx.host = b.host;
  ctx.tags = tag_views;
  ctx.mtype = metrics::MetricType::kHistogram;
  ctx.source = b.source;
  const ContextKey key = resolver_.track(ctx);

  if (b.monotonic) {
    // Monotonic buckets send the delta to the previous raw value; the first raw value is only
    // recorded (it would be a spike) unless flush_first_value.
    bool first = false;
    int64_t& last = last_bucket_value_.findOrInsert(key, &first);
    const int64_t raw = b.value;
    const int64_t previous = first ? 0 : last;
    last = raw;
    if (first && !b.flush_first_value) return;
    b.value = raw - previous;
  }
  if (b.value < 0) {
    counters_->drops.add("bucket_negative_delta");
    return;
  }
  if (b.value == 0) return;
  const auto count = static_cast<uint64_t>(b.value);
  const int64_t ts = metrics::goInt64(b.timestamp);
  // A +Inf upper bound is interpolated as [lower, lower] (the quantile falls on the second
  // highest bucket's upper bound).
  const double upper = std::isinf(b.upper_bound) && b.upper_bound > 0 ? b.lower_bound : b.upper_bound;
  if (!sketches_.insertInterpolate(ts, key, b.lower_bound, upper, count)) {
    counters_->drops.add("bucket_non_finite_bound");
  }
}

void CheckSampler::commitSeries(double ts) {
  metrics::FlushParams params;
  params.interval = 1;
  params.histogram = histogram_;
  metrics_.flush(
      ts, params,
      [&](uint64_t key, std::string_view suffix, metrics::ApiMetricType t, std::span<const metrics::Point> pts) {
        const Context* c = resolver_.resolver().get(key);
        if (c == nullptr) {
          counters_->drops.add("context_not_tracked");
          return;
        }
        metrics::Serie s;
        s.name.reserve(c->nameView().size() + suffix.size());
        s.name.append(c->nameView()).append(suffix);
        s.points.assign(pts.begin(), pts.end());
        s.tags = c->tags();
        s.host.assign(c->hostView());
        s.mtype = t;
        s.context_key = key;
        s.no_index = c->no_index;
        s.source_type_name = kChecksSourceTypeName;
        s.source = c->source;
        series_.push_back(std::move(s));
      },
      [&](uint64_t, metrics::FlushStatus st) { counters_->flush_errors.add(metrics::flushStatusName(st)); });
}

void CheckSampler::commitSketches(double ts) {
  SketchPointsByContext by_ctx;
  sketches_.flushBefore(metrics::goInt64(ts),
                        [&](ContextKey key, metrics::SketchPoint&& p) { by_ctx.add(key, std::move(p)); });
  by_ctx.forEach([&](ContextKey key, std::vector<metrics::SketchPoint>& points) {
    const Context* c = resolver_.resolver().get(key);
    if (c == nullptr) {
      counters_->drops.add("context_not_tracked");
      return;
    }
    // agent behaviour: check sketch series carry no Interval, Source or NoIndex.
    metrics::SketchSeries ss;
    ss.name.assign(c->nameView());
    ss.tags = c->tags();
    ss.host.assign(c->hostView());
    ss.points = std::move(points);
    ss.context_key = key;
    sketch_series_.push_back(std::move(ss));
  });
}

void CheckSampler::removeExpiredMetrics(double ts) {
  deadlines_.eraseIf([&](uint64_t key, double& deadline) {
    if (deadline < ts) {
      metrics_.erase(key);
      return true;
    }
    return false;
  });
}

void CheckSampler::expireMetrics(const std::vector<ContextKey>& keys, double ts) {
  if (!opts_.expire_metrics) return;
  for (ContextKey key : keys) {
    metrics::AnyMetric* m = metrics_.find(key);
    if (m == nullptr) continue;
    if (m->isStateful()) {
      // Kept so a rate or monotonic count resumes if the context comes back in time.
      deadlines_.findOrInsert(key) = ts + opts_.stateful_metric_expiration_seconds;
    } else {
      metrics_.erase(key);
    }
  }
}

void CheckSampler::commit(double ts) {
  commitSeries(ts);
  commitSketches(ts);
  removeExpiredMetrics(ts);
  const std::vector<ContextKey> expired = resolver_.expire();
  for (ContextKey key : expired) last_bucket_value_.erase(key);
  expireMetrics(expired, ts);
}

void CheckSampler::flush(std::vector<metrics::Serie>& series, std::vector<metrics::SketchSeries>& sketches) {
  for (auto& s : series_) series.push_back(std::move(s));
  series_.clear();
  for (auto& s : sketch_series_) sketches.push_back(std::move(s));
  sketch_series_.clear();
}

}  // namespace ddsim::aggregator
