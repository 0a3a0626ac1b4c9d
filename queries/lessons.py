"""Lessons learnt: where a response option was recommended, and how it turned out, coded.

A **case** is one recommendation of an option in one country. The same recommendation
restated by a later assessment of the country (same local id, e.g. ``r1``, and the same
option) is the same case: it is counted once, at its **latest status**. The status history of
a case is, in date order:

1. what each published assessment that states it says (its ``status``, dated by the
   assessment; its ``outcome_code``, dated ``outcome_on`` or else by the assessment, cited by
   the sources the assessment gives for the recommendation);
2. every later :class:`StatusChange` recorded with ``akg recommendation status`` or
   ``POST /api/v1/recommendations/{id}/status`` (dated ``changed_on``, with its citation).

Outcome codes come from the ontology's closed vocabulary (:data:`OUTCOME_CODES`: effective,
partly, not-effective, not-implemented, unknown). A case whose history carries no code counts
as ``uncoded``. Totals count cases per code; :func:`summary` phrases them for the planner.

Example:
    >>> summary({"effective": 1, "partly": 2, "not-effective": 1}, 4)
    'used in 4 cases: 1 effective, 2 partly, 1 not effective'
    >>> summary({}, 0)
    'not recommended before'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from graph.base import GraphStore, ReadResult
from ontology.model import load_model
from queries.registry import python_query

__all__ = ["CASES_CYPHER", "HISTORY_CYPHER", "Case", "Lessons", "lessons", "outcome_codes", "summary"]

CASES_CYPHER = """
MATCH (c:Country)<-[:ASSESSES]-(a:Assessment)-[m:MAKES]->(r:Recommendation)-[:OF_OPTION]->(o:ResponseOption)
WHERE o.id IN $option_ids AND a.status = 'published' AND a.date <= $as_of
OPTIONAL MATCH (r)-[:ADDRESSED_TO]->(x:Actor)
RETURN o.id AS option, c.id AS country, c.name AS country_name, a.id AS assessment, a.date AS date,
       r.id AS recommendation, r.name AS name, x.id AS addressee, x.name AS addressee_name,
       r.status AS status, r.outcome AS outcome, r.outcome_code AS outcome_code, r.outcome_on AS outcome_on,
       m.sources AS sources
ORDER BY date, recommendation
"""
HISTORY_CYPHER = """
MATCH (r:Recommendation)-[:HAS_STATUS_CHANGE]->(s:StatusChange)
WHERE r.id IN $recommendations AND s.changed_on <= $as_of
RETURN r.id AS recommendation, s.id AS id, s.status AS status, s.outcome_code AS outcome_code,
       s.changed_on AS date, s.change_source AS citation, s.change_note AS note
