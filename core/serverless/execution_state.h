#pragma once
// What the extension remembers about its execution environment (the agent's
// executioncontext.State), saved at SHUTDOWN to the cache file and restored at start (spec §7.1
// step 4, §7.2): /tmp/dd-lambda-extension-cache.json, mode 0600.
#include <string>
#include <string_view>

#include "core/common/clock.h"
#include "core/common/status.h"

namespace ddsim::serverless {

inline constexpr const char* kDefaultCachePath = "/tmp/dd-lambda-extension-cache.json";
inline constexpr const char* kCacheFileName = "dd-lambda-extension-cache.json";

// The cache file in the environment's /tmp: `tmpdir` (the TMPDIR variable; the simulated Lambda
// gives each environment a directory of its own there) joined with the agent's file name, or
// kDefaultCachePath when `tmpdir` is empty.
std::string defaultCachePath(std::string_view tmpdir);

struct ExecutionState {
  std::string arn;
  std::string last_request_id;
  std::string coldstart_request_id;
  std::string last_log_request_id;
  std::string last_oom_request_id;
  common::SystemTime start_time{};
  common::SystemTime end_time{};
};

// Writes `state` as JSON (keys as the agent's: ARN, LastRequestID, ColdstartRequestID,
// LastLogRequestID, LastOOMRequestID, StartTime, EndTime in RFC 3339) with mode 0600.
common::Status saveExecutionState(const ExecutionState& state, const std::string& path);
// Reads it back. NotFound when the file does not exist; InvalidArgument (naming the file) when
// it is not such a JSON object.
common::Result<ExecutionState> restoreExecutionState(const std::string& path);

std::string formatRfc3339(common::SystemTime t);

}  // namespace ddsim::serverless
