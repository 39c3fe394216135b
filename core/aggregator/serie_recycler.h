#pragma once
// Heap storage of flushed series kept from one flush to the next. A flush emits about as many
// series as the one before, each with a name longer than std::string's inline buffer and a
// points vector: handing those buffers back after the serializer is done, and taking them for
// the next flush's series, saves two allocations and two frees per serie (and the page faults
// of a heap that grows and shrinks by tens of MiB every flush at 50k contexts).
// Not thread-safe: one per demultiplexer, used under its flush lock.
#include <cstddef>
#include <string>
#include <vector>

#include "core/metrics/series.h"

namespace ddsim::aggregator {

class SerieRecycler {
 public:
  // Moves every serie's name and points buffers into the pool (the series keep empty ones and
  // may then be destroyed). The pool keeps at most as many buffers as `series` held, so it
  // follows the flush size down as contexts expire.
  void reclaim(std::vector<metrics::Serie>& series);

  // An empty string / points vector, with the capacity of a reclaimed one when the pool has it.
  std::string takeName();
  std::vector<metrics::Point> takePoints();

  size_t pooledNames() const { return names_.size(); }
  size_t pooledPoints() const { return points_.size(); }

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<metrics::Point>> points_;
};

}  // namespace ddsim::aggregator
