"""Stored events of some countries and periods as pandas frames, for series and signals.

Reads go by the events' own ``iso3`` and ``date`` columns, so one country's events are read
without visiting the others'. After a load, :class:`Collector` holds the load's own events and
links, so a country whose stored events in the window are all from this load is not read back.
Four frames come back: the events (one row each), and the
``(id, actor)``, ``(id, group)`` and ``(id, indicator)`` pairs of their PERPETRATED, TARGETED and
EVIDENCES links. Events without a country or a date are never counted; :func:`undated` reports
how many there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from graph.base import GraphStore
from graph.bulk import Bulk
from graph.columns import read_table

__all__ = ["EVENT_COLUMNS", "Collector", "EventFrames", "first_dates", "of_events", "read_events", "stored_counts",
           "inside", "undated", "within"]

EVENT_COLUMNS: Final = ("id", "iso3", "date", "area", "dataset", "event_type", "sub_event_type",
                        "disorder_type", "civilian_targeting", "fatalities", "civilian_deaths")

EVENTS_Q: Final = """
MATCH (e:Event)
WHERE e.iso3 IN $countries AND e.date >= $date_from AND e.date <= $date_to
RETURN e.id AS id, e.iso3 AS iso3, e.date AS date, e.area AS area, e.dataset AS dataset,
       e.event_type AS event_type, e.sub_event_type AS sub_event_type,
       e.disorder_type AS disorder_type, e.civilian_targeting AS civilian_targeting,
       e.fatalities AS fatalities, e.civilian_deaths AS civilian_deaths
