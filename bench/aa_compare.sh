#!/usr/bin/env bash
# A/A compare on the shipped default scenario (issue 11): `ddsim compare` of scenarios/default.json
# against itself must not flag a regression. Runs it ROUNDS times (3 replicates a side each, the
# `--seed` of round r is 7 + 100 r so every round sees other traffic) and keeps each verdict JSON
# under bench/results/aa_compare/. Prints one line per round and a tally; bench/RESULTS.md, "A/A
# compare", quotes it.
#   bench/aa_compare.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
rounds="${2:-5}"
ddsim="$build/simulator/ddsim"
[[ -x "$ddsim" ]] || ddsim="$(find "$build" -type f -name ddsim -perm -u+x | head -n1)"
[[ -x "$ddsim" ]] || { echo "no ddsim binary under $build" >&2; exit 2; }
out=bench/results/aa_compare
mkdir -p "$out"
echo "machine: $(nproc) CPUs, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
flagged=0
for ((r = 0; r < rounds; r++)); do
  seed=$((7 + 100 * r))
  code=0
  "$ddsim" compare scenarios/default.json scenarios/default.json --replicates 3 --seed "$seed" \
    --json "$out/round$r.json" >"$out/round$r.txt" 2>/dev/null || code=$?
  verdicts="$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
def one(f):
    pct = f.get("delta_pct")
    return f["id"] + " " + f["verdict"] + ("" if pct is None else " (%+.1f %%)" % pct)
print(", ".join(one(f) for f in d["figures"]))
' "$out/round$r.json")"
  echo "round $r seed $seed exit $code: $verdicts"
  [[ $code -eq 0 ]] || flagged=$((flagged + 1))
done
echo "rounds with a regression: $flagged of $rounds"
