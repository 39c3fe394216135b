#pragma once
// An event (spec §5.8, §8.3). Optional fields are empty strings when absent, because the wire
// format omits empty ones.
#include <cstdint>
#include <string>
#include <vector>

namespace ddsim::metrics {

struct Event {
  std::string title;
  std::string text;
  int64_t ts = 0;            // Unix seconds; 0 = "now" at aggregation
  std::string priority;      // "normal" | "low" | ""
  std::string host;
  std::vector<std::string> tags;
  std::string alert_type;    // "error" | "warning" | "info" | "success" | ""
  std::string aggregation_key;
  std::string source_type_name;
  std::string event_type;
};

}  // namespace ddsim::metrics
