#include "simulator/cli/trace_senders.h"

#include <thread>

namespace ddsim::cli {

int64_t waitForTraceSenders(const std::function<int64_t()>& pending, std::chrono::milliseconds budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (;;) {
    const int64_t left = pending();
    if (left <= 0) return 0;
    if (std::chrono::steady_clock::now() >= deadline) return left;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace ddsim::cli
