#pragma once
// Time formats of the control API: RFC 3339 with nanoseconds in UTC, trailing zeros trimmed, as
// Go's time.Time marshals ("2023-03-03T10:50:12.265799969Z"); unix seconds are accepted too.
#include <optional>
#include <string>
#include <string_view>

#include "core/common/clock.h"

namespace ddsim::fakeintake {

std::string formatRfc3339Nano(common::SystemTime t);
// Accepts RFC 3339 ("2023-03-03T10:50:12Z", fractional seconds and +hh:mm offsets allowed) or a
// decimal number of unix seconds ("1700000000", "1700000000.5").
std::optional<common::SystemTime> parseTimeParam(std::string_view text);

}  // namespace ddsim::fakeintake
