#include "core/dogstatsd/number_parse.h"

#include <cerrno>
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

std::optional<double> parseGoFloat(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  bool negative = false;
  bool has_sign = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    has_sign = true;
    body.remove_prefix(1);
    // Go accepts exactly one sign.
    if (body.empty() || body[0] == '+' || body[0] == '-') return std::nullopt;
  }
  const char first = body[0];
  if (first == 'i' || first == 'I') {
    if (equalsIgnoreCase(body, "inf") || equalsIgnoreCase(body, "infinity")) {
      return negative ? -HUGE_VAL : HUGE_VAL;
    }
    return std::nullopt;
  }
  if (first == 'n' || first == 'N') {
    // Go: "nan" only, never signed, never "nan(...)".
    if (!has_sign && equalsIgnoreCase(body, "nan")) return std::nan("");
    return std::nullopt;
  }
  if (body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    // Go requires the binary exponent in hex floats; underscores are not supported here.
    if (body.find_first_of("pP") == std::string_view::npos) return std::nullopt;
    if (body.find('_') != std::string_view::npos) return std::nullopt;
    bool overflow = false;
    auto v = strtodWhole(s, &overflow);
    if (!v || overflow) return std::nullopt;
    return v;
  }
  // from_chars also accepts "inf"/"nan" spellings, handled above; everything left is decimal.
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v,
                                   std::chars_format::general);
  if (ptr != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go; underflow rounds to zero or a subnormal without error.
    bool overflow = false;
    auto r = strtodWhole(body, &overflow);
    if (!r || overflow) return std::nullopt;
    v = *r;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

std::optional<int64_t> parseGoInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty() || body[0] < '0' || body[0] > '9') return std::nullopt;
  uint64_t mag = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), mag, 10);
  if (ec != std::errc() || ptr != body.data() + body.size()) return std::nullopt;
  constexpr uint64_t kMaxPos = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (mag > kMaxPos + 1) return std::nullopt;
    return mag == kMaxPos + 1 ? INT64_MIN : -static_cast<int64_t>(mag);
  }
  if (mag > kMaxPos) return std::nullopt;
  return static_cast<int64_t>(mag);
}

}  // namespace ddsim::dogstatsd