ORDER BY date, id
"""
UNCODED = "uncoded"


@cache
def outcome_codes() -> tuple[str, ...]:
    """The outcome codes of the ontology (sh:in of ``outcome_code``), in their order."""
    return tuple(str(v) for v in load_model().constraint("Recommendation", "outcome_code").values or ())


def summary(totals: Mapping[str, int], cases: int) -> str:
    """``used in 4 cases: 1 effective, 2 partly, 1 not effective`` (codes in vocabulary order)."""
    if not cases:
        return "not recommended before"
    order = [*outcome_codes(), UNCODED]
    parts = [f"{totals[c]} {c.replace('-', ' ')}" for c in order if totals.get(c)]
    noun = "case" if cases == 1 else "cases"
    return f"used in {cases} {noun}: " + ", ".join(parts)


@dataclass
class Case:
    """One recommendation of an option in one country, at its latest status."""

    option: str
    country: str
    country_name: str | None
    recommendation: str  # the latest statement's id
    name: str | None
    addressee: str | None
    addressee_name: str | None
    status: str
    outcome_code: str
    coded_on: dt.date | None
    outcome: str | None
    citation: str | None
    stated_in: list[str] = field(default_factory=list)  # assessments that state it, oldest first
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Lessons:
    """The cases of one option and their totals per outcome code."""

    option: str
    cases: list[Case]
    totals: dict[str, int]

    @property
    def summary(self) -> str:
        return summary(self.totals, len(self.cases))

    def as_dict(self) -> dict[str, Any]:
        return {"option": self.option, "cases": [asdict(c) for c in self.cases], "totals": self.totals,
                "summary": self.summary}


def _entries(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = [{"date": row["date"], "status": row["status"], "outcome_code": None,
            "source": row["assessment"], "note": None}]
    if row["outcome_code"]:  # cited by the sources the assessment gives for the recommendation
        cited = "; ".join(row["sources"] or []) or row["assessment"]
        out.append({"date": row["outcome_on"] or row["date"], "status": row["status"],
                    "outcome_code": row["outcome_code"], "source": cited, "note": row["outcome"]})
    return out


def lessons(store: GraphStore, options: Sequence[str], as_of: dt.date | None = None) -> dict[str, Lessons]:
    """Cases and totals per option, from what was known on ``as_of`` (default today)."""
    day = as_of or dt.date.today()
    rows = store.run_read(CASES_CYPHER, {"option_ids": list(options), "as_of": day}).dicts()
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in rows:
        key = (r["option"], r["country"], str(r["recommendation"]).rsplit("/", 1)[-1])
        grouped.setdefault(key, []).append(r)
    recs = sorted({r["recommendation"] for r in rows})
    changes: dict[str, list[dict[str, Any]]] = {}
    if recs:
        for h in store.run_read(HISTORY_CYPHER, {"recommendations": recs, "as_of": day}).dicts():
            changes.setdefault(h["recommendation"], []).append(
                {"date": h["date"], "status": h["status"], "outcome_code": h["outcome_code"],
                 "source": h["citation"], "note": h["note"], "change": h["id"]})
    out = {o: Lessons(o, [], {}) for o in options}
    for (option, country, _), stated in grouped.items():
        stated.sort(key=lambda r: (r["date"], r["assessment"]))
        history = [e for r in stated for e in _entries(r)]
        history += [e for r in stated for e in changes.get(r["recommendation"], [])]
        history = sorted((e for e in history if e["date"] <= day), key=lambda e: e["date"])  # stable sort
        latest = stated[-1]
        coded = [e for e in history if e["outcome_code"]]
        last = coded[-1] if coded else None
        case = Case(option, country, latest["country_name"], latest["recommendation"], latest["name"],
                    latest["addressee"], latest["addressee_name"], history[-1]["status"],
                    last["outcome_code"] if last else UNCODED, last["date"] if last else None,
                    latest["outcome"], last["source"] if last else None,
                    [r["assessment"] for r in stated], history)
        out[option].cases.append(case)
        out[option].totals[case.outcome_code] = out[option].totals.get(case.outcome_code, 0) + 1
    for found in out.values():
        found.cases.sort(key=lambda c: (c.history[0]["date"], c.recommendation))
    return out


COLUMNS = ["option", "country", "country_name", "recommendation", "name", "addressee", "status", "outcome_code",
           "coded_on", "citation", "outcome", "stated_in", "history", "option_totals", "option_summary"]


@python_query("""
// name: lessons_learnt
// description: Past uses of a response option across countries, coded: one row per case (a
//   recommendation of the option in one country, counted once however many published
//   assessments restate it) at its latest status, with its outcome code (effective, partly,
//   not-effective, not-implemented, unknown; uncoded when none is recorded), when and from which
//   source the code comes, its dated status history, and the option's totals per code.
// users: planners, analysts
// param option: str | response option id, e.g. option/targeted-sanctions
// param statuses: list[str] = proposed,adopted,implemented,rejected | latest statuses to include
// param as_of: date = today | what was known on this day
// returns: option, country, country_name, recommendation, name, addressee, status, outcome_code, coded_on, citation, outcome, stated_in, history, option_totals, option_summary
// example: option=option/targeted-sanctions statuses=implemented,rejected
""")  # noqa: E501
def lessons_learnt(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Rows of :func:`lessons` for one option (see the header)."""
    found = lessons(store, [params["option"]], params["as_of"])[params["option"]]
    keep = [c for c in found.cases if c.status in params["statuses"]]
    totals: dict[str, int] = {}
    for c in keep:
        totals[c.outcome_code] = totals.get(c.outcome_code, 0) + 1
    text = summary(totals, len(keep))
    rows = [[c.option, c.country, c.country_name, c.recommendation, c.name, c.addressee, c.status,
             c.outcome_code, c.coded_on, c.citation, c.outcome, c.stated_in, c.history, totals, text] for c in keep]
    return ReadResult(list(COLUMNS), rows)
