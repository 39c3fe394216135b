#include "gui/model/series_buffer.h"

#include <algorithm>

namespace ddsim::gui {

SeriesBuffer::SeriesBuffer(size_t capacity) : ring_(std::max<size_t>(capacity, 1)) {}

bool SeriesBuffer::push(double t, double v) {
  if (size_ > 0 && t < back().t) {
    ++refused_;
    return false;
  }
  if (size_ < ring_.size()) {
    ring_[(head_ + size_) % ring_.size()] = {t, v};
    ++size_;
  } else {
    ring_[head_] = {t, v};
    head_ = (head_ + 1) % ring_.size();
    ++overwritten_;
  }
  return true;
}

size_t SeriesBuffer::lowerBound(double t) const {
  size_t lo = 0, hi = size_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (at(mid).t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

void SeriesBuffer::clear() {
  head_ = 0;
  size_ = 0;
}

}  // namespace ddsim::gui
