"""The link table of the evidence on what works, and its rules: is a factor present for a country?

``queries/data/ushmm_factor_links.csv`` names, for some effectiveness factors of the USHMM
Tools for Atrocity Prevention data, a **rule** the graph can check (one row per factor, read
by :func:`load_links`). A rule is clauses joined by ``|`` ("or"), optionally negated with
``not``: ``indicator:7.4`` (the assessment observes the indicator), ``rf:RF7>=2`` (a finding
at or above a level), ``events:TYPE;TYPE:DAYS`` (events of those types in the country within
DAYS before the date), ``addressee-role:``/``addressee-kind:``/``target-kind:`` (who the
option's recommendations address or target) and ``options-recommended>=N``.
:func:`evaluate` says present, absent or unknown, with the evidence. docs/evidence.md explains
the rules.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graph.base import GraphStore
from ontology.errors import OntologyError

__all__ = ["EVENTS_IN_COUNTRY_CYPHER", "EVENTS_IN_LOCATIONS_CYPHER", "LINKS_FILE", "MIN_LEVEL", "Clause", "Context",
           "FactorLink", "Rule", "combine", "evaluate", "load_links", "parse_rule"]

LINKS_FILE = Path(__file__).resolve().parent / "data" / "ushmm_factor_links.csv"
MIN_LEVEL = 2

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
