"""After an event load: recompute the series and signals of the months the load touched, and store them.

:func:`refresh` reads the stored events of each touched country from the first touched month
(minus the baseline the signals need) to the last touched day, computes the series
(:mod:`loaders.series`) and the alerts (:mod:`loaders.signals`) column-wise, and writes the
series points of the touched months and the alerts in one bulk transaction. Points the new
computation no longer has are deleted; alerts that no longer fire are deleted while still ``new``
and kept once an analyst has acted on them. A recomputed alert keeps its status.

:func:`set_status` records an analyst's decision on one alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.base import GraphStore
from graph.bulk import Bulk, edge_table, node_table
from graph.columns import read_table
from graph.records import Node
from loaders import series
from loaders.event_frame import EventFrames, first_dates, inside, of_events, stored_counts, undated, within
from loaders.event_slices import Slices, read_slices, week_day, ym_of
from loaders.signals import AlertDraft, Monthly, evaluate_series
from loaders.thresholds import Thresholds
from ontology.errors import AkgError, InvalidRecord

__all__ = ["STATUSES", "AlertNotFound", "Refresh", "coverage", "refresh", "set_status", "touched_windows"]

STATUSES = ("new", "acknowledged", "dismissed", "escalated")

NAMED_GROUPS_Q = """
MATCH (a:Assessment)-[:ASSESSES]->(c:Country)
MATCH (a)-[:CONCERNS]->(g:VictimGroup)
RETURN DISTINCT c.id AS country, g.id AS grp
"""
ALERTS_IN_Q = """
MATCH (a:Alert)
WHERE a.iso3 IN $countries AND a.period_start >= $date_from AND a.period_start <= $date_to
RETURN a.id AS id, a.alert_status AS status, a.status_reason AS reason, a.status_changed AS changed
"""
REGIONS_Q = """
MATCH (c:Country)-[:IN_REGION]->(r:Region)
RETURN c.id AS country, r.id AS region
"""
BASELINE_Q = """
MATCH (s:SeriesPoint)
WHERE s.iso3 IN $countries AND s.granularity = 'month' AND s.period_start >= $date_from
  AND s.period_start <= $date_to
RETURN s.iso3 AS iso3, s.period_start AS period_start, s.dimension AS dimension, s.slice AS slice,
       s.event_count AS event_count, s.civilian_event_count AS civilian_event_count,
       s.political_violence_count AS political_violence_count
