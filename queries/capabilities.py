"""Capability gaps as of a date: dated ratings, never a rating made later.

A capability level is an observation: assessment A rated stakeholder S's capability C at level
L on A's date (a ``CapabilityRating``: ``Assessment RATES CapabilityRating``, ``OF_ACTOR``,
``OF_CAPABILITY``). The graph also keeps ``Actor HAS_CAPABILITY Capability {level,
assessed_on}``, the latest level stated; it counts as one more observation dated
``assessed_on`` (graphs loaded without ratings still answer). For a country and a day,
:func:`capability_gaps` takes the stakeholders its published assessments up to that day
address recommendations to and, per stakeholder and capability, the **latest observation on
or before the day**:

- ``assessed-low``: that level is at or below ``max_level``;
- ``to-build``: a recommendation addressed to the stakeholder should build the capability
  (with the level as of the day, if any was observed).

The day defaults to the date of the country's latest published assessment, so the gaps are
those that assessment could see (Sudan 2004 never borrows a rating from Syria 2013).

Example:
    >>> latest([{"level": 2, "date": dt.date(2013, 9, 30)}, {"level": 0, "date": dt.date(1994, 7, 25)}],
    ...        dt.date(2004, 9, 30))["level"]
    0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from graph.base import GraphStore, ReadResult
from queries.registry import python_query

__all__ = ["ADDRESSEES_CYPHER", "BUILDS_CYPHER", "OBSERVED_CYPHER", "RATINGS_CYPHER", "capability_gaps", "latest"]

LATEST_CYPHER = """
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.status = 'published'
RETURN max(a.date) AS date
"""
ADDRESSEES_CYPHER = """
MATCH (:Country {id: $country})<-[:ASSESSES]-(a:Assessment)-[:MAKES]->(:Recommendation)-[:ADDRESSED_TO]->(s:Actor)
WHERE a.status = 'published' AND a.date <= $as_of
RETURN DISTINCT s.id AS id, s.name AS name
"""
BUILDS_CYPHER = """
MATCH (:Country {id: $country})<-[:ASSESSES]-(a:Assessment)-[:MAKES]->(r:Recommendation)-[:ADDRESSED_TO]->(s:Actor)
WHERE a.status = 'published' AND a.date <= $as_of
MATCH (r)-[:BUILDS]->(k:Capability)
RETURN DISTINCT s.id AS actor, k.id AS capability, k.name AS capability_name
"""
RATINGS_CYPHER = """
MATCH (a:Assessment)-[:RATES]->(k:CapabilityRating)-[:OF_ACTOR]->(s:Actor)
WHERE s.id IN $actors AND k.rated_on <= $as_of
MATCH (k)-[:OF_CAPABILITY]->(c:Capability)
RETURN s.id AS actor, c.id AS capability, c.name AS capability_name, k.capability_level AS level,
       k.rated_on AS date, a.id AS assessment
"""
OBSERVED_CYPHER = """
MATCH (s:Actor)-[h:HAS_CAPABILITY]->(c:Capability)
WHERE s.id IN $actors AND h.assessed_on <= $as_of
RETURN s.id AS actor, c.id AS capability, c.name AS capability_name, h.level AS level,
       h.assessed_on AS date, CASE WHEN false THEN '' END AS assessment
"""
COLUMNS = ["actor", "actor_name", "capability", "capability_name", "level", "assessed_on", "rated_by", "reason"]


def latest(observations: Sequence[Mapping[str, Any]], as_of: dt.date) -> Mapping[str, Any] | None:
    """The newest observation dated on or before ``as_of`` (a named assessment wins a same-day tie)."""
    kept = [o for o in observations if o["date"] is not None and o["date"] <= as_of]
    return max(kept, key=lambda o: (o["date"], o.get("assessment") or "")) if kept else None


def capability_gaps(store: GraphStore, country: str, *, max_level: int = 1,
                    as_of: dt.date | None = None) -> list[list[Any]]:
    """Rows (see :data:`COLUMNS`) of the gaps as of ``as_of`` (default: the latest assessment's date)."""
    day = as_of
    if day is None:
        found = store.run_read(LATEST_CYPHER, {"country": country}).dicts()
        day = found[0]["date"] if found and found[0]["date"] is not None else dt.date.today()
    addressees = {r["id"]: r["name"] for r in store.run_read(ADDRESSEES_CYPHER, {"country": country,
                                                                                 "as_of": day}).dicts()}
    if not addressees:
        return []
    params = {"actors": sorted(addressees), "as_of": day}
    seen: dict[tuple[str, str], list[dict[str, Any]]] = {}
    names: dict[str, str] = {}
    for text in (RATINGS_CYPHER, OBSERVED_CYPHER):
        for r in store.run_read(text, params).dicts():
            seen.setdefault((r["actor"], r["capability"]), []).append(r)
            names[r["capability"]] = r["capability_name"]
    rows: list[list[Any]] = []
    for (actor, cap), observations in sorted(seen.items()):
        obs = latest(observations, day)
        if obs is not None and obs["level"] is not None and obs["level"] <= max_level:
            rows.append([actor, addressees[actor], cap, names[cap], obs["level"], obs["date"], obs["assessment"],
                         "assessed-low"])
    for r in store.run_read(BUILDS_CYPHER, {"country": country, "as_of": day}).dicts():
        obs = latest(seen.get((r["actor"], r["capability"]), []), day)
        rows.append([r["actor"], addressees[r["actor"]], r["capability"], r["capability_name"],
                     obs["level"] if obs else None, obs["date"] if obs else None,
                     obs["assessment"] if obs else None, "to-build"])
    order = {"assessed-low": 0, "to-build": 1}
    rows.sort(key=lambda x: (order[x[7]], x[0], x[2]))
    return rows


@python_query("""
// name: capability_gaps
// description: Capability gaps of the stakeholders named in a country's recommendations, as of
//   a date: per stakeholder and capability the latest rating on or before that date (never a
//   later one); 'assessed-low' when it is at or below a level, 'to-build' when a recommendation
//   addressed to them should build it (with the level as of the date, if rated). The date
//   defaults to the country's latest published assessment.
// users: planners
// param country: str | country id
// param max_level: int = 1 in 0..3 | highest capability level that counts as a gap
// param as_of: date = null | ratings and recommendations on or before this day (default: the latest assessment's date)
// returns: actor, actor_name, capability, capability_name, level, assessed_on, rated_by, reason
// example: country=country/QZA
""")  # noqa: E501
def capability_gaps_query(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Rows of :func:`capability_gaps` (see the header)."""
    rows = capability_gaps(store, params["country"], max_level=params["max_level"], as_of=params["as_of"])
    return ReadResult(list(COLUMNS), rows)
