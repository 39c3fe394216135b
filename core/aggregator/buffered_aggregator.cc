#include "core/aggregator/buffered_aggregator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include "core/metrics/go_compat.h"
#include "core/metrics/tag_hashing.h"

namespace ddsim::aggregator {

namespace {
constexpr const char* kSystem = "System";
}

BufferedAggregator::BufferedAggregator(const BufferedAggregatorOptions& opts, MetricSerializer* serializer,
                                       const metrics::HistogramConfig* histogram, AggregatorTelemetry* telemetry)
    : opts_(opts),
      serializer_(serializer),
      histogram_(histogram),
      telemetry_(telemetry),
      tags_store_(opts.use_tags_store) {
  if (opts_.djm_enabled) {
    metrics::Serie djm;
    djm.name = "datadog.djm.agent_host";
    djm.points = {{0, 1.0}};
    djm.mtype = metrics::ApiMetricType::kGauge;
    recurrent_series_.push_back(std::move(djm));
  }
}

BufferedAggregator::~BufferedAggregator() {
  std::lock_guard<std::mutex> l(mu_);
  samplers_.clear();  // release contexts before the tag store and interner go
}

bool BufferedAggregator::enqueue(InboxItem item) {
  std::lock_guard<std::mutex> l(inbox_mu_);
  if (stopped_) {
    telemetry_->dropped.add("after_stop");
    return false;
  }
  inbox_.push_back(std::move(item));
  const auto depth = static_cast<int64_t>(inbox_.size());
  telemetry_->inbox_depth.store(depth, std::memory_order_relaxed);
  if (depth > telemetry_->inbox_max_depth.load(std::memory_order_relaxed)) {
    telemetry_->inbox_max_depth.store(depth, std::memory_order_relaxed);
  }
  return true;
}

size_t BufferedAggregator::pendingCount() const {
  std::lock_guard<std::mutex> l(inbox_mu_);
  return inbox_.size();
}

void BufferedAggregator::stop() {
  std::lock_guard<std::mutex> l(inbox_mu_);
  stopped_ = true;
}

bool BufferedAggregator::stopped() const {
  std::lock_guard<std::mutex> l(inbox_mu_);
  return stopped_;
}

CheckSampler* BufferedAggregator::sampler(const CheckId& id) {
  auto it = samplers_.find(id);
  return it == samplers_.end() ? nullptr : it->second.get();
}

void BufferedAggregator::processPending(double now) {
  std::deque<InboxItem> items;
  {
    std::lock_guard<std::mutex> l(inbox_mu_);
    items.swap(inbox_);
    telemetry_->inbox_depth.store(0, std::memory_order_relaxed);
  }
  if (items.empty()) return;
  std::vector<metrics::OrchestratorMetadata> metadata;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& item : items) handle(item, now, metadata);
  }
  // Each orchestrator resource is its own payload: handed on at once, outside the lock, through
  // the executor when there is one (the agent uses a goroutine), so the loop never waits on it.
  for (auto& m : metadata) {
    MetricSerializer* ser = serializer_;
    AggregatorTelemetry* tel = telemetry_;
    runSend(false, [ser, tel, m = std::move(m)]() mutable {
      if (!ser->sendOrchestratorMetadata(std::move(m)).isOk()) tel->orchestrator_metadata_errors++;
    });
  }
}

