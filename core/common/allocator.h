#pragma once
// Which malloc this process runs on, and a way to hand its free memory back to the system.
// ddsim and fakeintake link jemalloc in release builds (cmake/Allocator.cmake); tests and the
// sanitizer builds run on glibc's malloc. Both calls find out at run time.
#include <string>

namespace ddsim::common {

// "jemalloc 5.3.0-0-g54eaed1d8b56..." or "glibc".
std::string allocatorName();

// Returns freed heap memory to the system: jemalloc purges its arenas, glibc trims its heaps.
void releaseFreeMemory();

}  // namespace ddsim::common