"""
ALERT_Q = """
MATCH (a:Alert {id: $id})
RETURN a.id AS id, a.alert_status AS status
"""


class AlertNotFound(AkgError):
    """No alert has the given id."""

    code = "not_found"


@dataclass
class Refresh:
    """What a refresh computed and wrote."""

    countries: int = 0
    events: int = 0
    points: int = 0
    points_deleted: int = 0
    points_written: int = 0
    alerts: int = 0
    alerts_new: int = 0
    alerts_deleted: int = 0
    undated_events: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def touched_windows(chunks: Iterable[Bulk], into: dict[str, tuple[dt.date, dt.date]] | None = None,
                    ) -> dict[str, tuple[dt.date, dt.date]]:
    """First and last event date per country (``iso3``) in the Event tables of a load's chunks.

    Pass ``into`` to extend the spans of earlier chunks (one call per chunk as a load goes).
    """
    spans = into if into is not None else {}
    for chunk in chunks:
        table = chunk.node_tables.get("Event")
        if table is None or "iso3" not in table.column_names or "date" not in table.column_names:
            continue
        frame = table.select(["iso3", "date"]).to_pandas().dropna()
        for iso3, group in frame.groupby("iso3"):
            lo, hi = min(group["date"]), max(group["date"])
            old = spans.get(str(iso3))
            spans[str(iso3)] = (min(lo, old[0]), max(hi, old[1])) if old else (lo, hi)
    return spans


def _shift(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day.replace(day=1)) - pd.DateOffset(months=months)).date()


def _month_end(day: dt.date) -> dt.date:
    return (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()


@dataclass(frozen=True)
class _Span:
    """What one country's refresh reads and rewrites, for the touched days ``first`` to ``last``.

    Whole months and ISO weeks are recomputed: the monthly points of the touched months, the
    stored weekly points of the weeks starting from the first touched day's week to the week holding the
    last touched month's end. The events read cover those periods and the months of the
    evaluated periods (``window_months`` before the first touched month); the baseline before the
    first touched month comes from the stored monthly points.
    """

    first: dt.date
    last: dt.date
    window_months: int
    baseline_months: int

    @property
    def months(self) -> tuple[int, int]:
        return ym_of(self.first), ym_of(self.last)

    @property
    def weeks(self) -> tuple[int, int]:
        return week_day(self.first), week_day(_month_end(self.last))

    @property
    def read(self) -> tuple[dt.date, dt.date]:
        week_lo = dt.date(1970, 1, 1) + dt.timedelta(days=self.weeks[0])
        hi = dt.date(1970, 1, 1) + dt.timedelta(days=self.weeks[1] + 6)
        return min(week_lo, _shift(self.first, self.window_months - 1)), max(hi, _month_end(self.last))

    @property
    def baseline(self) -> tuple[dt.date, dt.date]:
        """Months of stored points the signals need, before the first touched month."""
        return _shift(self.first, self.window_months + self.baseline_months), \
            self.first.replace(day=1) - dt.timedelta(days=1)


def refresh(store: GraphStore, windows: Mapping[str, tuple[dt.date, dt.date]] | None,
            thresholds: Thresholds, today: dt.date | None = None, loaded: EventFrames | None = None,
            weekly_categories: bool = False) -> Refresh:
    """Recompute and store series and alerts for the given countries and date spans (None: all).

    ``loaded``: the events of the load that touched the windows (:class:`Collector`); when the
    stored events of the spans read are exactly these, they are not read back.
    ``weekly_categories``: store the weekly points of each event category too (setting
    ``AKG_WEEKLY_CATEGORY_POINTS``); by default only the country's weekly totals (dimension ``all``)
    are stored weekly, and stored weekly category points of the recomputed weeks are deleted
    (:func:`loaders.series.weekly_points` computes them from the events on request).
    """
    today = today or dt.date.today()
    known = first_dates(store)
    if windows is None:
        windows = {iso3: (first, last) for iso3, (first, last, _) in known.items()}
    windows = {k: v for k, v in windows.items() if k in known}
    summary = Refresh(countries=len(windows), undated_events=undated(store))
    if not windows:
        return summary
    regions = _regions(store)
    limits = {iso3: thresholds.for_country(iso3, None if regions is None else regions.get(iso3, ""))
              for iso3 in windows}
    spans = {iso3: _Span(first, last, int(max(limits[iso3]["window_months"], 1)),
                         int(limits[iso3]["baseline_months"])) for iso3, (first, last) in windows.items()}
    frames = _frames(store, {k: v.read for k, v in spans.items()}, loaded)
    summary.events = len(frames.events)
    coded = Slices.of(frames)
    month_rows = _inside(coded, coded.periods("month"), {k: v.months for k, v in spans.items()})
    week_rows = _inside(coded, coded.periods("week", series.stored_weekly(weekly_categories)),
                        {k: v.weeks for k, v in spans.items()})
    points = series.named(coded, month_rows, week_rows)
    monthly = Monthly.concat([baseline_months(store, {k: v.baseline for k, v in spans.items()}),
                              Monthly.of_rows(coded, month_rows)])
    named: dict[str, set[str]] = {}
    for country, group in store.run_read(NAMED_GROUPS_Q).rows:
        named.setdefault(str(country).split("/", 1)[1], set()).add(str(group))
    drafts = evaluate_series(monthly, coded, {k: (series.month_start(v[0]), v[1]) for k, v in windows.items()},
                             {k: v[0] for k, v in known.items()}, limits.__getitem__, named)
    bulk, fresh, dropped = _alert_bulk(store, drafts, windows, today)
    added, changed, stale = series.changes(store, points, {k: (v.months, v.weeks) for k, v in spans.items()})
    chunks = [bulk] + [series.to_bulk(p, absent=p is added) for p in (added, changed) if len(p)]
    store.write_bulk(chunks)
    if stale or dropped:
        store.delete_nodes(stale + dropped)
    summary.points, summary.points_deleted = len(points), len(stale)
    summary.points_written = len(added) + len(changed)
    summary.alerts, summary.alerts_new, summary.alerts_deleted = len(drafts), fresh, len(dropped)
    for d in drafts:
        summary.by_kind[d.kind] = summary.by_kind.get(d.kind, 0) + 1
    return summary


def _regions(store: GraphStore) -> dict[str, str] | None:
    """Each country's monitored region as the store holds the vocabularies (None: not loaded, ask them)."""
    rows = store.run_read(REGIONS_Q).rows
    return {str(c).split("/", 1)[1]: str(r).split("/", 1)[1] for c, r in rows} if rows else None


