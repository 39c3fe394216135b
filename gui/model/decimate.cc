#include "gui/model/decimate.h"

#include <algorithm>
#include <cmath>

namespace ddsim::gui {

namespace {

// Decimates points [begin, end) of an indexable series `get(i)`.
template <typename Get>
DecimateStats decimate(Get get, size_t begin, size_t end, double t0, double t1, size_t columns,
                       std::vector<Point>& out) {
  out.clear();
  DecimateStats st;
  st.input = end - begin;
  if (st.input == 0) return st;
  columns = std::max<size_t>(columns, 1);
  if (st.input <= 4 * columns || !(t1 > t0)) {
    for (size_t i = begin; i < end; ++i) out.push_back(get(i));
    st.output = out.size();
    return st;
  }
  const double width = (t1 - t0) / static_cast<double>(columns);
  size_t i = begin;
  while (i < end) {
    const auto column = static_cast<size_t>(std::min<double>(std::floor((get(i).t - t0) / width),
                                                             static_cast<double>(columns - 1)));
    const double column_end = t0 + width * static_cast<double>(column + 1);
    size_t first = i, lo = i, hi = i, last = i;
    for (++i; i < end && (get(i).t < column_end || column == columns - 1); ++i) {
      if (get(i).v < get(lo).v) lo = i;
      if (get(i).v > get(hi).v) hi = i;
      last = i;
    }
    size_t keep[4] = {first, std::min(lo, hi), std::max(lo, hi), last};
    for (size_t k = 0; k < 4; ++k) {
      if (k > 0 && keep[k] == keep[k - 1]) continue;
      out.push_back(get(keep[k]));
    }
  }
  st.output = out.size();
  return st;
}

}  // namespace

DecimateStats decimateMinMax(const SeriesBuffer& in, double t0, double t1, size_t columns, std::vector<Point>& out) {
  const size_t begin = in.lowerBound(t0);
  size_t end = begin;
  while (end < in.size() && in.at(end).t <= t1) ++end;
  return decimate([&](size_t i) -> const Point& { return in.at(i); }, begin, end, t0, t1, columns, out);
}

DecimateStats decimateMinMax(const std::vector<Point>& in, double t0, double t1, size_t columns,
                             std::vector<Point>& out) {
  auto lo = std::lower_bound(in.begin(), in.end(), t0, [](const Point& p, double t) { return p.t < t; });
  auto hi = std::upper_bound(lo, in.end(), t1, [](double t, const Point& p) { return t < p.t; });
  return decimate([&](size_t i) -> const Point& { return in[i]; }, static_cast<size_t>(lo - in.begin()),
                  static_cast<size_t>(hi - in.begin()), t0, t1, columns, out);
}

}  // namespace ddsim::gui
