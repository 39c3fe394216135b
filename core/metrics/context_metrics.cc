#include "core/metrics/context_metrics.h"

#include <cmath>
#include <string>

namespace ddsim::metrics {

common::Status ContextMetrics::addSample(ContextKey key, const MetricSample& s, double ts, bool* created) {
  if (created) *created = false;
  if (!std::isfinite(s.value)) {
    return common::invalidArgument("sample value '" + std::to_string(s.value) + "' is not finite");
  }
  if (s.mtype == MetricType::kDistribution) {
    return common::invalidArgument("distribution samples go to a sketch, not to ContextMetrics");
  }
  bool inserted = false;
  AnyMetric& m = metrics_.findOrInsert(key, &inserted);
  if (inserted) {
    m = AnyMetric::create(s.mtype);
    if (created) *created = true;
  }
  m.addSample(s, ts);
  return common::Status::ok();
}

}  // namespace ddsim::metrics
