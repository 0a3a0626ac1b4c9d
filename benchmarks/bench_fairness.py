"""Fair scheduling: look-ups while researchers' heavy queries run, through ``akg serve`` on 127.0.0.1.

Two runs on the demo graph: look-ups alone, then the same look-ups while ``--heavy`` clients keep
posting a CPU-bound Cypher query (``POST /api/v1/query``, each until its time limit). Heavy
queries run in the query workers (``AKG_QUERY_WORKERS``, 2 by default); the rest are refused at
once with 503 + ``Retry-After`` (or 429 past the per-client rate), so look-ups are never queued
behind them. Prints look-up p50/p95/p99 for both runs and what the heavy clients got, and what a
worker's reopening (after another process's write) costs a query.

    python -m benchmarks.bench_fairness [--seconds 15] [--clients 4] [--heavy 8]

Traffic goes to 127.0.0.1 only; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.bench_api import HOST, Result, build_store, drive, lookup_paths, serve

HEAVY = ("UNWIND range(1, 20000) AS x UNWIND range(1, 20000) AS y "
         "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*) AS n")


def heavy_client(base: str, until: float, outcomes: Counter[int], lock: threading.Lock) -> None:
    """Post the heavy query again and again until ``until``; count the status codes."""
    parts = urlsplit(base)
    body = json.dumps({"cypher": HEAVY})
    while time.monotonic() < until:
        conn = http.client.HTTPConnection(parts.hostname or HOST, parts.port, timeout=60)
        try:
            conn.request("POST", "/api/v1/query", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            status = response.status
            retry = float(response.headers.get("Retry-After", "0") or 0)
        finally:
            conn.close()
        with lock:
            outcomes[status] += 1
        if status in (429, 503):
            time.sleep(min(retry, 1.0))


def reopen_cost(db: Path, runs: int = 20) -> tuple[float, float]:
    """Median ms of a tiny query in a worker: unchanged store, and just after another process wrote."""
    from graph.ladybug_store import LadybugStore
    from graph.records import Node
    from graph.settings import Settings
    from queries.isolated import QueryPool

    settings = Settings(db_path=db, buffer_pool_mb=256, threads=2)
    pool = QueryPool(settings, workers=1)
    query = "MATCH (r:Region) RETURN count(*) AS n"
    try:
        pool.run(None, query, timeout=10, limit=1)
        still = []
        for _ in range(runs):
            start = time.perf_counter()
            pool.run(None, query, timeout=10, limit=1)
            still.append((time.perf_counter() - start) * 1000)
        fresh = []
        writer = LadybugStore(settings)
        try:
            for n in range(runs):
                writer.write([Node.make(f"region/bench-{n}", name=f"Bench {n}")], [])
                start = time.perf_counter()
                pool.run(None, query, timeout=10, limit=1)
                fresh.append((time.perf_counter() - start) * 1000)
            writer.delete_nodes([f"region/bench-{n}" for n in range(runs)])
        finally:
            writer.close()
    finally:
        pool.close()
    return statistics.median(still), statistics.median(fresh)


def row(name: str, result: Result) -> str:
    return (f"| {name} | {result.requests} | {result.rps:.0f} | {result.percentile(50):.1f} | "
            f"{result.percentile(95):.1f} | {result.percentile(99):.1f} | {result.errors} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=4, help="look-up clients")
    parser.add_argument("--heavy", type=int, default=8, help="clients posting heavy queries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="akg-bench-fair-") as tmp:
        db = Path(tmp) / "akg.lbug"
        build_store(db)
        unchanged, reopened = reopen_cost(db)
        with serve(db, cache=False) as base:
            paths = lookup_paths(base)
            drive(base, paths, seconds=2, clients=args.clients)  # warm-up
            alone = drive(base, paths, seconds=args.seconds, clients=args.clients)
            outcomes: Counter[int] = Counter()
            lock = threading.Lock()
            until = time.monotonic() + args.seconds + 1
            heavy = [threading.Thread(target=heavy_client, args=(base, until, outcomes, lock))
                     for _ in range(args.heavy)]
            for t in heavy:
                t.start()
            time.sleep(1.0)
            mixed = drive(base, paths, seconds=args.seconds, clients=args.clients)
            for t in heavy:
                t.join()
    print(f"Look-ups ({args.clients} clients, response cache off), {args.seconds:.0f} s per run:\n")
    print("| run | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    print(row("look-ups alone", alone))
    print(row(f"with {args.heavy} clients posting heavy Cypher", mixed))
    print(f"\nHeavy query answers: {dict(sorted(outcomes.items()))} "
          "(200 done, 503 every worker busy, 429 over the per-client rate, 504 time limit)")
    print(f"\nA worker's query, median of 20: {unchanged:.1f} ms on an unchanged store, {reopened:.1f} ms "
          "just after another process wrote (the worker reopens its read-only database first)")


if __name__ == "__main__":
    main()
