#pragma once
// Distribution sketches by (timestamp, context) (the agent's sketchMap, spec §3.2, §3.3, §4.3).
// Not thread-safe: owned by one sampler.
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/metrics/context_key.h"
#include "core/metrics/ddsketch.h"
#include "core/metrics/key_map.h"
#include "core/metrics/series.h"

namespace ddsim::aggregator {

class SketchMap {
 public:
  // Inserts v with a sample rate into the sketch of (ts, key). NaN/Inf are rejected (false).
  bool insert(int64_t ts, metrics::ContextKey key, double v, double sample_rate);
  // Interpolated insert of a histogram bucket; NaN/Inf bounds are rejected (false).
  bool insertInterpolate(int64_t ts, metrics::ContextKey key, double lower, double upper, uint64_t count);

  // Finishes and removes every sketch with ts < before, oldest first; empty sketches are
  // skipped. Calls f(key, SketchPoint&&).
  template <typename F>
  void flushBefore(int64_t before, F&& f) {
    for (auto it = by_ts_.begin(); it != by_ts_.end() && it->first < before;) {
      it->second.forEach([&](uint64_t key, std::unique_ptr<metrics::AgentSketch>& s) {
        if (auto done = s->finish()) f(key, metrics::SketchPoint{it->first, std::move(*done)});
      });
      it = by_ts_.erase(it);
    }
  }

  // Number of (ts, context) sketches held.
  size_t size() const;
  bool empty() const { return by_ts_.empty(); }

 private:
  metrics::AgentSketch& getOrCreate(int64_t ts, metrics::ContextKey key);
  std::map<int64_t, metrics::KeyMap<std::unique_ptr<metrics::AgentSketch>>> by_ts_;
};

// Groups flushed sketch points by context, keeping contexts in order of first appearance.
class SketchPointsByContext {
 public:
  void add(metrics::ContextKey key, metrics::SketchPoint&& p);
  template <typename F>
  void forEach(F&& f) {
    for (auto& [key, points] : groups_) f(key, points);
  }
  bool empty() const { return groups_.empty(); }

 private:
  metrics::KeyMap<uint32_t> index_;
  std::vector<std::pair<metrics::ContextKey, std::vector<metrics::SketchPoint>>> groups_;
};

}  // namespace ddsim::aggregator
