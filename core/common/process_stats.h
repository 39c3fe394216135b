#pragma once
// Memory figures of this process, from /proc/self/status (Linux). 0 when unavailable.
#include <cstdint>

namespace ddsim::common {

// Peak resident set size so far (VmHWM), bytes.
int64_t peakRssBytes();
// Resident set size now (VmRSS), bytes.
int64_t currentRssBytes();

}  // namespace ddsim::common

namespace ddsim::common {

// Names the calling thread (at most 15 bytes are kept; Linux), so that `top -H`, `perf report
// --sort comm` and debuggers tell ddsim's threads apart.
void nameThisThread(const char* name);

}  // namespace ddsim::common
