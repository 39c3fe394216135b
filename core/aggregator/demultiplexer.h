#pragma once
// The agent's AgentDemultiplexer (spec §3.5): N DogStatsD time-sampler shards, the
// BufferedAggregator for checks, the no-aggregation pipeline, the senders pool, and the flush
// that hands everything to the serializer.
//
// Threading and locking:
//  * SampleSink methods (addSamples, addSamplesWithoutAggregation, addEvents, addServiceChecks)
//    and the senders-pool calls are safe from any number of threads at once. addSamples locks
//    one shard mutex at a time; a flush locks the same shard mutexes one after the other, so
//    listeners only wait while their own shard flushes.
//  * tick(), flush(), processPending(), start() and stop() are the driver's: one thread (they
//    take an internal flush mutex, so concurrent callers are serialised).
//  * Nothing reads a clock: every time is an argument. A live program calls tick() from a
//    driver thread (see LiveDriver); the simulator calls it in virtual time at nextDeadline().
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/aggregator/buffered_aggregator.h"
#include "core/aggregator/no_aggregation.h"
#include "core/aggregator/options.h"
#include "core/aggregator/sender.h"
#include "core/aggregator/serializer_interface.h"
#include "core/aggregator/serie_recycler.h"
#include "core/aggregator/tag_store.h"
#include "core/aggregator/telemetry.h"
#include "core/aggregator/time_sampler.h"
#include "core/common/counters.h"
#include "core/common/status.h"
#include "core/metrics/histogram_config.h"
#include "core/metrics/sample_sink.h"

namespace ddsim::aggregator {

class Demultiplexer final : public metrics::SampleSink {
 public:
  // `serializer` must outlive the demultiplexer. `no_agg_serializer` (the agent's second
  // serializer instance for the no-aggregation pipeline) defaults to `serializer`.
  Demultiplexer(const DemultiplexerOptions& opts, MetricSerializer* serializer,
                MetricSerializer* no_agg_serializer = nullptr);
  ~Demultiplexer() override;
  Demultiplexer(const Demultiplexer&) = delete;
  Demultiplexer& operator=(const Demultiplexer&) = delete;

  // --- metrics::SampleSink (any thread) ---
  // Samples are spread over the shards by fastrange of their own key (spec §3.5) and
  // aggregated at once under the shard's lock; `now` is used for samples without timestamp.
  void addSamples(std::span<const metrics::MetricSample> samples, double now) override;
  // To the no-aggregation pipeline when enabled, else to shard 0 (the agent's safeguard). The
  // arrival time is the latest `now` the demultiplexer has seen.
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) override;
  // Queued for the BufferedAggregator; handled at the next processPending()/tick()/flush().
  void addEvents(std::vector<metrics::Event>&& events) override;
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override;

  // --- driver ---
  // Arms the 15 s flush ticker (first flush at now + interval) and the no-aggregation check.
  void start(double now);
  // Handles the aggregator inbox, then runs whatever is due at `now`: the automatic flush
  // (waitForSerializer = false, as the agent's ticker) and the no-aggregation idle check.
  void tick(double now);
  // The earliest time tick() has something scheduled to do; +inf when nothing is armed.
  // Queued inbox items do not count (see hasPending()).
  double nextDeadline() const;
  bool hasPending() const;
  // Samples in time-sampler buckets no flush has emitted yet (a stop now would lose them).
  // Thread-safe (locks each shard).
  int64_t samplesInOpenBuckets() const;
  // Handles the aggregator inbox (check items, events, service checks) at `now`.
  void processPending(double now);
  // A full flush at `now` (ForceFlushToSerializer): time samplers in shard order, then the
  // check samplers and default series, series (always) and sketches (if any) to the
  // serializer, then service checks, events and manifests.
  void flush(double now, bool wait_for_serializer = true, bool all_buckets = false);
  // Stops the no-aggregation pipeline (sending what it holds), optionally flushes with
  // waitForSerializer, then refuses senders and new items ("demultiplexer is stopped").
  // Samples still in open time-sampler buckets are lost then (as the agent loses them unless
  // dogstatsd_flush_incomplete_buckets; the flush then includes them) and counted as
  // aggregator.dropped.open_bucket_at_stop.
  void stop(double now, bool flush);
  bool stopped() const;

  // --- senders pool (any thread; spec §3.5) ---
  // The check's sender, created (and its sampler registered) on first request.
  common::Result<std::shared_ptr<Sender>> getSender(const CheckId& id);
  // Installs `sender` for `id`, re-registering the sampler (a previous one is deregistered).
  common::Status setSender(std::shared_ptr<Sender> sender, const CheckId& id);
  // Drops the check's sender; its sampler is flushed once more at the next flush, then freed.
  void destroySender(const CheckId& id);
  // The sender of the zero check id, created on first use.
  common::Result<std::shared_ptr<Sender>> getDefaultSender();

  // AddAgentStartupTelemetry: datadog.<flavor>.started (Count 1) into shard 0 at `now`, and an
  // "Agent Startup" event when the hostname is known.
  void addAgentStartupTelemetry(double now);
  void addRecurrentSeries(metrics::Serie serie);

  // Aggregator telemetry (spec §3.8) plus per-shard state and every drop by reason.
  common::TelemetrySnapshot telemetry() const;
  int pipelineCount() const { return static_cast<int>(shards_.size()); }
  BufferedAggregator& aggregator() { return *aggregator_; }
  const DemultiplexerOptions& options() const { return opts_; }
  // Contexts held by the time samplers (all shards).
  size_t dogstatsdContextCount() const;

 private:
  struct Shard {
    Shard(int id, const TimeSamplerOptions& opts, const metrics::HistogramConfig* h)
        : store(opts.use_tags_store), sampler(id, opts, &store, h) {}
    mutable std::mutex mu;
    TagStore store;  // "timesampler #i"
    TimeSampler sampler;
  };

  void noteNow(double now);
  void flushLocked(double now, bool wait_for_serializer, bool all_buckets = false);
  size_t shardOf(const metrics::MetricSample& s) const;

  DemultiplexerOptions opts_;
  MetricSerializer* serializer_;
  metrics::HistogramConfig histogram_;
  AggregatorTelemetry telemetry_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<BufferedAggregator> aggregator_;
  std::unique_ptr<NoAggregationWorker> no_agg_;

  mutable std::mutex flush_mu_;  // the driver's calls; guards series_ and recycler_ too
  std::vector<metrics::Serie> series_;
  SerieRecycler recycler_;
  double next_flush_;
  std::atomic<double> last_now_{0};

  mutable std::mutex senders_mu_;
  bool stopped_ = false;
  std::map<CheckId, std::shared_ptr<Sender>> senders_;
  std::shared_ptr<Sender> default_sender_;
};

}  // namespace ddsim::aggregator
