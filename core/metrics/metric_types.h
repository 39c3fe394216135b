#pragma once
// Every metric type's add/flush semantics (spec §1.2-1.5), as the agent's pkg/metrics does.
// Distributions are not here: they go to a sketch (ddsketch.h).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

#include "core/metrics/function_ref.h"
#include "core/metrics/histogram_config.h"
#include "core/metrics/metric_sample.h"
#include "core/metrics/metric_type.h"
#include "core/metrics/series.h"

namespace ddsim::metrics {

// What a flush produced. kNoSerie is the agent's silent NoSerieError; the others are the
// errors it logs (and we count) while producing nothing.
enum class FlushStatus : uint8_t {
  kEmitted,
  kNoSerie,
  kRateSameTimestamp,  // Rate sampled twice at the same timestamp
  kRateNegative,       // Rate value negative (counter reset); state has advanced
};
std::string_view flushStatusName(FlushStatus s);

struct FlushParams {
  int64_t interval = 10;  // TimeSampler: 10; CheckSampler: 1 (spec §1.2)
  const HistogramConfig* histogram = &HistogramConfig::defaults();
};

// Receives one serie part: suffix ("" or ".max", ...), API type and its points.
using SerieEmitter = FunctionRef<void(std::string_view suffix, ApiMetricType type,
                                      std::span<const Point> points)>;

struct Gauge {
  double value = 0;
  bool sampled = false;
  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

struct Count {
  double value = 0;
  bool sampled = false;
  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

// DogStatsD `c`: value / sample rate summed, flushed as a rate over the interval.
struct Counter {
  double value = 0;
  bool sampled = false;
  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

struct Rate {
  double previous_sample = 0;
  double previous_ts = 0;
  double sample = 0;
  double ts = 0;
  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

struct MonotonicCount {
  double previous_sample = 0;
  double current_sample = 0;
  double value = 0;
  bool sampled_since_last_flush = false;
  bool has_previous_sample = false;
  bool flush_first_value = false;
  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

struct Histogram {
  struct WeightedSample {
    double value;
    int64_t weight;
  };
  std::vector<WeightedSample> samples;
  double sum = 0;
  int64_t count = 0;
  void addSample(const MetricSample& s, double ts);
  // Adds a value with sample rate 1 (historate's inner samples).
  void addValue(double v, double sample_rate);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

struct Historate {
  Histogram histogram;
  double previous_sample = 0;
  double previous_ts = 0;
  bool sampled = false;
  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

struct Set {
  std::unordered_set<std::string> values;
  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

// GaugeWithTimestamp / CountWithTimestamp: every point kept with its own timestamp.
struct MetricWithTimestamp {
  ApiMetricType api_type = ApiMetricType::kGauge;
  std::vector<Point> points;
  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
};

// One context's metric of any (non-distribution) type, 24 bytes: the light types inline, the
// heavy ones boxed, so a bucket of gauges stays small.
class AnyMetric {
 public:
  // The metric for a first sample of type t. Distribution has no metric: returns a Gauge and
  // callers must route distributions to sketches instead (a debug-checked precondition).
  static AnyMetric create(MetricType t);

  void addSample(const MetricSample& s, double ts);
  FlushStatus flush(double ts, const FlushParams& p, SerieEmitter emit);
  // Rate, MonotonicCount and Historate keep state across flushes (spec §1.6).
  bool isStateful() const;
  MetricType type() const;

 private:
  std::variant<Gauge, Count, Counter, std::unique_ptr<Rate>, std::unique_ptr<MonotonicCount>,
               std::unique_ptr<Histogram>, std::unique_ptr<Historate>, std::unique_ptr<Set>,
               std::unique_ptr<MetricWithTimestamp>>
      v_;
};

}  // namespace ddsim::metrics
