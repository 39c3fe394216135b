#pragma once
// The packed form of a payload's points (table payload_points): one blob per payload instead
// of one row per point, so the intake stores a 2,000-series payload with one insert. Records
// are fixed-width little-endian:
//   series:   context_id i64, ts i64, value f64, interval i64                     (32 bytes)
//   sketches: context_id i64, ts i64, count i64, min f64, max f64, sum f64, avg f64,
//             bins u32, then bins x (key i32, count u32)
// Decoding checks every length and reports a truncated blob instead of reading past it.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/store/records.h"

namespace ddsim::store {

void appendSeriesPoint(std::string& out, int64_t context_id, int64_t ts, double value, int64_t interval);
void appendSketchEntry(std::string& out, int64_t context_id, const SketchEntry& e);

struct PackedSeriesPoint {
  int64_t context_id = 0;
  int64_t ts = 0;
  double value = 0;
  int64_t interval = 0;
};

// Calls `fn` for every record; DataLoss when the blob is cut short.
common::Status forEachSeriesPoint(std::string_view blob, const std::function<void(const PackedSeriesPoint&)>& fn);
// `row` is reused between calls (host and tags left empty).
common::Status forEachSketchEntry(std::string_view blob, const std::function<void(const SketchPointRow&)>& fn);

}  // namespace ddsim::store
