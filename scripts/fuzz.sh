#!/usr/bin/env bash
# Runs every libFuzzer target built in build/fuzz (scripts/build.sh fuzz) for N seconds each,
# starting from its seed corpus in tests/fuzz/corpus/<name>/. Exits non-zero when a target
# crashes (the reproducer is left in build/fuzz/artifacts/).
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build="${2:-build/fuzz}"
shopt -s nullglob
targets=("$build"/tests/fuzz/*_fuzz)
if ((${#targets[@]} == 0)); then
  echo "fuzz: no *_fuzz binaries in $build/tests/fuzz (run scripts/build.sh fuzz first)" >&2
  exit 1
fi
mkdir -p "$build/artifacts"
status=0
for bin in "${targets[@]}"; do
  name="$(basename "$bin" _fuzz)"
  seeds="tests/fuzz/corpus/$name"
  work="$(mktemp -d "${TMPDIR:-/tmp}/ddsim-fuzz-$name.XXXXXX")"
  echo "== fuzz $name for ${seconds}s (seeds: $seeds)"
  # The working corpus grows in a temp dir; the committed seeds are only read.
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/artifacts/$name-" "$work" "$seeds" 2>"$work.log"; then
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$work.log" || true
    echo "== $name: no crash"
  else
    status=1
    tail -n 60 "$work.log"
    echo "== $name: CRASH (artifacts in $build/artifacts/)" >&2
  fi
  rm -rf "$work" "$work.log"
done
exit "$status"
