#pragma once
// /metrics: the fakeintake's own counters in the Prometheus text exposition format (0.0.4).
#include <string>

#include "core/common/clock.h"

namespace ddsim::fakeintake {

class IntakeHandler;

std::string renderPrometheus(IntakeHandler& handler, common::SystemTime now);
// Escapes a label value (backslash, double quote, newline).
std::string escapeLabelValue(std::string_view v);

}  // namespace ddsim::fakeintake
