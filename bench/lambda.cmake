# The simulated Lambda driving a no-op extension (the integration tests' test extension), and
# the agent's extension (ddsim serverless) against it for the overhead per invocation.
if(TARGET lambda_test_extension)
  ddsim_bench(lambda_bench
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/lambda_bench.cc
    DEPS ddsim_lambda ddsim_serverless)
  target_compile_definitions(lambda_bench PRIVATE LAMBDA_TEST_EXTENSION="$<TARGET_FILE:lambda_test_extension>"
    DDSIM_BINARY="$<TARGET_FILE:ddsim>")
  add_dependencies(lambda_bench lambda_test_extension ddsim)
endif()