void BufferedAggregator::handle(InboxItem& item, double now, std::vector<metrics::OrchestratorMetadata>& metadata_out) {
  if (auto* s = std::get_if<CheckSampleItem>(&item)) {
    telemetry_->checks_metric_sample++;
    CheckSampler* cs = sampler(s->id);
    if (cs == nullptr) {
      telemetry_->dropped.add("unknown_check_sampler");
      return;
    }
    metrics::sortUniqInPlace(s->sample.tags);  // check series tags come out sorted (spec §2.3)
    cs->addSample(s->sample.view(tag_views_));
  } else if (auto* c = std::get_if<CommitItem>(&item)) {
    telemetry_->checks_metric_sample++;  // agent behaviour: a commit travels as a sample
    CheckSampler* cs = sampler(c->id);
    if (cs == nullptr) {
      telemetry_->dropped.add("unknown_check_sampler");
      return;
    }
    cs->commit(c->ts);
  } else if (auto* b = std::get_if<CheckBucketItem>(&item)) {
    telemetry_->checks_histogram_bucket_metric_sample++;
    CheckSampler* cs = sampler(b->id);
    if (cs == nullptr) {
      telemetry_->dropped.add("unknown_check_sampler");
      return;
    }
    metrics::sortUniqInPlace(b->bucket.tags);
    cs->addBucket(std::move(b->bucket));
  } else if (auto* r = std::get_if<RegisterSamplerItem>(&item)) {
    auto& slot = samplers_[r->id];
    if (slot) {
      slot->setDeregistered(false);  // already registered: keep using it
    } else {
      slot = std::make_unique<CheckSampler>(r->id, opts_.check_sampler, &tags_store_, &interner_, histogram_,
                                            &check_counters_);
    }
  } else if (auto* d = std::get_if<DeregisterSamplerItem>(&item)) {
    if (CheckSampler* cs = sampler(d->id)) cs->setDeregistered(true);
  } else if (auto* sc = std::get_if<ServiceCheckItem>(&item)) {
    telemetry_->service_check += static_cast<int64_t>(sc->checks.size());
    for (auto& check : sc->checks) addServiceCheck(std::move(check), now);
  } else if (auto* ev = std::get_if<EventItem>(&item)) {
    telemetry_->event += static_cast<int64_t>(ev->events.size());
    for (auto& e : ev->events) addEvent(std::move(e), now);
  } else if (auto* om = std::get_if<OrchestratorMetadataItem>(&item)) {
    telemetry_->orchestrator_metadata++;
    metadata_out.push_back(std::move(om->metadata));
  } else if (auto* mf = std::get_if<OrchestratorManifestItem>(&item)) {
    manifests_.push_back(std::move(mf->manifest));  // buffered until the flush
  }
}

void BufferedAggregator::addServiceCheck(metrics::ServiceCheck sc, double now) {
  if (sc.ts == 0) sc.ts = metrics::goInt64(now);
  metrics::sortUniqInPlace(sc.tags);
  service_checks_.push_back(std::move(sc));
}

void BufferedAggregator::addEvent(metrics::Event e, double now) {
  if (e.ts == 0) e.ts = metrics::goInt64(now);
  metrics::sortUniqInPlace(e.tags);
  events_.push_back(std::move(e));
}

std::vector<std::string> BufferedAggregator::tags(bool with_version) const {
  std::vector<std::string> t = opts_.global_tags;
  if (with_version) {
    t.push_back("version:" + opts_.agent_version);
    if (!opts_.package_version.empty()) t.push_back("package_version:" + opts_.package_version);
  }
  return t;
}

void BufferedAggregator::addRecurrentSeries(metrics::Serie serie) {
  std::lock_guard<std::mutex> l(mu_);
  recurrent_series_.push_back(std::move(serie));
}

void BufferedAggregator::flushSeriesAndSketches(double now, std::vector<metrics::Serie>& series,
                                                std::vector<metrics::SketchSeries>& sketches) {
  // Default series carry the flush time in whole seconds (start.Unix()).
  const auto ts = static_cast<double>(metrics::goInt64(std::floor(now)));
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = samplers_.begin(); it != samplers_.end();) {
    it->second->flush(series, sketches);
    if (it->second->deregistered()) {
      it = samplers_.erase(it);
    } else {
      ++it;
    }
  }
  const std::vector<std::string> global = tags(false);
  for (const auto& extra : recurrent_series_) {
    metrics::Serie s;
    s.name = extra.name;
    std::vector<std::string> t = extra.tags.toVector();
    t.insert(t.end(), global.begin(), global.end());
    s.tags = metrics::CompositeTags::of(std::move(t));
    s.host = extra.host.empty() ? opts_.hostname : extra.host;
    s.mtype = extra.mtype;
    s.source_type_name = extra.source_type_name.empty() ? kSystem : extra.source_type_name;
    for (const auto& p : extra.points) s.points.push_back({ts, p.value});
    series.push_back(std::move(s));
  }
  metrics::Serie running;
  running.name = "datadog." + opts_.flavor + ".running";
  running.points = {{ts, 1}};
  running.tags = metrics::CompositeTags::of(tags(true));
  running.host = opts_.hostname;
  running.mtype = metrics::ApiMetricType::kGauge;
  running.source_type_name = kSystem;
  series.push_back(std::move(running));

  metrics::Serie dropped;
  dropped.name = "n_o_i_n_d_e_x.datadog." + opts_.flavor + ".payload.dropped";
  dropped.points = {{ts, static_cast<double>(opts_.payload_drops ? opts_.payload_drops() : 0)}};
  dropped.tags = metrics::CompositeTags::of(global);
  dropped.host = opts_.hostname;
  dropped.mtype = metrics::ApiMetricType::kGauge;
  dropped.source_type_name = kSystem;
  dropped.no_index = true;
  series.push_back(std::move(dropped));
}

