# Third-party dependencies, all from Debian's packages (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(ZLIB REQUIRED)
find_package(zstd CONFIG REQUIRED)          # provides zstd::libzstd_shared (no zstd::libzstd in 1.5.4)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(Protobuf REQUIRED)             # module mode: Debian ships no protobuf CMake config
find_package(yaml-cpp CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)              # CMake's own module: SQLite::SQLite3 (the run store)

# cpp-httplib 0.11 is a compiled library with only a pkg-config file. Its .pc adds the
# OPENSSL/ZLIB/BROTLI defines, which change ClientImpl's layout: always link through this target.
pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)
add_library(httplib::httplib ALIAS PkgConfig::CPPHTTPLIB)

# msgpack-cxx 4.x (libmsgpack-cxx-dev) is header-only. Its CMake config (msgpackc-cxx) insists on
# Boost, which ddsim does not use: take the headers directly and build them with MSGPACK_NO_BOOST.
find_path(MSGPACK_CXX_INCLUDE_DIR msgpack.hpp REQUIRED)
add_library(ddsim_msgpack INTERFACE)
target_include_directories(ddsim_msgpack SYSTEM INTERFACE ${MSGPACK_CXX_INCLUDE_DIR})
target_compile_definitions(ddsim_msgpack INTERFACE MSGPACK_NO_BOOST MSGPACK_DEFAULT_API_VERSION=3)
add_library(msgpack::cxx ALIAS ddsim_msgpack)

if(DDSIM_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
  include(GoogleTest)
endif()
if(DDSIM_BUILD_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()
