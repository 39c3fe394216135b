ddsim_bench(store_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/store_bench.cc
  DEPS ddsim_store)
