"""Provenance for every surface: source ids to objects, dataset versions, numbered citations.

Statements carry ``sources`` (lists of Source ids) and dataset-derived records carry
``dataset_version`` (a DatasetVersion id). Readers need the objects: a source's title,
publisher, date, URL and Admiralty grade; a version's dataset, edition, access date, required
citation and whether it is illustrative. The functions here resolve **all** the ids of one
answer in one query per kind (:func:`resolve_sources`, :func:`resolve_versions`) instead of one
per item, and :func:`attach_sources` swaps id lists for objects in place.

:class:`Bibliography` numbers sources in the order they are first cited (for a dashboard's
Sources section and a briefing's footnotes); :func:`attribution` turns dataset versions into
the lines a page, an export or a briefing must show wherever their numbers appear.

Example:
    >>> bib = Bibliography()
    >>> bib.cite(["source/b", "source/a"]), bib.cite(["source/a", "source/c"]), bib.order
    ([1, 2], [2, 3], ['source/b', 'source/a', 'source/c'])
    >>> grade({"reliability": "B", "credibility": 2}), grade({"reliability": None, "credibility": None})
    ('B2', 'ungraded')
    >>> attribution([{"id": "d1", "dataset": "X", "citation": "X data; accessed 2025-01-02", "accessed": None},
    ...              {"id": "d2", "dataset": "Y", "citation": "Y data", "accessed": dt.date(2025, 3, 4)},
    ...              {"id": "d3", "dataset": "Y", "citation": "Y data", "accessed": dt.date(2025, 3, 4)}])
    ['X data; accessed 2025-01-02', 'Y data; accessed 2025-03-04']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.base import GraphStore

__all__ = [
    "ASSESSMENT_SOURCES_CYPHER", "EVENT_VERSIONS_BY_ACTOR_CYPHER", "EVENT_VERSIONS_CYPHER",
    "INDICATORS_VERIFIED_CYPHER", "ROLE_SOURCES_CYPHER", "SCORE_VERSIONS_CYPHER", "SOURCES_CYPHER",
    "STATEMENT_SOURCES_CYPHER", "THREAT_EVENT_VERSIONS_CYPHER", "VERSIONS_CYPHER", "Bibliography",
    "any_illustrative", "assessment_sources", "attach_sources", "attribution", "event_versions", "grade",
    "indicators_verified", "resolve_sources", "resolve_versions", "role_sources", "score_versions",
    "statement_sources", "threat_event_versions",
]

SOURCE_FIELDS = ("id", "title", "publisher", "date", "url", "reliability", "credibility")
VERSION_FIELDS = ("id", "dataset", "version", "accessed", "citation", "illustrative", "publisher", "licence",
                  "url", "current", "load_state", "rows_committed")

SOURCES_CYPHER = """
MATCH (s:Source) WHERE s.id IN $ids
RETURN s.id AS id, coalesce(s.title, s.name) AS title, s.publisher AS publisher, s.published AS date,
       s.url AS url, s.reliability AS reliability, s.credibility AS credibility
"""
VERSIONS_CYPHER = """
MATCH (v:DatasetVersion) WHERE v.id IN $ids
RETURN v.id AS id, v.dataset AS dataset, v.version AS version, v.accessed AS accessed,
       v.citation AS citation, v.illustrative AS illustrative, v.publisher AS publisher,
       v.licence AS licence, v.url AS url, v.current AS current, v.load_state AS load_state,
       v.rows_committed AS rows_committed
"""
# What one assessment states about each item, with the sources it cites for it.
STATEMENT_SOURCES_CYPHER = """
MATCH (:Assessment {id: $assessment})-[r:FINDS]->(x:RiskFactor)
RETURN 'finding' AS kind, x.id AS item, r.sources AS sources
UNION ALL
MATCH (:Assessment {id: $assessment})-[r:OBSERVES]->(x:Indicator)
RETURN 'indicator' AS kind, x.id AS item, r.sources AS sources
UNION ALL
MATCH (:Assessment {id: $assessment})-[r:IDENTIFIES]->(x:Actor)
RETURN 'role' AS kind, x.id AS item, r.sources AS sources
UNION ALL
MATCH (:Assessment {id: $assessment})-[r:CONCERNS]->(x:VictimGroup)
RETURN 'group' AS kind, x.id AS item, r.sources AS sources
UNION ALL
MATCH (:Assessment {id: $assessment})-[r:ANTICIPATES]->(x:Trigger)
RETURN 'trigger' AS kind, x.id AS item, r.sources AS sources
"""
# Every source the assessments of a country cite, newest assessment first.
ASSESSMENT_SOURCES_CYPHER = """
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
MATCH (a)-[:CITES]->(s:Source)
RETURN a.id AS assessment, a.date AS date, s.id AS source
ORDER BY date DESC, assessment DESC, source
"""
ROLE_SOURCES_CYPHER = """
MATCH (a:Assessment)-[r:IDENTIFIES]->(x:Actor) WHERE x.id IN $actors
RETURN x.id AS actor, a.id AS assessment, a.date AS date, a.status AS status, r.role AS role,
       r.sources AS sources
