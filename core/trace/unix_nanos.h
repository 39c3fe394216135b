#pragma once
// Wall time as Unix nanoseconds: the time argument of the trace agent's stats (concentrator,
// client stats aggregator), which buckets by span end times in the same unit.
#include <chrono>
#include <cstdint>

#include "core/common/clock.h"

namespace ddsim::trace {

inline int64_t unixNanos(common::SystemTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace ddsim::trace
