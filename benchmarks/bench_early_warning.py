"""Early-warning speed on synthetic ACLED-format events (not ACLED data): series and signals after a
full load and after a one-month load, against recomputing everything from the stored events (the
naive way, and a check: it must find nothing to change), and the reads the pages and the API make,
against the naive ways (aggregating the events per request; scanning every series point or event;
the country two hops away). Each figure is printed beside its target.

    python -m benchmarks.bench_early_warning [--events 1000000] [--runs 30]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import queries
from benchmarks.acled_gen import generate
from cli.admin import init_store
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.ingest import load_bulk
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled
from loaders.actors import AliasTable
from loaders.early_warning import refresh, touched_windows
from loaders.event_frame import Collector
from loaders.thresholds import Thresholds

# The naive per-request series: aggregate one country's events by month on every request.
NAIVE_SERIES = """
MATCH (e:Event) WHERE e.iso3 = $iso3
RETURN date_trunc('month', e.date) AS month, count(*) AS events, sum(e.fatalities) AS fatalities
"""
# Every series point scanned for one country's (country_signals before SERIES_OF).
SCAN_POINTS = """
MATCH (s:SeriesPoint)
WHERE 'country/' + s.iso3 = $country AND s.granularity = 'month' AND s.dimension = $dimension
RETURN s.period_start, s.slice, s.event_count
"""
# The country two hops away (the text of events_by_actor_country_period before events carried iso3).
TWO_HOPS = """
MATCH (e:Event)
WHERE e.date >= $date_from AND e.date <= $date_to
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(l:Location)
OPTIONAL MATCH (l)-[:IN_COUNTRY]->(lc:Country)
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(dc:Country)
WITH e, l, coalesce(lc.id, dc.id) AS country
WHERE country = $country
RETURN e.id, country
"""


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(round(0.95 * len(samples))) - 1)]


def load(store: GraphStore, path: Path) -> tuple[float, dict[str, tuple[dt.date, dt.date]], Collector]:
    """Load a file as ``akg load acled`` does; seconds, touched windows and the collected events."""
    touched: dict[str, tuple[dt.date, dt.date]] = {}
    collected = Collector()

    def on_chunk(chunk: Bulk) -> None:
        touched_windows([chunk], touched)
        collected.add(chunk)
    started = time.perf_counter()
    source = acled.open_acled(path)
    load_bulk(store, acled.chunks(source, AliasTable.from_store(store)), on_chunk=on_chunk)
    return time.perf_counter() - started, touched, collected


def next_month(path: Path, out: Path, rows: int) -> Path:
    """``rows`` rows of the big file moved to January 2025 (the month after it ends), with new ids."""
    with path.open(encoding="utf-8") as src, out.open("w", newline="", encoding="utf-8") as dst:
        reader, writer = csv.reader(src), csv.writer(dst)
        header = next(reader)
        writer.writerow(header)
        at = {n: header.index(n) for n in ("event_id_cnty", "event_date", "year")}
        for i, row in zip(range(rows), reader, strict=False):
            row[at["event_id_cnty"]] = f"NEXT{i}"
            row[at["event_date"]] = f"2025-01-{i % 28 + 1:02d}"
            row[at["year"]] = "2025"
            writer.writerow(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    load1 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        big = generate(args.events, Path(tmp) / "acled.csv")
        store = open_store(Settings(db_path=Path(tmp) / "akg.lbug", buffer_pool_mb=4096, threads=2))
        init_store(store)
        seconds, touched, collected = load(store, big)
        print(f"load of {args.events:,} events: {seconds:.1f} s ({len(touched)} countries)", flush=True)
        frames = collected.frames()
        started, cpu = time.perf_counter(), time.process_time()
        full = refresh(store, touched, Thresholds(), loaded=frames)
        full_s, full_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"series and signals after the full load: {full_s:.2f} s ({full_cpu:.2f} s CPU); {full}", flush=True)
        month = next_month(big, Path(tmp) / "month.csv", args.events // 60)
        _, month_touched, month_events = load(store, month)
        frames = month_events.frames()
        started, cpu = time.perf_counter(), time.process_time()
        inc = refresh(store, month_touched, Thresholds(), loaded=frames)
        inc_s, inc_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"series and signals after a one-month load ({args.events // 60:,} events): {inc_s:.2f} s "
              f"({inc_cpu:.2f} s CPU); {inc}", flush=True)
        started, cpu = time.perf_counter(), time.process_time()
        again = refresh(store, None, Thresholds())
        again_s, again_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"naive: everything recomputed from the stored events: {again_s:.2f} s ({again_cpu:.2f} s CPU); "
              f"{again}", flush=True)
        if again.points_written or again.points_deleted or again.alerts_new or again.alerts_deleted:
            print("MISMATCH: the full recomputation changed what the incremental ones stored", flush=True)
        country = "country/SYR"
        may = {"date_from": dt.date(2023, 5, 1), "date_to": dt.date(2023, 5, 31)}
        cases: list[tuple[str, str, Callable[[], Any]]] = [
            ("alerts_list (every country)", "≤ 50", lambda: queries.run(store, "alerts_list")),
            ("alerts_list (one country)", "≤ 50", lambda: queries.run(store, "alerts_list", country=country)),
            ("country_signals (one country, category; SERIES_OF from the country)", "≤ 50",
             lambda: queries.run(store, "country_signals", country=country, dimension="category")),
            ("naive: scan every series point for the country", "",
             lambda: store.run_read(SCAN_POINTS, {"country": country, "dimension": "category"})),
            ("naive: aggregate the country's events per request", "",
             lambda: store.run_read(NAIVE_SERIES, {"iso3": "SYR"})),
            ("events_in_country_period (one country, one month, from the country)", "≤ 200",
             lambda: queries.run(store, "events_in_country_period", country=country, **may)),
            ("naive: events_by_actor_country_period (scans every event's iso3 and date)", "",
             lambda: queries.run(store, "events_by_actor_country_period", country=country, **may)),
            ("naive: country two hops away (one month, ids only)", "",
             lambda: store.run_read(TWO_HOPS, {"country": country, **may})),
        ]
        print("\n| read (p50 / p95 ms) | p50 | p95 | target p95 |\n|---|---|---|---|")
        for name, target, fn in cases:
            runs = 5 if name.startswith("naive") else args.runs
            p50, p95 = timed(fn, runs)
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {target} |", flush=True)
        print(f"\n| step | seconds | CPU seconds (all threads) | target |\n|---|---|---|---|\n"
              f"| load ({args.events:,} events) | {seconds:.1f} | | |\n"
              f"| series + signals, full ({full.points_written:,} points written, {full.alerts} alerts) | "
              f"{full_s:.2f} | {full_cpu:.2f} | ≤ 10 |\n"
              f"| series + signals, one more month ({inc.points_written:,} points written) | {inc_s:.2f} | "
              f"{inc_cpu:.2f} | ≤ 1 |\n"
              f"| naive: recompute everything from the stored events ({again.events:,} events read) | "
              f"{again_s:.2f} | {again_cpu:.2f} | |")
        print(f"\nload average at start {load1:.1f}, at end {os.getloadavg()[0]:.1f} (2 cores, shared)")
        store.close()


if __name__ == "__main__":
    main()
