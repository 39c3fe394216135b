#pragma once
// Numeric conversions that behave like the agent's Go code on amd64, without C++ undefined
// behaviour. Go's int64(f) for NaN or out-of-range f yields 0x8000000000000000 on amd64
// (CVTTSD2SI); in C++ that conversion is UB, so every float->int the agent does goes through here.
#include <cmath>
#include <cstdint>
#include <limits>

namespace ddsim::metrics {

// Go's int64(f) on amd64: truncation toward zero; NaN and out-of-range give INT64_MIN.
inline int64_t goInt64(double f) {
  // 2^63 is exactly representable; every double in (-2^63, 2^63) truncates into range.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(f > -kTwo63 && f < kTwo63)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(f);
}

// Go's uint(f) for the counts DDSketch derives from 1/rate and bucket values: values are
// non-negative in every path that reaches here; anything else maps to 0.
inline uint64_t goUint(double f) {
  constexpr double kTwo64 = 18446744073709551616.0;
  if (!(f >= 0 && f < kTwo64)) return 0;
  return static_cast<uint64_t>(f);
}

// Go's int(f) (64-bit int).
inline int64_t goInt(double f) { return goInt64(f); }

// math.RoundToEven, independent of the floating-point environment.
inline double roundHalfToEven(double v) {
  const double r = std::round(v);  // halves away from zero
  if (std::fabs(v - std::trunc(v)) == 0.5) return 2.0 * std::round(v / 2.0);
  return r;
}

}  // namespace ddsim::metrics