void BufferedAggregator::runSend(bool wait_for_serializer, std::function<void()> task) {
  if (!wait_for_serializer && opts_.async_executor) {
    opts_.async_executor(std::move(task));
  } else {
    task();
  }
}

void BufferedAggregator::flushServiceChecksEventsManifests(double now, bool wait_for_serializer) {
  std::vector<metrics::ServiceCheck> checks;
  std::vector<metrics::Event> events;
  std::vector<metrics::OrchestratorManifest> manifests;
  {
    std::lock_guard<std::mutex> l(mu_);
    metrics::ServiceCheck up;
    up.check_name = "datadog." + opts_.flavor + ".up";
    up.status = metrics::ServiceCheckStatus::kOk;
    up.tags = tags(false);
    up.host = opts_.hostname;
    addServiceCheck(std::move(up), now);
    checks.swap(service_checks_);
    events.swap(events_);
    manifests.swap(manifests_);
  }
  MetricSerializer* ser = serializer_;
  AggregatorTelemetry* tel = telemetry_;
  tel->flush_count_service_checks = static_cast<int64_t>(checks.size());
  runSend(wait_for_serializer, [ser, tel, checks = std::move(checks)]() mutable {
    const auto n = static_cast<int64_t>(checks.size());
    if (!ser->sendServiceChecks(std::move(checks)).isOk()) tel->service_check_flush_errors++;
    tel->service_check_flushed += n;
  });
  if (!events.empty()) {
    tel->flush_count_events = static_cast<int64_t>(events.size());
    runSend(wait_for_serializer, [ser, tel, events = std::move(events)]() mutable {
      const auto n = static_cast<int64_t>(events.size());
      if (!ser->sendEvents(std::move(events)).isOk()) tel->events_flush_errors++;
      tel->events_flushed += n;
    });
  }
  if (!manifests.empty()) {
    tel->flush_count_manifests = static_cast<int64_t>(manifests.size());
    runSend(wait_for_serializer, [ser, tel, manifests = std::move(manifests)]() mutable {
      const auto n = static_cast<int64_t>(manifests.size());
      // agent behaviour: manifest send errors are counted in OrchestratorMetadataErrors.
      if (!ser->sendOrchestratorManifests(std::move(manifests)).isOk()) tel->orchestrator_metadata_errors++;
      tel->orchestrator_manifests += n;
    });
  }
}

void BufferedAggregator::shrinkTagStore() {
  std::lock_guard<std::mutex> l(mu_);
  tags_store_.shrink();
}

size_t BufferedAggregator::checkSamplerCount() const {
  std::lock_guard<std::mutex> l(mu_);
  return samplers_.size();
}

void BufferedAggregator::exportTelemetry(common::TelemetrySnapshot& out) const {
  std::lock_guard<std::mutex> l(mu_);
  tags_store_.exportTelemetry("aggregator", out);
  size_t contexts = 0, metrics_total = 0, waiting = 0;
  for (const auto& [id, s] : samplers_) {
    contexts += s->contextCount();
    metrics_total += s->metricCount();
    waiting += s->waitingMetricCount();
  }
  out["aggregator.check_samplers"] = static_cast<double>(samplers_.size());
  out["aggregator.checks_contexts"] = static_cast<double>(contexts);
  out["check_metrics.total_metrics"] = static_cast<double>(metrics_total);
  out["check_metrics.waiting_metrics"] = static_cast<double>(waiting);
  out["check_metrics.active_metrics"] = static_cast<double>(metrics_total - waiting);
  for (const auto& [reason, n] : check_counters_.drops.snapshot()) out["aggregator.dropped." + reason] += static_cast<double>(n);
  for (const auto& [reason, n] : check_counters_.flush_errors.snapshot()) out["aggregator.flush_errors." + reason] += static_cast<double>(n);
}

}  // namespace ddsim::aggregator
