"""Every check an assessment file must pass, each problem located by file, line and field.

Two layers: the JSON Schema generated from the ontology (types, enums, ranges, unknown keys,
required fields), then the checks a schema cannot express (known country, risk factor,
indicator, option, trigger type and capability; references between sections; the same id
defined twice with different data; dates in the future or in the wrong order).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from loaders.assessment_schema import assessment_schema
from loaders.reference import Reference, reference
from loaders.yaml_source import Document, Problem
from ontology.model import load_model

__all__ = ["PLACEHOLDER", "check_document", "sourcing_gaps"]

# The new-assessment template marks what must be replaced with «…»; a file still holding one
# is not an assessment yet.
PLACEHOLDER = re.compile("«[^»]*»")
# What a published assessment must source: (section, the key that makes an item a claim)
SOURCED = (("risk_factors", "factor", "finding"), ("actors", "role", "role"),
           ("relationships", "type", "relationship"), ("triggers", "id", "trigger"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(assessment_schema(), format_checker=FormatChecker())


def _describe(error: ValidationError) -> tuple[list[str | int], str]:
    path = list(error.absolute_path)
    v = error.validator
    if v == "enum":
        values = error.validator_value if isinstance(error.validator_value, list) else []
        shown = ", ".join(str(x) for x in values)
        return path, f"{error.instance!r} is not one of {shown}"
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return path + [missing], "is required"
    if v == "additionalProperties":
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        instance = error.instance if isinstance(error.instance, dict) else {}
        extra = [k for k in instance if k not in allowed]
        return path + [extra[0] if extra else "?"], f"unknown key (allowed: {', '.join(allowed)})"
    if v == "type":
        return path, f"expected {error.validator_value}, got {type(error.instance).__name__} " \
                     f"{error.instance!r}"
    if v == "format":
        return path, f"{error.instance!r} is not a valid date (YYYY-MM-DD)"
    if v == "pattern":
        return path, f"{error.instance!r} does not match {error.validator_value}"
    if v in {"minimum", "maximum"}:
        side = "below the minimum" if v == "minimum" else "above the maximum"
        return path, f"{error.instance!r} is {side} {error.validator_value}"
    if v == "minItems":
        return path, "must list at least one entry"
    return path, error.message


def _schema_problems(doc: Document) -> list[Problem]:
    problems = []
    errors = _validator().iter_errors(doc.data)
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        path, message = _describe(error)
        problems.append(doc.problem(path, message))
    return problems


def _items(doc: Document, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for i, item in enumerate(doc.data.get(key) or []):
        if isinstance(item, dict):
            yield i, item


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def _ids(doc: Document, key: str, out: list[Problem]) -> set[str]:
    """Ids defined in a section; the same id twice with different data is a problem."""
    seen: dict[str, dict[str, Any]] = {}
    for i, item in _items(doc, key):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen and seen[ident] != item:
            out.append(doc.problem((key, i, "id"), f"{ident!r} is defined twice with conflicting data"))
        seen[ident] = item
    return set(seen)


class _Checker:
    def __init__(self, doc: Document, ref: Reference, today: dt.date) -> None:
        self.doc, self.ref, self.today = doc, ref, today
        self.out: list[Problem] = []

    def fail(self, path: tuple[str | int, ...], message: str) -> None:
        self.out.append(self.doc.problem(path, message))

    def country(self, path: tuple[str | int, ...], code: Any) -> None:
        if isinstance(code, str) and code not in self.ref.countries:
            hint = self.ref.suggest_country(code)
            self.fail(path, f"unknown country code {code!r}" + (f"; did you mean {hint}?" if hint else ""))

    def known(self, path: tuple[str | int, ...], value: Any, table: dict[str, str], what: str) -> None:
        if isinstance(value, str) and value not in table:
            hint = Reference.suggest(value, table)
            self.fail(path, f"unknown {what} {value!r}" + (f"; did you mean {hint}?" if hint else ""))

    def refs(self, path: tuple[str | int, ...], values: Any, defined: set[str], what: str) -> None:
        for j, value in enumerate(values if isinstance(values, list) else [values]):
            if isinstance(value, str) and value not in defined:
                where = path + (j,) if isinstance(values, list) else path
                self.fail(where, f"{what} {value!r} is not defined in this file's {_section(what)}")

    def not_future(self, path: tuple[str | int, ...], text: Any) -> None:
        d = _date(text)
        if d is not None and d > self.today:
            self.fail(path, f"{d.isoformat()} is in the future")

    def order(self, path: tuple[str | int, ...], start: Any, end: Any) -> None:
        a, b = _date(start), _date(end)
        if a is not None and b is not None and b < a:
            self.fail(path, f"ends ({b.isoformat()}) before it starts ({a.isoformat()})")


def _section(what: str) -> str:
    return {"actor": "actors", "victim group": "victim_groups", "source": "sources",
            "trigger": "triggers", "actor or victim group": "actors/victim_groups"}.get(what, what)


def check_document(doc: Document, today: dt.date | None = None) -> list[Problem]:
    """All problems of one parsed assessment (empty list: the file is valid)."""
    if not isinstance(doc.data, dict):
        return [doc.problem((), "an assessment must be a mapping of keys (country, date, …)")]
    problems = _schema_problems(doc)
    c = _Checker(doc, reference(), today or dt.date.today())
    d = doc.data
    sources = _ids(doc, "sources", c.out)
    actors = _ids(doc, "actors", c.out)
    groups = _ids(doc, "victim_groups", c.out)
    triggers = _ids(doc, "triggers", c.out)
    _ids(doc, "recommendations", c.out)
    c.country(("country",), d.get("country"))
    c.not_future(("date",), d.get("date"))
    period = d.get("period")
    if isinstance(period, dict):
        c.order(("period", "to"), period.get("from"), period.get("to"))
        c.not_future(("period", "to"), period.get("to"))
    for i, s in _items(doc, "sources"):
        c.not_future(("sources", i, "date"), s.get("date"))
    for key in ("risk_factors", "indicators", "actors", "victim_groups", "relationships", "triggers",
                "capabilities", "recommendations"):
        for i, item in _items(doc, key):
            if "sources" in item:
                c.refs((key, i, "sources"), item["sources"], sources, "source")
    for i, f in _items(doc, "risk_factors"):
        c.known(("risk_factors", i, "factor"), f.get("factor"), c.ref.risk_factors, "risk factor")
    for i, f in _items(doc, "indicators"):
        c.known(("indicators", i, "indicator"), f.get("indicator"), c.ref.indicators,
                "Framework indicator")
    for i, a in _items(doc, "actors"):
        countries = a.get("country")
        for j, code in enumerate(countries if isinstance(countries, list) else [countries]):
            c.country(("actors", i, "country", j) if isinstance(countries, list)
                      else ("actors", i, "country"), code)
    for i, g in _items(doc, "victim_groups"):
        for j, code in enumerate(g.get("lives_in") or []):
            c.country(("victim_groups", i, "lives_in", j), code)
    model = load_model()
    for i, r in _items(doc, "relationships"):
        c.refs(("relationships", i, "from"), r.get("from"), actors, "actor")
        rel = model.relationships.get(str(r.get("type")))
        if rel is None:
            continue  # reported by the schema
        to_group = rel.range == {"VictimGroup"}
        wanted, other = (groups, actors) if to_group else (actors, groups)
        target = r.get("to")
        if isinstance(target, str) and target in other and target not in wanted:
            c.fail(("relationships", i, "to"), f"{rel.name} must point to "
                   f"{'a victim group' if to_group else 'an actor'}, and {target!r} is "
                   f"{'an actor' if to_group else 'a victim group'}")
        else:
            c.refs(("relationships", i, "to"), target, wanted, "victim group" if to_group else "actor")
        for name in r:
            if name in model.properties and name not in rel.properties:
                c.fail(("relationships", i, name), f"{rel.name} does not take {name!r}")
        c.order(("relationships", i, "valid_to"), r.get("valid_from"), r.get("valid_to"))
    for i, t in _items(doc, "triggers"):
        c.known(("triggers", i, "type"), t.get("type"), c.ref.trigger_types, "trigger type")
        window = t.get("expected")
        if isinstance(window, dict):
            c.order(("triggers", i, "expected", "to"), window.get("from"), window.get("to"))
    for i, cap in _items(doc, "capabilities"):
        c.refs(("capabilities", i, "actor"), cap.get("actor"), actors, "actor")
        c.known(("capabilities", i, "capability"), cap.get("capability"), c.ref.capabilities, "capability")
    for i, rec in _items(doc, "recommendations"):
        c.known(("recommendations", i, "option"), rec.get("option"), c.ref.options, "response option")
        c.refs(("recommendations", i, "addressee"), rec.get("addressee"), actors, "actor")
        raw_targets = rec.get("targets")
        targets: dict[str, Any] = raw_targets if isinstance(raw_targets, dict) else {}
        for j, rf in enumerate(targets.get("risk_factors") or []):
            c.known(("recommendations", i, "targets", "risk_factors", j), rf, c.ref.risk_factors,
                    "risk factor")
        c.refs(("recommendations", i, "targets", "triggers"), targets.get("triggers") or [], triggers,
               "trigger")
        c.refs(("recommendations", i, "targets", "victim_groups"), targets.get("victim_groups") or [],
               groups, "victim group")
        c.refs(("recommendations", i, "targets", "actors"), targets.get("actors") or [], actors, "actor")
        for j, cap_id in enumerate(rec.get("builds") or []):
            c.known(("recommendations", i, "builds", j), cap_id, c.ref.capabilities, "capability")
    for i, rec in _items(doc, "recommendations"):
        if rec.get("status") == "proposed" and rec.get("outcome"):
            c.fail(("recommendations", i, "outcome"),
                   "a proposed recommendation has no outcome yet; set its status (adopted, implemented, "
                   "rejected) or remove the outcome")
    for path, text in _strings(d, ()):
        found = PLACEHOLDER.search(text)
        if found:
            c.fail(path, f"still holds the template placeholder {found.group(0)}; replace it")
    if d.get("status") == "published":
        if not d.get("reviewers"):
            c.fail(("reviewers",), "a published assessment needs at least one reviewer")
        c.out.extend(sourcing_gaps(doc, "a published assessment needs a source for every {what}"))
    return sorted(problems + c.out, key=lambda p: (p[1] or 0, p[2]))


def sourcing_gaps(doc: Document,
                  message: str = "no source for this {what} (needed before publishing)") -> list[Problem]:
    """Findings, roles, actor relationships and triggers that cite no source.

    Errors for a published assessment (see :func:`check_document`), warnings for a draft.
    """
    out = []
    data = doc.data if isinstance(doc.data, dict) else {}
    for key, marker, what in SOURCED:
        for i, item in enumerate(data.get(key) or []):
            if isinstance(item, dict) and item.get(marker) and not item.get("sources"):
                out.append(doc.problem((key, i, "sources"), message.format(what=what)))
    return out


def _strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, (*path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*path, i))
