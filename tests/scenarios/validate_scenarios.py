#!/usr/bin/env python3
"""Checks every shipped scenario against scenarios/schema.json (python3-jsonschema), and that
every scenario under tests/scenarios/bad is rejected both by the schema and by `ddsim run`
(exit code 2, with an error naming the file and the JSON path).

usage: validate_scenarios.py SCHEMA SCENARIOS_DIR BAD_DIR DDSIM_BINARY
"""
import glob
import json
import os
import subprocess
import sys

import jsonschema


def main():
    schema_path, scenarios_dir, bad_dir, ddsim = sys.argv[1:5]
    schema = json.load(open(schema_path))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failures = 0
    good = [p for p in sorted(glob.glob(os.path.join(scenarios_dir, "*.json"))) if os.path.basename(p) != "schema.json"]
    if not good:
        print("no scenarios found in", scenarios_dir)
        return 1
    for path in good:
        errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.path))
        if errors:
            failures += 1
            for e in errors:
                print(f"FAIL {path}: {'/'.join(str(p) for p in e.path)}: {e.message}")
        else:
            print(f"ok   {path} matches the schema")
    bad = sorted(glob.glob(os.path.join(bad_dir, "*.json")))
    for path in bad:
        doc = json.load(open(path))
        if validator.is_valid(doc):
            failures += 1
            print(f"FAIL {path}: the schema accepts a scenario that must be rejected")
        r = subprocess.run([ddsim, "run", "-q", path, "--report", os.devnull], capture_output=True, text=True)
        if r.returncode != 2 or os.path.basename(path) not in r.stderr or "$" not in r.stderr:
            failures += 1
            print(f"FAIL {path}: ddsim run exited {r.returncode}, stderr: {r.stderr.strip()}")
        else:
            print(f"ok   {path} rejected: {r.stderr.strip().splitlines()[-1]}")
    print(f"{len(good) + len(bad) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
