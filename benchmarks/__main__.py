"""Run every benchmark in turn (``make bench``); each prints a Markdown table.

    python -m benchmarks            # full sizes (1M ACLED rows; takes several minutes)
    python -m benchmarks --quick    # small sizes, a smoke run
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

FULL = [
    ["benchmarks.bench_store"],
    ["benchmarks.bench_acled", "--sizes", "10000", "100000", "1000000", "--naive", "10000"],
    ["benchmarks.bench_queries", "--events", "1000000", "--runs", "30"],
    ["benchmarks.bench_api"],
    ["benchmarks.bench_viz"],
    ["benchmarks.bench_export"],
]
QUICK = [
    ["benchmarks.bench_store", "--quick"],
    ["benchmarks.bench_acled", "--sizes", "10000", "--naive", "2000"],
    ["benchmarks.bench_queries", "--events", "10000", "--runs", "5"],
]


def main() -> None:
    parser = argparse.ArgumentParser(description="atrocity-kg benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    for command in QUICK if args.quick else FULL:
        try:
            importlib.import_module(command[0])
        except ModuleNotFoundError:
            print(f"(skipping {command[0]}: not present)", file=sys.stderr)
            continue
        subprocess.run([sys.executable, "-m", *command], check=True)


if __name__ == "__main__":
    main()
