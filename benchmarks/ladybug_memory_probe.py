"""What Ladybug alone holds in memory as a store grows: no code of ours between pyarrow and COPY.

A new database gets an ``Event``-like node table (a string id of 21 characters, a 150-character
note, an integer), 60,000 ``Location``-like nodes and ``--rels`` relationship tables from events to
places. Then ``--rows`` events are written in transactions of ``--per-tx``: each transaction
``COPY``\\ s its events and one relationship per event into every relationship table, commits, and
the connection is renewed (as :class:`graph.ladybug_write.LadybugWriter` does). The process's RSS
after each commit, its peak, and RSS after the database is closed are printed, for the run with
relationship tables and for one with none (nodes only), in the same invocation.

    python -m benchmarks.ladybug_memory_probe [--rows 10000000] [--per-tx 1000000] [--pool-mb 512] [--rels 3]

What it showed (docs/performance.md, "10 million rows"): with nodes only, RSS levels off near the
buffer pool; with relationship tables it grows by about 70–77 bytes per stored relationship,
outside the pool, and part of it is freed only when the database is closed.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PLACES = 60_000


def _status(key: str) -> int:
    """A /proc/self/status figure in MiB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024
    return 0


def probe(folder: Path, rows: int, per_tx: int, pool_mb: int, rels: int) -> list[tuple[int, int]]:
    """(events written, RSS MiB) after each commit, then (-1, RSS MiB) once the database is closed."""
    import ladybug
    import numpy as np
    import pyarrow as pa

    db = ladybug.Database(str(folder / "probe.lbug"), buffer_pool_size=pool_mb * 2**20)
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE E(id STRING, note STRING, n INT64, PRIMARY KEY(id))")
    conn.execute("CREATE NODE TABLE L(id STRING, PRIMARY KEY(id))")
    for r in range(rels):
        conn.execute(f"CREATE REL TABLE R{r}(FROM E TO L, note STRING)")
    places = pa.table({"id": pa.array([f"place/{i:06d}" for i in range(PLACES)])})  # noqa: F841 - COPY reads it by name
    conn.execute("COPY L FROM places")
    rng = np.random.default_rng(1)
    out: list[tuple[int, int]] = []
    for start in range(0, rows, per_tx):
        n = min(per_tx, rows - start)
        ids = pa.array([f"acled/event-{i:09d}" for i in range(start, start + n)])
        events = pa.table({"id": ids, "note": pa.array(["x" * 150] * n), "n": pa.array(np.arange(start, start + n))})  # noqa: F841
        conn.execute("BEGIN TRANSACTION")
        conn.execute("COPY E FROM events")
        for r in range(rels):
            links = pa.table({"from": ids, "to": pa.array([f"place/{i:06d}" for i in rng.integers(0, PLACES, n)]),  # noqa: F841
                              "note": pa.nulls(n, pa.string())})
            conn.execute(f"COPY R{r} FROM links")
            del links
        conn.execute("COMMIT")
        del events, ids
        gc.collect()
        conn.close()
        conn = ladybug.Connection(db)
        out.append((start + n, _status("VmRSS")))
        print(f"  {rels} relationship tables: {start + n:>11,} events, RSS {out[-1][1]:,} MiB", file=sys.stderr)
    conn.close()
    db.close()
    del conn, db
    gc.collect()
    out.append((-1, _status("VmRSS")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--per-tx", type=int, default=1_000_000)
    parser.add_argument("--pool-mb", type=int, default=512)
    parser.add_argument("--rels", type=int, default=3)
    parser.add_argument("--tmp", type=Path, help="folder for the databases (default: the system's)")
    args = parser.parse_args()
    if args.rels == 0:
        parser.error("--rels must be at least 1 (a nodes-only run is made beside it)")
    results: dict[int, list[tuple[int, int]]] = {}
    peaks: dict[int, int] = {}
    for rels in (0, args.rels):  # each in a process of its own, so that peaks do not mix
        code = ("import sys, json; from pathlib import Path; "
                "from benchmarks.ladybug_memory_probe import probe, _status; "
                f"r = probe(Path(sys.argv[1]), {args.rows}, {args.per_tx}, {args.pool_mb}, {rels}); "
                "print(json.dumps({'rows': r, 'peak': _status('VmHWM')}))")
        folder = Path(tempfile.mkdtemp(dir=args.tmp))
        try:
            done = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True,
                                  check=True, cwd=Path(__file__).resolve().parents[1])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        results[rels] = [tuple(x) for x in answer["rows"]]
        peaks[rels] = answer["peak"]
    print(f"\nLadybug alone: RSS after each commit, {args.per_tx:,} events a transaction, buffer pool "
          f"{args.pool_mb} MiB\n")
    print(f"| events | nodes only, MiB | with {args.rels} relationship tables, MiB "
          "| difference per relationship, bytes |")
    print("|---:|---:|---:|---:|")
    for (n, alone), (_, linked) in zip(results[0], results[args.rels], strict=True):
        label = "database closed" if n < 0 else f"{n:,}"
        per_rel = "" if n < 0 else f"{(linked - alone) * 2**20 / (n * args.rels):.0f}"
        print(f"| {label} | {alone:,} | {linked:,} | {per_rel} |")
    print(f"| peak (VmHWM) | {peaks[0]:,} | {peaks[args.rels]:,} | |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
