"""Leverage chains: who can influence a perpetrator, directly or through intermediaries.

A chain runs from a stakeholder to a perpetrator through at most ``max_hops`` influence steps
(default 3, at most :data:`MAX_HOPS`). Five relationships carry influence, read as
"the first can move the second":

========================  ==============================  =======================================
relationship              step, from → to                  lever of the step
========================  ==============================  =======================================
X HAS_LEVERAGE_OVER Y     X —leverage(lever)→ Y            its recorded ``lever`` (DIMEL)
X COMMANDS Y              X —commands→ Y                   military (implied: command authority)
X ARMS Y                  X —arms→ Y                       military (implied: the supply can stop)
X SUPPORTS Y              X —supports→ Y                   diplomatic, economic (implied)
Y MEMBER_OF X             X —has member→ Y                 diplomatic (implied: an organisation
                                                           over its members)
========================  ==============================  =======================================

Method: the subgraph is read breadth-first backwards from the perpetrators, one bounded read
per hop (:data:`INFLUENCE_CYPHER`, the same text on Ladybug and Neo4j: the relationship type
is a literal per ``UNION ALL`` branch, so neither ``type(r)`` nor ``label(r)`` is needed), only
relationships valid on ``as_of``. Chains are then the simple paths in Python: no actor appears
twice in a chain, so cycles (A arms B, B commands A) end instead of looping. A chain's
**strength** is the product over its steps of the type weight (:data:`TYPE_WEIGHT`) and the
confidence weight (:data:`CONFIDENCE_WEIGHT`); a leverage relationship whose lever is not
recorded counts at :data:`IMPLIED_LEVER_WEIGHT` of a recorded one. The chain's **lever** is the lever of
its first step: what the stakeholder itself can pull. Chains are ranked by strength, then
fewer hops, then stakeholder id.

Example:
    >>> steps = [Step("actor/nato", "NATO", "HAS_LEVERAGE_OVER", "actor/rs", "RS authorities",
    ...               "military", "medium", ()),
    ...          Step("actor/rs", "RS authorities", "COMMANDS", "actor/vrs", "VRS", None, "high", ())]
    >>> chain = Chain(steps)
    >>> chain.path
    'NATO —leverage(military)→ RS authorities —commands→ VRS'
    >>> chain.strength, chain.levers
    (0.675, ('military',))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.base import GraphStore, ReadResult
from queries.registry import QueryParameterError, python_query

__all__ = [
    "CONFIDENCE_WEIGHT", "DEFAULT_HOPS", "IMPLIED_LEVERS", "INFLUENCE_CYPHER", "MAX_HOPS", "SOURCES_CYPHER",
    "TYPE_WEIGHT",
    "Chain", "Step", "leverage_chains", "leverage_for_country", "perpetrators_of",
]

MAX_HOPS = 5
DEFAULT_HOPS = 3
MAX_PATHS = 500  # chains kept per request (the strongest), so a dense graph cannot explode
TYPE_WEIGHT: Mapping[str, float] = {"HAS_LEVERAGE_OVER": 1.0, "COMMANDS": 0.9, "ARMS": 0.8,
                                    "SUPPORTS": 0.7, "MEMBER_OF": 0.6}
CONFIDENCE_WEIGHT: Mapping[str | None, float] = {"high": 1.0, "medium": 0.75, "low": 0.5, None: 0.6}
IMPLIED_LEVER_WEIGHT = 0.9
IMPLIED_LEVERS: Mapping[str, tuple[str, ...]] = {
    "COMMANDS": ("military",), "ARMS": ("military",), "SUPPORTS": ("diplomatic", "economic"),
    "MEMBER_OF": ("diplomatic",), "HAS_LEVERAGE_OVER": ()}
VERB: Mapping[str, str] = {"COMMANDS": "commands", "ARMS": "arms", "SUPPORTS": "supports",
                           "MEMBER_OF": "has member", "HAS_LEVERAGE_OVER": "leverage"}

# Influence steps into the actors $ids: one branch per relationship, its type a literal.
INFLUENCE_CYPHER = """
MATCH (s:Actor)-[r:HAS_LEVERAGE_OVER]->(t:Actor)
WHERE t.id IN $ids AND coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
RETURN s.id AS source, s.name AS source_name, 'HAS_LEVERAGE_OVER' AS type, t.id AS target,
       t.name AS target_name, r.lever AS lever, r.confidence AS confidence, r.sources AS sources
UNION ALL
MATCH (s:Actor)-[r:COMMANDS]->(t:Actor)
WHERE t.id IN $ids AND coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
RETURN s.id AS source, s.name AS source_name, 'COMMANDS' AS type, t.id AS target,
       t.name AS target_name, CASE WHEN false THEN '' END AS lever, r.confidence AS confidence,
       r.sources AS sources
UNION ALL
MATCH (s:Actor)-[r:ARMS]->(t:Actor)
WHERE t.id IN $ids AND coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
RETURN s.id AS source, s.name AS source_name, 'ARMS' AS type, t.id AS target,
       t.name AS target_name, CASE WHEN false THEN '' END AS lever, r.confidence AS confidence,
       r.sources AS sources
