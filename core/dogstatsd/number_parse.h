#pragma once
// Number parsing with the syntax of Go's strconv, which the agent's parser uses (spec §8.2):
// ParseFloat(s, 64) and ParseInt(s, 10, 64). Allocation-free on every common input.
#include <cstdint>
#include <optional>
#include <string_view>

namespace ddsim::dogstatsd {

// Go's ParseFloat(s, 64): optional sign, decimal or 0x-hex (with a mandatory p exponent)
// mantissa, "inf"/"infinity" (any case, optional sign) and "nan" (any case, no sign).
// Overflow is an error; underflow gives 0 or a subnormal (no error). nullopt on error.
std::optional<double> parseGoFloat(std::string_view s);

// Go's ParseInt(s, 10, 64) (and Atoi): optional '+' or '-', then decimal digits only.
// nullopt on a syntax error or overflow.
std::optional<int64_t> parseGoInt(std::string_view s);

}  // namespace ddsim::dogstatsd
