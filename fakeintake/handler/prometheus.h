#pragma once
// /metrics: the fakeintake's own counters in the Prometheus text exposition format (0.0.4).
#include <cstdint>
#include <optional>
#include <string>

#include "core/common/clock.h"

namespace ddsim::fakeintake {

class IntakeHandler;

// The Prometheus text, or nullopt when it would exceed `max_bytes` (it stops building there).
std::optional<std::string> renderPrometheus(IntakeHandler& handler, common::SystemTime now,
                                            size_t max_bytes = SIZE_MAX);
// Escapes a label value (backslash, double quote, newline).
std::string escapeLabelValue(std::string_view v);

}  // namespace ddsim::fakeintake
