#!/usr/bin/env bash
# Instructions per span of the trace path (decodeV04 + TraceProcessor::process, stats included),
# counted by callgrind: a figure that a loaded machine does not move, unlike wall time.
#   bench/trace_instructions.sh [TRACE_BENCH] [SPANS_PER_TRACE] [CALLGRIND_OUT]
# e.g. bench/trace_instructions.sh build/release/bench/trace_bench 1
# Collects only inside decodeV04 and TraceProcessor::process (the benchmark's setup and the
# framework are left out); divides by the spans those calls handled (100 traces per body).
# Needs valgrind. `callgrind_annotate --inclusive=yes CALLGRIND_OUT` then gives the profile.
set -euo pipefail
bin="${1:-build/release/bench/trace_bench}"
spans="${2:-1}"
out="${3:-$(mktemp /tmp/trace_instructions.XXXXXX)}"
valgrind --tool=callgrind --callgrind-out-file="$out" \
  --toggle-collect='ddsim::trace::decodeV04(*' --toggle-collect='ddsim::trace::TraceProcessor::process(*' \
  "$bin" --benchmark_filter="BM_Trace_ProcessV04WithStats/spans:${spans}\$" --benchmark_min_time=1 >/dev/null 2>&1
python3 - "$out" "$spans" <<'EOF'
import re
import sys

path, spans_per_trace = sys.argv[1], int(sys.argv[2])
names, callee, calls, total = {}, None, 0, 0
for line in open(path):
    m = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?", line)
    if m:
        if m.group(3):
            names[m.group(2)] = m.group(3).strip()
        if m.group(1) == "cfn":
            callee = names[m.group(2)]
        continue
    if line.startswith("calls=") and callee and callee.startswith("ddsim::trace::TraceProcessor::process("):
        calls += int(line.split("=")[1].split()[0])
    if line.startswith("summary:") or line.startswith("totals:"):
        total = int(line.split()[1])
spans = calls * 100 * spans_per_trace
print(f"bodies {calls}, spans {spans}, instructions {total}, per span {total / spans:.0f} ({path})")
EOF
