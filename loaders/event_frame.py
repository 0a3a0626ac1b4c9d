"""Stored events of some countries and periods as pandas frames, for series and signals.

Reads go by the events' own ``iso3`` and ``date`` columns, so one country's events are read
without visiting the others'. Four frames come back: the events (one row each), and the
``(id, actor)``, ``(id, group)`` and ``(id, indicator)`` pairs of their PERPETRATED, TARGETED and
EVIDENCES links. Events without a country or a date are never counted; :func:`undated` reports
how many there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pandas as pd

from graph.base import GraphStore

__all__ = ["EVENT_COLUMNS", "EventFrames", "first_dates", "read_events", "undated"]

EVENT_COLUMNS: Final = ("id", "iso3", "date", "area", "dataset", "event_type", "sub_event_type",
                        "disorder_type", "civilian_targeting", "fatalities", "civilian_deaths")

EVENTS_Q: Final = """
MATCH (e:Event)
WHERE e.iso3 = $iso3 AND e.date >= $date_from AND e.date <= $date_to
RETURN e.id AS id, e.iso3 AS iso3, e.date AS date, e.area AS area, e.dataset AS dataset,
       e.event_type AS event_type, e.sub_event_type AS sub_event_type,
       e.disorder_type AS disorder_type, e.civilian_targeting AS civilian_targeting,
       e.fatalities AS fatalities, e.civilian_deaths AS civilian_deaths
"""
PERPETRATORS_Q: Final = """
MATCH (a:Actor)-[:PERPETRATED]->(e:Event)
WHERE e.iso3 = $iso3 AND e.date >= $date_from AND e.date <= $date_to
RETURN e.id AS id, a.id AS actor
"""
TARGETS_Q: Final = """
MATCH (e:Event)-[:TARGETED]->(g:VictimGroup)
WHERE e.iso3 = $iso3 AND e.date >= $date_from AND e.date <= $date_to
RETURN e.id AS id, g.id AS grp
"""
INDICATORS_Q: Final = """
MATCH (e:Event)-[:EVIDENCES]->(i:Indicator)
WHERE e.iso3 = $iso3 AND e.date >= $date_from AND e.date <= $date_to
RETURN e.id AS id, i.id AS indicator
"""
FIRST_Q: Final = """
MATCH (e:Event)
WHERE e.iso3 IS NOT NULL AND e.date IS NOT NULL AND ($iso3 = '' OR e.iso3 = $iso3)
RETURN e.iso3 AS iso3, min(e.date) AS first, max(e.date) AS last, count(*) AS events
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


def read_events(store: GraphStore, windows: Mapping[str, tuple[dt.date, dt.date]]) -> EventFrames:
    """The events of each country (ISO3) between the two dates of its window, with their links."""
    parts = []
    for iso3, (first, last) in sorted(windows.items()):
        params = {"iso3": iso3, "date_from": first, "date_to": last}
        events = _frame(store, EVENTS_Q, params)
        if events.empty:
            continue
        parts.append(EventFrames(events, _frame(store, PERPETRATORS_Q, params),
                                 _frame(store, TARGETS_Q, params).rename(columns={"grp": "group"}),
                                 _frame(store, INDICATORS_Q, params)))
    frames = EventFrames.concat(parts)
    frames.events["date"] = pd.to_datetime(frames.events["date"])
    return frames


def first_dates(store: GraphStore, iso3: str = "") -> dict[str, tuple[dt.date, dt.date, int]]:
    """First and last event date and event count per country (one country, or all)."""
    rows = store.run_read(FIRST_Q, {"iso3": iso3}).rows
    return {str(r[0]): (r[1], r[2], int(r[3])) for r in rows}


def undated(store: GraphStore) -> int:
    """Stored events without a country or a date (left out of every series)."""
    return int(store.run_read(UNDATED_Q).scalar() or 0)
