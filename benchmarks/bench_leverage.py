"""Leverage chains: the hop-by-hop bounded read + simple paths in Python (``queries.leverage``)
against the naive way, one variable-length Cypher pattern returning every path, on a synthetic
influence network (invented actors; no real data).

    python -m benchmarks.bench_leverage [--actors 3000] [--degree 3] [--runs 5]

The network: ``--actors`` actors in layers (perpetrators at the bottom), each with ``--degree``
random influence relationships (leverage, command, arms, support) into the layer below and a
few back up (cycles). Both ways answer "every chain of at most N hops into one perpetrator";
the naive text cannot read membership backwards, so membership is left out of the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.records import Edge, Node
from graph.registry import open_store
from graph.settings import Settings
from queries.leverage import leverage_chains

NAIVE_CYPHER = """
MATCH p = (s:Actor)-[:HAS_LEVERAGE_OVER|COMMANDS|ARMS|SUPPORTS*1..3]->(t:Actor {id: $target})
RETURN p
"""
NAIVE_CYPHER_5 = """
MATCH p = (s:Actor)-[:HAS_LEVERAGE_OVER|COMMANDS|ARMS|SUPPORTS*1..5]->(t:Actor {id: $target})
RETURN p
"""
TYPES = ["HAS_LEVERAGE_OVER", "COMMANDS", "ARMS", "SUPPORTS"]
LEVERS = ["diplomatic", "economic", "military", "legal", "informational"]


def network(actors: int, degree: int, seed: int = 7) -> tuple[list[Node], list[Edge]]:
    rng = random.Random(seed)
    ids = [f"actor/bench-{i}" for i in range(actors)]
    nodes = [Node.make(a, name=f"Bench actor {i}", kind="government") for i, a in enumerate(ids)]
    layers = 6
    per = max(1, actors // layers)
    edges: dict[tuple[str, str, str], Edge] = {}
    for i, a in enumerate(ids):
        layer = i // per
        below = ids[max(0, (layer - 1) * per):layer * per] if layer else []
        above = ids[(layer + 1) * per:(layer + 2) * per]
        for _ in range(degree if below else 0):
            rel = rng.choice(TYPES)
            target = rng.choice(below)
            props: dict[str, Any] = {"confidence": rng.choice(["high", "medium", "low"])}
            if rel == "HAS_LEVERAGE_OVER":
                props["lever"] = rng.choice(LEVERS)
            edges[(rel, a, target)] = Edge.make(rel, a, target, **props)
        if above and rng.random() < 0.05:  # a few back up: cycles
            target = rng.choice(above)
            edges[("SUPPORTS", a, target)] = Edge.make("SUPPORTS", a, target, confidence="low")
    return nodes, list(edges.values())


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    out = fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actors", type=int, default=3000)
    parser.add_argument("--degree", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    nodes, edges = network(args.actors, args.degree)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Settings.from_env().with_overrides(backend="ladybug", db_path=Path(tmp) / "b.lbug",
                                                              buffer_pool_mb=512))
        try:
            store.init_schema()
            store.write(nodes, edges)
            day = dt.date.today()
            print(f"{len(nodes):,} actors, {len(edges):,} influence relationships\n")
            print("| target | hops | approach | median ms | chains/paths |")
            print("|---|---:|---|---:|---:|")
            into: dict[str, int] = {}
            for e in edges:
                into[e.target] = into.get(e.target, 0) + 1
            per = max(1, len(nodes) // 6)
            bottom = sorted((n.id for n in nodes[:per]), key=lambda i: (-into.get(i, 0), i))
            for target in bottom[:2]:  # the two most-influenced perpetrators
                for hops, naive in ((3, NAIVE_CYPHER), (5, NAIVE_CYPHER_5)):
                    ms, chains = timed(lambda t=target, h=hops: leverage_chains(store, [t], max_hops=h, as_of=day,
                                                                            max_paths=10**9), args.runs)
                    print(f"| {target} | {hops} | bounded read per hop + Python paths | {ms:.1f} | {len(chains):,} |")
                    ms, result = timed(lambda t=target, q=naive: store.run_read(q, {"target": t}, limit=10**9),
                                       args.runs)
                    print(f"| {target} | {hops} | naive variable-length Cypher (paths only) | {ms:.1f} | "
                          f"{len(result.rows):,} |")
        finally:
            store.close()


if __name__ == "__main__":
    main()
