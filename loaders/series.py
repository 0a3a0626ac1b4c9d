"""Event series: monthly and weekly counts, fatalities and civilian deaths per country and slice.

For each country (the event's ``iso3``) and period, one :class:`SeriesPoint` per slice:

- dimension ``all`` (slice ``*``): every event of the country;
- ``admin1``: per first-level area (the event's ``area``);
- ``actor``: per perpetrator (PERPETRATED), ``group``: per targeted group (TARGETED);
- ``category``: per event category (:mod:`loaders.event_mapping`);
- ``indicator``: per Framework indicator the events evidence (EVIDENCES).

Monthly points are kept for every dimension, weekly ones (ISO weeks, from Monday) for ``all``, and
for ``category`` when asked (:func:`stored_weekly`; setting ``AKG_WEEKLY_CATEGORY_POINTS``):
:func:`weekly_points` computes any dimension's weekly series from the stored events on request.
:func:`compute` returns the weekly points of ``all`` and ``category``. Each point counts events,
sums fatalities (best estimate), counts events that targeted civilians and sums civilian deaths
(UCDP ``deaths_civilians``; for datasets without it, the fatalities of events that targeted
civilians). Computation is column-wise (one pandas group-by per granularity); a point with no
events is not stored (an absent month is zero).

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

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.base import GraphStore
from graph.bulk import Bulk, edge_table, node_table
from graph.columns import read_table
from loaders.event_frame import EventFrames
from loaders.event_slices import WEEKLY, Slices, read_slices

__all__ = ["POINT_COLUMNS", "WEEKLY_DIMENSIONS", "changes", "compute", "month_start", "named", "point_ids",
           "stored_weekly", "to_bulk", "weekly_points"]

WEEKLY_DIMENSIONS = WEEKLY
POINT_COLUMNS = ("iso3", "granularity", "period_start", "dimension", "slice", "event_count",
                 "fatality_count", "civilian_event_count", "civilian_death_count", "political_violence_count")
_COUNTS = {"events": "event_count", "fatalities": "fatality_count", "civilian_events": "civilian_event_count",
           "civilian_deaths": "civilian_death_count", "violent_events": "political_violence_count"}


def month_start(day: dt.date) -> dt.date:
    """First day of the day's month."""
    return day.replace(day=1)


def stored_weekly(categories: bool) -> tuple[str, ...]:
    """The dimensions whose weekly points a refresh stores: the country's total, and the event
    categories when asked.

    >>> stored_weekly(False), stored_weekly(True)
    (('all',), ('all', 'category'))
    """
    return WEEKLY if categories else ("all",)


