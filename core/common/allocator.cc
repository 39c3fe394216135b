#include "core/common/allocator.h"

#include <dlfcn.h>
#include <malloc.h>

#include <cstddef>

namespace ddsim::common {

namespace {

// jemalloc's control entry point, when the process is linked with jemalloc (null otherwise).
using MallctlFn = int (*)(const char*, void*, size_t*, void*, size_t);

MallctlFn mallctlFn() {
  static const auto fn = reinterpret_cast<MallctlFn>(dlsym(RTLD_DEFAULT, "mallctl"));
  return fn;
}

}  // namespace

std::string allocatorName() {
  const auto mallctl = mallctlFn();
  if (mallctl == nullptr) return "glibc";
  const char* version = nullptr;
  size_t len = sizeof version;
  if (mallctl("version", static_cast<void*>(&version), &len, nullptr, 0) != 0 || version == nullptr) {
    return "jemalloc";
  }
  return std::string("jemalloc ") + version;
}

void releaseFreeMemory() {
  if (const auto mallctl = mallctlFn()) {
    // MALLCTL_ARENAS_ALL is 4096 in jemalloc 5: purge the dirty pages of every arena.
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
    return;
  }
  malloc_trim(0);
}

}  // namespace ddsim::common
