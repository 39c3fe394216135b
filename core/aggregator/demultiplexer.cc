#include "core/aggregator/demultiplexer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/metrics/context_key.h"
#include "core/metrics/go_compat.h"

namespace ddsim::aggregator {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

Demultiplexer::Demultiplexer(const DemultiplexerOptions& opts, MetricSerializer* serializer,
                             MetricSerializer* no_agg_serializer)
    : opts_(opts), serializer_(serializer), histogram_(opts.histogram), next_flush_(kInf) {
  const int n = std::max(1, opts_.pipeline_count);
  TimeSamplerOptions ts_opts = opts_.time_sampler;
  ts_opts.hostname = opts_.aggregator.hostname;  // NewTimeSampler(..., agg.hostname)
  for (int i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(i, ts_opts, &histogram_));
  aggregator_ = std::make_unique<BufferedAggregator>(opts_.aggregator, serializer_, &histogram_, &telemetry_);
  if (opts_.no_aggregation_pipeline) {
    no_agg_ = std::make_unique<NoAggregationWorker>(opts_.no_aggregation_batch_size,
                                                    no_agg_serializer ? no_agg_serializer : serializer_, &telemetry_);
  }
}

Demultiplexer::~Demultiplexer() = default;

void Demultiplexer::noteNow(double now) {
  double prev = last_now_.load(std::memory_order_relaxed);
  while (now > prev && !last_now_.compare_exchange_weak(prev, now, std::memory_order_relaxed)) {
  }
}

size_t Demultiplexer::shardOf(const metrics::MetricSample& s) const {
  if (shards_.size() == 1) return 0;
  // The batcher's shard key: name, host and the sample's own tags only (spec §3.5).
  thread_local metrics::KeyGenerator gen;
  thread_local metrics::HashedTags buf;
  buf.clear();
  buf.appendAll(s.tags);
  return metrics::fastrange(gen.generate(s.name, s.host, buf), static_cast<uint32_t>(shards_.size()));
}

void Demultiplexer::addSamples(std::span<const metrics::MetricSample> samples, double now) {
  if (samples.empty()) return;
  noteNow(now);
  if (stopped()) {
    telemetry_.dropped.add("after_stop", static_cast<int64_t>(samples.size()));
    return;
  }
  telemetry_.dogstatsd_metric_sample += static_cast<int64_t>(samples.size());
  if (shards_.size() == 1) {
    Shard& sh = *shards_[0];
    std::lock_guard<std::mutex> l(sh.mu);
    for (const auto& s : samples) sh.sampler.sample(s, now);
    return;
  }
  thread_local std::vector<uint32_t> shard_of;
  shard_of.resize(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) shard_of[i] = static_cast<uint32_t>(shardOf(samples[i]));
  for (size_t k = 0; k < shards_.size(); ++k) {
    if (std::find(shard_of.begin(), shard_of.end(), k) == shard_of.end()) continue;
    Shard& sh = *shards_[k];
    std::lock_guard<std::mutex> l(sh.mu);
    for (size_t i = 0; i < samples.size(); ++i) {
      if (shard_of[i] == k) sh.sampler.sample(samples[i], now);
    }
  }
}

void Demultiplexer::addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) {
  if (samples.empty()) return;
  const double now = last_now_.load(std::memory_order_relaxed);
  if (!no_agg_) {
    // Safeguard of the agent: without the pipeline they go to the first time sampler.
    if (stopped()) {
      telemetry_.dropped.add("after_stop", static_cast<int64_t>(samples.size()));
      return;
    }
    telemetry_.dogstatsd_metric_sample += static_cast<int64_t>(samples.size());
    Shard& sh = *shards_[0];
    std::lock_guard<std::mutex> l(sh.mu);
    for (const auto& s : samples) sh.sampler.sample(s, now);
    return;
  }
  no_agg_->addSamples(samples, now);
}

void Demultiplexer::addEvents(std::vector<metrics::Event>&& events) {
  if (events.empty()) return;
  aggregator_->enqueue(EventItem{std::move(events)});
}

void Demultiplexer::addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) {
  if (checks.empty()) return;
  aggregator_->enqueue(ServiceCheckItem{std::move(checks)});
}

void Demultiplexer::start(double now) {
  std::lock_guard<std::mutex> l(flush_mu_);
  noteNow(now);
  next_flush_ = opts_.flush_interval_seconds > 0 ? now + opts_.flush_interval_seconds : kInf;
  if (no_agg_) no_agg_->start(now);
}

double Demultiplexer::nextDeadline() const {
  std::lock_guard<std::mutex> l(flush_mu_);
  double d = next_flush_;
  if (no_agg_ && no_agg_->pendingCount() > 0) d = std::min(d, no_agg_->nextDeadline());
  return d;
}

bool Demultiplexer::hasPending() const { return aggregator_->pendingCount() > 0; }

