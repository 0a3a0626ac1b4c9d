"""Store upsert speed: GraphStore.write (key lookup, then CREATE/COPY or SET) against the naive
way (one parameterised MERGE per row), in the same run, on fresh Ladybug stores.

    python -m benchmarks.bench_store [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from graph.ladybug_store import LadybugStore
from graph.records import Edge, Node
from graph.settings import Settings


def records(n: int, actors: int = 500) -> tuple[list[Node], list[Edge]]:
    nodes = [Node.make(f"actor/a{i}", name=f"Actor {i}", kind="militia") for i in range(actors)]
    nodes += [Node.make(f"event/e{i}", date=dt.date(2020, 1, 1) + dt.timedelta(days=i % 365),
                        fatalities=i % 11, dataset="ACLED", source_event_id=f"E{i}")
              for i in range(n)]
    edges = [Edge.make("PERPETRATED", f"actor/a{i % actors}", f"event/e{i}") for i in range(n)]
    return nodes, edges


def fresh(tmp: Path, name: str) -> LadybugStore:
    store = LadybugStore(Settings(db_path=tmp / f"{name}.lbug", buffer_pool_mb=1024))
    store.init_schema()
    return store


def naive(store: LadybugStore, nodes: list[Node], edges: list[Edge]) -> None:
    conn = store._writer.conn  # the naive baseline talks to the connection directly
    for node in nodes:
        props = {k: (list(v) if isinstance(v, tuple) else v) for k, v in node.props.items()}
        sets = ", ".join(f"n.{k} = $p_{k}" for k in props)
        conn.execute(f"MERGE (n:{node.label} {{id: $id}}) SET {sets}",
                     {"id": node.id, **{f"p_{k}": v for k, v in props.items()}})
    for edge in edges:
        conn.execute(f"MATCH (a:{edge.source_label} {{id: $s}}) MATCH (b:{edge.target_label} {{id: $t}}) "
                     f"MERGE (a)-[:{edge.type}]->(b)", {"s": edge.source, "t": edge.target})


def main(quick: bool = False) -> None:
    sizes = [2_000] if quick else [10_000, 100_000]
    naive_size = 2_000 if quick else 10_000
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in sizes:
            nodes, edges = records(n)
            store = fresh(tmp, f"w{n}")
            t = time.perf_counter()
            store.write(nodes, edges)
            first = time.perf_counter() - t
            t = time.perf_counter()
            again = store.write(nodes, edges)
            second = time.perf_counter() - t
            assert again.changes == 0
            store.close()
            rows.append((f"GraphStore.write, {n:,} events", first, n / first, second))
        nodes, edges = records(naive_size)
        store = fresh(tmp, "naive")
        t = time.perf_counter()
        naive(store, nodes, edges)
        slow = time.perf_counter() - t
        store.close()
        rows.append((f"naive MERGE per row, {naive_size:,} events", slow, naive_size / slow, float("nan")))
    print("\nStore upsert (Ladybug, 2 cores)\n")
    print(f"| {'approach':<40} | {'first load s':>12} | {'events/s':>10} | {'re-load s':>9} |")
    print(f"|{'-' * 42}|{'-' * 14}|{'-' * 12}|{'-' * 11}|")
    for name, s, rate, again_s in rows:
        print(f"| {name:<40} | {s:>12.2f} | {rate:>10,.0f} | {again_s:>9.2f} |")
    same = next(r for r in rows if r[0].startswith(f"GraphStore.write, {naive_size:,}"))
    print(f"\nratio at {naive_size:,} events: {rows[-1][1] / same[1]:.0f}x faster than the naive way")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    main(parser.parse_args().quick)
