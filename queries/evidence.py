"""Evidence on what works, for planners: response options for a country with the research behind them.

:func:`response_evidence` (the library function) and the named query
``response_evidence_for_country`` take the latest published assessment of a country on or
before a date and list the response options that mitigate the risk factors it finds at level
2 or more, along the continuum of steps (stage rank, then category). For each option they
give the strategies it supports; the effectiveness factors that research (the USHMM Tools for
Atrocity Prevention data, ``akg load ushmm-tools``) says raise or lower its effectiveness,
with their finding counts; whether the graph shows each factor present or absent for this
country, and the evidence; and a score whose every term is listed:

- ``+1`` per risk factor found at level 2 or more that the option mitigates;
- ``+|research strength|`` per factor present that raises the option's effectiveness;
- ``-|research strength|`` per factor present that lowers it;
- ``0`` for a present factor with mixed findings or with practitioner evidence only.

Whether a factor is present comes from the link table ``queries/data/ushmm_factor_links.csv``
(one rule per factor, read and evaluated by :mod:`queries.evidence_rules`, whose names this
module re-exports); factors without a link are listed with status ``unlinked``.
docs/evidence.md explains the rules, the score and its limits.

Example:
    >>> sorted(STATUSES)
    ['absent', 'present', 'unknown', 'unlinked']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.base import GraphStore, ReadResult
from queries.evidence_rules import (
    EVENTS_IN_COUNTRY_CYPHER,
    EVENTS_IN_LOCATIONS_CYPHER,
    LINKS_FILE,
    MIN_LEVEL,
    Clause,
    Context,
    FactorLink,
    Rule,
    combine,
    evaluate,
    load_links,
    parse_rule,
)
from queries.registry import QueryParameterError, python_query

__all__ = [
    "ACTORS_CYPHER", "ASSESSMENT_CYPHER", "EVENTS_IN_COUNTRY_CYPHER", "EVENTS_IN_LOCATIONS_CYPHER",
    "FACTORS_CYPHER", "FINDINGS_CYPHER", "LINKS_FILE", "OBSERVED_CYPHER", "OPTIONS_CYPHER",
    "RECOMMENDATIONS_CYPHER", "STRATEGIES_CYPHER", "TARGET_ACTOR_CYPHER", "TARGET_GROUP_CYPHER",
    "MIN_LEVEL", "Clause", "Context", "CountryEvidence", "FactorEvidence", "FactorLink", "OptionEvidence", "Rule",
    "ScoreTerm",
    "combine", "evaluate", "load_links", "parse_rule", "response_evidence", "response_evidence_for_country",
]

STATUSES = ("present", "absent", "unknown", "unlinked")

ASSESSMENT_CYPHER = """
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.status = 'published' AND a.date <= $as_of
RETURN a.id AS id, a.date AS date
ORDER BY date DESC, id DESC
LIMIT 1
"""
FINDINGS_CYPHER = """
MATCH (:Assessment {id: $assessment})-[f:FINDS]->(rf:RiskFactor)
RETURN rf.id AS id, rf.name AS name, f.level AS level
ORDER BY id
"""
OBSERVED_CYPHER = """
MATCH (:Assessment {id: $assessment})-[:OBSERVES]->(i:Indicator)
RETURN i.id AS id, i.name AS name
ORDER BY id
"""
OPTIONS_CYPHER = """
MATCH (o:ResponseOption)-[:MITIGATES]->(rf:RiskFactor)
WHERE rf.id IN $risk_factors
RETURN o.id AS id, o.name AS name, o.stage_rank AS stage_rank, o.categories AS categories,
       o.stages AS stages, rf.id AS risk_factor
