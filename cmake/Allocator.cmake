# ddsim, fakeintake and the benchmarks run on jemalloc (Debian's libjemalloc-dev) in builds without
# sanitizers: glibc's malloc spent a fifth of a 50k-context simulation in _int_malloc,
# malloc_consolidate and page faults (bench/RESULTS.md, "jemalloc"). The sanitizers bring their
# own allocator, so those builds (and the fuzzers) and the test binaries keep glibc's.
option(DDSIM_JEMALLOC "Link ddsim, fakeintake and the benchmarks with jemalloc" ON)
if(DDSIM_SANITIZE OR DDSIM_TSAN OR DDSIM_FUZZ)
  set(DDSIM_JEMALLOC OFF)
endif()
if(DDSIM_JEMALLOC)
  find_library(DDSIM_JEMALLOC_LIBRARY NAMES jemalloc)
  if(NOT DDSIM_JEMALLOC_LIBRARY)
    message(FATAL_ERROR "jemalloc not found: run scripts/install-deps.sh (libjemalloc-dev), "
                        "or configure with -DDDSIM_JEMALLOC=OFF to use glibc's malloc")
  endif()
endif()

# ddsim_use_allocator(<executable>): links jemalloc and ddsim's settings for it.
function(ddsim_use_allocator target)
  if(DDSIM_JEMALLOC)
    target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/core/common/jemalloc_conf.cc)
    target_link_libraries(${target} PRIVATE ${DDSIM_JEMALLOC_LIBRARY})
  endif()
endfunction()
