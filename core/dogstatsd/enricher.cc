#include "core/dogstatsd/enricher.h"

#include <algorithm>

namespace ddsim::dogstatsd {
namespace {

constexpr std::string_view kHostPrefix = "host:";
constexpr std::string_view kEntityIdPrefix = "dd.internal.entity_id:";
constexpr std::string_view kCardinalityPrefix = "dd.internal.card:";
constexpr std::string_view kJmxCheckNamePrefix = "dd.internal.jmx_check_name:";

// The literal two bytes `\n` become a newline in event titles and texts (spec §8.3).
std::string unescapeNewlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

Enricher::Enricher(EnrichOptions options)
    : options_(std::move(options)),
      blocklist_(options_.metric_blocklist, options_.metric_blocklist_match_prefix),
      extra_tags_(options_.extra_tags) {
  namespace_ = options_.metric_namespace;
  if (!namespace_.empty() && namespace_.back() != '.') namespace_.push_back('.');
  std::sort(extra_tags_.begin(), extra_tags_.end());
  extra_tags_.erase(std::unique(extra_tags_.begin(), extra_tags_.end()), extra_tags_.end());
  extra_tag_views_.assign(extra_tags_.begin(), extra_tags_.end());
}

namespace {

// A tag starting with 'h' or 'd': true (and `meta` updated) when it is one of the special tags.
bool takeSpecialTag(std::string_view tag, TagMetadata& meta) {
  if (tag.starts_with(kHostPrefix)) {
    meta.host = tag.substr(kHostPrefix.size());
    return true;
  }
  if (!tag.starts_with("dd.internal.")) return false;
  if (tag.starts_with(kEntityIdPrefix)) {
    meta.entity_id = tag.substr(kEntityIdPrefix.size());
    return true;
  }
  if (tag.starts_with(kCardinalityPrefix)) {
    meta.cardinality = tag.substr(kCardinalityPrefix.size());
    return true;
  }
  if (tag.starts_with(kJmxCheckNamePrefix)) {
    // agent behaviour (comp/dogstatsd/server/enrich.go): the check name picks the source
    // through JMXCheckNameToMetricSource (a JMX integration's own, else JMX custom).
    meta.source = metrics::jmxCheckNameToMetricSource(tag.substr(kJmxCheckNamePrefix.size()));
    return true;
  }
  return false;
}

}  // namespace

size_t Enricher::extractTagsMetadata(std::span<std::string_view> tags, TagMetadata& meta) const {
  meta = TagMetadata{};
  meta.host = options_.default_hostname;
  // Once per line over every tag: only a tag starting with 'h' or 'd' can be special, and a
  // tag is moved only after one was taken out.
  size_t n = 0;
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string_view tag = tags[i];
    if (!tag.empty() && (tag[0] == 'h' || tag[0] == 'd') && takeSpecialTag(tag, meta)) continue;
    if (n != i) tags[n] = tag;
    ++n;
  }
  return n;
}

std::string_view Enricher::namespacedName(std::string_view name, StringInterner& interner) const {
  for (const auto& prefix : options_.namespace_blacklist) {
    if (name.starts_with(prefix)) return name;
  }
  return interner.intern(namespace_, name);
}

metrics::MetricType Enricher::metricType(DsdMetricType t) {
  switch (t) {
    case DsdMetricType::kGauge: return metrics::MetricType::kGauge;
    case DsdMetricType::kCount: return metrics::MetricType::kCounter;
    case DsdMetricType::kDistribution: return metrics::MetricType::kDistribution;
    case DsdMetricType::kHistogram: return metrics::MetricType::kHistogram;
    case DsdMetricType::kSet: return metrics::MetricType::kSet;
    case DsdMetricType::kTiming: return metrics::MetricType::kHistogram;
  }
  return metrics::MetricType::kGauge;
}

metrics::Event Enricher::makeEvent(ParsedEvent& e) const {
  TagMetadata meta;
  size_t n = extractTagsMetadata(e.tags, meta);
  metrics::Event out;
  out.title = unescapeNewlines(e.title);
  out.text = unescapeNewlines(e.text);
  out.ts = e.timestamp;
  out.priority = e.priority == EventPriority::kLow ? "low" : "normal";
  switch (e.alert_type) {
    case EventAlertType::kError: out.alert_type = "error"; break;
    case EventAlertType::kWarning: out.alert_type = "warning"; break;
    case EventAlertType::kInfo: out.alert_type = "info"; break;
    case EventAlertType::kSuccess: out.alert_type = "success"; break;
  }
  out.host = std::string(e.hostname.empty() ? meta.host : e.hostname);
  out.aggregation_key = std::string(e.aggregation_key);
  out.source_type_name = std::string(e.source_type);
  out.tags.reserve(n + extra_tags_.size());
  for (size_t i = 0; i < n; ++i) out.tags.emplace_back(e.tags[i]);
  out.tags.insert(out.tags.end(), extra_tags_.begin(), extra_tags_.end());
  return out;
}

metrics::ServiceCheck Enricher::makeServiceCheck(ParsedServiceCheck& sc) const {
  TagMetadata meta;
  size_t n = extractTagsMetadata(sc.tags, meta);
  metrics::ServiceCheck out;
  out.check_name = std::string(sc.name);
  out.ts = sc.timestamp;
  out.status = static_cast<metrics::ServiceCheckStatus>(static_cast<int>(sc.status));
  out.message = std::string(sc.message);
  out.host = std::string(sc.hostname.empty() ? meta.host : sc.hostname);
  out.tags.reserve(n + extra_tags_.size());
  for (size_t i = 0; i < n; ++i) out.tags.emplace_back(sc.tags[i]);
  out.tags.insert(out.tags.end(), extra_tags_.begin(), extra_tags_.end());
  return out;
}

}  // namespace ddsim::dogstatsd