"""
PERPETRATORS_Q: Final = """
MATCH (a:Actor)-[:PERPETRATED]->(e:Event)
WHERE e.iso3 IN $countries AND e.date >= $date_from AND e.date <= $date_to
RETURN e.id AS id, a.id AS actor
"""
TARGETS_Q: Final = """
MATCH (e:Event)-[:TARGETED]->(g:VictimGroup)
WHERE e.iso3 IN $countries AND e.date >= $date_from AND e.date <= $date_to
RETURN e.id AS id, g.id AS grp
"""
INDICATORS_Q: Final = """
MATCH (e:Event)-[:EVIDENCES]->(i:Indicator)
WHERE e.iso3 IN $countries AND e.date >= $date_from AND e.date <= $date_to
RETURN e.id AS id, i.id AS indicator
"""
FIRST_Q: Final = """
MATCH (e:Event)
WHERE e.iso3 IS NOT NULL AND e.date IS NOT NULL AND ($iso3 = '' OR e.iso3 = $iso3)
RETURN e.iso3 AS iso3, min(e.date) AS first, max(e.date) AS last, count(*) AS events
"""
COUNTS_Q: Final = """
MATCH (e:Event)
WHERE e.iso3 IN $countries AND e.date >= $date_from AND e.date <= $date_to
RETURN e.iso3 AS iso3, e.date AS date, count(*) AS events
"""
UNDATED_Q: Final = """
MATCH (e:Event)
WHERE e.iso3 IS NULL OR e.date IS NULL
RETURN count(*) AS events
"""


@dataclass
class EventFrames:
    """Events and their links, one frame each."""

    events: pd.DataFrame
    actors: pd.DataFrame
    groups: pd.DataFrame
    indicators: pd.DataFrame

    @staticmethod
    def concat(parts: list[EventFrames]) -> EventFrames:
        """One set of frames from several."""
        def cat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
            frames = [f for f in frames if len(f)]
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(columns))
        return EventFrames(cat([p.events for p in parts], EVENT_COLUMNS),
                           cat([p.actors for p in parts], ("id", "actor")),
                           cat([p.groups for p in parts], ("id", "group")),
                           cat([p.indicators for p in parts], ("id", "indicator")))


def _frame(store: GraphStore, cypher: str, params: Mapping[str, object]) -> pd.DataFrame:
    result = store.run_read(cypher, params)
    return pd.DataFrame(result.rows, columns=result.columns)


def _span(windows: Mapping[str, tuple[dt.date, dt.date]]) -> dict[str, object]:
    return {"countries": sorted(windows), "date_from": min(w[0] for w in windows.values()),
            "date_to": max(w[1] for w in windows.values())}


def inside(events: pd.DataFrame, windows: Mapping[str, tuple[dt.date, dt.date]]) -> npt.NDArray[np.bool_]:
    """Which events are of a country of ``windows`` and inside its window."""
    codes, countries = pd.factorize(events["iso3"])
    never = (np.datetime64("9999-12-31"), np.datetime64("0001-01-01"))
    lo = np.asarray([np.datetime64(windows[c][0]) if c in windows else never[0] for c in countries] + [never[0]],
                    dtype="datetime64[D]")
    hi = np.asarray([np.datetime64(windows[c][1]) if c in windows else never[1] for c in countries] + [never[1]],
                    dtype="datetime64[D]")
    days = pd.to_datetime(events["date"]).to_numpy().astype("datetime64[D]")
    keep: npt.NDArray[np.bool_] = (days >= lo[codes]) & (days <= hi[codes])  # code -1 (no country): never
    return keep


def within(frames: EventFrames, windows: Mapping[str, tuple[dt.date, dt.date]], links: bool = True) -> EventFrames:
    """Only the events (and, with ``links``, their links) of each country inside its own window.

    Without ``links`` the link frames are passed on whole: their rows of events left out match no
    event (what :class:`loaders.event_slices.Slices` expects).
    """
    keep = inside(frames.events, windows)
    if keep.all():
        return frames
    kept = frames.events[keep].reset_index(drop=True)
    if not links:
        return EventFrames(kept, frames.actors, frames.groups, frames.indicators)
    return EventFrames(kept, *(of_events(f, kept["id"]) for f in (frames.actors, frames.groups, frames.indicators)))


def of_events(links: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """The link rows whose event is among ``ids`` (a hash join, not a per-value membership test)."""
    return links.merge(pd.DataFrame({"id": ids.drop_duplicates()}), on="id", how="inner")


def read_events(store: GraphStore, windows: Mapping[str, tuple[dt.date, dt.date]]) -> EventFrames:
    """The events of each country (ISO3) between the two dates of its window, with their links.

    One query per kind for all the countries (each a scan of the events' iso3 and date columns).
    """
    if not windows:
        return EventFrames.concat([])
    params = _span(windows)
    events = _frame(store, EVENTS_Q, params)
    frames = EventFrames(events, _frame(store, PERPETRATORS_Q, params),
                         _frame(store, TARGETS_Q, params).rename(columns={"grp": "group"}),
                         _frame(store, INDICATORS_Q, params))
    frames.events["date"] = pd.to_datetime(frames.events["date"])
    return within(frames, windows)


def stored_counts(store: GraphStore, windows: Mapping[str, tuple[dt.date, dt.date]]) -> dict[str, int]:
    """Stored events per country between the two days of its own window."""
    if not windows:
        return {}
    days = read_table(store, COUNTS_Q, _span(windows)).to_pandas()
    if not len(days):
        return {}
    days = days[inside(days, windows)]
    return {str(k): int(v) for k, v in days.groupby("iso3")["events"].sum().items()}


class Collector:
    """Keeps the events and links of a load's chunks as frames, so the series need not read them back."""

    def __init__(self) -> None:
        self.parts: list[EventFrames] = []

    def add(self, chunk: Bulk) -> None:
        """Take the Event table and the PERPETRATED, TARGETED and EVIDENCES tables of one chunk."""
        table = chunk.node_tables.get("Event")
        if table is None:
            return
        events = pd.DataFrame({c: table.column(c).to_pandas() if c in table.column_names else None
                               for c in EVENT_COLUMNS})
        links: dict[str, list[pd.DataFrame]] = {"PERPETRATED": [], "TARGETED": [], "EVIDENCES": []}
        for et in chunk.edge_tables:
            if et.type in links:
                links[et.type].append(et.table.select(["from", "to"]).to_pandas())

        def pairs(kind: str, event_end: str, name: str) -> pd.DataFrame:
            if not links[kind]:
                return pd.DataFrame(columns=["id", name])
            both = pd.concat(links[kind], ignore_index=True)
            other = "to" if event_end == "from" else "from"
            return both.rename(columns={event_end: "id", other: name})[["id", name]]
        self.parts.append(EventFrames(events, pairs("PERPETRATED", "to", "actor"), pairs("TARGETED", "from", "group"),
                                      pairs("EVIDENCES", "from", "indicator")))

    def frames(self) -> EventFrames:
        """Everything collected, with dates as timestamps."""
        out = EventFrames.concat(self.parts)
        out.events["date"] = pd.to_datetime(out.events["date"])
        return out


def first_dates(store: GraphStore, iso3: str = "") -> dict[str, tuple[dt.date, dt.date, int]]:
    """First and last event date and event count per country (one country, or all)."""
    rows = store.run_read(FIRST_Q, {"iso3": iso3}).rows
    return {str(r[0]): (r[1], r[2], int(r[3])) for r in rows}


def undated(store: GraphStore) -> int:
    """Stored events without a country or a date (left out of every series)."""
    return int(store.run_read(UNDATED_Q).scalar() or 0)
