#pragma once
// The BufferedAggregator (spec §3.4): the check samplers, service checks, events and
// orchestrator manifests, fed through one inbox and flushed in the agent's order.
//
// Threading ("tick, don't own threads"): enqueue() is safe from any thread and never blocks;
// processPending(), the flush*() calls and stop() belong to one driver thread (they also lock,
// so a second caller only waits). Nothing here reads a clock: `now` is always an argument.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/aggregator/check_items.h"
#include "core/aggregator/check_sampler.h"
#include "core/aggregator/options.h"
#include "core/aggregator/serializer_interface.h"
#include "core/aggregator/string_interner.h"
#include "core/aggregator/tag_store.h"
#include "core/aggregator/telemetry.h"
#include "core/metrics/histogram_config.h"

namespace ddsim::aggregator {

class BufferedAggregator {
 public:
  // `serializer`, `histogram` and `telemetry` must outlive the aggregator (and every task it
  // hands to opts.async_executor).
  BufferedAggregator(const BufferedAggregatorOptions& opts, MetricSerializer* serializer,
                     const metrics::HistogramConfig* histogram, AggregatorTelemetry* telemetry);
  ~BufferedAggregator();

  // Queues an item for the next processPending(). Thread-safe, never blocks. After stop() the
  // item is dropped (counted as "after_stop") and false is returned.
  bool enqueue(InboxItem item);
  // Handles every queued item in arrival order. Events and service checks with ts 0 get
  // int64(now). Orchestrator metadata is handed to the serializer at once, outside the lock.
  void processPending(double now);
  size_t pendingCount() const;

  // Flush step 1 (spec §3.4): every check sampler's committed series/sketches (deregistered
  // samplers are dropped after this), the recurrent series, datadog.<flavor>.running and
  // n_o_i_n_d_e_x.datadog.<flavor>.payload.dropped. Appends to the vectors.
  void flushSeriesAndSketches(double now, std::vector<metrics::Serie>& series,
                              std::vector<metrics::SketchSeries>& sketches);
  // Flush steps 2-4: service checks (with datadog.<flavor>.up, sent every flush), events (if
  // any), manifests (if any). Synchronous when wait_for_serializer, else through the executor.
  void flushServiceChecksEventsManifests(double now, bool wait_for_serializer);
  // Frees unreferenced tag sets (after each flush, as the agent's run loop does).
  void shrinkTagStore();

  // Series appended to every flush with ts = flush time (AddRecurrentSeries).
  void addRecurrentSeries(metrics::Serie serie);
  // Global tags, plus version:<v> (and package_version:<v>) when with_version (agg.tags()).
  std::vector<std::string> tags(bool with_version) const;
  const BufferedAggregatorOptions& options() const { return opts_; }
  const std::string& hostname() const { return opts_.hostname; }

  void stop();
  bool stopped() const;

  // Telemetry of the check samplers and the shared tag store.
  void exportTelemetry(common::TelemetrySnapshot& out) const;
  size_t checkSamplerCount() const;

 private:
  void handle(InboxItem& item, double now, std::vector<metrics::OrchestratorMetadata>& metadata_out);
  void addServiceCheck(metrics::ServiceCheck sc, double now);
  void addEvent(metrics::Event e, double now);
  CheckSampler* sampler(const CheckId& id);
  void runSend(bool wait_for_serializer, std::function<void()> task);

  BufferedAggregatorOptions opts_;
  MetricSerializer* serializer_;
  const metrics::HistogramConfig* histogram_;
  AggregatorTelemetry* telemetry_;

  mutable std::mutex inbox_mu_;
  std::deque<InboxItem> inbox_;
  bool stopped_ = false;

  mutable std::mutex mu_;  // everything below
  TagStore tags_store_;    // "aggregator": shared by every check sampler
  StringInterner interner_;
  CheckSamplerCounters check_counters_;
  std::map<CheckId, std::unique_ptr<CheckSampler>> samplers_;  // ordered: repeatable flushes
  std::vector<metrics::ServiceCheck> service_checks_;
  std::vector<metrics::Event> events_;
  std::vector<metrics::OrchestratorManifest> manifests_;
  std::vector<metrics::Serie> recurrent_series_;
  std::vector<std::string_view> tag_views_;  // scratch
};

}  // namespace ddsim::aggregator
