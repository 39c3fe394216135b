#!/usr/bin/env bash
# Instructions per payload of the fakeintake's in-process intake path (IntakeHandler::handle:
# decompression, series v2 decode, property checks, the memory store and, with STORE 1, the run
# store write), counted by callgrind: a figure a loaded machine does not move, unlike wall time.
#   bench/fakeintake_instructions.sh [FAKEINTAKE_BENCH] [STORE 0|1] [OUT_DIR]
# e.g. bench/fakeintake_instructions.sh build/release/bench/fakeintake_bench 1
# Collects only inside IntakeHandler::handle (payload generation, the benchmark's copy of the
# body and the framework are left out) and dumps one profile per call; prints the first call
# (one-time setup: schema, statements, the payload's new contexts) and the median of the others
# (the steady state). `callgrind_annotate --inclusive=yes OUT_DIR/cg.out.N` gives one call's
# profile by stage. Needs valgrind.
set -euo pipefail
bin="${1:-build/release/bench/fakeintake_bench}"
store="${2:-1}"
dir="${3:-$(mktemp -d /tmp/fakeintake_instructions.XXXXXX)}"
mkdir -p "$dir"
rm -f "$dir"/cg.out*
valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" \
  --toggle-collect='ddsim::fakeintake::IntakeHandler::handle(*' \
  --dump-after='*IntakeHandler::handle(*' \
  "$bin" --benchmark_filter="BM_Fakeintake_HandleSeriesV2/payload_kb:100/store:${store}\$" \
  --benchmark_min_time=1.5 >/dev/null 2>&1
python3 - "$dir" <<'PY'
import glob, re, statistics, sys
d = sys.argv[1]
calls = []
for f in glob.glob(d + "/cg.out.*"):
    part = re.search(r"\.(\d+)$", f)
    if not part:
        continue
    total = 0
    for line in open(f):
        if line.startswith("summary:") or line.startswith("totals:"):
            total = int(line.split()[1])
    if total:
        calls.append((int(part.group(1)), total, f))
calls.sort()
if len(calls) < 3:
    sys.exit(f"only {len(calls)} calls profiled in {d}")
steady = [c[1] for c in calls[1:]]
mid = min(calls[1:], key=lambda c: abs(c[1] - statistics.median(steady)))
print(f"payloads {len(calls)}, first {calls[0][1]}, steady median {statistics.median(steady):.0f} "
      f"(min {min(steady)}, max {max(steady)}), a median call's profile: {mid[2]}")
PY
