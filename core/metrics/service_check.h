#pragma once
// A service check (spec §5.5, §8.4).
#include <cstdint>
#include <string>
#include <vector>

namespace ddsim::metrics {

enum class ServiceCheckStatus : int { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };

struct ServiceCheck {
  std::string check_name;
  std::string host;
  int64_t ts = 0;  // Unix seconds; 0 = "now" at aggregation
  ServiceCheckStatus status = ServiceCheckStatus::kOk;
  std::string message;
  std::vector<std::string> tags;
};

}  // namespace ddsim::metrics
