"""Backtest of the early-warning signals on real UCDP GED events (Syria 2016-2019; the 1,000-event
global sample of GED 23.1), with the default thresholds and a stricter variant, against episodes
whose dates come from public reports (listed in docs/early-warning.md).

    python -m benchmarks.backtest_early_warning
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cli.admin import init_store
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.ingest import load_bulk
from graph.registry import open_store
from graph.settings import Settings
from loaders import ucdp
from loaders.actors import AliasTable
from loaders.early_warning import refresh, touched_windows
from loaders.event_frame import Collector
from loaders.thresholds import DEFAULTS, Thresholds

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "examples" / "events" / "ucdp_ged191_syria_2016_2019.csv"
GLOBAL = ROOT / "tests" / "fixtures" / "ucdp" / "ged231_global_sample.csv"

# (episode, admin-1 areas, onset, source): dates as the cited public reports give them.
EPISODES = [
    ("Eastern Aleppo offensive", ("Aleppo Governorate",), dt.date(2016, 11, 15), "UN CoI Syria, A/HRC/34/64"),
    ("Raqqa offensive", ("Ar Raqqah Governorate",), dt.date(2017, 6, 6), "Amnesty International, MDE 24/8367/2018"),
    ("Eastern Ghouta offensive", ("Rif Dimashq Governorate",), dt.date(2018, 2, 18), "UN CoI Syria, A/HRC/38/CRP.3"),
    ("Idlib and northern Hama offensive", ("Idlib Governorate", "Hamah Governorate"), dt.date(2019, 4, 30),
     "UN CoI Syria, A/HRC/42/51"),
    ("Turkish-led offensive in the north-east", ("Al Hasakah Governorate", "Ar Raqqah Governorate"),
     dt.date(2019, 10, 9), "UN CoI Syria, A/HRC/43/57"),
]
STATISTICAL = ("surge", "civilian-share", "spread")
VARIANTS: Mapping[str, Mapping[str, float]] = {
    "default": {}, "strict (p ≤ 0.001)": {"surge_probability": 0.001, "civilian_share_probability": 0.001}}


def build(path: Path, db: Path, limits: Mapping[str, float]) -> GraphStore:
    store = open_store(Settings(db_path=db, buffer_pool_mb=512, threads=2))
    init_store(store)
    touched: dict[str, tuple[dt.date, dt.date]] = {}
    collected = Collector()

    def on_chunk(chunk: Bulk) -> None:
        touched_windows([chunk], touched)
        collected.add(chunk)
    load_bulk(store, ucdp.chunks(ucdp.open_ucdp(path), AliasTable.from_store(store)), on_chunk=on_chunk)
    refresh(store, touched, Thresholds(defaults={**DEFAULTS, **limits}), loaded=collected.frames())
    return store


def alerts(store: GraphStore) -> list[dict[str, Any]]:
    return store.run_read("MATCH (a:Alert) RETURN a.iso3 AS iso3, a.alert_kind AS kind, a.period_start AS first_day, "
                          "a.period_end AS last_day, a.dimension AS dimension, a.slice AS slice, "
                          "a.tail_probability AS p ORDER BY first_day").dicts()


def matches(alert: dict[str, Any], areas: tuple[str, ...]) -> bool:
    if alert["kind"] in ("surge",) and alert["dimension"] == "admin1":
        return str(alert["slice"]) in areas
    if alert["kind"] == "spread":
        return any(a in str(alert["slice"]) for a in areas)
    return False


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, limits in VARIANTS.items():
            store = build(SYRIA, Path(tmp) / f"syr-{len(name)}.lbug", limits)
            found = alerts(store)
            print(f"\n## Syria 2016-2019, thresholds: {name}\n")
            by_year = Counter((a["first_day"].year, a["kind"]) for a in found)
            kinds = sorted({k for _, k in by_year})
            print("| year | " + " | ".join(kinds) + " |\n|---|" + "---|" * len(kinds))
            for year in sorted({y for y, _ in by_year}):
                print(f"| {year} | " + " | ".join(str(by_year.get((year, k), 0)) for k in kinds) + " |")
            print("\n| episode | onset | first matching alert (admin-1 surge or spread) | lead, days |")
            print("|---|---|---|---|")
            matched: set[int] = set()
            for episode, areas, onset, source in EPISODES:
                near = [(i, a) for i, a in enumerate(found) if matches(a, areas)
                        and onset - dt.timedelta(days=92) <= a["first_day"] <= onset + dt.timedelta(days=62)]
                matched |= {i for i, _ in near}
                if near:
                    first = near[0][1]
                    lead = (onset - first["last_day"]).days
                    print(f"| {episode} ({source}) | {onset} | {first['kind']} {first['slice']}, "
                          f"{first['first_day']:%Y-%m} (p = {first['p']:.1g}) | {lead} |")
                else:
                    print(f"| {episode} ({source}) | {onset} | none | — |")
            statistical = [i for i, a in enumerate(found) if a["kind"] in STATISTICAL]
            unmatched = [i for i in statistical if i not in matched]
            years = 47 / 12 - 1  # months evaluated: after the first 12 months of history
            print(f"\nstatistical alerts (surge, civilian-share, spread): {len(statistical)}; not near a listed "
                  f"episode: {len(unmatched)} = {len(unmatched) / years:.1f} per country-year evaluated "
                  f"({years:.2f} years)")
            store.close()
            store = build(GLOBAL, Path(tmp) / f"global-{len(name)}.lbug", limits)
            found = alerts(store)
            rows = store.run_read("MATCH (e:Event) RETURN e.iso3, e.date").rows
            country_years = len({(r[0], r[1].year) for r in rows})
            kinds_global = Counter(a["kind"] for a in found)
            stat = sum(kinds_global[k] for k in STATISTICAL)
            print(f"\nglobal 1,000-event sample ({len({r[0] for r in rows})} countries, {country_years} country-years "
                  f"with events): alerts {dict(sorted(kinds_global.items()))}; statistical alerts per "
                  f"country-year: {stat / country_years:.3f}")
            store.close()


if __name__ == "__main__":
    main()
