#include "core/serverless/metric_agent.h"

#include <cmath>

namespace ddsim::serverless {

ServerlessMetricAgent::ServerlessMetricAgent(config::PipelineOptions options, common::Clock& clock)
    : options_(std::move(options)), clock_(clock), tag_store_(options_.aggregator.time_sampler.use_tags_store) {}

ServerlessMetricAgent::~ServerlessMetricAgent() { stopDogStatsd(); }

common::Result<std::unique_ptr<ServerlessMetricAgent>> ServerlessMetricAgent::create(config::PipelineOptions options,
                                                                                      forwarder::Transport& transport,
                                                                                      common::Clock& clock) {
  // §7.1 step 1 and 7: the serverless overrides.
  options.serializer.use_v2_api_series = false;
  options.dogstatsd.socket_path.clear();
  options.dogstatsd.stream_socket_path.clear();
  options.dogstatsd.processor.enrich.serverless = true;
  auto& blocklist = options.dogstatsd.processor.enrich.metric_blocklist;
  if (std::find(blocklist.begin(), blocklist.end(), kInvocationsMetric) == blocklist.end()) {
    blocklist.emplace_back(kInvocationsMetric);
  }
  std::unique_ptr<ServerlessMetricAgent> agent(new ServerlessMetricAgent(std::move(options), clock));
  auto& o = agent->options_;
  auto fwd = forwarder::SyncForwarder::create(o.forwarder, transport, clock, forwarder::kServerlessFlushTimeout);
  if (!fwd.isOk()) return fwd.status();
  agent->forwarder_ = std::move(fwd).value();
  agent->serializer_ = std::make_unique<serializer::Serializer>(o.serializer, *agent->forwarder_, clock);
  aggregator::TimeSamplerOptions ts = o.aggregator.time_sampler;
  ts.hostname.clear();  // §3.7: one TimeSampler, hostname ""
  agent->sampler_ = std::make_unique<aggregator::TimeSampler>(0, ts, &agent->tag_store_);
  return agent;
}

common::Status ServerlessMetricAgent::startDogStatsd() {
  if (server_ || options_.dogstatsd.port == 0) return common::Status::ok();
  server_ = std::make_unique<dogstatsd::DogStatsdServer>(options_.dogstatsd, *this, clock_);
  auto st = server_->start();
  if (!st.isOk()) server_.reset();
  return st;
}

void ServerlessMetricAgent::stopDogStatsd() {
  if (server_) server_->stop();
}

void ServerlessMetricAgent::setTags(std::vector<std::string> tags) {
  std::lock_guard l(mu_);
  tags_ = std::move(tags);
}

void ServerlessMetricAgent::addEnhanced(const EnhancedPoint& p) {
  std::lock_guard l(mu_);
  std::vector<std::string_view> tags(tags_.begin(), tags_.end());
  metrics::MetricSample s;
  s.name = p.name;
  s.value = p.value;
  s.mtype = metrics::MetricType::kDistribution;
  s.tags = tags;
  s.timestamp = p.timestamp;
  s.source = metrics::MetricSource::kUnknown;
  sampler_->sample(s, p.timestamp);
}

void ServerlessMetricAgent::addSamples(std::span<const metrics::MetricSample> samples, double now) {
  std::lock_guard l(mu_);
  for (const auto& s : samples) sampler_->sample(s, now);
}

void ServerlessMetricAgent::addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) {
  // §3.7: the serverless batcher routes timestamped samples to the TimeSampler.
  addSamples(samples, common::toUnixSeconds(clock_.systemNow()));
}

void ServerlessMetricAgent::addEvents(std::vector<metrics::Event>&& events) {
  // spec §7.5 UNSURE: the agent's serverless batcher has no event channel; ddsim drops them.
  drops_.add("event_unsupported_in_serverless", static_cast<int64_t>(events.size()));
}

void ServerlessMetricAgent::addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) {
  drops_.add("service_check_unsupported_in_serverless", static_cast<int64_t>(checks.size()));
}

ServerlessMetricAgent::FlushResult ServerlessMetricAgent::flush(common::SystemTime now) {
  std::vector<metrics::Serie> series;
  std::vector<metrics::SketchSeries> sketches;
  {
    std::lock_guard l(mu_);
    // §7.4: ForceFlushToSerializer(now + 10 s): the open bucket and its sketches go too.
    sampler_->flush(std::floor(common::toUnixSeconds(now)) + 10, series, sketches);
    tag_store_.shrink();
  }
  FlushResult out{series.size(), sketches.size()};
  if (!serializer_->sendSeries(std::move(series)).isOk()) drops_.add("series_flush_error");
  if (!sketches.empty() && !serializer_->sendSketches(std::move(sketches)).isOk()) {
    drops_.add("sketches_flush_error");
  }
  return out;
}

}  // namespace ddsim::serverless
