#include "core/aggregator/serie_recycler.h"

#include <utility>

namespace ddsim::aggregator {

void SerieRecycler::reclaim(std::vector<metrics::Serie>& series) {
  const size_t keep = series.size();
  if (names_.size() > keep) names_.resize(keep);
  if (points_.size() > keep) points_.resize(keep);
  for (auto& s : series) {
    if (names_.size() < keep && s.name.capacity() > std::string().capacity()) names_.push_back(std::move(s.name));
    if (points_.size() < keep && s.points.capacity() > 0) points_.push_back(std::move(s.points));
  }
}

std::string SerieRecycler::takeName() {
  if (names_.empty()) return {};
  std::string s = std::move(names_.back());
  names_.pop_back();
  s.clear();
  return s;
}

std::vector<metrics::Point> SerieRecycler::takePoints() {
  if (points_.empty()) return {};
  std::vector<metrics::Point> p = std::move(points_.back());
  points_.pop_back();
  p.clear();
  return p;
}

}  // namespace ddsim::aggregator
