#!/usr/bin/env bash
# Sets up a fresh machine, builds ddsim from nothing and runs every test:
#   1. the release build and its whole test suite,
#   2. the AddressSanitizer + UBSan build and the same suite,
#   3. the ThreadSanitizer build of the threaded suites (scripts/build.sh tsan),
#   4. each libFuzzer target for a bounded time (DDSIM_FUZZ_SECONDS, default 30).
# Each pass's wall time is printed at the end (the figures are kept in bench/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/install-test-clients.sh

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
timings=()
pass_start=$SECONDS
# Ends a pass: records its wall time.
pass_done() { timings+=("$1 $((SECONDS - pass_start)) s"); pass_start=$SECONDS; }
# Runs one build's suite (extra ctest arguments after the timeout), keeping its output in $log.
run_ctest() {
  local dir="$1" timeout="$2"
  shift 2
  ctest --test-dir "$dir" --no-tests=error -j "$(nproc)" --output-on-failure --timeout "$timeout" "$@" | tee "$log"
}
# ctest's "N tests passed ... out of M" count from the last run.
ctest_total() { sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1; }

echo "== release build"
./scripts/build.sh release
pass_done "release build"
echo "== release tests"
run_ctest build/release 900
release_total="$(ctest_total)"
pass_done "release tests"

echo "== sanitizer build (ASan + UBSan)"
./scripts/build.sh asan
pass_done "asan build"
echo "== sanitizer tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest build/asan 1800
asan_total="$(ctest_total)"
pass_done "asan tests"

echo "== thread sanitizer build (threaded suites)"
./scripts/build.sh tsan
pass_done "tsan build"
echo "== thread sanitizer tests"
# Only the suites built with TSan run (the others are listed as *_NOT_BUILT by CMake; the
# scenario and docs tests need the ddsim binary, which this build does not make).
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
  run_ctest build/tsan 1800 -E '_NOT_BUILT|^scenario[.]|^docs[.]'
tsan_total="$(ctest_total)"
pass_done "tsan tests"

fuzz_total=0
if compgen -G "tests/fuzz/*_fuzz.cc" >/dev/null; then
  echo "== fuzzing"
  ./scripts/build.sh fuzz
  pass_done "fuzz build"
  ./scripts/fuzz.sh "${DDSIM_FUZZ_SECONDS:-30}"
  fuzz_total="$(ls build/fuzz/tests/fuzz/*_fuzz | wc -l)"
  pass_done "fuzzing"
fi

echo "== wall time per pass"
printf '  %s\n' "${timings[@]}"
echo "  total $SECONDS s"
# Every step above stops the script on a failure, so reaching here means all of it passed.
echo "release tests ${release_total:-0}, sanitizer tests ${asan_total:-0}," \
  "thread sanitizer tests ${tsan_total:-0}, fuzz targets ${fuzz_total}"
echo "all: $(( ${release_total:-0} + ${asan_total:-0} + ${tsan_total:-0} + fuzz_total )) passed, 0 failed"
