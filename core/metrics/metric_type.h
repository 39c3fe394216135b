#pragma once
// Metric types (spec §1.1). The ordinal of MetricType matters for telemetry arrays.
#include <cstdint>
#include <string_view>

namespace ddsim::metrics {

enum class MetricType : uint8_t {
  kGauge = 0,
  kRate = 1,
  kCount = 2,
  kMonotonicCount = 3,
  kCounter = 4,
  kHistogram = 5,
  kHistorate = 6,
  kSet = 7,
  kDistribution = 8,
  kGaugeWithTimestamp = 9,
  kCountWithTimestamp = 10,
};
inline constexpr int kNumMetricTypes = 11;

// The agent's String() of each type: "Gauge", "Rate", ... (used as telemetry keys).
std::string_view metricTypeName(MetricType t);

// The type on the wire (spec §1.1): JSON "gauge"/"rate"/"count".
enum class ApiMetricType : uint8_t { kGauge = 0, kRate = 1, kCount = 2 };

std::string_view apiMetricTypeName(ApiMetricType t);
// The v2 protobuf enum value: count -> 1, rate -> 2, gauge -> 3.
inline constexpr int apiMetricTypeV2(ApiMetricType t) {
  switch (t) {
    case ApiMetricType::kCount: return 1;
    case ApiMetricType::kRate: return 2;
    case ApiMetricType::kGauge: return 3;
  }
  return 0;
}

}  // namespace ddsim::metrics
