#!/usr/bin/env bash
# Issue 11's scale figures: runs each scenario once with `ddsim run` and prints scenario time,
# wall time of the run phase (the report's run.real_seconds: load, flushes and the agent's stop)
# and of the whole command (also the verdicts and the run store's finalize, which follow), speed
# on each, peak RSS (the report's run.peak_rss_bytes, VmHWM) and whether
# its expectations passed, as a Markdown table for bench/RESULTS.md.
#   bench/scale.sh [BUILD_DIR] [SCENARIO.json ...]
# Default: steady-state, bench/scenarios/scale-50k-outage.json, high-cardinality-ramp.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
shift || true
scenarios=("$@")
if ((${#scenarios[@]} == 0)); then
  scenarios=(scenarios/steady-state.json bench/scenarios/scale-50k-outage.json scenarios/high-cardinality-ramp.json)
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| scenario | simulated | run wall | speed | command wall | speed | peak RSS | contexts (max) | payloads | store | passed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for s in "${scenarios[@]}"; do
  name="$(basename "$s" .json)"
  t0="$(date +%s.%N)"
  "$build/simulator/ddsim" run -q "$s" --report "$out/$name.json" >/dev/null || true
  t1="$(date +%s.%N)"
  python3 - "$out/$name.json" "$out/$name.sqlite" "$t0" "$t1" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
command = float(sys.argv[4]) - float(sys.argv[3])
run, summ = r["run"], r["summary"]
store = os.path.getsize(sys.argv[2]) / 2**20 if os.path.exists(sys.argv[2]) else 0
print(f"| {r['scenario']['name']} | {run['virtual_seconds']:.0f} s | {run['real_seconds']:.1f} s | {run['speedup']:.0f}x "
      f"| {command:.1f} s | {run['virtual_seconds'] / command:.0f}x "
      f"| {run['peak_rss_bytes'] / 2**20:.0f} MiB | {summ['max_contexts']:,} | {summ['payloads']:,} | {store:.0f} MiB "
      f"| {'yes' if summ['passed'] else 'no: ' + '; '.join(r['failures'])[:120]} |")
PY
done
