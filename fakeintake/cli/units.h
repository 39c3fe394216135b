#pragma once
// Command-line values with units: durations ("15m", "90s", "1h30m", "250ms", plain seconds) and
// byte sizes ("1GiB", "512MiB", "64MB", "4096", plain bytes).
#include <chrono>
#include <cstddef>
#include <string_view>

#include "core/common/status.h"

namespace ddsim::fakeintake {

common::Result<std::chrono::nanoseconds> parseDuration(std::string_view text);
common::Result<size_t> parseByteSize(std::string_view text);

}  // namespace ddsim::fakeintake
