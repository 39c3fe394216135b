#!/usr/bin/env bash
# Configures and builds one flavour of ddsim into build/<flavour>.
#   scripts/build.sh release   Release build: tests, benchmarks, binaries
#   scripts/build.sh asan      AddressSanitizer + UBSan build of the tests
#   scripts/build.sh tsan      ThreadSanitizer build of the threaded suites (forwarder, dogstatsd,
#                              aggregator, fakeintake, DogStatsD integration, simulator units)
#   scripts/build.sh fuzz      clang + libFuzzer targets
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
jobs="${DDSIM_JOBS:-$(nproc)}"
# The suites whose code runs threads of its own (listeners, workers, servers).
DDSIM_TSAN_SUITES="forwarder_test dogstatsd_test aggregator_test fakeintake_test dogstatsd_integration_test simulator_test"
# The sanitizer builds use -g1 (line tables and function names, no local variables): stack
# traces keep file:line, and the build takes less time than with full debug information.
# ccache (installed by install-deps.sh) makes rebuilds and builds of other clones cheap;
# paths under the repo are hashed relative to it so two clones share one cache.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
case "$flavour" in
  release)
    cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null ;;
  asan)
    cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
      -DDDSIM_SANITIZE=ON -DDDSIM_BUILD_BENCH=OFF -DDDSIM_BUILD_GUI=OFF "${launcher[@]}" >/dev/null ;;
  tsan)
    cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
      -DDDSIM_TSAN=ON -DDDSIM_BUILD_BENCH=OFF -DDDSIM_BUILD_GUI=OFF "${launcher[@]}" >/dev/null ;;
  fuzz)
    CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DDDSIM_FUZZ=ON -DDDSIM_BUILD_TESTS=OFF -DDDSIM_BUILD_BENCH=OFF -DDDSIM_BUILD_GUI=OFF "${launcher[@]}" >/dev/null ;;
  *) echo "usage: $0 release|asan|tsan|fuzz" >&2; exit 2 ;;
esac
if [ "$flavour" = fuzz ]; then
  cmake --build build/fuzz -j "$jobs" --target fuzzers
elif [ "$flavour" = tsan ]; then
  cmake --build build/tsan -j "$jobs" --target $DDSIM_TSAN_SUITES
else
  cmake --build "build/$flavour" -j "$jobs"
fi
