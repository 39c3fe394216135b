#include "core/common/logging.h"

#include <spdlog/sinks/dup_filter_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>

namespace ddsim::common {

Status setLogLevel(std::string_view level) {
  std::string l(level);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "warning") l = "warn";
  if (l == "err") l = "error";
  static const char* kKnown[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(kKnown), std::end(kKnown), l) == std::end(kKnown)) {
    return invalidArgument("unknown log level '" + std::string(level) +
                           "' (expected trace, debug, info, warn, error, critical or off)");
  }
  spdlog::set_level(spdlog::level::from_str(l));
  return Status::ok();
}

void initLogging(std::string_view level) {
  static std::once_flag once;
  std::call_once(once, [] {
    // Identical lines within 5 s are collapsed into one "Skipped N duplicate messages" line:
    // the agent logs some errors once per transaction, which floods a fast simulation.
    auto dedup = std::make_shared<spdlog::sinks::dup_filter_sink_mt>(std::chrono::seconds(5));
    dedup->add_sink(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    auto logger = std::make_shared<spdlog::logger>("ddsim", dedup);
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ | %v");
    spdlog::set_default_logger(logger);
  });
  (void)setLogLevel(level);
}

}  // namespace ddsim::common
