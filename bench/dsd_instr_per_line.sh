#!/usr/bin/env bash
# Steady-state instructions per DogStatsD line through PacketProcessor::process + flush (parse,
# enrich, context key, time sampler), counted by callgrind, so the figure holds on a loaded
# machine. Two runs (min_time 1 s and 4 s under valgrind) are subtracted and divided by the
# difference in samples, so the one-time cost of creating the contexts cancels out.
#   bench/dsd_instr_per_line.sh [BENCH_BINARY] [FILTER]
# e.g. bench/dsd_instr_per_line.sh build/release/bench/dogstatsd_bench \
#        'BM_DogStatsD_ParseAndAggregate/tags:4/contexts:10000'
set -euo pipefail
bin="${1:-build/release/bench/dogstatsd_bench}"
filter="${2:-BM_DogStatsD_ParseAndAggregate/tags:4/contexts:10000}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
run() {
  local out="$tmp/$1.cg"
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    --toggle-collect='ddsim::dogstatsd::PacketProcessor::process(*' \
    --toggle-collect='ddsim::dogstatsd::PacketProcessor::flush()' \
    "$bin" --benchmark_filter="$filter" --benchmark_min_time="$1" >/dev/null 2>&1
  local total samples
  total="$(callgrind_annotate "$out" | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}')"
  # Calls of TimeSampler::sample from the benchmark's sink: one per line.
  samples="$(callgrind_annotate --tree=caller "$out" 2>/dev/null |
    grep -B1 -E '\* .*TimeSampler::sample\(' | grep -m1 'addSamples' |
    sed -E 's/.*\(([0-9,]+)x\).*/\1/' | tr -d ,)"
  echo "$total $samples"
}
read -r t1 n1 < <(run 1)
read -r t2 n2 < <(run 4)
echo "$filter: $(( (t2 - t1) / (n2 - n1) )) instructions per line (runs: $t1/$n1, $t2/$n2)"
