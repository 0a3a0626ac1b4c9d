"""Event series: monthly and weekly counts, fatalities and civilian deaths per country and slice.

For each country (the event's ``iso3``) and period, one :class:`SeriesPoint` per slice:

- dimension ``all`` (slice ``*``): every event of the country;
- ``admin1``: per first-level area (the event's ``area``);
- ``actor``: per perpetrator (PERPETRATED), ``group``: per targeted group (TARGETED);
- ``category``: per event category (:mod:`loaders.event_mapping`);
- ``indicator``: per Framework indicator the events evidence (EVIDENCES).

Monthly points are kept for every dimension, weekly ones (ISO weeks, from Monday) for ``all`` and
``category``. Each point counts events, sums fatalities (best estimate), counts events that
targeted civilians and sums civilian deaths (UCDP ``deaths_civilians``; for datasets without
it, the fatalities of events that targeted civilians). Computation is column-wise (one pandas
group-by per granularity); a point with no events is not stored (an absent month is zero).

Example:
    >>> import pandas as pd
    >>> from loaders.event_frame import EventFrames
    >>> ev = pd.DataFrame({"id": ["a", "b", "c"], "iso3": ["QZA"] * 3,
    ...     "date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-02"]), "area": ["North", None, "North"],
    ...     "dataset": ["UCDP-GED"] * 3, "event_type": ["one-sided violence", "state-based conflict",
    ...     "one-sided violence"], "sub_event_type": None, "disorder_type": None,
    ...     "civilian_targeting": [True, False, True], "fatalities": [9, 5, 2], "civilian_deaths": [9, 0, None]})
    >>> none = pd.DataFrame({"id": [], "actor": [], "group": [], "indicator": []})
    >>> pts = compute(EventFrames(ev, none[["id", "actor"]], none[["id", "group"]], none[["id", "indicator"]]))
    >>> m = pts[(pts.granularity == "month") & (pts.dimension == "all")]
    >>> cols = ["period_start", "event_count", "fatality_count", "civilian_event_count", "civilian_death_count"]
    >>> m[cols].values.tolist()
    [['2024-01-01', 2, 14, 1, 9], ['2024-02-01', 1, 2, 1, 2]]
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

import pandas as pd
import pyarrow as pa

from graph.base import GraphStore
from graph.bulk import Bulk, node_table
from loaders.event_frame import EventFrames
from loaders.event_mapping import categories

__all__ = ["POINT_COLUMNS", "WEEKLY_DIMENSIONS", "compute", "month_start", "point_ids", "to_bulk"]

WEEKLY_DIMENSIONS = ("all", "category")
POINT_COLUMNS = ("iso3", "granularity", "period_start", "dimension", "slice", "event_count",
                 "fatality_count", "civilian_event_count", "civilian_death_count")


def month_start(day: dt.date) -> dt.date:
    """First day of the day's month."""
    return day.replace(day=1)


def _slices(frames: EventFrames) -> pd.DataFrame:
    ev = frames.events
    parts = [ev[["id"]].assign(dimension="all", slice="*"),
             ev.loc[ev["area"].notna() & (ev["area"] != ""), ["id", "area"]]
             .rename(columns={"area": "slice"}).assign(dimension="admin1"),
             frames.actors.rename(columns={"actor": "slice"}).assign(dimension="actor"),
             frames.groups.rename(columns={"group": "slice"}).assign(dimension="group"),
             categories(ev).rename(columns={"category": "slice"}).assign(dimension="category"),
             frames.indicators.rename(columns={"indicator": "slice"}).assign(dimension="indicator")]
    parts = [p[["id", "dimension", "slice"]] for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def compute(frames: EventFrames) -> pd.DataFrame:
    """Series points (one row per country, granularity, period, dimension and slice)."""
    ev = frames.events
    if ev.empty:
        return pd.DataFrame(columns=list(POINT_COLUMNS))
    civ = ev["civilian_targeting"].fillna(False).astype(bool)
    fatalities = pd.to_numeric(ev["fatalities"], errors="coerce").fillna(0).astype("int64")
    civ_deaths = pd.to_numeric(ev["civilian_deaths"], errors="coerce")
    civ_deaths = civ_deaths.fillna(fatalities.where(civ, 0)).astype("int64")
    dates = pd.to_datetime(ev["date"])
    base = pd.DataFrame({"id": ev["id"], "iso3": ev["iso3"], "fat": fatalities, "civ": civ.astype("int64"),
                         "civd": civ_deaths, "month": dates.dt.to_period("M").dt.start_time,
                         "week": (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()})
    joined = _slices(frames).merge(base, on="id", how="inner")
    out = []
    for granularity, column in (("month", "month"), ("week", "week")):
        rows = joined if granularity == "month" else joined[joined["dimension"].isin(WEEKLY_DIMENSIONS)]
        agg = rows.groupby(["iso3", column, "dimension", "slice"], sort=True).agg(
            event_count=("id", "size"), fatality_count=("fat", "sum"), civilian_event_count=("civ", "sum"),
            civilian_death_count=("civd", "sum")).reset_index().rename(columns={column: "period_start"})
        agg.insert(1, "granularity", granularity)
        out.append(agg)
    points = pd.concat(out, ignore_index=True)
    points["period_start"] = points["period_start"].dt.strftime("%Y-%m-%d")
    return points[list(POINT_COLUMNS)]


def point_ids(points: pd.DataFrame) -> pd.Series:
    """Stable ids: ``series/<ISO3>/<granularity>/<dimension>/<slice hash>/<period start>``."""
    digests = {s: hashlib.sha1(s.encode(), usedforsecurity=False).hexdigest()[:10] for s in points["slice"].unique()}
    return ("series/" + points["iso3"] + "/" + points["granularity"] + "/" + points["dimension"] + "/"
            + points["slice"].map(digests) + "/" + points["period_start"])


def to_bulk(points: pd.DataFrame) -> Bulk:
    """The points as one Arrow node table."""
    columns: dict[str, pa.Array] = {"id": pa.array(point_ids(points).tolist(), pa.string())}
    for name in POINT_COLUMNS:
        values = points[name].tolist()
        if name == "period_start":
            columns[name] = pa.array([dt.date.fromisoformat(v) for v in values], pa.date32())
        elif name.endswith("_count"):
            columns[name] = pa.array(values, pa.int64())
        else:
            columns[name] = pa.array(values, pa.string())
    return Bulk(node_tables={"SeriesPoint": node_table("SeriesPoint", columns)})


STORED_Q = """
MATCH (s:SeriesPoint)
WHERE s.iso3 IN $countries AND s.period_start >= $date_from AND s.period_start <= $date_to
RETURN s.id AS id, s.iso3 AS iso3, s.period_start AS period_start
"""


def stale_ids(store: GraphStore, points: pd.DataFrame,
              windows: Mapping[str, tuple[dt.date, dt.date]]) -> list[str]:
    """Stored points in the recomputed windows that the new computation no longer has."""
    if not windows:
        return []
    fresh = set(point_ids(points)) if len(points) else set()
    # weeks starting up to six days before a window's first day were recomputed too
    lows = {k: v[0] - dt.timedelta(days=6) for k, v in windows.items()}
    rows = store.run_read(STORED_Q, {"countries": sorted(windows), "date_from": min(lows.values()),
                                     "date_to": max(v[1] for v in windows.values())}).rows
    return [r[0] for r in rows if r[0] not in fresh and lows[r[1]] <= r[2] <= windows[r[1]][1]]
