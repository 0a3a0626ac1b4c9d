"""Builds the bulk chunks of an event dataset: events, places, actors, groups and their links.

Shared by the ACLED and UCDP loaders. Nodes that many rows share (locations, actors, victim
groups) are emitted once per load as ordinary records; events and the relationships of each
row go into Arrow tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from typing import Any

import pyarrow as pa

from graph.bulk import Bulk, edge_table, node_table
from graph.records import Edge, Node
from loaders.actors import AliasTable, display_name, slug

__all__ = ["EventBuilder", "in_kosovo"]

_EVENT_COLUMNS = ("id", "name", "dataset", "source_event_id", "date", "date_end", "event_type",
                  "sub_event_type", "disorder_type", "fatalities", "fatalities_low",
                  "fatalities_high", "civilian_deaths", "time_precision", "civilian_targeting",
                  "description", "iso3", "area")
# Admin-1 names that place an event coded to Serbia (UCDP "Serbia (Yugoslavia)") in Kosovo: the
# province itself and its seven districts in Serbian and Albanian spellings.
_KOSOVO_AREAS = ("kosov", "kosova", "prizren", "pec district", "peć", "peja", "pristina", "priština",
                 "prishtin", "djakovica", "đakovica", "gjakov", "gnjilane", "gjilan", "urosevac",
                 "uroševac", "ferizaj", "mitrovic")


def in_kosovo(iso3: str, admin1: str) -> bool:
    """True when an event a dataset codes to Serbia lies in Kosovo (its admin-1 area says so).

    >>> in_kosovo("SRB", "Kosovo"), in_kosovo("SRB", "Prizren District"), in_kosovo("SRB", "Vojvodina")
    (True, True, False)
    """
    area = admin1.strip().lower()
    return iso3 == "SRB" and bool(area) and any(area.startswith(k) or f" {k}" in area for k in _KOSOVO_AREAS)
_GROUP_WORDS = (("ethnic", "ethnic"), ("religious", "religious"), ("muslim", "religious"),
                ("christian", "religious"), ("yazidi", "religious"), ("political", "political"))


class EventBuilder:
    """Accumulates one chunk at a time; remembers across chunks what it already emitted."""

    def __init__(self, dataset: str, aliases: AliasTable) -> None:
        self.dataset = dataset
        self.prefix = f"event/{dataset.lower().split('-')[0]}-"
        self.aliases = aliases
        self.events_seen: set[str] = set()
        self.nodes_seen: set[str] = set()
        self.pairs_seen: set[tuple[str, str, str]] = set()
        self.places: dict[str, str] = {}
        self.resolved: dict[str, tuple[str, bool]] = {}
        self._reset()

    def _reset(self) -> None:
        self.events: dict[str, list[Any]] = {c: [] for c in _EVENT_COLUMNS}
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.links: dict[tuple[str, str, str], dict[tuple[str, str], None]] = defaultdict(dict)
        self.table: pa.Table | None = None

    def _link(self, rel: str, src_label: str, dst_label: str, src: str, dst: str) -> None:
        self.links[(rel, src_label, dst_label)][(src, dst)] = None

    def event(self, *, source_id: str, date: dt.date, **props: Any) -> str | None:
        """Add an event row; returns its id, or None when the id was already seen."""
        event_id = self.prefix + source_id
        if event_id in self.events_seen:
            return None
        self.events_seen.add(event_id)
        row = {"id": event_id, "dataset": self.dataset, "source_event_id": source_id, "date": date}
        row.update(props)
        for column in _EVENT_COLUMNS:
            self.events[column].append(row.get(column))
        return event_id

    def _node(self, node_id: str, **props: Any) -> None:
        if node_id not in self.nodes_seen:
            self.nodes_seen.add(node_id)
            self.nodes.append(Node.make(node_id, source=self.dataset, **{k: v for k, v in props.items()
                                                                         if v is not None and v != ""}))

    def _pair(self, rel: str, src: str, dst: str) -> None:
        if (rel, src, dst) not in self.pairs_seen:
            self.pairs_seen.add((rel, src, dst))
            self.edges.append(Edge.make(rel, src, dst, origin=self.dataset))

    def located(self, event_id: str, country: str, *, place: str, admin1: str = "", admin2: str = "",
                latitude: float | None = None, longitude: float | None = None,
                precision: int | None = None) -> None:
        """OCCURRED_IN a Location (one node per distinct place) that is IN_COUNTRY."""
        if not place and latitude is None:
            self._link("OCCURRED_IN", "Event", "Country", event_id, f"country/{country}")
            return
        location = self.location(country, place=place, admin1=admin1, admin2=admin2, latitude=latitude,
                                 longitude=longitude, precision=precision)
        self._link("OCCURRED_IN", "Event", "Location", event_id, location)

    def location(self, country: str, *, place: str, admin1: str = "", admin2: str = "",
                 latitude: float | None = None, longitude: float | None = None,
                 precision: int | None = None) -> str:
        """The id of a place (a Location node IN_COUNTRY, emitted once per load)."""
        key = f"{country}|{admin1}|{admin2}|{place}|{latitude}|{longitude}"
        location = self.places.get(key)
        if location is None:
            digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:12]
            location = self.places[key] = f"location/{country.lower()}-{digest}"
        if location not in self.nodes_seen:
            self._node(location, name=place or f"{latitude}, {longitude}", admin1=admin1 or None,
                       admin2=admin2 or None, latitude=latitude, longitude=longitude,
                       geo_precision=precision if precision and 1 <= precision <= 7 else None)
            self._pair("IN_COUNTRY", location, f"country/{country}")
        return location

    def actor(self, raw: str, kind: str, country: str) -> str:
        """The actor id for a dataset name; new names become unresolved actors."""
        resolved = self.resolved.get(raw)
        if resolved is None:
            resolved = self.resolved[raw] = self.aliases.actor(raw)
        actor_id, known = resolved
        if not known:
            self._node(actor_id, name=display_name(raw), aliases=[raw], kind=kind, unresolved=True)
        self._pair("OPERATES_IN", actor_id, f"country/{country}")
        return actor_id

    def perpetrated(self, event_id: str, raw_actor: str, kind: str, country: str) -> None:
        """The actor PERPETRATED the event."""
        self._link("PERPETRATED", "Actor", "Event", self.actor(raw_actor, kind, country), event_id)

    def targeted(self, event_id: str, names: list[str], country: str, country_name: str) -> None:
        """The event TARGETED the victim groups the names denote (or the country's civilians)."""
        for group_id in self.groups(names, country, country_name):
            self._link("TARGETED", "Event", "VictimGroup", event_id, group_id)

    def groups(self, names: list[str], country: str, country_name: str) -> list[str]:
        """Victim-group ids that dataset names denote (or the country's civilians)."""
        groups = []
        civilians = f"group/civilians-{country.lower()}"
        for name in names:
            known = self.aliases.group(name)
            if known == civilians:
                continue  # the fallback below, so a re-load resolves as the first load did
            if known is not None:
                groups.append(known)
            elif "group" in name.lower() or any(w in name.lower() for w, _ in _GROUP_WORDS):
                basis = next((b for w, b in _GROUP_WORDS if w in name.lower()), "other")
                group_id = f"group/{slug(name)}"
                self._node(group_id, name=display_name(name), basis=basis,
                           protected=basis in {"ethnic", "religious"})
                groups.append(group_id)
        if not groups:
            group_id = civilians
            self._node(group_id, name=f"Civilians ({country_name or country})", basis="other",
                       protected=False)
            groups.append(group_id)
        unique = list(dict.fromkeys(groups))
        for group_id in unique:
            self._pair("LIVES_IN", group_id, f"country/{country}")
        return unique

    def evidences(self, event_id: str, indicator: str) -> None:
        """The event EVIDENCES a Framework indicator."""
        self._link("EVIDENCES", "Event", "Indicator", event_id, f"ind/{indicator}")

    def links_from(self, rel: str, src_label: str, dst_label: str, froms: list[str], tos: list[str]) -> None:
        """Add many relationships of one kind at once."""
        table = self.links[(rel, src_label, dst_label)]
        for pair in zip(froms, tos, strict=True):
            table[pair] = None

    def event_table(self, columns: dict[str, pa.Array]) -> None:
        """Set this chunk's events from ready columns (the vectorised path)."""
        self.table = node_table("Event", columns)

    def flush(self) -> Bulk:
        """The chunk built so far; starts a new one."""
        bulk = Bulk(nodes=self.nodes, edges=self.edges)
        if self.table is not None:
            bulk.node_tables["Event"] = self.table
        elif self.events["id"]:
            columns = {k: v for k, v in self.events.items() if any(x is not None for x in v)}
            bulk.node_tables["Event"] = node_table("Event", columns)
        for (rel, src, dst), pairs in self.links.items():
            bulk.edge_tables.append(edge_table(rel, src, dst, {"from": [p[0] for p in pairs],
                                                               "to": [p[1] for p in pairs]}))
        self._reset()
        return bulk
