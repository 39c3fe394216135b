#!/bin/sh
# The smallest Lambda extension: register, then ask for the next event until SHUTDOWN.
# Needs curl. Run it under the simulated Lambda:  ddsim lambda --extension docs/examples/lambda/noop-extension.sh
set -eu
api="http://${AWS_LAMBDA_RUNTIME_API:?not inside a Lambda environment}/2020-01-01/extension"
id=$(curl -sS -D - -o /dev/null -X POST -H 'Lambda-Extension-Name: noop' \
       -d '{"events":["INVOKE","SHUTDOWN"]}' "$api/register" |
     tr -d '\r' | sed -n 's/^[Ll]ambda-[Ee]xtension-[Ii]dentifier: //p')
[ -n "$id" ] || { echo "noop-extension: registration failed" >&2; exit 1; }
while :; do
  event=$(curl -sS -H "Lambda-Extension-Identifier: $id" "$api/event/next")
  case "$event" in
    *'"SHUTDOWN"'*) exit 0 ;;
  esac
done
