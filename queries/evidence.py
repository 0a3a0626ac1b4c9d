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

Whether a factor is present comes from the link table ``loaders/data/ushmm_factor_links.csv``
(one rule per factor, read by :func:`load_links`, evaluated by :func:`evaluate`); factors
without a link are listed with status ``unlinked``. docs/evidence.md explains the rules, the
score and its limits.

Example:
    >>> rule = parse_rule("not indicator:1.1 | events:state-based conflict;Battles:365")
    >>> rule.negated, [c.kind for c in rule.clauses], rule.clauses[1].values, rule.clauses[1].number
    (True, ['indicator', 'events'], ('state-based conflict', 'Battles'), 365)
    >>> combine(["unknown", "absent"]), combine(["absent", "present"]), combine([])
    ('absent', 'present', 'unknown')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graph.base import GraphStore, ReadResult
from ontology.errors import OntologyError
from queries.registry import QueryParameterError, python_query

__all__ = [
    "ACTORS_CYPHER", "ASSESSMENT_CYPHER", "EVENTS_IN_COUNTRY_CYPHER", "EVENTS_IN_LOCATIONS_CYPHER",
    "FACTORS_CYPHER", "FINDINGS_CYPHER", "LINKS_FILE", "OBSERVED_CYPHER", "OPTIONS_CYPHER",
    "RECOMMENDATIONS_CYPHER", "STRATEGIES_CYPHER", "TARGET_ACTOR_CYPHER", "TARGET_GROUP_CYPHER",
    "Clause", "CountryEvidence", "FactorEvidence", "FactorLink", "OptionEvidence", "Rule", "ScoreTerm",
    "combine", "evaluate", "load_links", "parse_rule", "response_evidence", "response_evidence_for_country",
]

LINKS_FILE = Path(__file__).resolve().parents[1] / "loaders" / "data" / "ushmm_factor_links.csv"
MIN_LEVEL = 2
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
EVENTS_IN_LOCATIONS_CYPHER = """
MATCH (e:Event)-[:OCCURRED_IN]->(:Location)-[:IN_COUNTRY]->(:Country {id: $country})
WHERE e.event_type IN $types AND e.date >= $since AND e.date <= $as_of
RETURN e.event_type AS event_type, count(e) AS events, min(e.date) AS first, max(e.date) AS last
"""
EVENTS_IN_COUNTRY_CYPHER = """
MATCH (e:Event)-[:OCCURRED_IN]->(:Country {id: $country})
WHERE e.event_type IN $types AND e.date >= $since AND e.date <= $as_of
RETURN e.event_type AS event_type, count(e) AS events, min(e.date) AS first, max(e.date) AS last
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


# ---------------------------------------------------------------- the link table and its rules
_CLAUSE = re.compile(
    r"^(?:indicator:(?P<indicator>\d+\.\d+)"
    r"|rf:(?P<rf>RF\d+)\s*>=\s*(?P<level>[0-3])"
    r"|events:(?P<types>[^:]+):(?P<days>\d+)"
    r"|(?P<listed>addressee-role|addressee-kind|target-kind):(?P<values>[a-z-]+(?:;[a-z-]+)*)"
    r"|options-recommended\s*>=\s*(?P<options>\d+))$")


@dataclass(frozen=True)
class Clause:
    """One condition of a rule: its kind, the values it names and its number (level, days, count)."""

    kind: str
    values: tuple[str, ...] = ()
    number: int = 0

    def __str__(self) -> str:
        joined = ";".join(self.values)
        return {"indicator": f"indicator:{joined}", "rf": f"rf:{joined}>={self.number}",
                "events": f"events:{joined}:{self.number}",
                "options-recommended": f"options-recommended>={self.number}"}.get(self.kind, f"{self.kind}:{joined}")


@dataclass(frozen=True)
class Rule:
    """Clauses joined by "or", the whole optionally negated."""

    clauses: tuple[Clause, ...]
    negated: bool = False

    def __str__(self) -> str:
        return ("not " if self.negated else "") + " | ".join(str(c) for c in self.clauses)


@dataclass(frozen=True)
class FactorLink:
    """A row of the link table."""

    factor: str  # factor id
    name: str
    rule: Rule
    why: str
    line: int


def parse_rule(text: str) -> Rule:
    """A rule from its text; a malformed clause raises ValueError naming it."""
    body = text.strip()
    negated = body.startswith("not ")
    if negated:
        body = body[4:]
    clauses: list[Clause] = []
    for part in body.split("|"):
        found = _CLAUSE.match(part.strip())
        if not found:
            raise ValueError(f"cannot read clause {part.strip()!r}")
        g = found.groupdict()
        if g["indicator"]:
            clauses.append(Clause("indicator", (g["indicator"],)))
        elif g["rf"]:
            clauses.append(Clause("rf", (g["rf"],), int(g["level"])))
        elif g["types"]:
            types = tuple(t.strip() for t in g["types"].split(";") if t.strip())
            clauses.append(Clause("events", types, int(g["days"])))
        elif g["listed"]:
            clauses.append(Clause(g["listed"], tuple(g["values"].split(";"))))
        else:
            clauses.append(Clause("options-recommended", (), int(g["options"])))
    return Rule(tuple(clauses), negated)


def _slug(text: str) -> str:
    """The factor id slug, as loaders.mapped_csv.slug makes it (no accents, case, punctuation, "the")."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()
    folded = re.sub(r"[^a-z0-9]+", " ", folded.replace("&", " and ")).strip()
    return re.sub(r"^the ", "", folded).replace(" ", "-")


