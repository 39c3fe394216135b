#pragma once
// Measure real elapsed time and the calling thread's CPU time for the report's timing section
// (never virtual time).
#include "core/common/clock.h"

namespace ddsim::pipeline {

class Stopwatch {
 public:
  Stopwatch() : start_(common::SystemClock::instance().steadyNow()) {}
  double seconds() const { return common::toSeconds(common::SystemClock::instance().steadyNow() - start_); }

 private:
  common::SteadyTime start_;
};

// CPU seconds of the calling thread since construction: read it on the thread that made it.
class CpuStopwatch {
 public:
  CpuStopwatch() : start_(common::threadCpuSeconds()) {}
  double seconds() const { return common::threadCpuSeconds() - start_; }

 private:
  double start_;
};

}  // namespace ddsim::pipeline