def weekly_points(store: GraphStore, iso3: str, dimension: str, slice_: str = "",
                  date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[dict[str, object]]:
    """A country's weekly series of one dimension (one slice, or every slice when ``slice_`` is empty)
    computed from its stored events, for weeks starting from ``date_from`` to ``date_to``: the rows
    the named query ``country_signals`` returns for stored points, in its order (slice, week)."""
    lo, hi = date_from or dt.date(1900, 1, 1), date_to or dt.date.today()
    frames = read_slices(store, {iso3: (lo, hi + dt.timedelta(days=6))})  # a week runs to its Sunday
    if frames.events.empty:
        return []
    coded = Slices.of(frames)
    week = coded.periods("week", (dimension,))
    points = named(coded, week.iloc[0:0], week)
    if slice_:
        points = points[points["slice"] == slice_]
    start = pd.to_datetime(points["period_start"]).dt.date
    points = points.assign(period_start=start)[(start >= lo) & (start <= hi)]
    points = points.sort_values(["slice", "period_start"], kind="stable")
    out = {"period_start": list(points["period_start"]), "dimension": list(points["dimension"]),
           "slice": list(points["slice"])}
    for column, name in (("event_count", "events"), ("fatality_count", "fatalities"),
                         ("civilian_event_count", "civilian_events"), ("civilian_death_count", "civilian_deaths"),
                         ("political_violence_count", "political_violence_events")):
        out[name] = [int(v) for v in points[column].to_numpy(dtype=np.int64)]
    return [dict(zip(out, values, strict=True)) for values in zip(*out.values(), strict=True)]


def compute(frames: EventFrames) -> pd.DataFrame:
    """Series points (one row per country, granularity, period, dimension and slice)."""
    if frames.events.empty:
        return pd.DataFrame(columns=list(POINT_COLUMNS))
    coded = Slices.of(frames)
    return named(coded, coded.periods("month"), coded.periods("week"))


def _period_text(granularity: str, periods: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    values, at = np.unique(periods, return_inverse=True)
    if granularity == "month":
        text = [f"{v // 12:04d}-{v % 12 + 1:02d}-01" for v in values]
    else:
        text = [(dt.date(1970, 1, 1) + dt.timedelta(days=int(v))).isoformat() for v in values]
    return np.asarray(text, dtype=object)[at]


def named(coded: Slices, month: pd.DataFrame, week: pd.DataFrame) -> pd.DataFrame:
    """Points with their names (country, ISO period start, dimension, slice) from
    :meth:`Slices.periods` rows, ordered by country, granularity, period and slice."""
    parts = []
    for granularity, rows in (("month", month), ("week", week)):
        if not len(rows):
            continue
        key = rows["key"].to_numpy()
        part = {"iso3": coded.iso3[rows["country"].to_numpy()], "granularity": granularity,
                "period_start": _period_text(granularity, rows["period"].to_numpy()),
                "dimension": coded.key_dimension[key], "slice": coded.key_slice[key]}
        part.update({name: rows[c].to_numpy() for c, name in _COUNTS.items()})
        parts.append(pd.DataFrame(part))
    if not parts:
        return pd.DataFrame(columns=list(POINT_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(POINT_COLUMNS)]


def _text(column: pd.Series) -> pa.Array:
    """A column as Arrow text: taken as it is when pandas holds it in Arrow (no Python string per value)."""
    values = pa.array(column if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object
                      else column.astype(str))
    if isinstance(values, pa.ChunkedArray):  # what pandas holds: one array (a table builder would iterate it)
        values = values.combine_chunks()
    return values.cast(pa.string())


def point_ids(points: pd.DataFrame) -> pd.Series:
    """Stable ids: ``series/<ISO3>/<granularity>/<dimension>/<slice hash>/<period start>``."""
    codes, uniques = pd.factorize(points["slice"])
    digests = pa.array([hashlib.sha1(str(u).encode(), usedforsecurity=False).hexdigest()[:10] for u in uniques],
                       pa.string())
    parts = [_text(points[c]) for c in ("iso3", "granularity", "dimension")]
    joined = pc.binary_join_element_wise("series", *parts, digests.take(pa.array(codes)), _text(points["period_start"]),
                                         "/")
    return pd.Series(joined.to_pandas().array, index=points.index)


def to_bulk(points: pd.DataFrame, absent: bool = False) -> Bulk:
    """The points as one Arrow node table, and their SERIES_OF links to their countries.

    ``absent``: the caller has checked that none of the points is stored yet (see :func:`changes`).
    """
    ids = _text(points["id"] if "id" in points.columns else point_ids(points))
    columns: dict[str, pa.Array] = {"id": ids}
    for name in POINT_COLUMNS:
        if name == "period_start":  # ISO days, parsed by Arrow
            columns[name] = _text(points[name]).cast(pa.date32())
        elif name.endswith("_count"):
            columns[name] = pa.array(points[name].to_numpy().astype(np.int64), pa.int64())
        else:
            columns[name] = _text(points[name])
    countries = pc.binary_join_element_wise("country", columns["iso3"], "/")
    return Bulk(node_tables={"SeriesPoint": node_table("SeriesPoint", columns)},
                edge_tables=[edge_table("SERIES_OF", "SeriesPoint", "Country", {"from": ids, "to": countries})],
                absent=frozenset({"SeriesPoint"}) if absent else frozenset())


STORED_Q = """
MATCH (s:SeriesPoint)
WHERE s.iso3 IN $countries AND s.period_start >= $date_from AND s.period_start <= $date_to
RETURN s.id AS id, s.iso3 AS iso3, s.granularity AS granularity, s.period_start AS period_start,
       s.event_count AS event_count, s.fatality_count AS fatality_count,
       s.civilian_event_count AS civilian_event_count, s.civilian_death_count AS civilian_death_count,
       s.political_violence_count AS political_violence_count
"""


def changes(store: GraphStore, points: pd.DataFrame, spans: Mapping[str, tuple[tuple[int, int], tuple[int, int]]],
            ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Which recomputed points are new, which changed, and which stored points to delete.

    ``spans[iso3]`` = the recomputed (first, last) month numbers and week Mondays (day numbers).
    The points come back with their ``id``; a point none of whose counts changed is left out; a
    stored point of the recomputed periods that the computation no longer has is deleted.
    """
    points = points.assign(id=point_ids(points)) if len(points) else points.assign(id=pd.Series([], dtype=object))
    if not spans:
        return points, points.iloc[0:0], []
    epoch = dt.date(1970, 1, 1)
    lows = [dt.date(v[0][0] // 12, v[0][0] % 12 + 1, 1) for v in spans.values()] + \
        [epoch + dt.timedelta(days=v[1][0]) for v in spans.values()]
    highs = [dt.date(v[0][1] // 12, v[0][1] % 12 + 1, 1) for v in spans.values()] + \
        [epoch + dt.timedelta(days=v[1][1]) for v in spans.values()]
    stored = read_table(store, STORED_Q, {"countries": sorted(spans), "date_from": min(lows),
                                          "date_to": max(highs)}).to_pandas()
    if len(stored):
        start = pd.to_datetime(stored["period_start"]).to_numpy()
        month = start.astype("datetime64[M]").astype(np.int64) + 1970 * 12
        day = start.astype("datetime64[D]").astype(np.int64)
        iso3 = stored["iso3"].to_numpy(dtype=object)
        m_lo, m_hi, w_lo, w_hi = (np.asarray([spans[str(c)][i][j] for c in iso3], dtype=np.int64)
                                  for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)))
        weekly = stored["granularity"].to_numpy(dtype=object) == "week"
        stored = stored[np.where(weekly, (day >= w_lo) & (day <= w_hi), (month >= m_lo) & (month <= m_hi))]
    if not len(stored):
        return points, points.iloc[0:0], []
    counts = [c for c in POINT_COLUMNS if c.endswith("_count")]
    old = stored.set_index(pd.Index(stored["id"].to_numpy(dtype=object)))[counts]
    mine = pd.Index(points["id"].to_numpy(dtype=object))
    known = mine.isin(old.index)
    same = np.zeros(len(points), dtype=bool)
    if known.any():
        before = old.reindex(mine[known])
        equal = np.ones(int(known.sum()), dtype=bool)
        for c in counts:
            equal &= (pd.to_numeric(before[c]).to_numpy(dtype=float, na_value=np.nan)
                      == points.loc[known, c].to_numpy(dtype=float))
        same[np.flatnonzero(known)] = equal
    stale = old.index[~old.index.isin(mine)]
    return (points[~known].reset_index(drop=True), points[known & ~same].reset_index(drop=True),
            [str(i) for i in stale])
