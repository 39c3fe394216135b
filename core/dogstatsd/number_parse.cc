#include "core/dogstatsd/number_parse.h"

#include <cerrno>
#include <cstddef>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <system_error>

namespace ddsim::dogstatsd {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// strtod on a NUL-terminated copy, for the rare inputs from_chars does not cover (hex
// mantissas, underflow). Returns nullopt unless the whole string was consumed.
std::optional<double> strtodWhole(std::string_view s, bool* overflow) {
  std::string copy(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  *overflow = errno == ERANGE && std::isinf(v);
  return v;
}

}  // namespace

namespace {

// Exact powers of ten representable as doubles.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Clinger's fast path for the common "[+-]digits[.digits]" shape: with a mantissa below 2^53
// and at most 22 fraction digits, mantissa / 10^k is one correctly rounded division, the same
// double any correct parser returns. Returns false to fall back to the general parser.
bool parseSimpleDecimal(std::string_view s, double* out) {
  const char* p = s.data();
  const char* end = p + s.size();
  const bool negative = *p == '-';
  if (*p == '+' || *p == '-') ++p;
  auto digit = [](char c) { return static_cast<unsigned>(c - '0') < 10; };
  uint64_t mantissa = 0;
  const char* int_start = p;
  while (p < end && digit(*p)) mantissa = mantissa * 10 + static_cast<uint64_t>(*p++ - '0');
  const ptrdiff_t int_digits = p - int_start;
  ptrdiff_t fraction = 0;
  if (p < end && *p == '.') {
    const char* frac_start = ++p;
    while (p < end && digit(*p)) mantissa = mantissa * 10 + static_cast<uint64_t>(*p++ - '0');
    fraction = p - frac_start;
  }
  // Anything else (exponent, hex, inf/nan, garbage, "", "+", "."), more digits than a
  // uint64_t surely holds, or a mantissa or scale past exact doubles: the general parser.
  if (p != end || int_digits + fraction == 0 || int_digits + fraction > 19) return false;
  if (mantissa > (uint64_t{1} << 53) || fraction > 22) return false;
  const double v = static_cast<double>(mantissa) / kPow10[fraction];
  *out = negative ? -v : v;
  return true;
}

}  // namespace

bool parseGoFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (parseSimpleDecimal(s, out)) return true;
  std::string_view body = s;
  bool negative = false;
  bool has_sign = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    has_sign = true;
    body.remove_prefix(1);
    // Go accepts exactly one sign.
    if (body.empty() || body[0] == '+' || body[0] == '-') return false;
  }
  const char first = body[0];
  if (first == 'i' || first == 'I') {
    if (!equalsIgnoreCase(body, "inf") && !equalsIgnoreCase(body, "infinity")) return false;
    *out = negative ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (first == 'n' || first == 'N') {
    // Go: "nan" only, never signed, never "nan(...)".
    if (has_sign || !equalsIgnoreCase(body, "nan")) return false;
    *out = std::nan("");
    return true;
  }
  if (body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    // Go requires the binary exponent in hex floats; underscores are not supported here.
    if (body.find_first_of("pP") == std::string_view::npos) return false;
    if (body.find('_') != std::string_view::npos) return false;
    bool overflow = false;
    auto v = strtodWhole(s, &overflow);
    if (!v || overflow) return false;
    *out = *v;
    return true;
  }
  // from_chars also accepts "inf"/"nan" spellings, handled above; everything left is decimal.
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v,
                                   std::chars_format::general);
  if (ptr != body.data() + body.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go; underflow rounds to zero or a subnormal without error.
    bool overflow = false;
    auto r = strtodWhole(body, &overflow);
    if (!r || overflow) return false;
    v = *r;
  } else if (ec != std::errc()) {
    return false;
  }
  *out = negative ? -v : v;
  return true;
}

bool parseGoInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  std::string_view body = s;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty() || body[0] < '0' || body[0] > '9') return false;
  uint64_t mag = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), mag, 10);
  if (ec != std::errc() || ptr != body.data() + body.size()) return false;
  constexpr uint64_t kMaxPos = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (mag > kMaxPos + 1) return false;
    *out = mag == kMaxPos + 1 ? INT64_MIN : -static_cast<int64_t>(mag);
    return true;
  }
  if (mag > kMaxPos) return false;
  *out = static_cast<int64_t>(mag);
  return true;
}

}  // namespace ddsim::dogstatsd