def load_links(path: Path = LINKS_FILE) -> dict[str, FactorLink]:
    """The link table by factor id; a malformed row raises OntologyError with its line."""
    return dict(_load_links(str(path)))


@cache
def _load_links(path: str) -> tuple[tuple[str, FactorLink], ...]:
    text = Path(path).read_text(encoding="utf-8")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    rows = list(reader)
    name = Path(path).name
    if not rows or rows[0] != ["factor", "rule", "why"]:
        raise OntologyError(f"{name}: the header must be factor,rule,why")
    out: dict[str, FactorLink] = {}
    for (number, _), row in zip(lines[1:], rows[1:], strict=True):
        if len(row) != 3 or not row[0].strip():
            raise OntologyError(f"{name}:{number}: expected factor,rule,why")
        factor = f"factor/{_slug(row[0])}"
        if factor in out:
            raise OntologyError(f"{name}:{number}: {row[0]!r} is also on line {out[factor].line}")
        try:
            rule = parse_rule(row[1])
        except ValueError as exc:
            raise OntologyError(f"{name}:{number}: {exc}") from None
        out[factor] = FactorLink(factor, row[0].strip(), rule, row[2].strip(), number)
    return tuple(out.items())


# ---------------------------------------------------------------- what the graph says about the country
@dataclass
class Context:
    """What one assessment, the events and the target say, gathered once per query."""

    store: GraphStore
    country: str
    as_of: dt.date
    assessment: str
    assessment_date: dt.date
    findings: dict[str, tuple[str, int]]  # rf id -> (name, level)
    observed: dict[str, str]  # indicator id -> name
    roles: dict[str, str]  # actor id -> role in the assessment
    addressees: dict[str, list[tuple[str, str, str | None]]]  # option -> (recommendation, actor, kind)
    recommended: set[str]  # options the assessment recommends
    target: str = ""
    target_actors: list[tuple[str, str | None]] = field(default_factory=list)  # (actor, kind)
    _events: dict[tuple[tuple[str, ...], int], tuple[int, list[str]]] = field(default_factory=dict)

    def events(self, types: tuple[str, ...], days: int) -> tuple[int, list[str]]:
        """Count of events of those types in the country within ``days`` before as_of, and the evidence."""
        key = (types, days)
        if key not in self._events:
            since = self.as_of - dt.timedelta(days=days)
            params = {"country": self.country, "types": list(types), "since": since, "as_of": self.as_of}
            per_type: dict[str, list[Any]] = {}
            for text in (EVENTS_IN_LOCATIONS_CYPHER, EVENTS_IN_COUNTRY_CYPHER):
                for row in self.store.run_read(text, params).dicts():
                    if not row["events"]:
                        continue
                    seen = per_type.setdefault(row["event_type"], [0, row["first"], row["last"]])
                    if seen[0]:
                        seen[1], seen[2] = min(seen[1], row["first"]), max(seen[2], row["last"])
                    seen[0] += int(row["events"])
            total = sum(int(v[0]) for v in per_type.values())
            window = f"{since.isoformat()} to {self.as_of.isoformat()}"
            if total:
                evidence = [f"{int(n)} {t!r} event{'s' if n != 1 else ''} in {self.country} from {window} "
                            f"(first {first}, last {last})" for t, (n, first, last) in sorted(per_type.items())]
            else:
                shown = ", ".join(repr(t) for t in types)
                evidence = [f"no {shown} events in the graph for {self.country} from {window}"]
            self._events[key] = (total, evidence)
        return self._events[key]


