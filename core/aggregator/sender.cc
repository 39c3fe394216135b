#include "core/aggregator/sender.h"

#include <utility>

#include "core/aggregator/buffered_aggregator.h"
#include "core/metrics/metric_source.h"
#include "core/metrics/go_compat.h"

namespace ddsim::aggregator {

using metrics::MetricType;

std::string_view checkIdToCheckName(std::string_view id) { return id.substr(0, id.find(':')); }

CheckSender::CheckSender(CheckId id, std::string default_hostname, BufferedAggregator* agg)
    : id_(std::move(id)),
      default_hostname_(std::move(default_hostname)),
      agg_(agg),
      source_(metrics::checkNameToMetricSource(checkIdToCheckName(id_))) {}

std::string CheckSender::hostOr(std::string_view host) const {
  if (host.empty() && !default_hostname_disabled_) return default_hostname_;
  return std::string(host);
}

void CheckSender::finalizeCheckServiceTag() {
  if (!service_.empty()) check_tags_.push_back("service:" + service_);
}

void CheckSender::send(std::string_view metric, double value, std::string_view host, const Tags& tags, MetricType t,
                       bool flush_first_value, bool no_index, double ts) {
  CheckSampleItem item;
  item.id = id_;
  OwnedSample& s = item.sample;
  s.name.assign(metric);
  s.value = value;
  s.mtype = t;
  s.tags = tags;
  s.tags.insert(s.tags.end(), check_tags_.begin(), check_tags_.end());
  s.host = hostOr(host);
  s.sample_rate = 1;
  s.timestamp = ts;
  s.flush_first_value = flush_first_value;
  s.no_index = no_index_ || no_index;
  s.source = source_;
  agg_->enqueue(std::move(item));
}

void CheckSender::gauge(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kGauge, false, false, now);
}
void CheckSender::gaugeNoIndex(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kGauge, false, true, now);
}
void CheckSender::rate(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kRate, false, false, now);
}
void CheckSender::count(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kCount, false, false, now);
}
void CheckSender::monotonicCount(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kMonotonicCount, false, false, now);
}
void CheckSender::monotonicCountWithFlushFirstValue(std::string_view m, double v, std::string_view h, const Tags& t,
                                                    bool flush_first_value, double now) {
  send(m, v, h, t, MetricType::kMonotonicCount, flush_first_value, false, now);
}
void CheckSender::counter(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kCounter, false, false, now);
}
void CheckSender::histogram(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kHistogram, false, false, now);
}
void CheckSender::historate(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kHistorate, false, false, now);
}
void CheckSender::distribution(std::string_view m, double v, std::string_view h, const Tags& t, double now) {
  send(m, v, h, t, MetricType::kDistribution, false, false, now);
}

common::Status CheckSender::gaugeWithTimestamp(std::string_view m, double v, std::string_view h, const Tags& t, double ts) {
  // The agent rejects ts <= 0; NaN is rejected too (it would reach the wire as a timestamp).
  if (!(ts > 0)) return common::invalidArgument("invalid timestamp");
  send(m, v, h, t, MetricType::kGaugeWithTimestamp, false, false, ts);
  return common::Status::ok();
}

common::Status CheckSender::countWithTimestamp(std::string_view m, double v, std::string_view h, const Tags& t, double ts) {
  if (!(ts > 0)) return common::invalidArgument("invalid timestamp");
  send(m, v, h, t, MetricType::kCountWithTimestamp, false, false, ts);
  return common::Status::ok();
}

void CheckSender::histogramBucket(std::string_view m, int64_t value, double lower_bound, double upper_bound,
                                  bool monotonic, std::string_view h, const Tags& t, bool flush_first_value,
                                  double now) {
  CheckBucketItem item;
  item.id = id_;
  HistogramBucket& b = item.bucket;
  b.name.assign(m);
  b.value = value;
  b.lower_bound = lower_bound;
  b.upper_bound = upper_bound;
  b.monotonic = monotonic;
  b.tags = t;
  b.tags.insert(b.tags.end(), check_tags_.begin(), check_tags_.end());
  b.host = hostOr(h);
  b.timestamp = now;
  b.flush_first_value = flush_first_value;
  b.source = source_;
  agg_->enqueue(std::move(item));
}

void CheckSender::serviceCheck(std::string_view check_name, metrics::ServiceCheckStatus status, std::string_view h,
                               const Tags& t, std::string_view message, double now) {
  metrics::ServiceCheck sc;
  sc.check_name.assign(check_name);
  sc.status = status;
  sc.host = hostOr(h);
  sc.ts = metrics::goInt64(now);
  sc.tags = t;
  sc.tags.insert(sc.tags.end(), check_tags_.begin(), check_tags_.end());
  sc.message.assign(message);
  ServiceCheckItem item;
  item.checks.push_back(std::move(sc));
  agg_->enqueue(std::move(item));
}

void CheckSender::event(metrics::Event e) {
  e.tags.insert(e.tags.end(), check_tags_.begin(), check_tags_.end());
  if (e.host.empty() && !default_hostname_disabled_) e.host = default_hostname_;
  EventItem item;
  item.events.push_back(std::move(e));
  agg_->enqueue(std::move(item));
}

void CheckSender::orchestratorMetadata(metrics::OrchestratorMetadata metadata) {
  agg_->enqueue(OrchestratorMetadataItem{std::move(metadata)});
}

void CheckSender::orchestratorManifest(metrics::OrchestratorManifest manifest) {
  agg_->enqueue(OrchestratorManifestItem{std::move(manifest)});
}

void CheckSender::commit(double now) { agg_->enqueue(CommitItem{id_, now}); }

}  // namespace ddsim::aggregator
