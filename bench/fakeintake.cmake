ddsim_bench(fakeintake_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fakeintake_bench.cc
  DEPS ddsim_fakeintake ddsim_fakeintake_http zstd::libzstd_shared Threads::Threads)
