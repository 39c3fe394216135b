ddsim_bench(serializer_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/serializer_bench.cc
  DEPS ddsim_serializer)
