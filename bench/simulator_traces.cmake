ddsim_bench(simulator_traces_bench
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/simulator_traces_bench.cc
  DEPS ddsim_runner spdlog::spdlog)
target_compile_definitions(simulator_traces_bench PRIVATE DDSIM_SCENARIOS_DIR="${PROJECT_SOURCE_DIR}/scenarios")
