"""Run every benchmark in turn (``make bench``)."""

from __future__ import annotations

import argparse

from benchmarks import bench_store


def main() -> None:
    parser = argparse.ArgumentParser(description="atrocity-kg benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    bench_store.main(quick=args.quick)


if __name__ == "__main__":
    main()
