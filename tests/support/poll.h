#pragma once
// Bounded waits for tests with live threads, sockets and child processes.
//
// A test's verdict must not depend on how fast the machine is (a 2-core CI machine whose
// hypervisor steals half the CPU, a sanitizer build ten times slower). So every wait below is
// on a condition, and its limit only guards against a hang: it is the same generous figure
// everywhere, far above what any correct run needs on a starved machine. A test asserts on
// what happened, never on when.
#include <chrono>
#include <thread>

namespace ddsim::testing {

// The limit of every wait for something other threads or processes will do.
inline constexpr std::chrono::seconds kHangGuard{180};

// Polls pred() (1 ms apart) until it holds or `limit` passes; returns pred(). `step` runs
// before each poll (e.g. to tick a component driven by the caller).
template <typename Pred, typename Step>
bool pollUntil(Pred pred, Step step, std::chrono::milliseconds limit = kHangGuard) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    step();
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

template <typename Pred>
bool pollUntil(Pred pred, std::chrono::milliseconds limit = kHangGuard) {
  return pollUntil(pred, [] {}, limit);
}

}  // namespace ddsim::testing
