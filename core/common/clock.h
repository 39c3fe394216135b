#pragma once
// The one seam through which ddsim reads time. Only clock.cc calls std::chrono::*::now().
// systemNow() is wall time (wire timestamps); steadyNow() is for intervals and timeouts.
#include <chrono>
#include <cstdint>
#include <mutex>

namespace ddsim::common {

using SystemTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime systemNow() const = 0;
  virtual SteadyTime steadyNow() const = 0;
};

// The real clocks. Thread-safe.
class SystemClock final : public Clock {
 public:
  SystemTime systemNow() const override;
  SteadyTime steadyNow() const override;
  // A process-wide instance for drivers that have nothing to inject.
  static SystemClock& instance();
};

// A clock that only moves when told to; both views advance together. Thread-safe.
// Used by unit tests and, through SimClock, by the simulator.
class ManualClock : public Clock {
 public:
  // Starts at the given wall time (default 2023-11-14T22:13:20Z = 1'700'000'000 s) and an
  // arbitrary steady origin.
  explicit ManualClock(SystemTime start = SystemTime(std::chrono::seconds(1'700'000'000)));
  SystemTime systemNow() const override;
  SteadyTime steadyNow() const override;
  // Moves both views forward by d (d >= 0).
  void advance(Duration d);
  // Moves both views so that systemNow() == t (t must not be in the past).
  void advanceTo(SystemTime t);

 private:
  mutable std::mutex mu_;
  SystemTime system_;
  SteadyTime steady_;
};

// Conversions used on the wire: Unix seconds as double and as int64.
inline double toUnixSeconds(SystemTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}
inline int64_t toUnixSecondsInt(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline SystemTime fromUnixSeconds(double s) {
  return SystemTime(std::chrono::duration_cast<SystemTime::duration>(std::chrono::duration<double>(s)));
}
inline double toSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time the calling thread has used, in seconds (CLOCK_THREAD_CPUTIME_ID): what a timing
// comparison should measure, since another process on the machine does not inflate it.
double threadCpuSeconds();
// Seconds as a Duration, clamped to what a Duration holds (about ±292 years): a configured
// "forwarder_timeout: 1e22" means "for ever", not undefined behaviour. NaN is 0.
inline Duration fromSeconds(double s) {
  constexpr double kMax = 9.0e9;  // seconds; Duration's int64 nanoseconds reach 9.22e9
  if (!(s == s)) return Duration::zero();
  if (s > kMax) s = kMax;
  if (s < -kMax) s = -kMax;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace ddsim::common