def _inside(coded: Slices, rows: pd.DataFrame, spans: Mapping[str, tuple[int, int]]) -> pd.DataFrame:
    """The period rows of each country inside its own (first, last) periods."""
    lo = np.asarray([spans.get(str(c), (1, 0))[0] for c in coded.iso3], dtype=np.int64)
    hi = np.asarray([spans.get(str(c), (1, 0))[1] for c in coded.iso3], dtype=np.int64)
    country, period = rows["country"].to_numpy(), rows["period"].to_numpy()
    inside: pd.DataFrame = rows[(period >= lo[country]) & (period <= hi[country])].reset_index(drop=True)
    return inside


def baseline_months(store: GraphStore, spans: Mapping[str, tuple[dt.date, dt.date]]) -> Monthly:
    """The stored monthly points of each country between the two days of its span.

    Points written before they carried ``political_violence_count`` are recomputed from the
    stored events of that country's span.
    """
    table = read_table(store, BASELINE_Q, {"countries": sorted(spans), "date_from": min(v[0] for v in spans.values()),
                                           "date_to": max(v[1] for v in spans.values())})
    points = table.to_pandas()
    if len(points):
        points = points[inside(points.rename(columns={"period_start": "date"}), spans)]
    old = set(points.loc[points["political_violence_count"].isna(), "iso3"]) if len(points) else set()
    parts = [Monthly.of_points(points[~points["iso3"].isin(old)] if old else points)]
    if old:
        coded = Slices.of(read_slices(store, {k: v for k, v in spans.items() if k in old}))
        parts.append(Monthly.of(coded))
    return Monthly.concat(parts)


def _frames(store: GraphStore, reach: Mapping[str, tuple[dt.date, dt.date]],
            loaded: EventFrames | None) -> EventFrames:
    """The events of every country's reach: from the load where it holds exactly the stored ones, else
    from the store (column-wise)."""
    if loaded is None or loaded.events.empty:
        return read_slices(store, reach)
    mine = within(loaded, reach, links=False)
    have = mine.events.groupby("iso3").size().to_dict()
    stored = stored_counts(store, reach)
    complete = {k for k in reach if stored.get(k, 0) == have.get(k, 0)}
    rest = {k: v for k, v in reach.items() if k not in complete}
    if not rest:
        return mine
    keep = mine.events["iso3"].isin(complete)
    events = mine.events[keep]
    out = EventFrames.concat([EventFrames(events, *(of_events(f, events["id"])
                                                     for f in (mine.actors, mine.groups, mine.indicators))),
                              read_slices(store, rest)])
    out.events["date"] = pd.to_datetime(out.events["date"])
    return out


