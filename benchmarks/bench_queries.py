"""Named-query latency on a graph of the demo assessments plus synthetic ACLED-format events,
against the naive alternative in the same run (networkx over the whole graph, exported once).

    python -m benchmarks.bench_queries [--events 1000000] [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

import queries
from benchmarks.acled_gen import generate
from cli.demo import build_demo
from graph.export import graph_to_networkx
from graph.ingest import load_bulk
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled
from loaders.actors import AliasTable

CASES: list[tuple[str, dict[str, Any]]] = [
    ("country_risk_profile", {"country": "country/MMR", "as_of": "2017-12-31"}),
    ("response_options_for_country", {"country": "country/MMR", "as_of": "2017-12-31"}),
    ("perpetrators_in_country", {"country": "country/RWA", "as_of": "1994-07-31"}),
    ("victim_groups_at_risk", {"country": "country/IRQ", "as_of": "2014-09-30"}),
    ("actor_ego_network", {"actor": "actor/tatmadaw", "depth": 2}),
    ("upcoming_triggers", {"today": "2014-01-01", "months": 12}),
    ("recommendations_by_addressee_status", {}),
    ("lessons_learnt", {"option": "option/targeted-sanctions"}),
    ("monitoring_cadence", {"today": "2020-01-01"}),
    ("countries_ranked_by_risk", {}),
    ("events_by_actor_country_period", {"country": "country/MMR"}),
]


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(round(0.95 * len(samples))) - 1)]


def naive_profile(g: nx.MultiDiGraph, country: str) -> list[tuple[str, int]]:
    """Country profile by scanning the whole exported graph in networkx."""
    assessments = [a for a, c, k in g.edges(keys=True) if k == "ASSESSES" and c == country]
    latest = max(assessments, key=lambda a: g.nodes[a].get("date"))
    return [(rf, d["level"]) for _, rf, k, d in g.out_edges(latest, keys=True, data=True) if k == "FINDS"]


def naive_options(g: nx.MultiDiGraph, country: str) -> list[str]:
    present = {rf for rf, level in naive_profile(g, country) if level >= 2}
    return sorted({o for o, rf, k in g.edges(keys=True) if k == "MITIGATES" and rf in present})


def naive_ego(g: nx.MultiDiGraph, actor: str) -> int:
    actors = [n for n, d in g.nodes(data=True) if d.get("label") in ("Actor", "VictimGroup")]
    sub = g.subgraph(actors).to_undirected(as_view=True)
    return nx.ego_graph(sub, actor, radius=2).number_of_nodes()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = open_store(Settings(db_path=tmp / "q.lbug", buffer_pool_mb=2048))
        build_demo(store)
        if args.events:
            path = generate(args.events, tmp / "events.csv")
            source = acled.open_acled(path)
            acled.check(source)
            load_bulk(store, acled.chunks(source, AliasTable.from_store(store)))
        stats = store.stats()
        print(f"\ngraph: {stats.total_nodes:,} nodes, {stats.total_relationships:,} relationships "
              f"({args.events:,} synthetic events + demo data)\n")
        rows = []
        for name, params in CASES:
            p50, p95 = timed(lambda name=name, params=params: queries.run(store, name, **params), args.runs)
            rows.append((name, p50, p95))
            print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
        t = time.perf_counter()
        g = graph_to_networkx(store)
        export_s = time.perf_counter() - t
        naive = [("country_risk_profile", lambda: naive_profile(g, "country/MMR")),
                 ("response_options_for_country", lambda: naive_options(g, "country/MMR")),
                 ("actor_ego_network", lambda: naive_ego(g, "actor/tatmadaw"))]
        naive_times = {name: timed(fn, min(args.runs, 10)) for name, fn in naive}
        store.close()
    print("| query | p50 ms | p95 ms | naive (networkx over the whole graph) p50 ms | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, p50, p95 in rows:
        if name in naive_times:
            n50 = naive_times[name][0]
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {n50:,.0f} | {n50 / p50:,.0f}x |")
        else:
            print(f"| {name} | {p50:.1f} | {p95:.1f} | | |")
    print(f"\nnaive setup: exporting the graph to networkx took {export_s:.1f} s (not counted above)")


if __name__ == "__main__":
    main()
