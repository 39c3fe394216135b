#!/usr/bin/env python3
"""docs/run-store.md stays true: runs a scenario, then checks that every table of its run store is
documented (and every documented table exists), and runs the page's SQL examples with the sqlite3
shell, each of which must answer at least one row.

usage: run_store_docs.py DDSIM SCENARIO DOC WORKDIR
"""
import re
import subprocess
import sys
from pathlib import Path


def main() -> int:
    ddsim, scenario, doc, work = sys.argv[1:5]
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    report = work / "run_store_docs.json"
    store = work / "run_store_docs.sqlite"
    run = subprocess.run([ddsim, "run", "-q", scenario, "--report", str(report)], capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout, run.stderr, sep="\n")
        print(f"ddsim run failed with {run.returncode}")
        return 1
    if not store.exists():
        print(f"no run store beside the report: {store}")
        return 1
    text = Path(doc).read_text()
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    tables = subprocess.run(["sqlite3", str(store), "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"],
                            capture_output=True, text=True, check=True).stdout.split()
    failures = []
    for t in sorted(set(tables) - documented):
        failures.append(f"table {t} is in the store but not in {doc}")
    for t in sorted(documented - set(tables)):
        failures.append(f"table {t} is documented but not in the store")
    queries = re.findall(r"```sql\n(.*?)```", text, re.S)
    if len(queries) < 2:
        failures.append(f"expected two SQL examples in {doc}, found {len(queries)}")
    for i, q in enumerate(queries):
        r = subprocess.run(["sqlite3", "-header", str(store), q], capture_output=True, text=True)
        rows = [line for line in r.stdout.splitlines() if line.strip()]
        if r.returncode != 0 or len(rows) < 2:
            failures.append(f"example {i + 1} failed (exit {r.returncode}, {len(rows) - 1} rows): {r.stderr.strip()}")
        else:
            print(f"example {i + 1}: {len(rows) - 1} rows, first: {rows[1]}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