ORDER BY id, risk_factor
"""
STRATEGIES_CYPHER = """
MATCH (o:ResponseOption)-[:SUPPORTS_STRATEGY]->(s:Strategy)
WHERE o.id IN $option_ids
RETURN o.id AS option, s.id AS strategy, s.position AS position
ORDER BY option, position, strategy
"""
FACTORS_CYPHER = """
MATCH (o:ResponseOption)-[c:CONDITIONED_BY]->(f:EffectivenessFactor)
WHERE o.id IN $option_ids
RETURN o.id AS option, f.id AS factor, f.name AS name, f.factor_type AS factor_type, f.family AS family,
       c.direction AS direction, c.research_strength AS research_strength,
       c.practitioner_strength AS practitioner_strength, c.finding_count AS finding_count,
       c.greater_findings AS greater_findings, c.lesser_findings AS lesser_findings,
       c.mixed_findings AS mixed_findings, c.outcomes AS outcomes, c.sources AS sources, c.note AS note
ORDER BY option, factor
"""
ACTORS_CYPHER = """
MATCH (:Assessment {id: $assessment})-[i:IDENTIFIES]->(x:Actor)
RETURN x.id AS id, x.name AS name, x.kind AS kind, i.role AS role
ORDER BY id
"""
RECOMMENDATIONS_CYPHER = """
MATCH (:Assessment {id: $assessment})-[:MAKES]->(r:Recommendation)-[:OF_OPTION]->(o:ResponseOption)
OPTIONAL MATCH (r)-[:ADDRESSED_TO]->(x:Actor)
RETURN r.id AS recommendation, o.id AS option, x.id AS addressee, x.kind AS kind
ORDER BY recommendation, addressee
"""
TARGET_ACTOR_CYPHER = """
MATCH (x:Actor {id: $target})
RETURN x.id AS id, x.kind AS kind
"""
TARGET_GROUP_CYPHER = """
MATCH (g:VictimGroup {id: $target})
OPTIONAL MATCH (x:Actor)-[:THREATENS]->(g)
RETURN g.id AS grp, x.id AS id, x.kind AS kind
ORDER BY id
"""


# ---------------------------------------------------------------- results
@dataclass
class ScoreTerm:
    """One term of an option's score and where it comes from."""

    value: float
    kind: str  # "risk-factor" or "factor"
    item: str  # rf id or factor id
    reason: str


@dataclass
class FactorEvidence:
    """A factor research links to an option, and what the graph says about it for the country."""

    factor: str
    name: str
    factor_type: str | None
    family: str | None
    direction: str
    research_strength: float | None
    practitioner_strength: float | None
    finding_count: int | None
    greater_findings: int | None
    lesser_findings: int | None
    mixed_findings: int | None
    outcomes: list[str]
    sources: list[str]
    note: str | None
    status: str  # present, absent, unknown or unlinked
    rule: str
    evidence: list[str]

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return asdict(self)


@dataclass
class OptionEvidence:
    """One response option: what it addresses, what research says, and the score."""

    option: str
    name: str
    stage_rank: int
    category: str
    categories: list[str]
    stages: list[str]
    strategies: list[str]
    risk_factors: list[str]
    factors: list[FactorEvidence]
    score: float = 0.0
    explanation: list[ScoreTerm] = field(default_factory=list)

    def by_direction(self, direction: str) -> list[FactorEvidence]:
        """The factors research finds raise (greater), lower (lesser) or have mixed effects on it."""
        return [f for f in self.factors if f.direction == direction]

    def with_status(self, status: str) -> list[str]:
        """Ids of the raising or lowering factors the graph shows with that status."""
        return [f.factor for f in self.factors if f.status == status and f.direction != "mixed"]

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return asdict(self)


