#pragma once
// Number parsing with the syntax of Go's strconv, which the agent's parser uses (spec §8.2):
// ParseFloat(s, 64) and ParseInt(s, 10, 64). Allocation-free on every common input.
#include <cstdint>
#include <optional>
#include <string_view>

namespace ddsim::dogstatsd {

// Go's ParseFloat(s, 64): optional sign, decimal or 0x-hex (with a mandatory p exponent)
// mantissa, "inf"/"infinity" (any case, optional sign) and "nan" (any case, no sign).
// Overflow is an error; underflow gives 0 or a subnormal (no error). Returns false on error.
// (An out-parameter rather than std::optional: returning optional<double> through the stack
// costs a store-forwarding stall on the hot path.)
bool parseGoFloat(std::string_view s, double* out);

// Go's ParseInt(s, 10, 64) (and Atoi): optional '+' or '-', then decimal digits only.
// Returns false on a syntax error or overflow.
bool parseGoInt(std::string_view s, int64_t* out);

// Convenience forms for code off the hot path.
inline std::optional<double> parseGoFloat(std::string_view s) {
  double v;
  if (!parseGoFloat(s, &v)) return std::nullopt;
  return v;
}
inline std::optional<int64_t> parseGoInt(std::string_view s) {
  int64_t v;
  if (!parseGoInt(s, &v)) return std::nullopt;
  return v;
}

}  // namespace ddsim::dogstatsd
