#pragma once
// One event of the Extensions API's event/next (spec §7.2).
#include <cstdint>
#include <string>

namespace ddsim::serverless {

struct LambdaEvent {
  std::string event_type;  // "INVOKE" or "SHUTDOWN"
  int64_t deadline_ms = 0;
  std::string invoked_function_arn;
  std::string shutdown_reason;  // "spindown", "timeout", "failure"
  std::string request_id;
};

}  // namespace ddsim::serverless
