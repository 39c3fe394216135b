#pragma once
// Leveled logging on spdlog. Levels use the agent's names (trace, debug, info, warn, error,
// critical, off). Modules log through spdlog's default logger (spdlog::info(...) etc.).
#include <string_view>

#include "core/common/status.h"

namespace ddsim::common {

// Sets the global level from the agent's log_level string (case-insensitive; "warning" is an
// alias of "warn"). Returns InvalidArgument for an unknown level and leaves the level unchanged.
Status setLogLevel(std::string_view level);

// Sends log lines to stderr with ddsim's pattern. Idempotent.
void initLogging(std::string_view level = "info");

}  // namespace ddsim::common
