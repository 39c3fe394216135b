#include "core/dogstatsd/thread_priority.h"

#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace ddsim::dogstatsd {
namespace {

// The custom slice asked for when real-time scheduling is not permitted: the kernel keeps a
// thread with a shorter slice closer to the front (earlier virtual deadline), so a waking reader
// preempts a busy worker sooner.
constexpr uint64_t kShortSliceNs = 100'000;

// The kernel's struct sched_attr (linux/sched/types.h clashes with glibc's sched.h).
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

bool setShortSlice() {
  SchedAttr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.sched_policy = SCHED_OTHER;
  attr.sched_runtime = kShortSliceNs;
  return ::syscall(SYS_sched_setattr, 0, &attr, 0) == 0;
}

}  // namespace

std::string applyListenerPriority(ListenerPriority p) {
  if (p == ListenerPriority::kNormal) return "normal";
  sched_param param{};
  param.sched_priority = 1;  // the lowest real-time priority: above every normal thread
  if (::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &param) == 0) return "SCHED_FIFO 1";
  if (setShortSlice()) return "slice " + std::to_string(kShortSliceNs / 1000) + "us";
  return "normal";
}

}  // namespace ddsim::dogstatsd
