"""Where the seconds of a Neo4j bulk load go: parsing, client encoding, server work, commit.

One synthetic ACLED-format file is loaded into the project's Neo4j test server (restarted with an
empty database, as ``bench_acled --neo4j`` does) four ways, each timed:

1. parse only: the loader's chunks (check pass not included), nothing sent;
2. encode only: every column-wise batch the bulk path would send, packed by the driver's PackStream
   (the Rust extension when installed), nothing sent;
3. the load itself (``load_bulk``), with each write statement awaited so that the server's own
   timings (``result_available_after + result_consumed_after``) can be summed (and printed per
   statement), and the commit timed;
4. the load as the backend runs it (statements pipelined), fresh database again.

    python -m benchmarks.neo4j_bulk_profile --rows 100000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.acled_gen import generate
from benchmarks.bench_acled import fresh_neo4j


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from tests.neo4j_server import server

    with tempfile.TemporaryDirectory() as tmp:
        path = generate(args.rows, Path(tmp) / "acled.csv")
        os.environ.update(fresh_neo4j())
        try:
            figures = profile(path)
            os.environ.update(fresh_neo4j())
            figures["pipelined load (as the backend runs it)"] = plain_load(path)
            size = sum(f.stat().st_size for f in (server.run_dir() / "home").rglob("*") if f.is_file())
            print(f"Neo4j home after the load: {size / 2**20:,.0f} MiB on disk", file=sys.stderr)
        finally:
            server.stop()
    print(f"\nNeo4j bulk load of {args.rows:,} ACLED-format rows: where the seconds go\n")
    print("| step | s |")
    print("|---|---:|")
    for name, seconds in figures.items():
        print(f"| {name} | {seconds:.1f} |")


def _open() -> Any:
    from cli.admin import init_store
    from graph.registry import open_store
    from graph.settings import Settings

    store = open_store(Settings.from_env().with_overrides(backend="neo4j"))
    init_store(store)
    return store


def profile(path: Path) -> dict[str, float]:
    """Parse, encode and the awaited load (server time summed from result summaries)."""
    from neo4j._codec.hydration.bolt.v2.hydration_handler import HydrationHandler
    from neo4j._codec.packstream._common import PackableBuffer
    from neo4j._codec.packstream.v1 import Packer

    from graph import neo4j_write as w
    from graph.ingest import load_bulk
    from loaders import acled
    from loaders.actors import AliasTable

    store = _open()
    aliases = AliasTable.from_store(store)
    out: dict[str, float] = {}
    source = acled.open_acled(path)
    acled.check(source)
    t = time.perf_counter()
    chunks = list(acled.chunks(source, aliases))
    out["parse: the loader's column-wise chunks"] = time.perf_counter() - t
    hooks = HydrationHandler().dehydration_hooks
    t = time.perf_counter()
    for chunk in chunks:
        tables = list(chunk.node_tables.values()) + [et.table for et in chunk.edge_tables]
        for table in tables:
            for batch in w.column_batches(table):
                buf = PackableBuffer()  # type: ignore[no-untyped-call]
                Packer(buf).pack({"rows": batch}, hooks)  # type: ignore[no-untyped-call]
    out["encode: Arrow → lists → PackStream (tables only)"] = time.perf_counter() - t
    server_ms = 0.0
    per_statement: dict[str, float] = {}  # server ms by statement (its first 110 characters)
    original = w._apply

    def awaited(tx: Any, query: str, rows: Any) -> None:
        nonlocal server_ms
        if not isinstance(rows, list):
            for batch in w.column_batches(rows):
                summary = tx.run(query, {"rows": batch}).consume()
                ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
                server_ms += ms
                per_statement[query[:110]] = per_statement.get(query[:110], 0.0) + ms
            return
        original(tx, query, rows)

    commit_s = 0.0
    import neo4j

    real_commit = neo4j.Transaction.commit

    def timed_commit(self: Any) -> None:
        nonlocal commit_s
        c = time.perf_counter()
        real_commit(self)
        commit_s = time.perf_counter() - c

    w._apply = awaited  # type: ignore[assignment]
    neo4j.Transaction.commit = timed_commit  # type: ignore[method-assign]
    try:
        t = time.perf_counter()
        load_bulk(store, iter(chunks))
        out["awaited load (chunks already parsed)"] = time.perf_counter() - t
    finally:
        w._apply = original
        neo4j.Transaction.commit = real_commit  # type: ignore[method-assign]
    out["  of which server executing table writes"] = server_ms / 1000
    out["  of which commit"] = commit_s
    print("\nserver s by table statement (awaited load):", file=sys.stderr)
    for text, ms in sorted(per_statement.items(), key=lambda kv: -kv[1])[:10]:
        print(f"{ms / 1000:7.1f}  {text}", file=sys.stderr)
    store.close()
    return out


def plain_load(path: Path) -> float:
    from graph.ingest import load_bulk
    from loaders import acled
    from loaders.actors import AliasTable

    store = _open()
    source = acled.open_acled(path)
    acled.check(source)
    t = time.perf_counter()
    load_bulk(store, acled.chunks(source, AliasTable.from_store(store)))
    seconds = time.perf_counter() - t
    store.close()
    return seconds


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
