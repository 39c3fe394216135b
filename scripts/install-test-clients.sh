#!/usr/bin/env bash
# Installs the real client libraries the tests send with (Debian's python3-aiodogstatsd comes
# from install-deps.sh). Idempotent. Each entry is <folder with package.json>:<package it holds>:
#   tests/integration/node   npm `hot-shots` DogStatsD client (integration tests)
#   tests/integration/tracer npm `dd-trace`, the Datadog Node.js tracer (AgentTracerTest; it
#                            skips until it is installed)
#   tests/fakeintake/node    npm `@datadog/datadog-api-client`, the official API client
#                            (fakeintake OfficialApiClient tests; they skip until it is installed)
set -euo pipefail
cd "$(dirname "$0")/.."
for entry in tests/integration/node:hot-shots tests/integration/tracer:dd-trace tests/fakeintake/node:@datadog/datadog-api-client; do
  dir=${entry%%:*} pkg=${entry#*:}
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules/$pkg" ]; then
    (cd "$dir" && npm install --no-audit --no-fund --silent)
  fi
done