int64_t Demultiplexer::samplesInOpenBuckets() const {
  int64_t n = 0;
  for (const auto& shp : shards_) {
    std::lock_guard<std::mutex> l(shp->mu);
    n += shp->sampler.samplesInOpenBuckets();
  }
  return n;
}

void Demultiplexer::processPending(double now) {
  std::lock_guard<std::mutex> l(flush_mu_);
  noteNow(now);
  aggregator_->processPending(now);
}

void Demultiplexer::tick(double now) {
  std::lock_guard<std::mutex> l(flush_mu_);
  noteNow(now);
  aggregator_->processPending(now);
  if (now >= next_flush_) {
    flushLocked(now, false);  // the ticker's flush does not wait for the serializer
    // Like a Go ticker, missed ticks are not replayed: the next one is the first after now.
    const double k = std::floor((now - next_flush_) / opts_.flush_interval_seconds) + 1;
    next_flush_ += k * opts_.flush_interval_seconds;
  }
  if (no_agg_) no_agg_->tick(now);
}

void Demultiplexer::flush(double now, bool wait_for_serializer, bool all_buckets) {
  std::lock_guard<std::mutex> l(flush_mu_);
  flushLocked(now, wait_for_serializer, all_buckets);
}

void Demultiplexer::flushLocked(double now, bool wait_for_serializer, bool all_buckets) {
  if (aggregator_->stopped()) return;  // the agent skips flushes once stopped
  noteNow(now);
  // Items queued before the flush are handled first, so a flush sees everything sent before it.
  aggregator_->processPending(now);
  // Kept across flushes: the vector's capacity, and the series' buffers through recycler_.
  std::vector<metrics::Serie>& series = series_;
  series.clear();
  std::vector<metrics::SketchSeries> sketches;
  // Time samplers get the trigger time in whole seconds (trigger.time.Unix()).
  const double trigger = std::floor(now);
  for (auto& shp : shards_) {
    Shard& sh = *shp;
    std::lock_guard<std::mutex> l(sh.mu);
    sh.sampler.flush(trigger, series, sketches, all_buckets, &recycler_);
    sh.store.shrink();
    telemetry_.dogstatsd_contexts = static_cast<int64_t>(sh.sampler.contextCount());
    const auto& by_type = sh.sampler.contextsByMtype();
    for (size_t i = 0; i < by_type.size(); ++i) {
      telemetry_.dogstatsd_contexts_by_mtype[i] = static_cast<int64_t>(by_type[i]);
    }
  }
  aggregator_->flushSeriesAndSketches(now, series, sketches);

  const auto n_series = static_cast<int64_t>(series.size());
  if (!serializer_->sendSeries(std::move(series)).isOk()) telemetry_.series_flush_errors++;
  // sendSeries takes an rvalue reference: the serializer may have moved the series away (test
  // doubles do); what it left behind is handed to the next flush.
  recycler_.reclaim(series);
  series.clear();
  // After a burst, give the vector back instead of holding it until the next one.
  if (series.capacity() > 4 * static_cast<size_t>(n_series) + 4096) series.shrink_to_fit();
  telemetry_.series_flushed += n_series;
  telemetry_.flush_count_series = n_series;
  if (!sketches.empty()) {
    const auto n_sketches = static_cast<int64_t>(sketches.size());
    if (!serializer_->sendSketches(std::move(sketches)).isOk()) telemetry_.sketches_flush_errors++;
    telemetry_.sketches_flushed += n_sketches;
    telemetry_.flush_count_sketches = n_sketches;
  }
  aggregator_->flushServiceChecksEventsManifests(now, wait_for_serializer);
  aggregator_->shrinkTagStore();
  telemetry_.number_of_flush++;
}

void Demultiplexer::stop(double now, bool flush) {
  std::lock_guard<std::mutex> l(flush_mu_);
  if (aggregator_->stopped()) return;
  if (no_agg_) no_agg_->stop();
  if (flush) flushLocked(now, true, opts_.flush_incomplete_buckets);
  for (auto& shp : shards_) {
    std::lock_guard<std::mutex> sl(shp->mu);
    // agent behaviour: the shutdown flush leaves the open buckets out (time_sampler.go flush,
    // forceFlushAll only with dogstatsd_flush_incomplete_buckets); their samples are gone.
    if (const int64_t n = shp->sampler.samplesInOpenBuckets(); n > 0) {
      telemetry_.dropped.add("open_bucket_at_stop", n);
      spdlog::warn("aggregator: {} samples in open 10 s buckets are not flushed at stop (the agent's behaviour "
                   "unless dogstatsd_flush_incomplete_buckets is true)", n);
    }
  }
  {
    std::lock_guard<std::mutex> sl(senders_mu_);
    stopped_ = true;
    senders_.clear();
    default_sender_.reset();
  }
  aggregator_->stop();
  next_flush_ = kInf;
}

bool Demultiplexer::stopped() const {
  std::lock_guard<std::mutex> l(senders_mu_);
  return stopped_;
}

