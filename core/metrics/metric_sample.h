#pragma once
// One sample on its way into the aggregator. Non-owning: every view points into storage the
// caller keeps alive for the duration of the call that takes the sample (a parsed packet, a
// check sender's arguments). The aggregator copies what it keeps.
#include <cstdint>
#include <span>
#include <string_view>

#include "core/metrics/metric_source.h"
#include "core/metrics/metric_type.h"

namespace ddsim::metrics {

struct MetricSample {
  std::string_view name;
  double value = 0;
  std::string_view raw_value;  // the set member for MetricType::kSet
  MetricType mtype = MetricType::kGauge;
  std::span<const std::string_view> tags;         // metric tags (client + static tags)
  std::span<const std::string_view> tagger_tags;  // origin-detection tags (usually empty)
  std::string_view host;
  double sample_rate = 1.0;
  double timestamp = 0;  // Unix seconds; 0 = "the time the aggregator was given"
  bool flush_first_value = false;
  bool no_index = false;
  MetricSource source = MetricSource::kUnknown;
  // The context key KeyGenerator::fastKey gives (name, host, tagger_tags, tags), when whoever
  // built the sample computed it ahead on another thread (0: not computed; the aggregator
  // computes it). Whoever changes the name, host or tags of a sample afterwards resets it.
  uint64_t context_key = 0;
  // Set by the DogStatsD parser when name, host and tags point into its context cache (not into
  // the packet): a holder of the cache's pin (ContextCache::pin) may keep them without copying.
  bool text_pinned = false;
};

}  // namespace ddsim::metrics