ORDER BY actor, date DESC, assessment
"""
SCORE_VERSIONS_CYPHER = """
MATCH (s:RiskScore)-[:SCORES]->(c:Country) WHERE c.id IN $countries
RETURN c.id AS country, s.date AS date, s.dataset_version AS version
"""
# Versions of the events in a country (directly or through their location) in a window.
EVENT_VERSIONS_CYPHER = """
MATCH (e:Event)-[:OCCURRED_IN]->(p)
WHERE e.date >= $date_from AND e.date <= $date_to
OPTIONAL MATCH (p)-[:IN_COUNTRY]->(c:Country)
WITH e, coalesce(c.id, p.id) AS country
WHERE country = $country
RETURN e.dataset_version AS version, count(e) AS events
"""
# Versions of the events each actor perpetrated against a victim group.
THREAT_EVENT_VERSIONS_CYPHER = """
MATCH (x:Actor)-[:PERPETRATED]->(e:Event)-[:TARGETED]->(:VictimGroup {id: $victim_group})
RETURN x.id AS actor, e.dataset_version AS version, count(e) AS events
"""
INDICATORS_VERIFIED_CYPHER = """
MATCH (i:Indicator) WHERE i.id IN $ids
RETURN i.id AS id, i.verified AS verified
"""
EVENT_VERSIONS_BY_ACTOR_CYPHER = """
MATCH (:Actor {id: $actor})-[:PERPETRATED]->(e:Event)
WHERE e.date >= $date_from AND e.date <= $date_to
RETURN e.dataset_version AS version, count(e) AS events
"""


def grade(source: Mapping[str, Any]) -> str:
    """The Admiralty grade of a source, e.g. ``B2`` (``ungraded`` when it has none)."""
    r, c = source.get("reliability"), source.get("credibility")
    if not r and c is None:
        return "ungraded"
    return f"{r or '?'}{c if c is not None else '?'}"


def _ids(values: Iterable[Any]) -> list[str]:
    return sorted({str(v) for v in values if v})


def resolve_sources(store: GraphStore, ids: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Source objects by id, all in one query; ids with no Source node get an object with only the id."""
    wanted = _ids(ids)
    found = {r["id"]: r for r in store.run_read(SOURCES_CYPHER, {"ids": wanted}).dicts()} if wanted else {}
    return {i: found.get(i) or dict.fromkeys(SOURCE_FIELDS) | {"id": i} for i in wanted}


