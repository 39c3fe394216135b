ddsim_bench(trace_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/trace_bench.cc
  DEPS ddsim_trace msgpack::cxx)
