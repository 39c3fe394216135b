#!/usr/bin/env bash
# Installs the real client libraries the integration tests send with: the npm `hot-shots`
# DogStatsD client into tests/integration/node (Debian's python3-aiodogstatsd comes from
# install-deps.sh). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/integration/node
if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules/hot-shots" ]; then
  (cd "$dir" && npm install --no-audit --no-fund --silent)
fi
