"""ACLED load speed: the bulk pipeline (check pass, Arrow batches, COPY in one transaction) on
10k / 100k / 1M synthetic rows, each in a fresh store and its own process (for its peak memory),
against the naive way (one parameterised MERGE per node and relationship) on the 10k file.

With ``--neo4j`` the same files also load into Neo4j (the project's test server, restarted
with an empty database for each run; Java and Maven needed): the backend's ``UNWIND`` batches
in one transaction, and the naive way as one auto-commit ``MERGE`` per node and relationship.

    python -m benchmarks.bench_acled [--sizes 10000 100000 1000000] [--naive 10000]
        [--neo4j [--skip-ladybug]] [--no-reload]

``--naive 0`` skips the naive runs.

Neo4j runs with an 8 GiB heap and a 2 GiB page cache (``AKG_NEO4J_HEAP``, ``AKG_NEO4J_PAGECACHE_MB``):
a million rows in one transaction hold their transaction state in the heap until commit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.acled_gen import generate


def run_one(csv_path: str, db: str, mode: str) -> dict[str, float]:
    """In a child process: load one file; report seconds, rows and peak RSS."""
    from cli.admin import init_store
    from graph.ingest import load_bulk
    from graph.registry import open_store
    from graph.settings import Settings
    from loaders import acled
    from loaders.actors import AliasTable

    neo4j = mode.startswith("neo4j")
    settings = Settings.from_env().with_overrides(backend="neo4j") if neo4j else \
        Settings(db_path=Path(db), buffer_pool_mb=2048)
    store = open_store(settings)
    init_store(store)
    path = Path(csv_path)
    started = time.perf_counter()
    source = acled.open_acled(path)
    rows, bad = acled.check(source)
    assert not bad
    if mode in ("bulk", "neo4j-bulk"):
        summary = load_bulk(store, acled.chunks(source, AliasTable.from_store(store)))
        changes = summary.changes
        first = time.perf_counter() - started
        if os.environ.get("AKG_BENCH_NO_RELOAD") == "1":
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            store.close()
            return {"rows": rows, "seconds": first, "reload": float("nan"), "peak_mib": peak, "changes": changes}
        again_start = time.perf_counter()
        source = acled.open_acled(path)
        acled.check(source)
        again = load_bulk(store, acled.chunks(source, AliasTable.from_store(store)))
        assert again.changes == 0, again
        reload_s = time.perf_counter() - again_start
    elif mode == "neo4j-naive":
        changes = naive_neo4j(store, source)
        first = time.perf_counter() - started
        reload_s = float("nan")
    else:
        changes = naive(store, source)
        first = time.perf_counter() - started
        reload_s = float("nan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()
    return {"rows": rows, "seconds": first, "reload": reload_s, "peak_mib": peak, "changes": changes}


def naive(store: object, source: object) -> int:
    """One MERGE per node and relationship, through the same parsed chunks."""
    from graph.ladybug_store import LadybugStore
    from loaders import acled
    from loaders.actors import AliasTable

    assert isinstance(store, LadybugStore)
    conn = store._writer.conn  # the baseline talks to the database directly, row by row
    count = 0
    for chunk in acled.chunks(source, AliasTable.from_store(store)):  # type: ignore[arg-type]
        nodes, edges = chunk.records()
        for node in nodes:
            props = {k: (list(v) if isinstance(v, tuple) else v) for k, v in node.props.items()}
            sets = ", ".join(f"n.{k} = $p_{k}" for k in props) or "n.id = $id"
            conn.execute(f"MERGE (n:{node.label} {{id: $id}}) SET {sets}",
                         {"id": node.id, **{f"p_{k}": v for k, v in props.items()}})
            count += 1
        for edge in edges:
            conn.execute(f"MATCH (a:{edge.source_label} {{id: $s}}) MATCH (b:{edge.target_label} {{id: $t}}) "
                         f"MERGE (a)-[:{edge.type}]->(b)", {"s": edge.source, "t": edge.target})
            count += 1
    return count


def naive_neo4j(store: object, source: object) -> int:
    """One auto-commit MERGE per node and relationship on Neo4j, through the same parsed chunks."""
    from graph.neo4j_store import Neo4jStore
    from loaders import acled
    from loaders.actors import AliasTable

    assert isinstance(store, Neo4jStore)
    count = 0
    with store._driver.session(database=store.settings.neo4j_database) as session:
        for chunk in acled.chunks(source, AliasTable.from_store(store)):  # type: ignore[arg-type]
            nodes, edges = chunk.records()
            for node in nodes:
                props = {k: (list(v) if isinstance(v, tuple) else v) for k, v in node.props.items()}
                session.run(f"MERGE (n:{node.label} {{id: $id}}) SET n += $props",
                            {"id": node.id, "props": props}).consume()
                count += 1
            for edge in edges:
                session.run(f"MATCH (a:{edge.source_label} {{id: $s}}) MATCH (b:{edge.target_label} {{id: $t}}) "
                            f"MERGE (a)-[:{edge.type}]->(b)", {"s": edge.source, "t": edge.target}).consume()
                count += 1
    return count


def fresh_neo4j() -> dict[str, str]:
    """Restart the project's Neo4j test server with an empty database; its NEO4J_* variables."""
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.neo4j_server import server

    server.stop()
    os.environ.setdefault("AKG_NEO4J_HEAP", "8g")
    os.environ.setdefault("AKG_NEO4J_PAGECACHE_MB", "2048")
    return server.environment(server.start())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--naive", type=int, default=10_000)
    parser.add_argument("--neo4j", action="store_true", help="also load into Neo4j")
    parser.add_argument("--skip-ladybug", action="store_true", help="with --neo4j: Neo4j only")
    parser.add_argument("--no-reload", action="store_true", help="skip the re-load of each bulk load")
    args = parser.parse_args()
    if args.no_reload:
        os.environ["AKG_BENCH_NO_RELOAD"] = "1"
    results = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in sorted(set(args.sizes) | ({args.naive} if args.naive else set())):
            t = time.perf_counter()
            path = generate(n, tmp / f"acled_{n}.csv")
            print(f"generated {n:,} rows ({path.stat().st_size / 2**20:,.0f} MiB) in {time.perf_counter() - t:.1f} s",
                  file=sys.stderr)
            modes = (["bulk"] if n in args.sizes else []) + (["naive"] if n == args.naive else [])
            if args.neo4j:
                modes = ([] if args.skip_ladybug else modes) + [f"neo4j-{m}" for m in modes]
            for mode in modes:
                env = {**os.environ, **(fresh_neo4j() if mode.startswith("neo4j") else {})}
                out = subprocess.run([sys.executable, "-m", "benchmarks.bench_acled", "--child", str(path),
                                      str(tmp / f"{mode}_{n}.lbug"), mode], capture_output=True, text=True,
                                     check=False, env=env)
                if out.returncode != 0:
                    tail = " | ".join(out.stderr.strip().splitlines()[-3:])
                    print(f"{mode} at {n:,} rows failed ({out.returncode}): {tail}", file=sys.stderr)
                    continue
                results.append((n, mode, json.loads(out.stdout.strip().splitlines()[-1])))
        if args.neo4j:
            from tests.neo4j_server import server

            server.stop()
    names = {"bulk": "Ladybug bulk pipeline", "naive": "Ladybug naive MERGE per row",
             "neo4j-bulk": "Neo4j column-wise UNWIND batches, one transaction",
             "neo4j-naive": "Neo4j naive MERGE per row (auto-commit)"}
    print("\nACLED load (2 cores; synthetic ACLED-format rows; client peak RSS)\n")
    print("| rows | approach | load s | rows/s | re-load s (0 changes) | peak RSS MiB |")
    print("|---:|---|---:|---:|---:|---:|")
    for n, mode, r in results:
        print(f"| {n:,} | {names[mode]} | {r['seconds']:.1f} | {r['rows'] / r['seconds']:,.0f} | "
              f"{r['reload']:.1f} | {r['peak_mib']:,.0f} |")
    for prefix in ("", "neo4j-"):
        bulk = {n: r for n, m, r in results if m == prefix + "bulk"}
        slow = {n: r for n, m, r in results if m == prefix + "naive"}
        for n in slow:
            if n in bulk:
                print(f"\n{names[prefix + 'bulk']}: {slow[n]['seconds'] / bulk[n]['seconds']:.0f}x "
                      f"the naive way at {n:,} rows")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(run_one(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main()
