#include "simulator/scenario/rate_profile.h"

#include <algorithm>
#include <cmath>

namespace ddsim::scenario {

double RateProfile::rateAt(double t) const {
  if (t < 0) return 0;
  switch (kind) {
    case Kind::kConstant:
      return rate;
    case Kind::kLinear:
      if (over <= 0 || t >= over) return to;
      return from + (to - from) * (t / over);
    case Kind::kStep: {
      double r = 0;
      for (const auto& s : steps) {
        if (s.at <= t) r = s.rate;
      }
      return r;
    }
    case Kind::kBurst: {
      if (every <= 0) return base;
      double phase = std::fmod(t, every);
      return phase < length ? burst : base;
    }
  }
  return 0;
}

double RateProfile::cumulative(double t) const {
  if (t <= 0) return 0;
  switch (kind) {
    case Kind::kConstant:
      return rate * t;
    case Kind::kLinear: {
      if (over <= 0) return to * t;
      double ramp_t = std::min(t, over);
      double ramp = from * ramp_t + (to - from) * ramp_t * ramp_t / (2 * over);
      return ramp + (t > over ? to * (t - over) : 0);
    }
    case Kind::kStep: {
      double total = 0;
      for (size_t i = 0; i < steps.size(); ++i) {
        double a = steps[i].at;
        double b = i + 1 < steps.size() ? steps[i + 1].at : t;
        if (a >= t) break;
        b = std::min(b, t);
        if (b > a) total += steps[i].rate * (b - a);
      }
      return total;
    }
    case Kind::kBurst: {
      if (every <= 0) return base * t;
      const double len = std::min(length, every);
      const double per_cycle = burst * len + base * (every - len);
      const double cycles = std::floor(t / every);
      const double phase = t - cycles * every;
      const double partial = phase < len ? burst * phase : burst * len + base * (phase - len);
      return cycles * per_cycle + partial;
    }
  }
  return 0;
}

}  // namespace ddsim::scenario