def _indicator_rf(indicator: str) -> str:
    return f"rf/RF{indicator.split('.', 1)[0]}"


def _clause_status(clause: Clause, ctx: Context, option: str) -> tuple[str, list[str]]:
    """present/absent/unknown for one clause, with the evidence."""
    a = ctx.assessment
    if clause.kind == "indicator":
        ind = f"ind/{clause.values[0]}"
        if ind in ctx.observed:
            return "present", [f"{a} observes {ind} ({ctx.observed[ind]})"]
        rf = _indicator_rf(clause.values[0])
        if rf in ctx.findings and ctx.findings[rf][1] < MIN_LEVEL:
            return "absent", [f"{a} does not observe {ind} and finds {rf} at level {ctx.findings[rf][1]} "
                              f"(below {MIN_LEVEL})"]
        return "unknown", [f"{a} does not observe {ind}"]
    if clause.kind == "rf":
        rf = clause.values[0]
        rf_id = f"rf/{rf}"
        if rf_id not in ctx.findings:
            return "unknown", [f"{a} does not assess {rf_id}"]
        level = ctx.findings[rf_id][1]
        state = "present" if level >= clause.number else "absent"
        return state, [f"{a} finds {rf_id} at level {level} ({'>=' if state == 'present' else '<'} {clause.number})"]
    if clause.kind == "events":
        count, evidence = ctx.events(clause.values, clause.number)
        return ("present" if count else "unknown"), evidence
    if clause.kind in ("addressee-role", "addressee-kind"):
        recs = ctx.addressees.get(option, [])
        if not recs:
            return "unknown", [f"{a} makes no recommendation of {option} addressed to an actor"]
        hits: list[str] = []
        rest: list[str] = []
        for rec, actor, kind in recs:
            value = ctx.roles.get(actor) if clause.kind == "addressee-role" else kind
            what = f"identified as {value}" if clause.kind == "addressee-role" else f"a {value}"
            if value is None:
                what = "not identified by the assessment" if clause.kind == "addressee-role" else "of no recorded kind"
            (hits if value in clause.values else rest).append(f"{rec} is addressed to {actor}, {what}")
        return ("present", hits) if hits else ("absent", rest)
    if clause.kind == "target-kind":
        if not ctx.target:
            return "unknown", ["no target given"]
        if not ctx.target_actors:
            return "unknown", [f"no actor is recorded as threatening {ctx.target}"]
        hits, rest = [], []
        for actor, kind in ctx.target_actors:
            via = "" if actor == ctx.target else f" (threatens {ctx.target})"
            (hits if kind in clause.values else rest).append(f"{actor}{via} is a {kind or 'actor of no recorded kind'}")
        return ("present", hits) if hits else ("absent", rest)
    # options-recommended
    if option not in ctx.recommended:
        return "unknown", [f"{a} does not recommend {option}"]
    others = sorted(ctx.recommended - {option})
    if len(ctx.recommended) >= clause.number:
        return "present", [f"{a} recommends {option} with {', '.join(others)}"]
    return "absent", [f"{a} recommends {option} and no other option" if not others else
                      f"{a} recommends {option} with only {', '.join(others)}"]


def combine(states: Sequence[str]) -> str:
    """"or" of clause states: present if any is, else absent if any is, else unknown."""
    return "present" if "present" in states else "absent" if "absent" in states else "unknown"


def evaluate(rule: Rule, ctx: Context, option: str) -> tuple[str, list[str]]:
    """Whether the graph shows the factor present, absent or neither, for this option and country."""
    states: list[str] = []
    evidence: list[str] = []
    for clause in rule.clauses:
        state, said = _clause_status(clause, ctx, option)
        states.append(state)
        evidence += said
    state = combine(states)
    if rule.negated:
        state = {"present": "absent", "absent": "present"}.get(state, state)
    return state, evidence


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
