#include "core/metrics/metric_types.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/metrics/go_compat.h"

namespace ddsim::metrics {
namespace {

// Go's int64 arithmetic wraps; C++ signed overflow is UB. Histogram weights come from
// int64(1/rate) and may be huge or negative for bad sample rates, so add/multiply wrapping.
inline int64_t wrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t wrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
inline int64_t wrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
// Go's integer division; INT64_MIN / -1 wraps to INT64_MIN in Go (C++: UB). Divisors here are
// positive constants, so only the plain case arises.
inline int64_t goDiv(int64_t a, int64_t b) { return a / b; }

void emitOne(SerieEmitter emit, std::string_view suffix, ApiMetricType t, double ts, double v) {
  const Point p{ts, v};
  emit(suffix, t, std::span<const Point>(&p, 1));
}

// Gauge, Count and Counter: emit the accumulated value once if sampled, then reset.
FlushStatus flushSingle(double& value, bool& sampled, ApiMetricType t, double ts, double divisor,
                        SerieEmitter emit) {
  const double v = value;
  const bool was = sampled;
  value = 0;
  sampled = false;
  if (!was) return FlushStatus::kNoSerie;
  emitOne(emit, "", t, ts, v / divisor);
  return FlushStatus::kEmitted;
}

}  // namespace

std::string_view flushStatusName(FlushStatus s) {
  switch (s) {
    case FlushStatus::kEmitted: return "emitted";
    case FlushStatus::kNoSerie: return "no_serie";
    case FlushStatus::kRateSameTimestamp: return "rate_same_timestamp";
    case FlushStatus::kRateNegative: return "rate_negative";
  }
  return "unknown";
}

// --- Gauge / Count / Counter -------------------------------------------------------------

void Gauge::addSample(const MetricSample& s, double) {
  value = s.value;
  sampled = true;
}

FlushStatus Gauge::flush(double ts, const FlushParams&, SerieEmitter emit) {
  return flushSingle(value, sampled, ApiMetricType::kGauge, ts, 1, emit);
}

void Count::addSample(const MetricSample& s, double) {
  value += s.value;  // agent behaviour: the sample rate is ignored (spec §1.5)
  sampled = true;
}

FlushStatus Count::flush(double ts, const FlushParams&, SerieEmitter emit) {
  return flushSingle(value, sampled, ApiMetricType::kCount, ts, 1, emit);
}

void Counter::addSample(const MetricSample& s, double) {
  // agent behaviour: no guard on the rate; @0 gives +Inf (or NaN for 0/0), spec §1.5.
  value += s.value * (1 / s.sample_rate);
  sampled = true;
}

FlushStatus Counter::flush(double ts, const FlushParams& p, SerieEmitter emit) {
  return flushSingle(value, sampled, ApiMetricType::kRate, ts, static_cast<double>(p.interval), emit);
}

// --- Rate --------------------------------------------------------------------------------

void Rate::addSample(const MetricSample& s, double t) {
  if (ts != 0) {
    previous_sample = sample;
    previous_ts = ts;
  }
  sample = s.value;
  ts = t;
}

FlushStatus Rate::flush(double, const FlushParams&, SerieEmitter emit) {
  if (previous_ts == 0 || ts == 0) return FlushStatus::kNoSerie;
  if (ts == previous_ts) return FlushStatus::kRateSameTimestamp;
  const double value = (sample - previous_sample) / (ts - previous_ts);
  const double point_ts = ts;
  previous_sample = sample;
  previous_ts = ts;
  sample = 0;
  ts = 0;
  if (value < 0) return FlushStatus::kRateNegative;
  emitOne(emit, "", ApiMetricType::kGauge, point_ts, value);
  return FlushStatus::kEmitted;
}

// --- MonotonicCount ----------------------------------------------------------------------

void MonotonicCount::addSample(const MetricSample& s, double) {
  if (!sampled_since_last_flush) {
    current_sample = s.value;
    sampled_since_last_flush = true;
  } else {
    previous_sample = current_sample;
    current_sample = s.value;
    has_previous_sample = true;
  }
  flush_first_value = s.flush_first_value;
  const double diff = current_sample - previous_sample;
  if ((has_previous_sample || flush_first_value) && diff >= 0.) {
    value += diff;
  } else if (flush_first_value) {
    value = current_sample;  // a decrease with flushFirstValue is a counter reset
  }
}

FlushStatus MonotonicCount::flush(double ts, const FlushParams&, SerieEmitter emit) {
  if (!sampled_since_last_flush || !(has_previous_sample || flush_first_value)) {
    return FlushStatus::kNoSerie;
  }
  const double v = value;
  previous_sample = current_sample;
  current_sample = 0;
  value = 0;
  has_previous_sample = true;
  sampled_since_last_flush = false;
  flush_first_value = false;
  emitOne(emit, "", ApiMetricType::kCount, ts, v);
  return FlushStatus::kEmitted;
}

// --- Histogram ---------------------------------------------------------------------------

void Histogram::addValue(double v, double sample_rate) {
  const double rate = sample_rate == 0 ? 1 : sample_rate;
  const int64_t weight = goInt64(1 / rate);  // truncated, spec §1.4
  samples.push_back({v, weight});
  sum += v * (1 / rate);
  count = wrapAdd(count, weight);
}

void Histogram::addSample(const MetricSample& s, double) { addValue(s.value, s.sample_rate); }

FlushStatus Histogram::flush(double ts, const FlushParams& p, SerieEmitter emit) {
  if (samples.empty()) return FlushStatus::kNoSerie;
  // Total order (NaN last): values reaching here are finite except a historate fed two samples
  // with the same timestamp, where the agent's sort tolerates NaN and std::sort would not.
  std::sort(samples.begin(), samples.end(), [](const WeightedSample& a, const WeightedSample& b) {
    if (std::isnan(a.value)) return false;
    if (std::isnan(b.value)) return true;
    return a.value < b.value;
  });
  const HistogramConfig& cfg = *p.histogram;
  for (const auto& agg : cfg.aggregates()) {
    double value = 0;
    ApiMetricType type = ApiMetricType::kGauge;
    switch (agg.kind) {
      case HistogramAggregate::kMax: value = samples.back().value; break;
      case HistogramAggregate::kMin: value = samples.front().value; break;
      case HistogramAggregate::kMedian: {
        int64_t weight = 0;
        const int64_t target = goDiv(wrapSub(count, 1), 2);
        for (const auto& s : samples) {
          weight = wrapAdd(weight, s.weight);
          if (weight > target) {
            value = s.value;
            break;
          }
        }
        break;
      }
      case HistogramAggregate::kAvg: value = sum / static_cast<double>(count); break;
      case HistogramAggregate::kSum: value = sum; break;
      case HistogramAggregate::kCount:
        value = static_cast<double>(count) / static_cast<double>(p.interval);
        type = ApiMetricType::kRate;
        break;
    }
    emitOne(emit, agg.suffix, type, ts, value);
  }
  const auto& pcts = cfg.percentiles();
  if (!pcts.empty()) {
    int64_t weight = 0;
    size_t idx = 0;
    for (const auto& s : samples) {
      weight = wrapAdd(weight, s.weight);
      while (idx < pcts.size() && weight > goDiv(wrapSub(wrapMul(pcts[idx].value, count), 1), 100)) {
        emitOne(emit, pcts[idx].suffix, ApiMetricType::kGauge, ts, s.value);
        ++idx;
      }
      if (idx >= pcts.size()) break;
    }
  }
  samples.clear();
  sum = 0;
  count = 0;
  return FlushStatus::kEmitted;
}

// --- Historate ---------------------------------------------------------------------------

void Historate::addSample(const MetricSample& s, double t) {
  if (previous_ts != 0) {
    histogram.addValue((s.value - previous_sample) / (t - previous_ts), 0);
    sampled = true;
  }
  previous_sample = s.value;
  previous_ts = t;
}

FlushStatus Historate::flush(double ts, const FlushParams& p, SerieEmitter emit) {
  if (!sampled) return FlushStatus::kNoSerie;
  previous_sample = 0;
  previous_ts = 0;
  sampled = false;
  return histogram.flush(ts, p, emit);
}

// --- Set ---------------------------------------------------------------------------------

void Set::addSample(const MetricSample& s, double) { values.emplace(s.raw_value); }

FlushStatus Set::flush(double ts, const FlushParams&, SerieEmitter emit) {
  if (values.empty()) return FlushStatus::kNoSerie;
  emitOne(emit, "", ApiMetricType::kGauge, ts, static_cast<double>(values.size()));
  values.clear();
  return FlushStatus::kEmitted;
}

// --- MetricWithTimestamp -----------------------------------------------------------------

void MetricWithTimestamp::addSample(const MetricSample& s, double t) { points.push_back({t, s.value}); }

FlushStatus MetricWithTimestamp::flush(double, const FlushParams&, SerieEmitter emit) {
  std::vector<Point> out;
  out.swap(points);
  if (out.empty()) return FlushStatus::kNoSerie;
  emit("", api_type, out);
  return FlushStatus::kEmitted;
}

// --- AnyMetric ---------------------------------------------------------------------------

AnyMetric AnyMetric::create(MetricType t) {
  AnyMetric m;
  switch (t) {
    case MetricType::kGauge: m.v_ = Gauge{}; break;
    case MetricType::kRate: m.v_ = std::make_unique<Rate>(); break;
    case MetricType::kCount: m.v_ = Count{}; break;
    case MetricType::kMonotonicCount: m.v_ = std::make_unique<MonotonicCount>(); break;
    case MetricType::kCounter: m.v_ = Counter{}; break;
    case MetricType::kHistogram: m.v_ = std::make_unique<Histogram>(); break;
    case MetricType::kHistorate: m.v_ = std::make_unique<Historate>(); break;
    case MetricType::kSet: m.v_ = std::make_unique<Set>(); break;
    case MetricType::kGaugeWithTimestamp:
    case MetricType::kCountWithTimestamp: {
      auto mt = std::make_unique<MetricWithTimestamp>();
      mt->api_type = t == MetricType::kGaugeWithTimestamp ? ApiMetricType::kGauge : ApiMetricType::kCount;
      m.v_ = std::move(mt);
      break;
    }
    case MetricType::kDistribution:
      assert(false && "distributions go to sketches");
      m.v_ = Gauge{};
      break;
  }
  return m;
}

namespace {
template <typename T>
T& deref(T& v) { return v; }
template <typename T>
T& deref(std::unique_ptr<T>& v) { return *v; }
template <typename T>
const T& deref(const T& v) { return v; }
template <typename T>
const T& deref(const std::unique_ptr<T>& v) { return *v; }
}  // namespace

void AnyMetric::addSample(const MetricSample& s, double ts) {
  std::visit([&](auto& m) { deref(m).addSample(s, ts); }, v_);
}

FlushStatus AnyMetric::flush(double ts, const FlushParams& p, SerieEmitter emit) {
  return std::visit([&](auto& m) { return deref(m).flush(ts, p, emit); }, v_);
}

bool AnyMetric::isStateful() const {
  return std::holds_alternative<std::unique_ptr<Rate>>(v_) ||
         std::holds_alternative<std::unique_ptr<MonotonicCount>>(v_) ||
         std::holds_alternative<std::unique_ptr<Historate>>(v_);
}

MetricType AnyMetric::type() const {
  switch (v_.index()) {
    case 0: return MetricType::kGauge;
    case 1: return MetricType::kCount;
    case 2: return MetricType::kCounter;
    case 3: return MetricType::kRate;
    case 4: return MetricType::kMonotonicCount;
    case 5: return MetricType::kHistogram;
    case 6: return MetricType::kHistorate;
    case 7: return MetricType::kSet;
    default:
      return std::get<std::unique_ptr<MetricWithTimestamp>>(v_)->api_type == ApiMetricType::kCount
                 ? MetricType::kCountWithTimestamp
                 : MetricType::kGaugeWithTimestamp;
  }
}

}  // namespace ddsim::metrics
