#pragma once
// The serverless metric agent (spec §3.7, §7.1 step 7, §7.4): a DogStatsD server in serverless
// mode feeding one TimeSampler (no BufferedAggregator, no ticker, no service checks or events),
// flushed only on demand through a Serializer (v1 JSON series) and a SyncForwarder (5 s).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/aggregator/tag_store.h"
#include "core/aggregator/time_sampler.h"
#include "core/common/counters.h"
#include "core/config/pipeline_options.h"
#include "core/dogstatsd/server.h"
#include "core/forwarder/sync_forwarder.h"
#include "core/metrics/sample_sink.h"
#include "core/serializer/serializer.h"
#include "core/serverless/telemetry_events.h"

namespace ddsim::serverless {

inline constexpr const char* kInvocationsMetric = "aws.lambda.enhanced.invocations";

class ServerlessMetricAgent final : public metrics::SampleSink {
 public:
  // Applies the serverless overrides to `options` (v1 series, no DogStatsD Unix socket, 1 ms
  // packet flush, the invocations metric blocklisted). `transport` and `clock` must outlive it.
  static common::Result<std::unique_ptr<ServerlessMetricAgent>> create(config::PipelineOptions options,
                                                                        forwarder::Transport& transport,
                                                                        common::Clock& clock);
  ~ServerlessMetricAgent() override;

  // Opens the DogStatsD listener (UDP dogstatsd_port). Failure is logged by the caller; the
  // extension still runs (enhanced metrics need no socket).
  common::Status startDogStatsd();
  int dogstatsdPort() const { return server_ ? server_->udpPort() : 0; }

  // An enhanced metric: a distribution sample with its timestamp and the extension's tags.
  void addEnhanced(const EnhancedPoint& p);
  void setTags(std::vector<std::string> tags);

  struct FlushResult {
    size_t series = 0;
    size_t sketches = 0;
  };
  // The agent's ServerlessFlush: cutoff now + 10 s (the open bucket goes too), v1 series (one
  // payload even when empty) and sketches (only when any), sent synchronously.
  FlushResult flush(common::SystemTime now);
  // Stops the DogStatsD server (draining what it holds into the sampler).
  void stopDogStatsd();

  // SampleSink (DogStatsD workers, concurrently).
  void addSamples(std::span<const metrics::MetricSample> samples, double now) override;
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) override;
  void addEvents(std::vector<metrics::Event>&& events) override;
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override;

  const common::CounterSet& drops() const { return drops_; }
  const forwarder::SyncForwarder& forwarder() const { return *forwarder_; }
  const config::PipelineOptions& options() const { return options_; }

 private:
  ServerlessMetricAgent(config::PipelineOptions options, common::Clock& clock);

  config::PipelineOptions options_;
  common::Clock& clock_;
  std::mutex mu_;  // serialises samples against flushes (spec §3.7)
  aggregator::TagStore tag_store_;
  std::unique_ptr<aggregator::TimeSampler> sampler_;
  std::unique_ptr<forwarder::SyncForwarder> forwarder_;
  std::unique_ptr<serializer::Serializer> serializer_;
  std::unique_ptr<dogstatsd::DogStatsdServer> server_;
  std::vector<std::string> tags_;
  common::CounterSet drops_;
};

}  // namespace ddsim::serverless
