"""Response planning that follows the situation: urgency, matched levers, lessons, explained scores.

For a country and a date, :func:`plan_responses` takes the response options that mitigate the
risk factors its latest published assessment finds (``response_options_for_country``) and
orders them for the situation:

1. **Situation** (:func:`situation`): ``ongoing`` when atrocity events (event type
   ``Violence against civilians`` or ``one-sided violence``, or civilian targeting) are in the
   graph for the country in the :data:`RECENT_DAYS` days up to ``as_of``, or when one of the
   country's *open* early-warning alerts (status new or escalated, period ending in those days)
   is escalated or of an atrocity kind (:data:`ATROCITY_ALERT_KINDS`); else ``acute`` when the
   latest published assessment on or before ``as_of`` gives overall risk 3 or the open alerts'
   pressure (the sum of their strengths, escalated ones counted twice) reaches
   :data:`ACUTE_ALERT_PRESSURE`; else ``latent``. The open alerts are listed, strongest first.
2. **Urgency tiers** (:data:`TIERS`): ongoing → crisis response and protection first;
   acute → early warning and crisis response first; latent → upstream prevention and early
   warning first. An option sits in the best tier of its stages and gets the tier's points.
3. **Matched levers**: each stakeholder with a leverage chain over a perpetrator
   (:mod:`queries.leverage`) is proposed for an option only when the chain's lever serves one of
   the option's categories (:data:`LEVER_CATEGORIES`, after the USHMM DIMEL instruments).
   Perpetrators themselves are not proposed.
4. **Score**: the sum of the terms, each listed with its reason: urgency points; for the options
   in the first tier, an ``alerts`` term worth the open alerts' pressure (at most
   :data:`MAX_ALERT_POINTS`) naming each alert; the evidence
   terms of :mod:`queries.evidence` (+1 per risk factor mitigated, ± research strength of
   effectiveness factors present); +:data:`LEVER_POINTS` per matched stakeholder (at most
   :data:`MAX_LEVER_TERMS`); and per past case of the option (:mod:`queries.lessons`, every
   case recorded to date, also for a plan made as of an earlier day) :data:`LESSON_POINTS` of
   its outcome code.
5. **Order**: tier, then score (high first); ties keep stage rank then id, and say so.

Example:
    >>> tier_of(["UP", "CR"], "ongoing"), tier_of(["UP"], "ongoing"), tier_of(["UP"], "latent")
    (0, 2, 0)
    >>> sorted(matched_categories(["economic"], ["ECO", "LEG"]))
    ['ECO']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.base import GraphStore
from queries.evidence import response_evidence
from queries.lessons import Lessons, lessons
from queries.leverage import DEFAULT_HOPS, Chain, leverage_chains, perpetrators_of
from queries.registry import execute

__all__ = ["LEVER_CATEGORIES", "TIERS", "PlannedOption", "Situation", "matched_categories", "plan_responses",
           "open_alerts", "situation", "tier_of"]

RECENT_DAYS = 90
# open alerts of these kinds mean atrocities are under way (as an escalated alert of any kind does)
ATROCITY_ALERT_KINDS = ("mass-fatality", "civilian-share", "new-group")
OPEN_ALERT_STATUSES = ["new", "escalated"]
ACUTE_ALERT_PRESSURE = 1.0
MAX_ALERT_POINTS = 5.0
ATROCITY_EVENT_TYPES = ["Violence against civilians", "one-sided violence"]
TIERS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "ongoing": (("CR", "PR"), ("EW", "AR"), ("UP",)),
    "acute": (("EW", "CR"), ("PR", "UP"), ("AR",)),
    "latent": (("UP", "EW"), ("CR", "PR"), ("AR",)),
}
TIER_POINTS = (10.0, 5.0, 0.0)
WHY_FIRST = {"ongoing": "atrocities are under way: crisis response and protection come first",
             "acute": "risk is at its highest: early warning and crisis response come first",
             "latent": "no atrocities under way: upstream prevention and early warning come first"}
# Which option categories a lever can serve (DIMEL: diplomatic, informational, military, economic, legal).
LEVER_CATEGORIES: Mapping[str, tuple[str, ...]] = {
    "diplomatic": ("DIP", "HUM", "GOV"), "economic": ("ECO", "HUM", "GOV"), "military": ("MIL",),
    "legal": ("LEG",), "informational": ("INF",)}
LEVER_POINTS = 0.5
MAX_LEVER_TERMS = 4
LESSON_POINTS: Mapping[str, float] = {"effective": 0.5, "partly": 0.25, "not-effective": -0.5,
                                      "not-implemented": 0.0, "unknown": 0.0, "uncoded": 0.0}

EVENTS_IN_LOCATIONS_CYPHER = """
MATCH (e:Event)-[:OCCURRED_IN]->(:Location)-[:IN_COUNTRY]->(:Country {id: $country})
WHERE e.date >= $since AND e.date <= $as_of AND (e.event_type IN $types OR e.civilian_targeting = true)
RETURN count(e) AS events, min(e.date) AS first, max(e.date) AS last
"""
EVENTS_IN_COUNTRY_CYPHER = """
MATCH (e:Event)-[:OCCURRED_IN]->(:Country {id: $country})
WHERE e.date >= $since AND e.date <= $as_of AND (e.event_type IN $types OR e.civilian_targeting = true)
RETURN count(e) AS events, min(e.date) AS first, max(e.date) AS last
"""
OPEN_ALERTS_CYPHER = """
MATCH (a:Alert)-[:RAISED_FOR]->(:Country {id: $country})
WHERE a.alert_status IN $statuses AND a.period_end >= $since AND a.period_start <= $as_of
RETURN a.id AS alert, a.alert_kind AS kind, a.period_start AS period_start, a.period_end AS period_end,
       a.dimension AS dimension, a.slice AS slice, a.signal_strength AS strength, a.alert_status AS status,
       a.explanation AS explanation
