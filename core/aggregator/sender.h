#pragma once
// The check API (the agent's sender.Sender, pkg/aggregator/sender.go; spec §3.5). Every call
// copies its arguments into the BufferedAggregator's inbox; nothing is aggregated until the
// driver runs processPending(). Time is an argument: `now` (Unix s) stamps the sample as the
// agent's time.Now() would.
//
// Threading: a sender is used by one check run at a time (as in the agent); different senders
// may be used concurrently. The configuration setters must not race with sends.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/aggregator/check_items.h"
#include "core/common/status.h"
#include "core/metrics/event.h"
#include "core/metrics/orchestrator.h"
#include "core/metrics/service_check.h"

namespace ddsim::aggregator {

using Tags = std::vector<std::string>;

class Sender {
 public:
  virtual ~Sender() = default;

  virtual void gauge(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  virtual void gaugeNoIndex(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  virtual void rate(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  virtual void count(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  virtual void monotonicCount(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  virtual void monotonicCountWithFlushFirstValue(std::string_view metric, double value, std::string_view host,
                                                 const Tags& tags, bool flush_first_value, double now) = 0;
  virtual void counter(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  virtual void histogram(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  virtual void historate(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  virtual void distribution(std::string_view metric, double value, std::string_view host, const Tags& tags, double now) = 0;
  // Points at their own time; InvalidArgument ("invalid timestamp") for ts <= 0 (and NaN).
  virtual common::Status gaugeWithTimestamp(std::string_view metric, double value, std::string_view host,
                                            const Tags& tags, double ts) = 0;
  virtual common::Status countWithTimestamp(std::string_view metric, double value, std::string_view host,
                                            const Tags& tags, double ts) = 0;
  // An OpenMetrics histogram bucket (spec §3.3).
  virtual void histogramBucket(std::string_view metric, int64_t value, double lower_bound, double upper_bound,
                               bool monotonic, std::string_view host, const Tags& tags, bool flush_first_value,
                               double now) = 0;
  virtual void serviceCheck(std::string_view check_name, metrics::ServiceCheckStatus status, std::string_view host,
                            const Tags& tags, std::string_view message, double now) = 0;
  virtual void event(metrics::Event e) = 0;
  virtual void orchestratorMetadata(metrics::OrchestratorMetadata metadata) = 0;
  virtual void orchestratorManifest(metrics::OrchestratorManifest manifest) = 0;
  // Ends a check run: its metrics are flushed at `now` into series (spec §3.3).
  virtual void commit(double now) = 0;

  // Configuration (the agent's check-sender setters).
  virtual void disableDefaultHostname(bool disable) = 0;
  virtual void setCheckCustomTags(Tags tags) = 0;
  virtual void setCheckService(std::string service) = 0;
  virtual void finalizeCheckServiceTag() = 0;
  virtual void setNoIndex(bool no_index) = 0;
};

class BufferedAggregator;

// The check name of a check id "<name>:<instance hash>" (the agent's IDToCheckName).
std::string_view checkIdToCheckName(std::string_view id);

// The sender every check gets from the pool (the agent's checkSender).
class CheckSender final : public Sender {
 public:
  // `agg` must outlive the sender's use. Samples take the metric source of the check's name
  // (the part of the id before the first ':'), as the agent's CheckNameToMetricSource.
  CheckSender(CheckId id, std::string default_hostname, BufferedAggregator* agg);

  void gauge(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  void gaugeNoIndex(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  void rate(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  void count(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  void monotonicCount(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  void monotonicCountWithFlushFirstValue(std::string_view m, double v, std::string_view h, const Tags& t,
                                         bool flush_first_value, double now) override;
  void counter(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  void histogram(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  void historate(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  void distribution(std::string_view m, double v, std::string_view h, const Tags& t, double now) override;
  common::Status gaugeWithTimestamp(std::string_view m, double v, std::string_view h, const Tags& t, double ts) override;
  common::Status countWithTimestamp(std::string_view m, double v, std::string_view h, const Tags& t, double ts) override;
  void histogramBucket(std::string_view m, int64_t value, double lower_bound, double upper_bound, bool monotonic,
                       std::string_view h, const Tags& t, bool flush_first_value, double now) override;
  void serviceCheck(std::string_view check_name, metrics::ServiceCheckStatus status, std::string_view h,
                    const Tags& t, std::string_view message, double now) override;
  void event(metrics::Event e) override;
  void orchestratorMetadata(metrics::OrchestratorMetadata metadata) override;
  void orchestratorManifest(metrics::OrchestratorManifest manifest) override;
  void commit(double now) override;

  void disableDefaultHostname(bool disable) override { default_hostname_disabled_ = disable; }
  void setCheckCustomTags(Tags tags) override { check_tags_ = std::move(tags); }
  void setCheckService(std::string service) override { service_ = std::move(service); }
  void finalizeCheckServiceTag() override;
  void setNoIndex(bool no_index) override { no_index_ = no_index; }

  const CheckId& id() const { return id_; }

 private:
  void send(std::string_view metric, double value, std::string_view host, const Tags& tags, metrics::MetricType t,
            bool flush_first_value, bool no_index, double ts);
  std::string hostOr(std::string_view host) const;

  CheckId id_;
  std::string default_hostname_;
  BufferedAggregator* agg_;
  metrics::MetricSource source_;
  bool default_hostname_disabled_ = false;
  Tags check_tags_;
  std::string service_;
  bool no_index_ = false;
};

}  // namespace ddsim::aggregator