def resolve_versions(store: GraphStore, ids: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """DatasetVersion objects by id, all in one query (unknown ids are left out)."""
    wanted = _ids(ids)
    if not wanted:
        return {}
    return {r["id"]: r for r in store.run_read(VERSIONS_CYPHER, {"ids": wanted}).dicts()}


def attach_sources(store: GraphStore, items: Sequence[MutableMapping[str, Any]], key: str = "sources") -> None:
    """Replace each item's list of source ids under ``key`` by source objects (one query for all)."""
    table = resolve_sources(store, (i for item in items for i in (item.get(key) or [])))
    for item in items:
        item[key] = [table[str(i)] for i in (item.get(key) or []) if i]


def statement_sources(store: GraphStore, assessment: str | None) -> dict[tuple[str, str], list[str]]:
    """``(kind, item) -> source ids`` of what an assessment states (kinds: finding, indicator, role,
    group, trigger)."""
    if not assessment:
        return {}
    return {(r["kind"], r["item"]): list(r["sources"] or [])
            for r in store.run_read(STATEMENT_SOURCES_CYPHER, {"assessment": assessment}).dicts()}


def assessment_sources(store: GraphStore, country: str) -> list[dict[str, Any]]:
    """Every source the country's assessments cite, with the assessments citing it (newest first)."""
    by_source: dict[str, list[str]] = {}
    for r in store.run_read(ASSESSMENT_SOURCES_CYPHER, {"country": country}).dicts():
        by_source.setdefault(r["source"], []).append(r["assessment"])
    table = resolve_sources(store, by_source)
    return [{**table[s], "assessments": a} for s, a in by_source.items()]


def role_sources(store: GraphStore, actors: Iterable[str]) -> list[dict[str, Any]]:
    """Each role an assessment gives each actor, with its sources as objects (two queries)."""
    wanted = _ids(actors)
    if not wanted:
        return []
    rows = store.run_read(ROLE_SOURCES_CYPHER, {"actors": wanted}).dicts()
    attach_sources(store, rows)
    return rows


def score_versions(store: GraphStore, countries: Iterable[str]) -> dict[tuple[str, dt.date], list[str]]:
    """``(country, score date) -> dataset version ids`` of the scores of these countries."""
    wanted = _ids(countries)
    out: dict[tuple[str, dt.date], list[str]] = {}
    if wanted:
        for r in store.run_read(SCORE_VERSIONS_CYPHER, {"countries": wanted}).dicts():
            if r["version"]:
                out.setdefault((r["country"], r["date"]), []).append(r["version"])
    return out


def event_versions(store: GraphStore, *, country: str = "", actor: str = "", date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> dict[str, int]:
    """``dataset version id -> events`` behind a country's or an actor's events in a window."""
    params: dict[str, Any] = {"date_from": date_from or dt.date(1900, 1, 1), "date_to": date_to or dt.date.today()}
    if actor:
        rows = store.run_read(EVENT_VERSIONS_BY_ACTOR_CYPHER, {**params, "actor": actor}).dicts()
    else:
        rows = store.run_read(EVENT_VERSIONS_CYPHER, {**params, "country": country}).dicts()
    return {r["version"]: int(r["events"]) for r in rows if r["version"]}


def indicators_verified(store: GraphStore, ids: Iterable[Any]) -> dict[str, bool]:
    """``indicator id -> verified`` (an indicator without the flag counts as unverified)."""
    wanted = _ids(ids)
    if not wanted:
        return {}
    found = {r["id"]: bool(r["verified"]) for r in store.run_read(INDICATORS_VERIFIED_CYPHER, {"ids": wanted}).dicts()}
    return {i: found.get(i, False) for i in wanted}


def threat_event_versions(store: GraphStore, group: str) -> dict[str, list[str]]:
    """``actor id -> dataset version ids`` of the events each actor perpetrated against ``group``."""
    out: dict[str, list[str]] = {}
    for r in store.run_read(THREAT_EVENT_VERSIONS_CYPHER, {"victim_group": group}).dicts():
        if r["version"]:
            out.setdefault(r["actor"], []).append(r["version"])
    return {k: sorted(v) for k, v in out.items()}


def any_illustrative(versions: Iterable[Mapping[str, Any]]) -> bool:
    """Whether any of the versions is illustrative (made-up data)."""
    return any(bool(v.get("illustrative")) for v in versions)


def attribution(versions: Iterable[Mapping[str, Any]]) -> list[str]:
    """The citation lines of dataset versions, each once, with the access date (by dataset)."""
    out: list[str] = []
    for v in sorted(versions, key=lambda v: (str(v.get("dataset") or ""), str(v.get("id")))):
        text = str(v.get("citation") or v.get("dataset") or v.get("id"))
        accessed = v.get("accessed")
        if accessed and "accessed" not in text:
            text = f"{text}; accessed {accessed.isoformat() if isinstance(accessed, dt.date) else accessed}"
        if text not in out:
            out.append(text)
    return out


@dataclass
class Bibliography:
    """Sources numbered in the order they are first cited."""

    order: list[str] = field(default_factory=list)

    def cite(self, ids: Iterable[Any]) -> list[int]:
        """Numbers of the sources (new ones get the next numbers), sorted."""
        out = set()
        for i in ids or []:
            if not i:
                continue
            if str(i) not in self.order:
                self.order.append(str(i))
            out.add(self.order.index(str(i)) + 1)
        return sorted(out)

    def entries(self, store: GraphStore) -> list[dict[str, Any]]:
        """The numbered sources as objects with ``number`` and ``grade`` (one query)."""
        table = resolve_sources(store, self.order)
        return [{**table[s], "number": n, "grade": grade(table[s])} for n, s in enumerate(self.order, 1)]
