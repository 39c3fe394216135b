#include "core/aggregator/sketch_map.h"

#include <cmath>

namespace ddsim::aggregator {

metrics::AgentSketch& SketchMap::getOrCreate(int64_t ts, metrics::ContextKey key) {
  auto& slot = by_ts_[ts].findOrInsert(key);
  if (!slot) slot = std::make_unique<metrics::AgentSketch>();
  return *slot;
}

bool SketchMap::insert(int64_t ts, metrics::ContextKey key, double v, double sample_rate) {
  if (!std::isfinite(v)) return false;
  getOrCreate(ts, key).insert(v, sample_rate);
  return true;
}

bool SketchMap::insertInterpolate(int64_t ts, metrics::ContextKey key, double lower, double upper,
                                  uint64_t count) {
  if (!std::isfinite(lower) || !std::isfinite(upper)) return false;
  getOrCreate(ts, key).insertInterpolate(lower, upper, count);
  return true;
}

size_t SketchMap::size() const {
  size_t n = 0;
  for (const auto& [ts, m] : by_ts_) n += m.size();
  return n;
}

void SketchPointsByContext::add(metrics::ContextKey key, metrics::SketchPoint&& p) {
  bool inserted = false;
  uint32_t& idx = index_.findOrInsert(key, &inserted);
  if (inserted) {
    idx = static_cast<uint32_t>(groups_.size());
    groups_.emplace_back(key, std::vector<metrics::SketchPoint>{});
  }
  groups_[idx].second.push_back(std::move(p));
}

}  // namespace ddsim::aggregator