UNION ALL
MATCH (s:Actor)-[r:SUPPORTS]->(t:Actor)
WHERE t.id IN $ids AND coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
RETURN s.id AS source, s.name AS source_name, 'SUPPORTS' AS type, t.id AS target,
       t.name AS target_name, CASE WHEN false THEN '' END AS lever, r.confidence AS confidence,
       r.sources AS sources
UNION ALL
MATCH (t:Actor)-[r:MEMBER_OF]->(s:Actor)
WHERE t.id IN $ids AND coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
RETURN s.id AS source, s.name AS source_name, 'MEMBER_OF' AS type, t.id AS target,
       t.name AS target_name, CASE WHEN false THEN '' END AS lever, r.confidence AS confidence,
       r.sources AS sources
"""
SOURCES_CYPHER = """
MATCH (s:Source)
WHERE s.id IN $ids
RETURN s.id AS id, s.name AS title, s.publisher AS publisher, s.url AS url
ORDER BY id
"""
ACTORS_CYPHER = """
MATCH (x:Actor)
WHERE x.id IN $ids
RETURN x.id AS id, x.name AS name
"""
PERPETRATORS_CYPHER = """
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.status = 'published' AND a.date <= $as_of
WITH a ORDER BY a.date DESC, a.id DESC LIMIT 1
MATCH (a)-[:IDENTIFIES {role: 'potential-perpetrator'}]->(p:Actor)
RETURN p.id AS id, p.name AS name, a.id AS assessment
ORDER BY id
"""


@dataclass(frozen=True)
class Step:
    """One influence step: ``source`` can move ``target`` through relationship ``type``."""

    source: str
    source_name: str
    type: str
    target: str
    target_name: str
    lever: str | None
    confidence: str | None
    sources: tuple[str, ...]

    @property
    def levers(self) -> tuple[str, ...]:
        """The recorded lever, or the levers the relationship type implies."""
        return (self.lever,) if self.lever else IMPLIED_LEVERS[self.type]

    @property
    def weight(self) -> float:
        """Type weight × confidence weight (× the implied-lever weight without a recorded lever)."""
        w = TYPE_WEIGHT[self.type] * CONFIDENCE_WEIGHT.get(self.confidence, CONFIDENCE_WEIGHT[None])
        unspecified = self.type == "HAS_LEVERAGE_OVER" and not self.lever
        return w * IMPLIED_LEVER_WEIGHT if unspecified else w

    @property
    def text(self) -> str:
        """``—leverage(military)→`` and the like."""
        verb = VERB[self.type]
        if self.type == "HAS_LEVERAGE_OVER":
            verb = f"leverage({self.lever or 'unspecified'})"
        return f"—{verb}→"


@dataclass
class Chain:
    """A chain of influence steps from a stakeholder to a perpetrator."""

    steps: list[Step]
    source_titles: dict[str, str] = field(default_factory=dict)

    @property
    def stakeholder(self) -> str:
        return self.steps[0].source

    @property
    def target(self) -> str:
        return self.steps[-1].target

    @property
    def hops(self) -> int:
        return len(self.steps)

    @property
    def levers(self) -> tuple[str, ...]:
        """The levers of the first step: what the stakeholder itself can pull."""
        return self.steps[0].levers

    @property
    def lever_recorded(self) -> bool:
        return bool(self.steps[0].lever)

    @property
    def strength(self) -> float:
        out = 1.0
        for s in self.steps:
            out *= s.weight
        return round(out, 4)

    @property
    def path(self) -> str:
        parts = [self.steps[0].source_name]
        for s in self.steps:
            parts += [s.text, s.target_name]
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON: the path, its strength, levers and every hop with its sources."""
        return {
            "stakeholder": self.stakeholder, "stakeholder_name": self.steps[0].source_name,
            "target": self.target, "target_name": self.steps[-1].target_name, "hops": self.hops,
            "strength": self.strength, "levers": list(self.levers), "lever_recorded": self.lever_recorded,
            "path": self.path,
            "steps": [{"source": s.source, "source_name": s.source_name, "type": s.type, "target": s.target,
                       "target_name": s.target_name, "lever": s.lever, "confidence": s.confidence,
                       "weight": round(s.weight, 4),
                       "sources": [{"id": x, "title": self.source_titles.get(x)} for x in s.sources]}
                      for s in self.steps],
        }


def _check_hops(max_hops: int) -> None:
    if not 1 <= max_hops <= MAX_HOPS:
        raise QueryParameterError(f"parameter 'max_hops' must be between 1 and {MAX_HOPS}, got {max_hops}",
                                  {"parameter": "max_hops", "expected": f"int 1..{MAX_HOPS}"})