def _alert_bulk(store: GraphStore, drafts: list[AlertDraft], windows: Mapping[str, tuple[dt.date, dt.date]],
                today: dt.date) -> tuple[Bulk, int, list[str]]:
    stored: dict[str, tuple[str | None, str | None, dt.date | None]] = {}
    span = {"countries": sorted(windows), "date_from": min(series.month_start(v[0]) for v in windows.values()) -
            dt.timedelta(days=366), "date_to": max(v[1] for v in windows.values())}
    for row in store.run_read(ALERTS_IN_Q, span).rows:
        stored[str(row[0])] = (row[1], row[2], row[3])
    by_id = {d.id: d for d in drafts}
    first_month = {k: series.month_start(v[0]) for k, v in windows.items()}
    dropped = [i for i, (status, _, _) in stored.items() if i not in by_id and status in (None, "new")
               and _period_of(i) >= first_month.get(i.split("/", 1)[1][:3], dt.date.max)]
    bulk = Bulk()
    if not by_id:
        return bulk, 0, dropped
    ds = list(by_id.values())
    old = [stored.get(d.id, ("new", None, None)) for d in ds]
    columns: dict[str, list[object]] = {
        "id": [d.id for d in ds], "name": [f"{d.kind} {d.iso3} {d.period_start:%Y-%m}: {d.slice}"[:200] for d in ds],
        "iso3": [d.iso3 for d in ds], "alert_kind": [d.kind for d in ds],
        "period_start": [d.period_start for d in ds], "period_end": [d.period_end for d in ds],
        "dimension": [d.dimension for d in ds], "slice": [d.slice for d in ds],
        "observed": [d.observed for d in ds], "baseline": [d.baseline for d in ds],
        "tail_probability": [d.tail_probability for d in ds], "signal_strength": [d.strength for d in ds],
        "explanation": [d.explanation for d in ds], "computed_on": [today] * len(ds),
        "alert_status": [o[0] or "new" for o in old], "status_reason": [o[1] for o in old],
        "status_changed": [o[2] for o in old]}
    bulk.node_tables["Alert"] = node_table("Alert", columns)
    bulk.edge_tables.append(edge_table("RAISED_FOR", "Alert", "Country",
                                       {"from": [d.id for d in ds], "to": [f"country/{d.iso3}" for d in ds]}))
    pairs = [(d.id, e) for d in ds for e in d.evidence]
    if pairs:
        bulk.edge_tables.append(edge_table("BASED_ON", "Alert", "Event", {"from": [p[0] for p in pairs],
                                                                          "to": [p[1] for p in pairs]}))
    for label, prefix in (("Indicator", "ind/"), ("Actor", "actor/"), ("VictimGroup", "group/"),
                          ("RiskFactor", "rf/")):
        links = [(d.id, t) for d in ds for t in d.points_to if t.startswith(prefix)]
        if links:
            bulk.edge_tables.append(edge_table("POINTS_TO", "Alert", label, {"from": [p[0] for p in links],
                                                                             "to": [p[1] for p in links]}))
    return bulk, sum(1 for d in ds if d.id not in stored), dropped


def _period_of(alert_id: str) -> dt.date:
    """The period month encoded in an alert id (``alert/SYR-surge-2018-02-…``)."""
    parts = alert_id.split("/", 1)[1].split("-")
    try:
        return dt.date(int(parts[-3]), int(parts[-2]), 1)
    except (ValueError, IndexError):
        return dt.date.min


def set_status(store: GraphStore, alert_id: str, status: str, reason: str | None = None,
               today: dt.date | None = None) -> dict[str, object]:
    """Acknowledge, dismiss (a reason is required), escalate or reopen an alert."""
    if status not in STATUSES:
        raise InvalidRecord(f"status must be one of {', '.join(STATUSES)}", {"status": [f"{status!r} not allowed"]})
    if status == "dismissed" and not (reason or "").strip():
        raise InvalidRecord("dismissing an alert needs a reason", {"reason": ["is required to dismiss"]})
    if not store.run_read(ALERT_Q, {"id": alert_id}).rows:
        raise AlertNotFound(f"no alert with id {alert_id}", {"id": [alert_id]})
    day = today or dt.date.today()
    text = reason.strip() if reason is not None and reason.strip() else None
    node = Node.make(alert_id, partial=True, alert_status=status, status_changed=day, status_reason=text) \
        if text else Node.make(alert_id, partial=True, alert_status=status, status_changed=day)
    store.write([node], [])
    return {"id": alert_id, "status": status, "reason": text, "changed": day}


def coverage(store: GraphStore, iso3: str, thresholds: Thresholds | None = None) -> dict[str, object]:
    """What the stored events of a country allow: their span, and in words why nothing may alert."""
    limits = (thresholds or Thresholds()).for_country(iso3)
    span = first_dates(store, iso3).get(iso3)
    if span is None:
        return {"events": 0, "first_event": None, "last_event": None, "months": 0,
                "message": f"No events of {iso3} are stored, so it has no series and no alerts: load ACLED or "
                           "UCDP GED events for it (akg load acled|ucdp)."}
    first, last, count = span
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    need = int(limits["min_baseline_months"])
    message = (f"{count:,} events from {first} to {last} ({months} months)."
               + (f" Signals need {need} months of event history before anything can alert, so none has."
                  if months <= need else ""))
    return {"events": count, "first_event": first, "last_event": last, "months": months, "message": message}
