#include "fakeintake/cli/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace ddsim::fakeintake {

using common::Result;
using common::Status;
using common::StatusCode;

namespace {

// Reads a leading decimal number; advances `s`.
bool number(std::string_view& s, double& out) {
  size_t n = 0;
  while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
  if (n == 0) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + n, out);
  if (ec != std::errc() || p != s.data() + n) return false;
  s.remove_prefix(n);
  return true;
}

}  // namespace

Result<std::chrono::nanoseconds> parseDuration(std::string_view text) {
  const std::string original(text);
  auto bad = [&] {
    return Status(StatusCode::kInvalidArgument,
                  "invalid duration \"" + original + "\" (examples: 15m, 90s, 1h30m, 250ms, 600)");
  };
  if (text.empty()) return bad();
  double total_s = 0;
  bool any = false;
  while (!text.empty()) {
    double v = 0;
    if (!number(text, v)) return bad();
    double unit = 1;
    if (text.rfind("ms", 0) == 0) {
      unit = 1e-3;
      text.remove_prefix(2);
    } else if (!text.empty() && (text[0] == 'h' || text[0] == 'm' || text[0] == 's')) {
      unit = text[0] == 'h' ? 3600 : text[0] == 'm' ? 60 : 1;
      text.remove_prefix(1);
    } else if (!text.empty() || any) {
      return bad();
    }
    total_s += v * unit;
    any = true;
  }
  if (!std::isfinite(total_s) || total_s > 1e9) return bad();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(total_s));
}

Result<size_t> parseByteSize(std::string_view text) {
  const std::string original(text);
  double v = 0;
  if (!number(text, v)) {
    return Status(StatusCode::kInvalidArgument,
                  "invalid size \"" + original + "\" (examples: 1GiB, 512MiB, 64MB, 4096)");
  }
  std::string unit(text);
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb") mult = 1e3;
  else if (unit == "m" || unit == "mb") mult = 1e6;
  else if (unit == "g" || unit == "gb") mult = 1e9;
  else if (unit == "kib") mult = 1024.0;
  else if (unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "gib") mult = 1024.0 * 1024 * 1024;
  else return Status(StatusCode::kInvalidArgument, "invalid size unit in \"" + original + "\" (B, KB, MB, GB, KiB, MiB, GiB)");
  double bytes = v * mult;
  if (!std::isfinite(bytes) || bytes > 1e15) {
    return Status(StatusCode::kInvalidArgument, "size \"" + original + "\" is too large");
  }
  return static_cast<size_t>(bytes);
}

}  // namespace ddsim::fakeintake
