#pragma once
// Enrichment of parsed messages (spec §8.2, comp/dogstatsd/server/enrich.go): special tags
// (host:, dd.internal.entity_id:, dd.internal.card:, dd.internal.jmx_check_name:) are taken out
// of the tag list, the namespace is applied unless blacklisted, blocklisted names are dropped,
// dogstatsd_tags are appended. Immutable after construction; thread-safe.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/dogstatsd/blocklist.h"
#include "core/dogstatsd/options.h"
#include "core/dogstatsd/parser.h"
#include "core/dogstatsd/string_interner.h"
#include "core/metrics/event.h"
#include "core/metrics/metric_source.h"
#include "core/metrics/metric_type.h"
#include "core/metrics/service_check.h"

namespace ddsim::dogstatsd {

// What the special tags of one message said.
struct TagMetadata {
  std::string_view host;         // last `host:` tag, else the default hostname
  std::string_view entity_id;    // last `dd.internal.entity_id:`
  std::string_view cardinality;  // last `dd.internal.card:`
  metrics::MetricSource source = metrics::MetricSource::kDogstatsd;
};

class Enricher {
 public:
  explicit Enricher(EnrichOptions options);

  // Removes the special tags from `tags`, keeping the order of the others; returns how many
  // remain (they are the first ones of the span).
  size_t extractTagsMetadata(std::span<std::string_view> tags, TagMetadata& meta) const;
  // The metric name after the namespace (interned when one is applied).
  // Inline for the usual case of no namespace.
  std::string_view metricName(std::string_view name, StringInterner& interner) const {
    return namespace_.empty() ? name : namespacedName(name, interner);
  }
  bool blocked(std::string_view final_name) const { return blocklist_.blocked(final_name); }
  // dogstatsd_tags, sorted and deduplicated; views into this Enricher.
  std::span<const std::string_view> extraTags() const { return extra_tag_views_; }
  // The host of samples: "" in serverless mode.
  std::string_view sampleHost(const TagMetadata& meta) const {
    return options_.serverless ? std::string_view() : meta.host;
  }
  bool copyHistogramsToDistributions() const { return options_.histogram_copy_to_distribution; }
  std::string_view histogramCopyPrefix() const {
    return options_.histogram_copy_to_distribution_prefix;
  }
  static metrics::MetricType metricType(DsdMetricType t);

  // Owned copies with the special tags handled and dogstatsd_tags appended. `tags` is edited
  // in place (the special tags are removed).
  metrics::Event makeEvent(ParsedEvent& e) const;
  metrics::ServiceCheck makeServiceCheck(ParsedServiceCheck& sc) const;

  const EnrichOptions& options() const { return options_; }

 private:
  std::string_view namespacedName(std::string_view name, StringInterner& interner) const;

  EnrichOptions options_;
  std::string namespace_;  // with its trailing '.'
  Blocklist blocklist_;
  std::vector<std::string> extra_tags_;
  std::vector<std::string_view> extra_tag_views_;
};

}  // namespace ddsim::dogstatsd
