#pragma once
// The trace agent's sender Stop in the live commands (docs/trace-agent.md §6.1.2, from
// pkg/trace/writer/sender.go Stop): after the writers' last flush, wait until every payload they
// handed out has been let go of (sent, refused, dropped), polling every 10 ms, at most 5 s. Only
// then may the forwarder stop: its own stop (agent mode) cancels an attempt in flight and loses
// it with the retry queue, which the trace agent's senders never do to a payload they hold.
#include <chrono>
#include <cstdint>
#include <functional>

namespace ddsim::cli {

inline constexpr std::chrono::milliseconds kTraceSendersStopBudget{5000};

// Returns how many payloads were still pending when the budget ran out (0: all let go of).
int64_t waitForTraceSenders(const std::function<int64_t()>& pending,
                            std::chrono::milliseconds budget = kTraceSendersStopBudget);

}  // namespace ddsim::cli