ORDER BY strength DESC, alert
"""
ASSESSMENT_CYPHER = """
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.status = 'published' AND a.date <= $as_of
RETURN a.id AS id, a.date AS date, a.overall_risk AS level
ORDER BY date DESC, id DESC
LIMIT 1
"""


@dataclass
class Situation:
    """Ongoing, acute or latent, and why."""

    kind: str
    assessment: str | None
    level: int | None
    events: int
    reasons: list[str]
    alerts: list[dict[str, Any]] = field(default_factory=list)
    alert_pressure: float = 0.0

    @property
    def first(self) -> tuple[str, ...]:
        return TIERS[self.kind][0]


@dataclass
class ScoreTerm:
    value: float
    kind: str  # urgency, alerts, risk-factor, factor, leverage, lesson
    item: str
    reason: str


@dataclass
class PlannedOption:
    """One option, placed for the situation, with its matched stakeholders, lessons and score."""

    option: str
    name: str | None
    stage_rank: int | None
    category: str | None
    categories: list[str]
    stages: list[str]
    risk_factors: list[str]
    tier: int
    urgency_stage: str
    stakeholders: list[dict[str, Any]]
    lessons: dict[str, Any]
    strategies: list[str] = field(default_factory=list)
    evidence_score: float | None = None
    raising: list[str] = field(default_factory=list)
    lowering: list[str] = field(default_factory=list)
    terms: list[ScoreTerm] = field(default_factory=list)
    score: float = 0.0
    tie: str | None = None
    used_evidence: list[str] = field(default_factory=list)  # evidence lines of the factors the score counts

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def tier_of(stages: Iterable[str], kind: str) -> int:
    """The best (lowest) urgency tier of any of ``stages`` in situation ``kind``."""
    tiers = TIERS[kind]
    found = [i for i, group in enumerate(tiers) for s in stages if s in group]
    return min(found, default=len(tiers) - 1)


def matched_categories(levers: Iterable[str], categories: Iterable[str]) -> set[str]:
    """The option categories the levers can serve."""
    cats = set(categories)
    return {c for lever in levers for c in LEVER_CATEGORIES.get(lever, ()) if c in cats}


def open_alerts(store: GraphStore, country: str, since: dt.date, as_of: dt.date) -> tuple[list[dict[str, Any]], float]:
    """The country's open alerts (new or escalated) of periods ending from ``since`` and starting by
    ``as_of``, strongest first, and their pressure (strengths summed, escalated ones twice)."""
    rows = store.run_read(OPEN_ALERTS_CYPHER, {"country": country, "since": since, "as_of": as_of,
                                               "statuses": OPEN_ALERT_STATUSES}).dicts()
    rows.sort(key=lambda r: (-(r["strength"] or 0.0), r["alert"]))  # NULL strengths last on either backend
    pressure = sum((r["strength"] or 0.0) * (2 if r["status"] == "escalated" else 1) for r in rows)
    return rows, round(pressure, 4)


def _alert_line(a: Mapping[str, Any]) -> str:
    return (f"{a['kind']} {a['period_start']:%Y-%m} {a['slice'] if a['dimension'] != 'all' else ''}".rstrip()
            + f" (strength {a['strength'] or 0:g}, {a['status']})")


def situation(store: GraphStore, country: str, as_of: dt.date) -> Situation:
    """Whether atrocities are under way (see the module docstring)."""
    found = store.run_read(ASSESSMENT_CYPHER, {"country": country, "as_of": as_of}).dicts()
    since = as_of - dt.timedelta(days=RECENT_DAYS)
    alerts, pressure = open_alerts(store, country, since, as_of)
    if not found:
        return Situation("latent", None, None, 0, [f"no published assessment of {country} on or before {as_of}"],
                         alerts, pressure)
    a = found[0]
    params = {"country": country, "since": since, "as_of": as_of, "types": ATROCITY_EVENT_TYPES}
    count, first, last = 0, None, None
    for text in (EVENTS_IN_LOCATIONS_CYPHER, EVENTS_IN_COUNTRY_CYPHER):
        for r in store.run_read(text, params).dicts():
            if r["events"]:
                count += int(r["events"])
                first = min(x for x in (first, r["first"]) if x is not None)
                last = max(x for x in (last, r["last"]) if x is not None)
    level = a["level"]
    reasons = [f"{a['id']} ({a['date']}) gives overall risk {level}"]
    atrocity_alerts = [x for x in alerts if x["kind"] in ATROCITY_ALERT_KINDS or x["status"] == "escalated"]
    if count:
        reasons.append(f"{count} atrocity event{'s' if count != 1 else ''} (violence against civilians, "
                       f"one-sided violence) in {country} from {since} to {as_of}, first {first}, last {last}")
    else:
        reasons.append(f"no atrocity events in the graph for {country} from {since} to {as_of}")
    if alerts:
        reasons.append(f"{len(alerts)} open alert{'s' if len(alerts) != 1 else ''} (pressure {pressure:g}): "
                       + ", ".join(_alert_line(x) for x in alerts))
    if count or atrocity_alerts:
        kind = "ongoing"
        if not count:
            reasons.append(f"open alert{'s' if len(atrocity_alerts) != 1 else ''} "
                           f"{', '.join(x['alert'] for x in atrocity_alerts)} "
                           "(escalated, or of an atrocity kind) mean atrocities may be under way")
    elif level == 3:
        kind = "acute"
    elif pressure >= ACUTE_ALERT_PRESSURE:
        kind = "acute"
        reasons.append(f"open alerts' pressure {pressure:g} ≥ {ACUTE_ALERT_PRESSURE:g}")
    else:
        kind = "latent"
    reasons.append(WHY_FIRST[kind])
    return Situation(kind, a["id"], level, count, reasons, alerts, pressure)


def _stakeholders(chains: Sequence[Chain], categories: Sequence[str], perpetrators: set[str]) -> list[dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    for c in chains:  # strongest first
        if c.stakeholder in perpetrators:
            continue
        cats = matched_categories(c.levers, categories)
        if cats and c.stakeholder not in best:
            best[c.stakeholder] = {"stakeholder": c.stakeholder, "name": c.steps[0].source_name,
                                   "levers": list(c.levers), "matched_categories": sorted(cats),
                                   "match": f"{'/'.join(c.levers)} lever serves {', '.join(sorted(cats))}",
                                   "chain": c.as_dict()}
    return list(best.values())


def _terms(o: PlannedOption, sit: Situation, les: Lessons) -> list[ScoreTerm]:
    stage, kind = o.urgency_stage, sit.kind
    terms = [ScoreTerm(TIER_POINTS[o.tier], "urgency", stage,
                       f"tier {o.tier + 1} in {'an' if kind[0] in 'aeiou' else 'a'} {kind} situation (stage {stage}); "
                       f"{WHY_FIRST[kind]}")]
    if o.tier == 0 and sit.alerts:
        n = len(sit.alerts)
        terms.append(ScoreTerm(min(sit.alert_pressure, MAX_ALERT_POINTS), "alerts", ", ".join(a["alert"] for a in
                                                                                            sit.alerts),
                               f"{n} open alert{'s' if n != 1 else ''} call for stage {stage} now: "
                               + "; ".join(_alert_line(a) for a in sit.alerts)
                               + (f" (pressure {sit.alert_pressure:g}, capped at {MAX_ALERT_POINTS:g})"
                                  if sit.alert_pressure > MAX_ALERT_POINTS else "")))
    for s in o.stakeholders[:MAX_LEVER_TERMS]:
        terms.append(ScoreTerm(LEVER_POINTS, "leverage", s["stakeholder"],
                               f"{s['name']} has a {s['match']} ({s['chain']['path']}; strength "
                               f"{s['chain']['strength']:g})"))
    for case in les.cases:
        value = LESSON_POINTS.get(case.outcome_code, 0.0)
        when = f", coded {case.coded_on}" if case.coded_on else ""
        terms.append(ScoreTerm(value, "lesson", case.recommendation,
                               f"used in {case.country_name or case.country}: {case.outcome_code.replace('-', ' ')}"
                               f"{when} ({case.status})"))
    return terms


def plan_responses(store: GraphStore, country: str, *, as_of: dt.date | None = None, min_level: int = 2,
                   stage: str = "", max_hops: int = DEFAULT_HOPS) -> dict[str, Any]:
    """Options for the country ordered for its situation, with chains, matches, lessons and scores."""
    day = as_of or dt.date.today()
    sit = situation(store, country, day)
    rows = execute(store, "response_options_for_country",
                   {"country": country, "min_level": min_level, "as_of": day}).dicts()
    perps = perpetrators_of(store, country, day)
    perp_ids = [p["id"] for p in perps]
    chains = leverage_chains(store, perp_ids, max_hops=max_hops, as_of=day) if perp_ids else []
    evidence = {e.option: e for e in response_evidence(store, country, day).options}
    past = lessons(store, [r["option"] for r in rows])  # every case recorded to date: lessons outlive the plan
    options: list[PlannedOption] = []
    for r in rows:
        stages = list(r["stages"] or [])
        if stage and stage not in stages:
            continue
        tier = tier_of(stages, sit.kind)
        urgency_stage = next((s for s in TIERS[sit.kind][tier] if s in stages), stages[0] if stages else "")
        cats = list(r["categories"] or [])
        o = PlannedOption(r["option"], r["name"], r["stage_rank"], r["category"], cats, stages,
                          # Framework order (RF2 before RF11): collect() order differs between backends
                          sorted(r["risk_factors"] or [], key=lambda f: (len(f), f)), tier, urgency_stage,
                          _stakeholders(chains, cats, set(perp_ids)), past[r["option"]].as_dict())
        o.terms = _terms(o, sit, past[r["option"]])
        ev = evidence.get(r["option"])
        at = 1 + sum(1 for t in o.terms[1:2] if t.kind == "alerts")  # evidence terms follow urgency (and alerts)
        if ev is not None:
            o.strategies, o.evidence_score = ev.strategies, ev.score
            o.raising = [f.factor for f in ev.by_direction("greater") if f.status == "present"]
            o.lowering = [f.factor for f in ev.by_direction("lesser") if f.status == "present"]
            o.terms[at:at] = [ScoreTerm(t.value, t.kind, t.item, t.reason) for t in ev.explanation]
            used = {t.item for t in ev.explanation if t.kind == "factor"}
            o.used_evidence = [line for f in ev.factors if f.factor in used for line in f.evidence]
        else:
            o.terms[at:at] = [ScoreTerm(1.0, "risk-factor", rf, f"mitigates {rf}, found at level {min_level} or "
                                                               f"more") for rf in o.risk_factors]
        o.score = round(sum(t.value for t in o.terms), 4) + 0.0
        options.append(o)
    options.sort(key=lambda o: (o.tier, -o.score, o.stage_rank or 9, o.option))
    _explain_ties(options)
    return {"country": country, "as_of": day, "situation": asdict(sit) | {"first": list(sit.first)},
            "order": "urgency tier, then score (high first); ties: stage rank, then id",
            "perpetrators": perps, "chains": [c.as_dict() for c in chains], "options": options}


def _explain_ties(options: list[PlannedOption]) -> None:
    groups: dict[tuple[int, float], list[PlannedOption]] = {}
    for o in options:
        groups.setdefault((o.tier, o.score), []).append(o)
    for (_, score), group in groups.items():
        if len(group) < 2:
            continue
        for o in group:
            others = ", ".join(x.name or x.option for x in group if x is not o)
            o.tie = (f"tied at score {score:g} in tier {o.tier + 1} with {others}; ordered by stage rank "
                     f"(earlier stage first), then id")
