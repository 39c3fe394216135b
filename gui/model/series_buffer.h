#pragma once
// A bounded time series for the dashboard's live charts: (t, value) points in time order in a
// ring of fixed capacity. When full, the oldest point is overwritten and counted, so a chart
// can say how much of the run it no longer shows (the run store keeps everything). Qt-free;
// not thread-safe (the controller hands points over through its own queue).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ddsim::gui {

struct Point {
  double t = 0;  // seconds since the run started
  double v = 0;
};

class SeriesBuffer {
 public:
  explicit SeriesBuffer(size_t capacity);

  // Appends a point. Points must come in non-decreasing t; an earlier one is refused (false)
  // and counted, since a chart's x axis only moves forward.
  bool push(double t, double v);
  size_t size() const { return size_; }
  size_t capacity() const { return ring_.size(); }
  bool empty() const { return size_ == 0; }
  // The i-th oldest point held (0 <= i < size()).
  const Point& at(size_t i) const { return ring_[(head_ + i) % ring_.size()]; }
  const Point& front() const { return at(0); }
  const Point& back() const { return at(size_ - 1); }
  // Points overwritten because the ring was full, and points refused for going back in time.
  uint64_t overwritten() const { return overwritten_; }
  uint64_t refused() const { return refused_; }
  // Index of the first point with t >= `t` (size() when none), by binary search.
  size_t lowerBound(double t) const;
  void clear();

 private:
  std::vector<Point> ring_;
  size_t head_ = 0;
  size_t size_ = 0;
  uint64_t overwritten_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace ddsim::gui
