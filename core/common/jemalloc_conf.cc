// jemalloc's settings for ddsim's executables (linked only when jemalloc is: cmake/Allocator.cmake).
// jemalloc reads this symbol at its start; MALLOC_CONF in the environment still overrides it.
//   narenas:2   two arenas, as `mallopt(M_ARENA_MAX, 2)` did on glibc: what one thread frees
//               (the intake's decoded payloads, the generator's batches) is reused by the others
//               instead of being kept per thread.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "narenas:2";
}
