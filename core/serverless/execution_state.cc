#include "core/serverless/execution_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/serverless/telemetry_events.h"

namespace ddsim::serverless {

std::string defaultCachePath(std::string_view tmpdir) {
  if (tmpdir.empty()) return kDefaultCachePath;
  std::string dir(tmpdir);
  if (dir.back() != '/') dir += '/';
  return dir + kCacheFileName;
}

std::string formatRfc3339(common::SystemTime t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

common::Status saveExecutionState(const ExecutionState& s, const std::string& path) {
  const nlohmann::json j = {{"ARN", s.arn},
                            {"LastRequestID", s.last_request_id},
                            {"ColdstartRequestID", s.coldstart_request_id},
                            {"LastLogRequestID", s.last_log_request_id},
                            {"LastOOMRequestID", s.last_oom_request_id},
                            {"StartTime", formatRfc3339(s.start_time)},
                            {"EndTime", formatRfc3339(s.end_time)}};
  const std::string text = j.dump();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return common::ioError("cannot write the extension cache file " + path);
  ::fchmod(fd, 0600);
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok ? common::Status::ok() : common::ioError("short write to the extension cache file " + path);
}

common::Result<ExecutionState> restoreExecutionState(const std::string& path) {
  std::ifstream in(path);
  if (!in) return common::notFound("no extension cache file at " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  try {
    const auto j = nlohmann::json::parse(buf.str());
    if (!j.is_object()) return common::invalidArgument(path + ": the cache file is not a JSON object");
    ExecutionState s;
    s.arn = j.value("ARN", "");
    s.last_request_id = j.value("LastRequestID", "");
    s.coldstart_request_id = j.value("ColdstartRequestID", "");
    s.last_log_request_id = j.value("LastLogRequestID", "");
    s.last_oom_request_id = j.value("LastOOMRequestID", "");
    if (auto t = parseRfc3339(j.value("StartTime", ""))) s.start_time = *t;
    if (auto t = parseRfc3339(j.value("EndTime", ""))) s.end_time = *t;
    return s;
  } catch (const nlohmann::json::exception& e) {
    return common::invalidArgument(path + ": the cache file is not JSON: " + e.what());
  }
}

}  // namespace ddsim::serverless
