#pragma once
// Number formatting as the agent's Go code produces it (spec §5.4). Thread-safe (pure).
#include <cstdint>
#include <climits>

#include "core/serializer/byte_buffer.h"

namespace ddsim::serializer {

// Go's strconv.AppendFloat(v, fmt, -1, 64): the shortest decimal that round-trips, written as
//   'f'  fixed notation (1e21 -> "1000000000000000000000", 1e-7 -> "0.0000001");
//   'e'  d[.ddd]e±XX with at least two exponent digits (1e-07, 1.5e+21);
//   'g'  'e' when the decimal exponent is < -4 or >= 6, else 'f' — what fmt's %v prints.
// NaN -> "NaN", +Inf -> "+Inf", -Inf -> "-Inf" (Go's spelling).
void appendGoFloat(ByteBuffer& out, double v, char fmt);

// jsoniter v1.1.12 Stream.WriteFloat64: 'f' unless 0 < |v| < 1e-6 or |v| >= 1e21, then 'e'
// (the two-digit exponent is kept: 1e-07). Returns false and writes nothing for NaN and ±Inf.
bool appendJsoniterFloat64(ByteBuffer& out, double v);

// Decimal integer.
void appendInt64(ByteBuffer& out, int64_t v);

// Go's int64(f) for a float64 as the agent's amd64 builds compute it: truncation toward zero,
// and 0x8000000000000000 for NaN, ±Inf and values out of int64's range (what CVTTSD2SI yields).
inline int64_t goFloat64ToInt64(double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(f);
}

}  // namespace ddsim::serializer
