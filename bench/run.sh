#!/usr/bin/env bash
# Runs every benchmark binary of a release build and keeps its JSON output under bench/results/
# (<area>_bench.json). Run it on a quiet machine; bench/RESULTS.md quotes these files.
#   bench/run.sh [BUILD_DIR] [extra Google Benchmark flags...]
# e.g. bench/run.sh build/release --benchmark_filter='items:10000/'
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
shift || true
mkdir -p bench/results
for bin in "$build"/bench/*_bench; do
  name="$(basename "$bin")"
  echo "== $name"
  "$bin" --benchmark_min_time=0.2 --benchmark_out="bench/results/$name.json" --benchmark_out_format=json \
    --benchmark_counters_tabular=true "$@"
done
