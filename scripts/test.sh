#!/usr/bin/env bash
# Sets up a fresh machine, builds ddsim from nothing and runs every test:
#   1. the release build and its whole test suite,
#   2. the AddressSanitizer + UBSan build and the same suite,
#   3. each libFuzzer target for a bounded time (DDSIM_FUZZ_SECONDS, default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/install-test-clients.sh

echo "== release build"
./scripts/build.sh release
echo "== release tests"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
ctest --test-dir build/release --no-tests=error -j "$(nproc)" --output-on-failure --timeout 600 | tee "$log"
release_total="$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)"

echo "== sanitizer build (ASan + UBSan)"
./scripts/build.sh asan
echo "== sanitizer tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --no-tests=error -j "$(nproc)" --output-on-failure --timeout 900 | tee "$log"
asan_total="$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)"
fuzz_total=0

if compgen -G "tests/fuzz/*_fuzz.cc" >/dev/null; then
  echo "== fuzzing"
  ./scripts/build.sh fuzz
  ./scripts/fuzz.sh "${DDSIM_FUZZ_SECONDS:-60}"
  fuzz_total="$(ls build/fuzz/tests/fuzz/*_fuzz | wc -l)"
fi

# Every step above stops the script on a failure, so reaching here means all of it passed.
echo "release tests ${release_total:-0}, sanitizer tests ${asan_total:-0}, fuzz targets ${fuzz_total}"
echo "all: $(( ${release_total:-0} + ${asan_total:-0} + fuzz_total )) passed, 0 failed"