common::Result<std::shared_ptr<Sender>> Demultiplexer::getSender(const CheckId& id) {
  std::lock_guard<std::mutex> l(senders_mu_);
  if (stopped_) return common::failedPrecondition("demultiplexer is stopped");
  auto it = senders_.find(id);
  if (it != senders_.end()) return it->second;
  // Registration travels through the inbox like the samples, so it is ordered before them.
  aggregator_->enqueue(RegisterSamplerItem{id});
  auto sender = std::make_shared<CheckSender>(id, opts_.aggregator.hostname, aggregator_.get());
  senders_[id] = sender;
  return std::shared_ptr<Sender>(sender);
}

common::Status Demultiplexer::setSender(std::shared_ptr<Sender> sender, const CheckId& id) {
  std::lock_guard<std::mutex> l(senders_mu_);
  if (stopped_) return common::failedPrecondition("demultiplexer is stopped");
  if (!sender) return common::invalidArgument("setSender: null sender for check '" + id + "'");
  if (senders_.count(id) != 0) aggregator_->enqueue(DeregisterSamplerItem{id});
  aggregator_->enqueue(RegisterSamplerItem{id});
  senders_[id] = std::move(sender);
  return common::Status::ok();
}

void Demultiplexer::destroySender(const CheckId& id) {
  std::lock_guard<std::mutex> l(senders_mu_);
  if (stopped_) return;
  senders_.erase(id);
  // Same queue as the samples: the sampler is dropped only after what was sent before.
  aggregator_->enqueue(DeregisterSamplerItem{id});
}

common::Result<std::shared_ptr<Sender>> Demultiplexer::getDefaultSender() {
  std::lock_guard<std::mutex> l(senders_mu_);
  if (stopped_) return common::failedPrecondition("demultiplexer is stopped");
  if (!default_sender_) {
    const CheckId zero;  // the default check id is the zero value
    aggregator_->enqueue(RegisterSamplerItem{zero});
    default_sender_ = std::make_shared<CheckSender>(zero, opts_.aggregator.hostname, aggregator_.get());
  }
  return default_sender_;
}

void Demultiplexer::addAgentStartupTelemetry(double now) {
  const auto& ao = opts_.aggregator;
  if (ao.agent_version.empty()) return;
  const std::vector<std::string> tags = aggregator_->tags(true);
  std::vector<std::string_view> views(tags.begin(), tags.end());
  const std::string name = "datadog." + ao.flavor + ".started";
  metrics::MetricSample s;
  s.name = name;
  s.value = 1;
  s.tags = views;
  s.host = ao.hostname;
  s.mtype = metrics::MetricType::kCount;
  s.sample_rate = 1;
  {
    // AggregateSample: always the first time sampler.
    noteNow(now);
    telemetry_.dogstatsd_metric_sample++;
    Shard& sh = *shards_[0];
    std::lock_guard<std::mutex> l(sh.mu);
    sh.sampler.sample(s, now);
  }
  if (!ao.hostname.empty()) {
    metrics::Event e;
    e.text = "Version " + ao.agent_version;
    e.source_type_name = "System";
    e.host = ao.hostname;
    e.event_type = "Agent Startup";
    aggregator_->enqueue(EventItem{{std::move(e)}});
  }
}

void Demultiplexer::addRecurrentSeries(metrics::Serie serie) { aggregator_->addRecurrentSeries(std::move(serie)); }

size_t Demultiplexer::dogstatsdContextCount() const {
  size_t n = 0;
  for (const auto& sh : shards_) {
    std::lock_guard<std::mutex> l(sh->mu);
    n += sh->sampler.contextCount();
  }
  return n;
}

common::TelemetrySnapshot Demultiplexer::telemetry() const {
  common::TelemetrySnapshot out;
  telemetry_.exportTo(out);
  aggregator_->exportTelemetry(out);
  for (const auto& shp : shards_) {
    const Shard& sh = *shp;
    std::lock_guard<std::mutex> l(sh.mu);
    const std::string id = std::to_string(sh.sampler.id());
    out["aggregator.dogstatsd_contexts.shard_" + id] = static_cast<double>(sh.sampler.contextCount());
    out["aggregator.dogstatsd_time_buckets.shard_" + id] = static_cast<double>(sh.sampler.bucketCount());
    for (const auto& [reason, n] : sh.sampler.drops().snapshot()) out["aggregator.dropped." + reason] += static_cast<double>(n);
    for (const auto& [reason, n] : sh.sampler.anomalies().snapshot()) out["aggregator.anomaly." + reason] += static_cast<double>(n);
    for (const auto& [reason, n] : sh.sampler.flushErrors().snapshot()) {
      out["aggregator.flush_errors." + reason] += static_cast<double>(n);
    }
    sh.store.exportTelemetry("timesampler_" + id, out);
  }
  return out;
}

}  // namespace ddsim::aggregator
