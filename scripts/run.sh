#!/usr/bin/env bash
# Sets up a fresh machine, builds ddsim and runs the main job: the default scenario
# (scenarios/default.json) through the whole pipeline against the built-in fakeintake.
# Extra arguments go to `ddsim run`, e.g. scripts/run.sh scenarios/intake-outage.json
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "${DDSIM_JOBS:-$(nproc)}" --target ddsim fakeintake
exec build/release/simulator/ddsim run "$@"
