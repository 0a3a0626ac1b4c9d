"""ACLED load speed: the pipeline (what ``akg load acled`` does before the series: file hash, check pass,
column-wise chunks, COPY, the dataset-version switch; from ``AKG_STAGE_ROWS`` rows staged: several
transactions into a copy of the store, swapped in) on synthetic files, each in a fresh store and a
process of its own (for its peak memory), beside

- the same pipeline with the whole file in one transaction, at sizes that load staged,

- the engine's *floor* (:mod:`benchmarks.acled_floor`: a bare parse, the same tables derived
  column-wise, one COPY per table) in the same run, and
- the naive way (one parameterised MERGE per node and relationship) on the ``--naive`` file;

and two re-loads into the pipeline's store: the same file again (skipped by its content hash) and a
later export with 1 % of its rows changed (:func:`benchmarks.acled_gen.changed_copy`: new, changed,
removed rows and changed links; only those are written).

With ``--pipeline-only`` only the pipeline runs (no floor, naive or re-loads: the floor parses the
whole file in memory, which a 10M-row file does not fit), followed by the store's size on disk and
the p50/p95 of a few named queries over the loaded events; ``--csv`` loads an existing synthetic
file instead of generating one (its row count as the size). ``AKG_BUFFER_POOL_MB`` sets the store's
buffer pool (default 2048).

With ``--neo4j`` the same files also load into Neo4j (the project's test server, restarted
with an empty database for each run; Java and Maven needed): the pipeline as ``akg load acled``
runs it there (``UNWIND`` batches; a file of ``AKG_NEO4J_TRANSACTION_ROWS`` rows or more in
transactions of that many rows in scope, :mod:`graph.neo4j_batched`), with the server's peak RSS,
and the naive way as one auto-commit ``MERGE`` per node and relationship.

    python -m benchmarks.bench_acled [--sizes 10000 100000 1000000] [--naive 10000] [--neo4j]
    python -m benchmarks.bench_acled --pipeline-only --sizes 10000000 [--csv acled_10000000.csv]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.acled_gen import changed_copy, generate
from graph.settings import Settings


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _arrow_peak() -> float:
    """The most memory Arrow's allocator held at once (the load's own tables and batches)."""
    import pyarrow as pa
    return float(pa.default_memory_pool().max_memory()) / 2**20


def pipeline(store: Any, path: Path) -> dict[str, Any]:
    """One ``akg load acled`` of ``path`` (without the series refresh), with seconds per stage."""
    from graph.datasets import current_versions, scope_text, version_node
    from graph.editorial import file_hash
    from graph.ingest import load_dataset
    from loaders import acled
    from loaders.actors import AliasTable

    stages: dict[str, float] = {}
    started = time.perf_counter()
    digest = file_hash(path)
    if any(v["content_hash"] == digest for v in current_versions(store, "ACLED")):
        stages["file hash (unchanged: skipped)"] = time.perf_counter() - started
        return {"seconds": time.perf_counter() - started, "stages": stages, "changes": 0}
    stages["file hash"] = time.perf_counter() - started
    t = time.perf_counter()
    source = acled.open_acled(path)
    rows, bad = acled.check(source)
    assert not bad
    stages["check pass"] = time.perf_counter() - t
    version = version_node("ACLED", digest, scope=scope_text(), file=path.name, rows=rows, accessed=dt.date.today())
    building = [0.0]

    def timed(chunks: Iterator[Any]) -> Iterator[Any]:
        while True:
            t = time.perf_counter()
            chunk = next(chunks, None)
            building[0] += time.perf_counter() - t
            if chunk is None:
                return
            yield chunk

    t = time.perf_counter()
    _, summary = load_dataset(store, timed(acled.chunks(source, AliasTable.from_store(store))), version, "Event")
    stages["parse + derive (second pass)"] = building[0]
    stages["write (lookups, COPY, switch, commit)"] = time.perf_counter() - t - building[0]
    return {"seconds": time.perf_counter() - started, "stages": stages, "rows": rows, "changes": summary.changes,
            "created": summary.nodes_created + summary.edges_created, "removed": summary.nodes_removed,
            "updated": summary.nodes_updated, "unchanged": summary.nodes_unchanged}


def run_one(csv_path: str, db: str, mode: str) -> dict[str, Any]:
    """In a child process: load one file; report seconds, rows and peak RSS."""
    from cli.admin import init_store
    from graph.registry import open_store
    from graph.settings import Settings
    from loaders import acled

    path = Path(csv_path)
    if mode == "floor":
        from benchmarks.acled_floor import floor
        return floor(path, Path(db), BUFFER_POOL_MB)
    neo4j = mode.startswith("neo4j")
    one_transaction = mode.endswith(ONE_TRANSACTION)  # staging off: the whole file in one transaction
    mode = mode.removesuffix(ONE_TRANSACTION)
    settings = Settings.from_env().with_overrides(backend="neo4j") if neo4j else \
        Settings.from_env().with_overrides(backend="ladybug", db_path=Path(db), buffer_pool_mb=BUFFER_POOL_MB,
                                           stage_rows=0 if one_transaction else None)
    store = open_store(settings)
    init_store(store)
    out: dict[str, Any]
    if mode == "pipeline":
        out = pipeline(store, path)
        out["peak_mib"] = _peak()
        out["arrow_peak_mib"] = _arrow_peak()
        stats = store.stats()
        out["counts"] = {**stats.nodes, **stats.relationships}
        out["queries"] = query_latencies(store, QUERY_RUNS)
        store.close()
        out["store_mib"] = _size(Path(db)) / 2**20
        out["peak_after_queries_mib"] = _peak()
        return out
    if mode == "neo4j-bulk":  # as `akg load acled` writes it: a dataset version, in transactions of N rows
        out = pipeline(store, path)
        out["peak_mib"] = _peak()
        store.close()
        return out
    if mode == "bulk":
        out = pipeline(store, path)
        out["peak_mib"] = _peak()
        out["arrow_peak_mib"] = _arrow_peak()
        stats = store.stats()
        out["counts"] = {**stats.nodes, **stats.relationships}
        again = pipeline(store, path)
        out["unchanged"] = again["seconds"]
        changed = path.with_name(path.stem + "_changed.csv")
        t = time.perf_counter()
        out["changed_counts"] = changed_copy(path, changed)
        print(f"wrote the 1 % changed export in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        later = pipeline(store, changed)
        out["changed"] = later
        out["peak_after_reloads_mib"] = _peak()
        store.close()
        return out
    started = time.perf_counter()
    source = acled.open_acled(path)
    rows, bad = acled.check(source)
    assert not bad
    if mode == "neo4j-naive":
        changes = naive_neo4j(store, source)
    else:
        changes = naive(store, source)
    out = {"rows": rows, "seconds": time.perf_counter() - started, "changes": changes, "peak_mib": _peak()}
    store.close()
    return out


ONE_TRANSACTION = "-1tx"
NEO4J_TRANSACTION_ROWS = Settings.from_env().neo4j_transaction_rows  # Neo4j: rows in scope per transaction
STAGE_ROWS = Settings().stage_rows  # files of this many rows and more load staged (graph.ladybug_stage)
BUFFER_POOL_MB = int(os.environ.get("AKG_BUFFER_POOL_MB", "2048"))  # the store's setting, 2 GiB unless set
QUERY_RUNS = 20


def _size(db: Path) -> int:
    """Bytes the store takes on disk (its file or folder, and the files beside it named after it)."""
    total = 0
    for p in db.parent.glob(db.name + "*"):
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
        total += sum(f.stat().st_size for f in files)
    return total


def query_latencies(store: Any, runs: int) -> dict[str, tuple[float, float, int]]:
    """p50 and p95 (ms) and rows returned of named queries over the loaded events (a month of one
    country: its events, one actor's, their summary, indicator evidence and map grid; an actor name
    search), each after one warm-up run."""
    import queries
    from loaders.actors import AliasTable

    actor = AliasTable.from_store(store).actor("Synthetic State forces 0 (Rwanda) (2016-2021)")[0]
    month = {"country": "country/RWA", "date_from": "2022-03-01", "date_to": "2022-03-31"}
    cases: list[tuple[str, dict[str, Any]]] = [
        ("events_in_country_period", month),
        ("events_by_actor_country_period", {**month, "actor": actor}),
        ("map_event_summary", month),
        ("indicator_evidence_from_events", month),
        ("map_event_grid", {**month, "cell": 50}),
        ("actor_search", {"q": "Rebel group 1 "}),
    ]
    out = {}
    for name, params in cases:
        found = len(queries.run(store, name, **params))
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            queries.run(store, name, **params)
            samples.append((time.perf_counter() - t) * 1000)
        samples.sort()
        out[name] = (statistics.median(samples), samples[max(0, int(round(0.95 * len(samples))) - 1)], found)
        print(f"{name}: p50 {out[name][0]:.1f} ms, p95 {out[name][1]:.1f} ms", file=sys.stderr, flush=True)
    return out


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
    os.environ.setdefault("AKG_NEO4J_TX_MAX_MB", "6144")  # room for a large file with AKG_NEO4J_TRANSACTION_ROWS=0
    os.environ.setdefault("AKG_NEO4J_PAGECACHE_MB", "2048")
    return server.environment(server.start())


def _neo4j_peak() -> float | None:
    """The test server's peak resident memory so far (VmHWM of its JVM), MiB."""
    from tests.neo4j_server import server

    state = server.read_state()
    if state is None:
        return None
    for line in Path(f"/proc/{state['pid']}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _stop_neo4j() -> None:
    from tests.neo4j_server import server

    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--naive", type=int, default=10_000)
    parser.add_argument("--neo4j", action="store_true", help="also load into Neo4j")
    parser.add_argument("--skip-ladybug", action="store_true", help="with --neo4j: Neo4j only")
    parser.add_argument("--pipeline-only", action="store_true",
                        help="the pipeline alone, then store size and named-query latency (no floor, naive, re-loads)")
    parser.add_argument("--csv", type=Path, help="with --pipeline-only and one size: load this file (not generated)")
    parser.add_argument("--tmp", type=Path, help="folder for the files and stores (default: the system's)")
    args = parser.parse_args()
    if args.pipeline_only:
        args.naive = 0
    results: list[tuple[int, str, dict[str, Any]]] = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp_name:
        tmp = Path(tmp_name)
        for n in sorted(set(args.sizes) | ({args.naive} if args.naive else set())):
            t = time.perf_counter()
            path = args.csv if args.csv and args.pipeline_only else generate(n, tmp / f"acled_{n}.csv")
            print(f"{'using' if args.csv else 'generated'} {n:,} rows ({path.stat().st_size / 2**20:,.0f} MiB) "
                  f"in {time.perf_counter() - t:.1f} s", file=sys.stderr)
            modes = (["pipeline"] if args.pipeline_only else ["floor", "bulk"] if n in args.sizes else []) + \
                (["naive"] if n == args.naive else [])
            if n in args.sizes and n >= STAGE_ROWS and not args.pipeline_only:
                modes.append("bulk" + ONE_TRANSACTION)  # beside the staged load: the whole file in one transaction
            if args.neo4j:
                # Neo4j has no staged loads (large files load in several transactions instead)
                neo = [f"neo4j-{m}" for m in modes if m != "floor" and not m.endswith(ONE_TRANSACTION)]
                modes = ([] if args.skip_ladybug else modes) + neo
            for mode in modes:
                env = {**os.environ, **(fresh_neo4j() if mode.startswith("neo4j") else {})}
                out = subprocess.run([sys.executable, "-m", "benchmarks.bench_acled", "--child", str(path),
                                      str(tmp / f"{mode}_{n}.lbug"), mode], capture_output=True, text=True, env=env)
                if out.returncode:
                    rc = out.returncode
                    how = f"killed by {signal.Signals(-rc).name}" if rc < 0 else f"exit {rc}"
                    if args.neo4j:
                        _stop_neo4j()  # a failed run must not leave its server (and its heap) behind
                    raise SystemExit(f"{mode} at {n:,} rows failed ({how}):\n{out.stderr[-3000:]}")
                results.append((n, mode, json.loads(out.stdout.strip().splitlines()[-1])))
                if mode.startswith("neo4j"):
                    results[-1][2]["server_peak_mib"] = _neo4j_peak()
                print(f"{n:,} {mode}: {results[-1][2]['seconds']:.1f} s", file=sys.stderr)
                if mode == "pipeline":
                    print(out.stderr[-2000:], file=sys.stderr)
        if args.neo4j:
            _stop_neo4j()
    if args.pipeline_only:
        report_pipeline(results, load, os.getloadavg()[0])
    else:
        report(results, load, os.getloadavg()[0])


def report_pipeline(results: list[tuple[int, str, dict[str, Any]]], load_before: float, load_after: float) -> None:
    """The pipeline's load, memory, store size and the named queries afterwards, per size."""
    print(f"\nACLED load, pipeline only (2 cores, load average {load_before:.1f} before and {load_after:.1f} after; "
          f"synthetic ACLED-format rows; buffer pool {BUFFER_POOL_MB} MiB)\n")
    print("| rows | load s | rows/s | peak RSS MiB | of which Arrow MiB | store on disk MiB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, _, r in results:
        print(f"| {n:,} | {r['seconds']:.1f} | {n / r['seconds']:,.0f} | {r['peak_mib']:,.0f} | "
              f"{r['arrow_peak_mib']:,.0f} | {r['store_mib']:,.0f} |")
    for n, _, r in results:
        print(f"\n{n:,} rows: " + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
              + f"; {sum(r['counts'].values()):,} node and relationship rows")
        print(f"\n| query ({n:,} rows loaded, {QUERY_RUNS} runs) | rows returned | p50 ms | p95 ms |\n"
              "|---|---:|---:|---:|")
        for name, (p50, p95, found) in r["queries"].items():
            print(f"| {name} | {found:,} | {p50:.1f} | {p95:.1f} |")


def report(results: list[tuple[int, str, dict[str, Any]]], load_before: float, load_after: float) -> None:
    """The tables: pipeline, floor and naive side by side; re-loads; where the seconds go."""
    floors = {n: r for n, m, r in results if m == "floor"}
    names = {"bulk": "pipeline (`akg load acled` path)", "bulk" + ONE_TRANSACTION: "pipeline, one transaction",
             "floor": "engine floor (parse + derive + COPY)",
             "naive": "naive MERGE per row",
             "neo4j-bulk": f"Neo4j UNWIND batches, transactions of {NEO4J_TRANSACTION_ROWS:,} rows in scope"
             if NEO4J_TRANSACTION_ROWS else "Neo4j UNWIND batches, one transaction",
             "neo4j-naive": "Neo4j naive MERGE per row (auto-commit)"}
    print(f"\nACLED load (2 cores, load average {load_before:.1f} before and {load_after:.1f} after; synthetic "
          f"ACLED-format rows; buffer pool {BUFFER_POOL_MB} MiB; peak RSS of the loading process)\n")
    print("| rows | approach | load s | × floor | rows/s | peak RSS MiB | of which Arrow MiB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n, mode, r in results:
        ratio = f"{r['seconds'] / floors[n]['seconds']:.2f}" if n in floors else "—"
        arrow = f"{r['arrow_peak_mib']:,.0f}" if "arrow_peak_mib" in r else "—"
        name = names[mode] + (" — staged" if mode == "bulk" and n >= STAGE_ROWS else "")
        print(f"| {n:,} | {name} | {r['seconds']:.1f} | {ratio} | {n / r['seconds']:,.0f} | "
              f"{r['peak_mib']:,.0f} | {arrow} |")
    print("\n| rows | re-load | s | × floor | changes written | peak RSS MiB |")
    print("|---:|---|---:|---:|---|---:|")
    for n, mode, r in results:
        if not mode.startswith("bulk"):
            continue
        f = floors[n]["seconds"]
        c = r["changed"]
        how = "one transaction: " if mode != "bulk" else ""
        print(f"| {n:,} | {how}same file again (content hash: skipped) | "
              f"{r['unchanged']:.2f} | {r['unchanged'] / f:.3f} | "
              f"0 | {r['peak_mib']:,.0f} |")
        print(f"| {n:,} | {how}1 % changed ({', '.join(f'{v:,} {k}' for k, v in r['changed_counts'].items())}) | "
              f"{c['seconds']:.1f} | {c['seconds'] / f:.2f} | {c['created']:,} created, {c['updated']:,} updated, "
              f"{c['removed']:,} removed, {c['unchanged']:,} unchanged | {r['peak_after_reloads_mib']:,.0f} |")
    for n, mode, r in results:
        if mode == "bulk" and n in floors:
            differ = {k: (v, r["counts"].get(k)) for k, v in floors[n]["counts"].items() if r["counts"].get(k) != v}
            print(f"\n{n:,} rows: the floor wrote the same rows as the pipeline: "
                  + (f"NO, (floor, pipeline) {differ}" if differ else f"yes ({sum(floors[n]['counts'].values()):,} "
                     "node and relationship rows)"))
    for n, mode, r in results:
        if mode.startswith("bulk") or mode == "floor":
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
            print(f"\n{n:,} rows, {names[mode]}: {stages}")
            if mode.startswith("bulk"):
                print(f"{n:,} rows, {names[mode]}, 1 % changed re-load: "
                      + ", ".join(f"{k} {v:.1f}" for k, v in r["changed"]["stages"].items()))
    for n, mode, r in results:
        if mode.startswith("neo4j") and r.get("server_peak_mib"):
            print(f"\n{n:,} rows, {names[mode]}: Neo4j server peak RSS {r['server_peak_mib']:,.0f} MiB"
                  + (", stages: " + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items()) if "stages" in r else ""))
    for prefix in ("", "neo4j-"):
        bulk = {n: r for n, m, r in results if m == prefix + "bulk"}
        slow = {n: r for n, m, r in results if m == prefix + "naive"}
        for n in slow:
            if n in bulk:
                print(f"\n{names[prefix + 'bulk']}: {slow[n]['seconds'] / bulk[n]['seconds']:.0f}x "
                      f"the naive way at {n:,} rows")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(run_one(sys.argv[2], sys.argv[3], sys.argv[4]), default=str))
    else:
        main()
