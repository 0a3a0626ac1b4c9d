"""Map data for a country with many events: synthetic ACLED-format events of one country (not ACLED
data) loaded into a fresh store, then the country map's endpoint (``/api/v1/maps/countries/<iso3>/events``,
bounded: grid cells above the cap) against the naive way (every located event as a point, what a
map without a cap would fetch), for the whole period and for one month; and the watch-list map.

Times are whole requests through the app (Flask test client, response cache off): queries, the
category mapping, building the marks and the JSON body. Sizes are the JSON bodies in bytes.

    python -m benchmarks.bench_maps [--events 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from api import create_app
from api.maps import _with_categories
from benchmarks.acled_gen import generate
from cli.admin import init_store
from graph.ingest import load_bulk
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled
from loaders.actors import AliasTable
from queries import execute
from viz.maps import event_points

ISO3, NUMERIC, NAME = "SYR", "760", "Syria"


def timed(fn: Any, runs: int) -> tuple[float, float, Any]:
    """Median and worst of ``runs`` calls after one warm-up, in ms; and the last result."""
    result = fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples), result


def request(client: FlaskClient, url: str) -> tuple[int, dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return len(response.data), json.loads(response.data)


def naive(store: Any, window: dict[str, Any]) -> tuple[int, int]:
    """Every located event as a point (no cap, no grid): rows of map_event_points, each one mark."""
    rows = execute(store, "map_event_points", window).dicts()
    marks = event_points(_with_categories(rows))
    return len(json.dumps({"points": marks}, default=str)), len(marks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = generate(args.events, Path(tmp) / "acled.csv", countries=[(NUMERIC, NAME)])
        store = open_store(Settings(db_path=Path(tmp) / "akg.lbug", buffer_pool_mb=4096, threads=2))
        init_store(store)
        load_bulk(store, acled.chunks(acled.open_acled(path), AliasTable.from_store(store)))
        print(f"generated and loaded {args.events:,} events of {ISO3} in {time.perf_counter() - started:.0f} s")
        client = create_app({"STORE": store, "TESTING": True, "CACHE_SIZE": 0}).test_client()
        cid = f"country/{ISO3}"
        month = ("2022-03-01", "2022-03-31")
        rows = []
        for label, query, window in (
                ("whole period", "", {"country": cid}),
                ("one month", f"?from={month[0]}&to={month[1]}",
                 {"country": cid, "date_from": month[0], "date_to": month[1]})):
            p50, worst, (size, body) = timed(lambda q=query: request(  # type: ignore[misc]
                client, f"/api/v1/maps/countries/{ISO3}/events{q}"), args.runs)
            rows.append((label, f"map endpoint ({body['mode']})", body["located"], body["shown"], p50, worst, size))
            n_p50, n_worst, (n_size, n_marks) = timed(lambda w=window: naive(store, w), args.naive_runs)  # type: ignore[misc]
            rows.append((label, "naive: every event a point", body["located"], n_marks, n_p50, n_worst, n_size))
        p50, worst, (size, body) = timed(lambda: request(client, "/api/v1/maps/countries"), args.runs)
        rows.append(("watch-list", "countries by level", len(body["countries"]), len(body["countries"]), p50, worst,
                     size))
        store.close()
    print(f"\n{args.events:,} events of one country; median and worst of {args.runs} runs "
          f"(naive: {args.naive_runs}) after a warm-up\n")
    print("| window | approach | located events | marks | p50 ms | worst ms | body bytes |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, approach, located, marks, p50, worst, size in rows:
        print(f"| {label} | {approach} | {located:,} | {marks:,} | {p50:,.0f} | {worst:,.0f} | {size:,} |")


if __name__ == "__main__":
    main()
