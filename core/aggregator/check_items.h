#pragma once
// What check senders hand to the BufferedAggregator (the agent's senderItem and friends).
// Owned copies: a sender's arguments do not outlive its call.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/metrics/event.h"
#include "core/metrics/metric_sample.h"
#include "core/metrics/orchestrator.h"
#include "core/metrics/service_check.h"

namespace ddsim::aggregator {

using CheckId = std::string;  // "" is the default sender's id

// A metric sample with owned strings.
struct OwnedSample {
  std::string name;
  double value = 0;
  std::string raw_value;
  metrics::MetricType mtype = metrics::MetricType::kGauge;
  std::vector<std::string> tags;
  std::string host;
  double sample_rate = 1;
  double timestamp = 0;
  bool flush_first_value = false;
  bool no_index = false;
  metrics::MetricSource source = metrics::MetricSource::kUnknown;

  // A view of this sample; `tag_views` is the storage for the tag views (reused by callers).
  metrics::MetricSample view(std::vector<std::string_view>& tag_views) const {
    tag_views.assign(tags.begin(), tags.end());
    metrics::MetricSample s;
    s.name = name;
    s.value = value;
    s.raw_value = raw_value;
    s.mtype = mtype;
    s.tags = tag_views;
    s.host = host;
    s.sample_rate = sample_rate;
    s.timestamp = timestamp;
    s.flush_first_value = flush_first_value;
    s.no_index = no_index;
    s.source = source;
    return s;
  }
};

// An OpenMetrics histogram bucket sent by a check (the agent's HistogramBucket).
struct HistogramBucket {
  std::string name;
  int64_t value = 0;
  double lower_bound = 0;
  double upper_bound = 0;
  bool monotonic = false;
  std::vector<std::string> tags;
  std::string host;
  double timestamp = 0;
  bool flush_first_value = false;
  metrics::MetricSource source = metrics::MetricSource::kUnknown;
};

struct CheckSampleItem {
  CheckId id;
  OwnedSample sample;
};
struct CheckBucketItem {
  CheckId id;
  HistogramBucket bucket;
};
struct CommitItem {
  CheckId id;
  double ts = 0;  // the commit time (the agent reads the clock when it handles the commit)
};
struct RegisterSamplerItem {
  CheckId id;
};
struct DeregisterSamplerItem {
  CheckId id;
};
struct ServiceCheckItem {
  std::vector<metrics::ServiceCheck> checks;  // one from a sender, a batch from DogStatsD
};
struct EventItem {
  std::vector<metrics::Event> events;
};
struct OrchestratorMetadataItem {
  metrics::OrchestratorMetadata metadata;
};
struct OrchestratorManifestItem {
  metrics::OrchestratorManifest manifest;
};

using InboxItem = std::variant<CheckSampleItem, CheckBucketItem, CommitItem, RegisterSamplerItem,
                               DeregisterSamplerItem, ServiceCheckItem, EventItem,
                               OrchestratorMetadataItem, OrchestratorManifestItem>;

}  // namespace ddsim::aggregator
