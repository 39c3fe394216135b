ddsim_bench(dogstatsd_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/dogstatsd_bench.cc
  DEPS ddsim_dogstatsd ddsim_aggregator)
