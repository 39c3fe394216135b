#pragma once
// Per-pixel min/max decimation: what a chart draws of a long series. The visible range
// [t0, t1] is cut into `columns` equal slices; each slice that holds points keeps its first,
// minimum, maximum and last point (in time order, duplicates dropped), so every spike and dip
// stays visible and lines join across slices as they would undecimated. At most 4 points per
// column whatever the series' length; a series already smaller than that is returned as is.
// Qt-free and allocation-bounded (the output's capacity).
#include <cstddef>
#include <vector>

#include "gui/model/series_buffer.h"

namespace ddsim::gui {

struct DecimateStats {
  size_t input = 0;   // points in [t0, t1]
  size_t output = 0;  // points kept
};

// Appends the decimated points of `in` within [t0, t1] to `out` (cleared first).
DecimateStats decimateMinMax(const SeriesBuffer& in, double t0, double t1, size_t columns, std::vector<Point>& out);
// The same over a plain vector of points in non-decreasing t.
DecimateStats decimateMinMax(const std::vector<Point>& in, double t0, double t1, size_t columns,
                             std::vector<Point>& out);

}  // namespace ddsim::gui