@dataclass
class CountryEvidence:
    """The answer for one country and date."""

    country: str
    as_of: dt.date
    assessment: str | None
    assessment_date: dt.date | None
    target: str
    options: list[OptionEvidence]

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON (dates stay dates)."""
        return asdict(self)


def _gather(store: GraphStore, country: str, as_of: dt.date, target: str) -> Context | None:
    found = store.run_read(ASSESSMENT_CYPHER, {"country": country, "as_of": as_of}).dicts()
    if not found:
        return None
    a = found[0]["id"]
    findings = {r["id"]: (r["name"], int(r["level"])) for r in
                store.run_read(FINDINGS_CYPHER, {"assessment": a}).dicts() if r["level"] is not None}
    observed = {r["id"]: r["name"] for r in store.run_read(OBSERVED_CYPHER, {"assessment": a}).dicts()}
    roles = {r["id"]: r["role"] for r in store.run_read(ACTORS_CYPHER, {"assessment": a}).dicts()}
    addressees: dict[str, list[tuple[str, str, str | None]]] = {}
    recommended: set[str] = set()
    for r in store.run_read(RECOMMENDATIONS_CYPHER, {"assessment": a}).dicts():
        recommended.add(r["option"])
        if r["addressee"]:
            addressees.setdefault(r["option"], []).append((r["recommendation"], r["addressee"], r["kind"]))
    ctx = Context(store, country, as_of, a, found[0]["date"], findings, observed, roles, addressees, recommended,
                  target)
    if target:
        ctx.target_actors = _target_actors(store, target)
    return ctx


def _target_actors(store: GraphStore, target: str) -> list[tuple[str, str | None]]:
    if target.startswith("actor/"):
        rows = store.run_read(TARGET_ACTOR_CYPHER, {"target": target}).dicts()
        if rows:
            return [(r["id"], r["kind"]) for r in rows]
    elif target.startswith("group/"):
        rows = store.run_read(TARGET_GROUP_CYPHER, {"target": target}).dicts()
        if rows:
            return [(r["id"], r["kind"]) for r in rows if r["id"]]
    raise QueryParameterError(f"parameter 'target': {target!r} is not an actor (actor/…) or a victim group "
                              f"(group/…) in the graph", {"parameter": "target", "expected": "an actor or group id"})


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _fmt(value: float) -> str:
    return f"{value:g}"


def response_evidence(store: GraphStore, country: str, as_of: dt.date | None = None, target: str = "",
                      links: Mapping[str, FactorLink] | None = None) -> CountryEvidence:
    """Response options for a country, with research evidence, the factors' status and an explained score.

    ``as_of`` defaults to today; ``target`` is an optional actor or victim-group id (see the
    target-kind rule); ``links`` replaces the shipped link table (tests).
    """
    day = as_of or dt.date.today()
    ctx = _gather(store, country, day, target)
    if ctx is None:
        return CountryEvidence(country, day, None, None, target, [])
    table = load_links() if links is None else dict(links)
    present_rfs = {rf: v for rf, v in ctx.findings.items() if v[1] >= MIN_LEVEL}
    options: dict[str, OptionEvidence] = {}
    mitigated: dict[str, list[str]] = {}
    for r in store.run_read(OPTIONS_CYPHER, {"risk_factors": sorted(present_rfs)}).dicts():
        mitigated.setdefault(r["id"], []).append(r["risk_factor"])
        if r["id"] not in options:
            categories = list(r["categories"] or [])
            options[r["id"]] = OptionEvidence(r["id"], r["name"], int(r["stage_rank"]), min(categories, default=""),
                                              categories, list(r["stages"] or []), [], [], [])
    ids = sorted(options)
    for r in store.run_read(STRATEGIES_CYPHER, {"option_ids": ids}).dicts():
        options[r["option"]].strategies.append(r["strategy"])
    for r in store.run_read(FACTORS_CYPHER, {"option_ids": ids}).dicts():
        link = table.get(r["factor"])
        evidence: list[str] = []
        if link is None:
            status, rule = "unlinked", ""
        else:
            status, evidence = evaluate(link.rule, ctx, r["option"])
            rule = str(link.rule)
        options[r["option"]].factors.append(FactorEvidence(
            r["factor"], r["name"], r["factor_type"], r["family"], r["direction"], _num(r["research_strength"]),
            _num(r["practitioner_strength"]), _int(r["finding_count"]), _int(r["greater_findings"]),
            _int(r["lesser_findings"]), _int(r["mixed_findings"]), list(r["outcomes"] or []),
            list(r["sources"] or []), r["note"], status, rule, evidence))
    for option in options.values():
        option.risk_factors = sorted(mitigated[option.option])
        _score(option, present_rfs, ctx.assessment)
    ordered = sorted(options.values(), key=lambda o: (o.stage_rank, o.category, o.option))
    return CountryEvidence(country, day, ctx.assessment, ctx.assessment_date, target, ordered)


def _score(option: OptionEvidence, present_rfs: Mapping[str, tuple[str, int]], assessment: str) -> None:
    terms: list[ScoreTerm] = []
    for rf in option.risk_factors:
        name, level = present_rfs[rf]
        terms.append(ScoreTerm(1.0, "risk-factor", rf, f"mitigates {rf} ({name}), found at level {level} "
                                                       f"by {assessment}"))
    for f in option.factors:
        if f.status != "present":
            continue
        counts = (f"{f.greater_findings} greater, {f.lesser_findings} lesser, {f.mixed_findings} mixed findings"
                  if f.finding_count is not None else "no research findings")
        if f.research_strength is None:
            terms.append(ScoreTerm(0.0, "factor", f.factor, f"{f.name} is present; practitioner evidence only "
                                                            f"(not scored)"))
            continue
        strength = abs(f.research_strength)
        if f.direction == "greater":
            value, verb = strength, "raises"
        elif f.direction == "lesser":
            value, verb = -strength, "lowers"
        else:
            value, verb = 0.0, "has mixed effects on"
        terms.append(ScoreTerm(value + 0.0, "factor", f.factor,
                               f"{f.name} is present and research finds it {verb} the option's effectiveness "
                               f"({counts}; vote count {_fmt(f.research_strength)})"))
    option.explanation = terms
    option.score = round(sum(t.value for t in terms), 4) + 0.0


def _factor_row(f: FactorEvidence) -> dict[str, Any]:
    return {"factor": f.factor, "name": f.name, "status": f.status, "greater_findings": f.greater_findings,
            "lesser_findings": f.lesser_findings, "mixed_findings": f.mixed_findings,
            "research_strength": f.research_strength, "practitioner_strength": f.practitioner_strength,
            "evidence": f.evidence}


COLUMNS = ["option", "name", "stage_rank", "category", "strategies", "risk_factors", "raises", "lowers",
           "present", "absent", "score", "explanation", "assessment"]


def rows_of(answer: CountryEvidence) -> list[list[Any]]:
    """The answer as rows of the named query."""
    out: list[list[Any]] = []
    for o in answer.options:
        out.append([o.option, o.name, o.stage_rank, o.category, o.strategies, o.risk_factors,
                    [_factor_row(f) for f in o.by_direction("greater")],
                    [_factor_row(f) for f in o.by_direction("lesser")],
                    o.with_status("present"), o.with_status("absent"), o.score,
                    [asdict(t) for t in o.explanation], answer.assessment])
    return out


@python_query("""
// name: response_evidence_for_country
// description: Response options for a country with the research on what makes them work: for the
//   latest published assessment on or before a date, the options that mitigate the risk factors
//   it finds at level 2 or more, along the continuum of steps (stage_rank, then category), each
//   with the strategies it supports, the factors the USHMM Tools for Atrocity Prevention data
//   says raise or lower its effectiveness (with finding counts), whether the graph shows them
//   present or absent for the country and why, and a score explained term by term.
// users: planners
// param country: str | country id, e.g. country/QZA
// param as_of: date = today | use the latest published assessment on or before this day
// param target: str = "" | optional actor or victim-group id; target-kind factors are checked against it
// returns: option, name, stage_rank, category, strategies, risk_factors, raises, lowers, present, absent, score, explanation, assessment
// example: country=country/QZA as_of=2024-12-31
""")  # noqa: E501
def response_evidence_for_country(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Rows of :func:`response_evidence` (see the header)."""
    answer = response_evidence(store, params["country"], params["as_of"], params["target"] or "")
    return ReadResult(list(COLUMNS), rows_of(answer))
