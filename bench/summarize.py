#!/usr/bin/env python3
"""Prints a Markdown table per benchmark binary from bench/results/*.json (bench/run.sh).
usage: bench/summarize.py [RESULTS_DIR] [--filter REGEX]"""
import glob
import json
import os
import re
import sys


def fmt(v):
    if isinstance(v, str):
        return v
    a = abs(v)
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{v / div:.3g}{suffix}"
    return f"{v:.3g}"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--filter")]
    flt = None
    for i, a in enumerate(sys.argv):
        if a.startswith("--filter"):
            flt = re.compile(a.split("=", 1)[1] if "=" in a else sys.argv[i + 1])
    results = args[0] if args else os.path.join(os.path.dirname(__file__), "results")
    skip = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
            "time_unit", "family_index", "per_family_instance_index", "aggregate_name", "label",
            "real_time", "cpu_time", "error_occurred", "error_message"}
    for path in sorted(glob.glob(os.path.join(results, "*.json"))):
        doc = json.load(open(path))
        ctx = doc.get("context", {})
        rows = [b for b in doc.get("benchmarks", []) if not flt or flt.search(b["name"])]
        if not rows:
            continue
        print(f"### {os.path.basename(path)}\n")
        print(f"{ctx.get('date', '?')}, {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, "
              f"library build: {ctx.get('library_build_type', '?')}\n")
        counters = []
        for b in rows:
            for k in b:
                if k not in skip and k not in counters and isinstance(b[k], (int, float)):
                    counters.append(k)
        print("| benchmark | cpu time | " + " | ".join(counters) + " |")
        print("|---|---|" + "---|" * len(counters))
        for b in rows:
            if b.get("error_occurred"):
                print(f"| {b['name']} | error: {b.get('error_message', '')} |")
                continue
            cells = [fmt(b[c]) if c in b else "" for c in counters]
            print(f"| {b['name']} | {fmt(b['cpu_time'])} {b['time_unit']} | " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    main()
