ddsim_bench(aggregator_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/aggregator_bench.cc
  DEPS ddsim_aggregator)
