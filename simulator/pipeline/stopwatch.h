#pragma once
// Measures real elapsed time for the report's timing section (never virtual time).
#include "core/common/clock.h"

namespace ddsim::pipeline {

class Stopwatch {
 public:
  Stopwatch() : start_(common::SystemClock::instance().steadyNow()) {}
  double seconds() const { return common::toSeconds(common::SystemClock::instance().steadyNow() - start_); }

 private:
  common::SteadyTime start_;
};

}  // namespace ddsim::pipeline
