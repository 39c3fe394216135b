#include "simulator/report/report_numbers.h"

#include <cmath>

namespace ddsim::report {

bool isRateOrDurationKey(std::string_view key) {
  size_t start = 0;
  while (start <= key.size()) {
    const size_t dot = key.find('.', start);
    const std::string_view part = dot == std::string_view::npos ? key.substr(start) : key.substr(start, dot - start);
    if (part.ends_with("_seconds") || part.ends_with("_secs") || part.ends_with("per_sec") ||
        part.find("ratio") != std::string_view::npos) {
      return true;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return false;
}

nlohmann::json telemetryNumber(std::string_view key, double value) {
  // Whole numbers up to 2^53 are exact in a double, so the integer is the count itself.
  constexpr double kExact = 9007199254740992.0;
  if (!isRateOrDurationKey(key) && std::trunc(value) == value && std::fabs(value) <= kExact) {
    return static_cast<int64_t>(value);
  }
  return value;
}

}  // namespace ddsim::report
