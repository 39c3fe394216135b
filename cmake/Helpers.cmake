# ddsim_library(<name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
# A static library whose includes are rooted at the repository root.
function(ddsim_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  ddsim_warnings(${name})
endfunction()

# ddsim_test(<name> SOURCES ... [DEPS ...] [LABELS ...])
# A GoogleTest executable; every TEST becomes its own ctest entry.
function(ddsim_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    DDSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    DDSIM_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  ddsim_warnings(${name})
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${labels}")
endfunction()

# ddsim_bench(<name> SOURCES ... [DEPS ...]): a Google Benchmark executable.
function(ddsim_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark benchmark::benchmark_main)
  ddsim_warnings(${name})
  ddsim_use_allocator(${name})  # the allocator ddsim and fakeintake ship with
endfunction()

# Adds every immediate subdirectory of the current source dir that has a CMakeLists.txt.
function(ddsim_add_subdirectories)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child ${children})
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()
