#include "core/aggregator/time_sampler.h"

#include <algorithm>
#include <cmath>

#include "core/metrics/go_compat.h"

namespace ddsim::aggregator {

using metrics::ApiMetricType;
using metrics::MetricType;

TimeSampler::TimeSampler(int id, const TimeSamplerOptions& opts, TagStore* store,
                         const metrics::HistogramConfig* histogram)
    : id_(id),
      opts_(opts),
      store_(store),
      histogram_(histogram),
      resolver_(store, &interner_, opts.dogstatsd_context_expiry_seconds, opts.dogstatsd_expiry_seconds) {}

int64_t TimeSampler::bucketStart(double ts) const {
  const int64_t t = metrics::goInt64(ts);
  return t - t % opts_.bucket_seconds;
}


namespace {
// Every bucket table hashes with a salt of its own (key_map.h): its keys arrive in the
// resolver's slot order (counter zero-fill) or in another bucket's order (merging).
uint64_t bucketSalt(int64_t start) { return 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(start); }
}  // namespace
metrics::ContextMetrics& TimeSampler::bucketFor(int64_t start) {
  // Usually one or two open buckets: a linear scan from the newest beats any map.
  for (auto it = buckets_.rbegin(); it != buckets_.rend(); ++it) {
    if (it->start == start) return it->metrics;
  }
  metrics::ContextMetrics table;
  if (!spare_.empty()) {
    table = std::move(spare_.back());
    spare_.pop_back();
  }
  table.setSalt(bucketSalt(start));
  auto pos = std::upper_bound(buckets_.begin(), buckets_.end(), start,
                              [](int64_t s, const Bucket& b) { return s < b.start; });
  return buckets_.insert(pos, Bucket{start, std::move(table)})->metrics;
}

void TimeSampler::sample(const metrics::MetricSample& s, double now) {
  if (s.name.empty()) {
    drops_.add("empty_name");
    return;
  }
  const double ts = s.timestamp > 0 ? s.timestamp : now;
  if (!(ts > 0 && ts < opts_.max_timestamp)) {
    drops_.add("timestamp_out_of_range");
    return;
  }
  // agent behaviour: @0 or a negative rate is not rejected (a counter turns it into +Inf or a
  // negative value, spec §1.5); it is only counted here.
  if (!(s.sample_rate > 0)) anomalies_.add("non_positive_sample_rate");
  // agent behaviour: the context is tracked before the value is checked, so a NaN sample still
  // creates (or refreshes) its context (spec §1.2, time_sampler.go sample()).
  const metrics::ContextKey key = resolver_.track(s, metrics::goInt64(ts));
  const int64_t start = bucketStart(ts);
  const bool added = s.mtype == MetricType::kDistribution ? sketches_.insert(start, key, s.value, s.sample_rate)
                                                           : bucketFor(start).addSample(key, s, ts).isOk();
  if (!added) {
    drops_.add("non_finite_value");
    return;
  }
  countSample(start);
}

void TimeSampler::countersSampleZeroValue(int64_t bucket_start, metrics::ContextMetrics& m) {
  if (resolver_.resolver().countsByMtype()[static_cast<size_t>(MetricType::kCounter)] == 0) return;
  metrics::MetricSample zero;
  zero.mtype = MetricType::kCounter;
  zero.value = 0;
  zero.raw_value = "0.0";
  zero.sample_rate = 1;
  zero.timestamp = static_cast<double>(bucket_start);
  resolver_.resolver().forEach([&](uint64_t key, const Context& c) {
    if (c.mtype == MetricType::kCounter && c.last_seen + opts_.dogstatsd_expiry_seconds > bucket_start) {
      // A 0 added to a counter sampled in this bucket changes nothing.
      (void)m.addSample(key, zero, static_cast<double>(bucket_start));
    }
  });
}

void TimeSampler::addMerged(std::string_view suffix, ApiMetricType t, std::span<const metrics::Point> pts) {
  for (size_t i = 0; i < merged_used_; ++i) {
    MergedPart& p = merged_[i];
    if (p.type == t && p.suffix == suffix) {
      p.points.insert(p.points.end(), pts.begin(), pts.end());
      return;
    }
  }
  if (merged_used_ == merged_.size()) merged_.emplace_back();
  MergedPart& p = merged_[merged_used_++];
  p.suffix = suffix;
  p.type = t;
  p.points.assign(pts.begin(), pts.end());
}

void TimeSampler::emitMerged(metrics::ContextKey key, std::vector<metrics::Serie>& out, SerieRecycler* recycler) {
  if (merged_used_ == 0) return;
  const Context* c = resolver_.resolver().get(key);
  if (c == nullptr) {
    // agent behaviour: logged as an inconsistent resolver state, the context's series dropped.
    drops_.add("context_not_tracked", static_cast<int64_t>(merged_used_));
    merged_used_ = 0;
    return;
  }
  for (size_t i = 0; i < merged_used_; ++i) {
    MergedPart& p = merged_[i];
    metrics::Serie& s = out.emplace_back();
    if (recycler != nullptr) {
      s.name = recycler->takeName();
      s.points = recycler->takePoints();
    }
    s.name.reserve(c->nameView().size() + p.suffix.size());
    s.name.append(c->nameView()).append(p.suffix);
    s.points.assign(p.points.begin(), p.points.end());
    s.tags = c->tags();
    s.host.assign(c->hostView());
    s.mtype = p.type;
    s.interval = opts_.bucket_seconds;
    s.context_key = key;
    s.no_index = c->no_index;
    s.source = c->source;
  }
  merged_used_ = 0;
}

void TimeSampler::flushSeries(int64_t cutoff, std::vector<metrics::Serie>& out, SerieRecycler* recycler) {
  // Closed buckets, oldest first (the agent walks its map in random order; ascending order makes
  // every serie's points ascending and replays repeatable).
  std::vector<Bucket> closed;
  if (!buckets_.empty()) {
    auto first_open = std::find_if(buckets_.begin(), buckets_.end(), [&](const Bucket& b) {
      return b.start + opts_.bucket_seconds > cutoff;  // still open
    });
    closed.assign(std::make_move_iterator(buckets_.begin()), std::make_move_iterator(first_open));
    buckets_.erase(buckets_.begin(), first_open);
    for (auto& b : closed) countersSampleZeroValue(b.start, b.metrics);
  } else if (last_cutoff_ + opts_.bucket_seconds <= cutoff) {
    // No bucket at all: a synthetic one so expiring counters still report 0.
    closed.push_back(Bucket{cutoff - opts_.bucket_seconds, {}});
    closed.back().metrics.setSalt(bucketSalt(closed.back().start));
    countersSampleZeroValue(closed.back().start, closed.back().metrics);
  }

  metrics::FlushParams params;
  params.interval = opts_.bucket_seconds;
  params.histogram = histogram_;
  auto on_error = [&](uint64_t, metrics::FlushStatus st) { flush_errors_.add(metrics::flushStatusName(st)); };
  for (size_t i = 0; i < closed.size(); ++i) {
    closed[i].metrics.forEach([&](uint64_t key, metrics::AnyMetric& m) {
      auto emit = [&](std::string_view suffix, ApiMetricType t, std::span<const metrics::Point> pts) {
        addMerged(suffix, t, pts);
      };
      auto st = m.flush(static_cast<double>(closed[i].start), params, emit);
      if (st != metrics::FlushStatus::kEmitted && st != metrics::FlushStatus::kNoSerie) on_error(key, st);
      // The same context in later closed buckets joins this serie.
      for (size_t j = i + 1; j < closed.size(); ++j) {
        if (metrics::AnyMetric* other = closed[j].metrics.find(key)) {
          st = other->flush(static_cast<double>(closed[j].start), params, emit);
          if (st != metrics::FlushStatus::kEmitted && st != metrics::FlushStatus::kNoSerie) on_error(key, st);
          closed[j].metrics.erase(key);
        }
      }
      emitMerged(key, out, recycler);
    });
  }
  for (auto& b : closed) {
    b.metrics.clear();
    if (spare_.size() < 4) spare_.push_back(std::move(b.metrics));
  }
}

void TimeSampler::flushSketches(int64_t cutoff, std::vector<metrics::SketchSeries>& out) {
  SketchPointsByContext by_ctx;
  sketches_.flushBefore(cutoff, [&](metrics::ContextKey key, metrics::SketchPoint&& p) { by_ctx.add(key, std::move(p)); });
  by_ctx.forEach([&](metrics::ContextKey key, std::vector<metrics::SketchPoint>& points) {
    const Context* c = resolver_.resolver().get(key);
    if (c == nullptr) {
      drops_.add("context_not_tracked");
      return;
    }
    metrics::SketchSeries ss;
    ss.name.assign(c->nameView());
    ss.tags = c->tags();
    ss.host.assign(c->hostView());
    ss.interval = opts_.bucket_seconds;
    ss.points = std::move(points);
    ss.context_key = key;
    ss.source = c->source;
    ss.no_index = c->no_index;
    out.push_back(std::move(ss));
  });
}

void TimeSampler::appendOriginTelemetry(double ts, std::vector<metrics::Serie>& out) {
  // One gauge per distinct tagger-tag set (the contexts' origin), counting its contexts.
  std::vector<std::pair<metrics::TagSetPtr, int64_t>> per_origin;
  metrics::KeyMap<uint32_t> index;
  resolver_.resolver().forEach([&](uint64_t, const Context& c) {
    const auto id = reinterpret_cast<uintptr_t>(c.tagger_tags.get());
    bool inserted = false;
    uint32_t& i = index.findOrInsert(id, &inserted);
    if (inserted) {
      i = static_cast<uint32_t>(per_origin.size());
      per_origin.emplace_back(c.tagger_tags, 0);
    }
    per_origin[i].second++;
  });
  for (auto& [tags, n] : per_origin) {
    metrics::Serie s;
    s.name = "datadog.agent.aggregator.dogstatsd_contexts_by_origin";
    s.host = opts_.hostname;
    s.tags = metrics::CompositeTags(metrics::makeTagSet({"sampler_id:" + std::to_string(id_)}), tags);
    s.mtype = ApiMetricType::kGauge;
    s.points = {{ts, static_cast<double>(n)}};
    out.push_back(std::move(s));
  }
}

void TimeSampler::countSample(int64_t start) {
  // Nearly every sample lands in the newest open bucket.
  if (!samples_by_bucket_.empty() && samples_by_bucket_.back().first == start) {
    ++samples_by_bucket_.back().second;
    return;
  }
  auto it = std::lower_bound(samples_by_bucket_.begin(), samples_by_bucket_.end(), start,
                             [](const std::pair<int64_t, int64_t>& p, int64_t s) { return p.first < s; });
  if (it == samples_by_bucket_.end() || it->first != start) it = samples_by_bucket_.insert(it, {start, 0});
  ++it->second;
}

int64_t TimeSampler::samplesInOpenBuckets() const {
  int64_t n = 0;
  for (const auto& [start, count] : samples_by_bucket_) n += count;
  return n;
}

void TimeSampler::flush(double ts, std::vector<metrics::Serie>& series, std::vector<metrics::SketchSeries>& sketches,
                        bool all_buckets, SerieRecycler* recycler) {
  int64_t cutoff = bucketStart(ts);
  if (all_buckets) {
    // Past the newest bucket that holds anything (series or sketch), so every one is closed.
    if (!samples_by_bucket_.empty()) cutoff = std::max(cutoff, samples_by_bucket_.back().first + opts_.bucket_seconds);
    if (!buckets_.empty()) cutoff = std::max(cutoff, buckets_.back().start + opts_.bucket_seconds);
  }
  flushSeries(cutoff, series, recycler);
  flushSketches(cutoff, sketches);
  std::erase_if(samples_by_bucket_, [&](const std::pair<int64_t, int64_t>& p) { return p.first < cutoff; });
  resolver_.expire(metrics::goInt64(ts));
  last_cutoff_ = cutoff;
  if (opts_.dogstatsd_origin_telemetry) appendOriginTelemetry(ts, series);
}

size_t TimeSampler::memoryBytes() const {
  size_t n = resolver_.resolver().memoryBytes();
  for (const auto& b : buckets_) n += b.metrics.memoryBytes();
  for (const auto& t : spare_) n += t.memoryBytes();
  return n;
}

}  // namespace ddsim::aggregator
