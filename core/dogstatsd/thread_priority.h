#pragma once
// Scheduling of the DogStatsD reader threads (ddsim.dogstatsd_listener_priority). A reader
// only moves datagrams from the socket to the packet queue, so letting it preempt everything
// else costs little CPU and keeps the kernel receive buffer from overflowing while the
// workers, a flush or another process hold the core.
#include <string>

#include "core/dogstatsd/options.h"

namespace ddsim::dogstatsd {

// Applies `p` to the calling thread and says what was applied: "SCHED_FIFO 1", "slice 100us"
// (the EEVDF custom slice of Linux >= 6.12, no privilege needed), or "normal" (kNormal, or
// nothing was permitted). Never fails.
std::string applyListenerPriority(ListenerPriority p);

}  // namespace ddsim::dogstatsd
