#pragma once
// The metrics of many contexts (the agent's ContextMetrics, spec §1.2): one metric object per
// context key, created with the type of the first sample. Not thread-safe.
#include <cstdint>

#include "core/common/status.h"
#include "core/metrics/context_key.h"
#include "core/metrics/key_map.h"
#include "core/metrics/metric_types.h"

namespace ddsim::metrics {

class ContextMetrics {
 public:
  // Adds a sample (spec §1.2). NaN/Inf values are rejected with InvalidArgument and create
  // nothing; Distribution samples are rejected too (they belong in a sketch).
  // `created` tells whether a new metric object was made (for telemetry).
  common::Status addSample(ContextKey key, const MetricSample& s, double ts, bool* created = nullptr);

  // Flushes every context's metric (the agent's Flush): `on_serie(key, suffix, type, points)`
  // for each part produced, `on_status(key, status)` for each metric that produced nothing
  // because of an error (never for kEmitted or kNoSerie).
  template <typename OnSerie, typename OnError>
  void flush(double ts, const FlushParams& p, OnSerie&& on_serie, OnError&& on_error) {
    metrics_.forEach([&](uint64_t key, AnyMetric& m) {
      const FlushStatus st = m.flush(ts, p, [&](std::string_view suffix, ApiMetricType t,
                                                std::span<const Point> pts) { on_serie(key, suffix, t, pts); });
      if (st != FlushStatus::kEmitted && st != FlushStatus::kNoSerie) on_error(key, st);
    });
  }

  AnyMetric* find(ContextKey key) { return metrics_.find(key); }
  bool erase(ContextKey key) { return metrics_.erase(key); }
  size_t size() const { return metrics_.size(); }
  bool empty() const { return metrics_.empty(); }
  void clear() { metrics_.clear(); }
  // Decorrelates this table's slot order from other tables' (key_map.h). Only while empty.
  void setSalt(uint64_t salt) { metrics_.setSalt(salt); }
  template <typename F>
  void forEach(F&& f) {
    metrics_.forEach(std::forward<F>(f));
  }
  size_t memoryBytes() const { return metrics_.memoryBytes(); }

 private:
  KeyMap<AnyMetric> metrics_;
};

}  // namespace ddsim::metrics
