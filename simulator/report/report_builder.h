#pragma once
// Collects what the pipeline reports while it runs (a PipelineObserver) and renders the
// report's flush, payload and transport sections. Measured (real) durations are kept apart
// from the deterministic figures: timingsJson() is the only section that changes between two
// runs of the same scenario and seed. Thread-safe.
#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "simulator/pipeline/observer.h"
#include "simulator/report/size_histogram.h"

namespace ddsim::report {

class ReportBuilder final : public pipeline::PipelineObserver {
 public:
  void onFlush(const pipeline::FlushRecord& r) override;
  void onPayload(const pipeline::PayloadRecord& r) override;
  void onAttempt(const pipeline::AttemptRecord& r) override;

  // When the run started (Unix seconds): every time in the report also says how long after it.
  void setRunStart(double unix_seconds);
  // The retry queue at time t (Unix seconds), sampled by the runner.
  void sampleRetryQueue(double t, int64_t transactions, int64_t bytes);

  // Per flush: start, counts, payloads and bytes per route.
  nlohmann::json flushesJson() const;
  // Per route: payload count, items, points, compressed/uncompressed size histograms.
  nlohmann::json payloadsJson() const;
  // Per route: attempts by outcome, bytes sent.
  nlohmann::json transportJson() const;
  nlohmann::json retryQueueJson() const;
  // Measured durations: per-flush stage times and their distribution.
  nlohmann::json timingsJson() const;

  int64_t flushCount() const;
  int64_t payloadCount() const;
  // POST attempts the intakes answered 2xx, as the transport saw them (the forwarder may still
  // have given up on some: answered after its timeout or after its stop budget).
  int64_t answered2xxPosts() const;
  // Largest DogStatsD context count and series count of any flush.
  int64_t maxContexts() const;
  int64_t maxSeriesPerFlush() const;
  // Per route, for expectations: payloads, max compressed and uncompressed sizes.
  struct RouteSizes {
    int64_t payloads = 0, max_compressed = 0, max_uncompressed = 0;
  };
  std::map<std::string, RouteSizes> routeSizes() const;
  // Longest aggregate+serialize time of any flush (measured).
  double maxFlushSeconds() const;
  // (aggregate + serialize) seconds of every flush, in order.
  std::vector<double> flushSeconds() const;
  std::vector<double> serializeSeconds() const;

 private:
  struct PerFlush {
    pipeline::FlushRecord record;
    double send_seconds = 0;
    struct Route {
      int64_t payloads = 0, compressed = 0, uncompressed = 0, items = 0, points = 0;
    };
    std::map<std::string, Route> routes;
  };
  struct PerRoute {
    int64_t payloads = 0, items = 0, points = 0;
    SizeHistogram compressed, uncompressed;
  };
  struct PerRouteAttempts {
    int64_t attempts = 0, bytes = 0;
    std::map<std::string, int64_t> outcomes;  // "200", "503", "timeout", ...
    double seconds = 0, simulated_seconds = 0;
  };
  PerFlush* flushAt(int64_t index);

  mutable std::mutex mu_;
  std::vector<PerFlush> flushes_;
  std::map<int64_t, std::map<std::string, PerFlush::Route>> early_payloads_;  // payloads seen before onFlush
  std::map<std::string, PerRoute> routes_;
  std::map<std::string, PerRouteAttempts> attempts_;
  struct RetryQueueSample {
    double t = 0;
    int64_t transactions = 0, bytes = 0;
  };
  std::vector<RetryQueueSample> retry_queue_;
  double run_start_ = 0;
  int64_t payloads_ = 0;
  int64_t answered_2xx_posts_ = 0;
};

}  // namespace ddsim::report
