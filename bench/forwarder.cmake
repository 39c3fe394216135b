ddsim_bench(forwarder_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/forwarder_bench.cc
  DEPS ddsim_forwarder httplib::httplib Threads::Threads)