def _read_steps(store: GraphStore, targets: Iterable[str], max_hops: int, as_of: dt.date) -> dict[str, list[Step]]:
    """Influence steps into each actor reachable backwards within ``max_hops``, by target."""
    into: dict[str, list[Step]] = {}
    seen = set(targets)
    frontier = sorted(seen)
    for _ in range(max_hops):
        if not frontier:
            break
        rows = store.run_read(INFLUENCE_CYPHER, {"ids": frontier, "as_of": as_of}).dicts()
        fresh: set[str] = set()
        for r in rows:
            step = Step(r["source"], r["source_name"] or r["source"], r["type"], r["target"],
                        r["target_name"] or r["target"], r["lever"] or None, r["confidence"],
                        tuple(r["sources"] or ()))
            into.setdefault(step.target, []).append(step)
            if step.source not in seen:
                fresh.add(step.source)
        seen |= fresh
        frontier = sorted(fresh)
    return into


def _paths(into: Mapping[str, list[Step]], target: str, max_hops: int) -> list[list[Step]]:
    """Simple paths (no actor twice) ending at ``target``, of 1 to ``max_hops`` steps."""
    out: list[list[Step]] = []
    stack: list[tuple[str, list[Step], frozenset[str]]] = [(target, [], frozenset({target}))]
    while stack:
        node, suffix, on_path = stack.pop()
        for step in into.get(node, []):
            if step.source in on_path:
                continue  # a cycle: the chain would come back to an actor already on it
            path = [step, *suffix]
            out.append(path)
            if len(path) < max_hops:
                stack.append((step.source, path, on_path | {step.source}))
    return out


def leverage_chains(store: GraphStore, targets: Sequence[str], *, max_hops: int = DEFAULT_HOPS,
                    as_of: dt.date | None = None, max_paths: int = MAX_PATHS) -> list[Chain]:
    """Every chain of at most ``max_hops`` steps from a stakeholder to one of ``targets``, strongest first.

    Raises:
        QueryParameterError: ``max_hops`` outside 1..MAX_HOPS.
    """
    _check_hops(max_hops)
    day = as_of or dt.date.today()
    into = _read_steps(store, targets, max_hops, day)
    chains = [Chain(p) for t in dict.fromkeys(targets) for p in _paths(into, t, max_hops)]
    chains.sort(key=lambda c: (-c.strength, c.hops, c.stakeholder, c.target, c.path))
    chains = chains[:max_paths]
    ids = sorted({x for c in chains for s in c.steps for x in s.sources})
    titles = {r["id"]: r["title"] for r in store.run_read(SOURCES_CYPHER, {"ids": ids}).dicts()} if ids else {}
    for c in chains:
        c.source_titles = titles
    return chains


def perpetrators_of(store: GraphStore, country: str, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Potential perpetrators named by the latest published assessment on or before ``as_of``."""
    day = as_of or dt.date.today()
    return store.run_read(PERPETRATORS_CYPHER, {"country": country, "as_of": day}).dicts()


def leverage_for_country(store: GraphStore, country: str, *, as_of: dt.date | None = None,
                         max_hops: int = DEFAULT_HOPS) -> list[Chain]:
    """:func:`leverage_chains` over the perpetrators of a country's latest assessment."""
    perps = [p["id"] for p in perpetrators_of(store, country, as_of)]
    return leverage_chains(store, perps, max_hops=max_hops, as_of=as_of) if perps else []


COLUMNS = ["stakeholder", "stakeholder_name", "target", "target_name", "hops", "strength", "levers", "path",
           "steps"]


@python_query("""
// name: leverage_chains
// description: Who can influence a perpetrator, directly or through intermediaries: every
//   chain of at most max_hops steps of HAS_LEVERAGE_OVER, COMMANDS, ARMS, SUPPORTS or
//   MEMBER_OF (an organisation over its members) from a stakeholder to the actor (or to each
//   potential perpetrator of a country's latest assessment), valid on as_of, strongest first,
//   each with its path spelled out and every hop's relationship, lever, confidence and sources.
// users: planners, analysts
// param actor: str = "" | the actor to influence, e.g. actor/qz-militia (or give country)
// param country: str = "" | a country: chains to each potential perpetrator of its latest assessment
// param max_hops: int = 3 in 1..5 | longest chain
// param as_of: date = today | relationships (and the assessment) must be valid on this day
// returns: stakeholder, stakeholder_name, target, target_name, hops, strength, levers, path, steps
// example: country=country/QZA max_hops=3
""")
def leverage_chains_query(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Rows of :func:`leverage_chains` (see the header)."""
    if bool(params["actor"]) == bool(params["country"]):
        raise QueryParameterError("leverage_chains needs exactly one of 'actor' or 'country'",
                                  {"parameter": "actor", "expected": "an actor id or a country id"})
    if params["actor"]:
        found = store.run_read(ACTORS_CYPHER, {"ids": [params["actor"]]}).dicts()
        if not found:
            raise QueryParameterError(f"parameter 'actor': no actor with id {params['actor']}",
                                      {"parameter": "actor", "expected": "an actor id"})
        chains = leverage_chains(store, [params["actor"]], max_hops=params["max_hops"], as_of=params["as_of"])
    else:
        chains = leverage_for_country(store, params["country"], as_of=params["as_of"],
                                      max_hops=params["max_hops"])
    rows = []
    for c in chains:
        d = c.as_dict()
        rows.append([d[k] for k in COLUMNS])
    return ReadResult(list(COLUMNS), rows)
