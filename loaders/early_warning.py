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

import pandas as pd

from graph.base import GraphStore
from graph.bulk import Bulk, edge_table, node_table
from graph.records import Node
from loaders import series
from loaders.event_frame import EventFrames, first_dates, of_events, read_events, stored_counts, undated, within
from loaders.signals import AlertDraft, evaluate
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


def refresh(store: GraphStore, windows: Mapping[str, tuple[dt.date, dt.date]] | None,
            thresholds: Thresholds, today: dt.date | None = None, loaded: EventFrames | None = None) -> Refresh:
    """Recompute and store series and alerts for the given countries and date spans (None: all).

    ``loaded``: the events of the load that touched the windows (:class:`Collector`); a country
    whose stored events in its window are exactly these is computed from them, not read back.
    """
    today = today or dt.date.today()
    known = first_dates(store)
    if windows is None:
        windows = {iso3: (first, last) for iso3, (first, last, _) in known.items()}
    windows = {k: v for k, v in windows.items() if k in known}
    summary = Refresh(countries=len(windows), undated_events=undated(store))
    if not windows:
        return summary
    reach = {iso3: (_shift(first, int(max(t["baseline_months"] + t["window_months"], 1))), last)
             for iso3, (first, last) in windows.items()
             for t in [thresholds.for_country(iso3)]}
    frames = _frames(store, reach, loaded)
    summary.events = len(frames.events)
    points = _touched_points(series.compute(frames), windows)
    stale = series.stale_ids(store, points, {k: (series.month_start(v[0]), v[1]) for k, v in windows.items()})
    named: dict[str, set[str]] = {}
    for country, group in store.run_read(NAMED_GROUPS_Q).rows:
        named.setdefault(str(country).split("/", 1)[1], set()).add(str(group))
    drafts = evaluate(frames, {k: (series.month_start(v[0]), v[1]) for k, v in windows.items()},
                      {k: v[0] for k, v in known.items()}, thresholds.for_country, named)
    bulk, fresh, dropped = _alert_bulk(store, drafts, windows, today)
    if len(points):
        bulk.node_tables["SeriesPoint"] = series.to_bulk(points).node_tables["SeriesPoint"]
    store.write_bulk([bulk])
    if stale or dropped:
        store.delete_nodes(stale + dropped)
    summary.points, summary.points_deleted = len(points), len(stale)
    summary.alerts, summary.alerts_new, summary.alerts_deleted = len(drafts), fresh, len(dropped)
    for d in drafts:
        summary.by_kind[d.kind] = summary.by_kind.get(d.kind, 0) + 1
    return summary


def _frames(store: GraphStore, reach: Mapping[str, tuple[dt.date, dt.date]],
            loaded: EventFrames | None) -> EventFrames:
    """The events of every country's reach: from the load where it holds them all, else from the store."""
    if loaded is None or loaded.events.empty:
        return read_events(store, reach)
    mine = within(loaded, reach)
    have = mine.events.groupby("iso3").size().to_dict()
    stored = stored_counts(store, reach)
    # equal counts over the whole span of the reaches mean no other stored event is in any reach
    complete = {k for k in reach if stored.get(k, 0) == have.get(k, 0)}
    rest = {k: v for k, v in reach.items() if k not in complete}
    keep = mine.events["iso3"].isin(complete)
    events = mine.events[keep]
    parts = [EventFrames(events, *(of_events(f, events["id"]) for f in (mine.actors, mine.groups, mine.indicators)))]
    if rest:
        parts.append(read_events(store, rest))
    out = EventFrames.concat(parts)
    out.events["date"] = pd.to_datetime(out.events["date"])
    return out


def _touched_points(points: pd.DataFrame, windows: Mapping[str, tuple[dt.date, dt.date]]) -> pd.DataFrame:
    if points.empty:
        return points
    lo = points["iso3"].map({k: series.month_start(v[0]).isoformat() for k, v in windows.items()})
    week_lo = points["iso3"].map({k: (v[0] - dt.timedelta(days=v[0].weekday())).isoformat()
                                  for k, v in windows.items()})
    first = lo.where(points["granularity"] == "month", week_lo)
    return points[points["period_start"] >= first].reset_index(drop=True)


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
