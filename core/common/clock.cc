#include "core/common/clock.h"

#include <time.h>

#include <cassert>

namespace ddsim::common {

SystemTime SystemClock::systemNow() const { return std::chrono::system_clock::now(); }
SteadyTime SystemClock::steadyNow() const { return std::chrono::steady_clock::now(); }

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

ManualClock::ManualClock(SystemTime start) : system_(start), steady_(SteadyTime(std::chrono::hours(1))) {}

SystemTime ManualClock::systemNow() const {
  std::lock_guard lock(mu_);
  return system_;
}

SteadyTime ManualClock::steadyNow() const {
  std::lock_guard lock(mu_);
  return steady_;
}

void ManualClock::advance(Duration d) {
  assert(d.count() >= 0);
  std::lock_guard lock(mu_);
  system_ += std::chrono::duration_cast<SystemTime::duration>(d);
  steady_ += d;
}

void ManualClock::advanceTo(SystemTime t) {
  std::lock_guard lock(mu_);
  assert(t >= system_);
  auto d = t - system_;
  system_ = t;
  steady_ += std::chrono::duration_cast<Duration>(d);
}

double threadCpuSeconds() {
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace ddsim::common
