"""The ids a load remembers: graph.id_hashes against Arrow strings joined again every batch.

An ACLED load meets its event ids batch by batch (about 80,000 rows a batch) and asks, for each
batch, which ids an earlier batch had. The naive way, which the loader used before, keeps the ids as
Arrow strings and tests a batch with ``pc.is_in`` against all earlier batches joined into one array:
each test joins and hashes everything seen so far again, so the work grows with the square of the
file. :class:`graph.id_hashes.IdHashes` keeps 16 bytes an id in sorted runs.

    python -m benchmarks.bench_id_sets --sizes 1000000 3000000 10000000

Prints, per size, seconds for the whole file (test then add, every batch) and the bytes held at
the end, for both; the naive way is skipped past ``--naive-max`` ids.
"""

from __future__ import annotations

import argparse
import time

import pyarrow as pa
import pyarrow.compute as pc

from graph.id_hashes import IdHashes

BATCH = 80_000


def _batch(start: int, size: int) -> pa.Array:
    numbers = pc.cast(pa.array(range(start, start + size), pa.int64()), pa.string())
    return pc.binary_join_element_wise("event/acled-NGA", numbers, "")


def hashed(total: int) -> tuple[float, int]:
    """Seconds and bytes held for graph.id_hashes over ``total`` ids."""
    seen, elapsed = IdHashes(), 0.0
    for start in range(0, total, BATCH):
        batch = _batch(start, min(BATCH, total - start))
        began = time.perf_counter()
        assert not pc.any(seen.add_new(batch)).as_py()
        elapsed += time.perf_counter() - began
    return elapsed, sum(h.nbytes + lo.nbytes for h, lo in seen._runs)


def naive(total: int) -> tuple[float, int]:
    """Seconds and bytes held for Arrow strings joined and hashed again every batch."""
    kept: list[pa.Array] = []
    elapsed = 0.0
    for start in range(0, total, BATCH):
        batch = _batch(start, min(BATCH, total - start))
        began = time.perf_counter()
        if kept:
            assert not pc.any(pc.is_in(batch, pa.concat_arrays(kept))).as_py()
        kept.append(batch)
        elapsed += time.perf_counter() - began
    return elapsed, sum(a.nbytes for a in kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 3_000_000])
    parser.add_argument("--naive-max", type=int, default=10_000_000)
    args = parser.parse_args()
    print("| ids | id hashes, s | held, MiB | Arrow strings joined per batch, s | held, MiB | time ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    for total in args.sizes:
        h_s, h_b = hashed(total)
        if total <= args.naive_max:
            n_s, n_b = naive(total)
            rest = f"{n_s:.2f} | {n_b / 2**20:,.0f} | {n_s / h_s:.1f}×"
        else:
            rest = "(skipped) | | "
        print(f"| {total:,} | {h_s:.2f} | {h_b / 2**20:,.0f} | {rest} |", flush=True)


if __name__ == "__main__":
    main()
