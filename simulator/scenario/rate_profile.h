#pragma once
// How fast a workload emits, as a function of time since the workload started (seconds).
#include <vector>

namespace ddsim::scenario {

struct RateProfile {
  enum class Kind { kConstant, kLinear, kStep, kBurst };
  Kind kind = Kind::kConstant;

  double rate = 0;   // kConstant: items per second
  double from = 0;   // kLinear: rate at t = 0 ...
  double to = 0;     // ... rising (or falling) linearly to this rate at t = over,
  double over = 0;   //     then staying there
  struct Step {
    double at = 0;  // seconds since start
    double rate = 0;
  };
  std::vector<Step> steps;  // kStep: ascending `at`; rate 0 before the first step
  double base = 0;          // kBurst: base rate, with `burst` items per second for
  double burst = 0;         //   `length` seconds at the start of every `every` seconds
  double every = 0;
  double length = 0;

  // Items per second at t.
  double rateAt(double t) const;
  // Items emitted in [0, t): the integral of rateAt. Emitting floor(cumulative(t1)) -
  // floor(cumulative(t0)) items per interval gives exact totals whatever the tick size.
  double cumulative(double t) const;
};

}  // namespace ddsim::scenario
