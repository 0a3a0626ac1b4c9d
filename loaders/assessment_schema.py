"""The JSON Schema of the assessment format, generated from the ontology.

Every enum, range and type comes from the model (SHACL constraints and XSD types), so the
format cannot drift from the graph. The generated schema ships as
``loaders/assessment.schema.json``; a test keeps that file in step.

Example:
    >>> s = assessment_schema()
    >>> s["properties"]["risk_factors"]["items"]["properties"]["level"]["enum"]
    [0, 1, 2, 3]
    >>> sorted(s["properties"]["relationships"]["items"]["properties"]["type"]["enum"])[:3]
    ['ALLIED_WITH', 'ARMS', 'COMMANDS']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ontology.model import Model, load_model

__all__ = ["SCHEMA_FILE", "actor_relationships", "assessment_schema", "schema_json"]

SCHEMA_FILE = Path(__file__).resolve().parent / "assessment.schema.json"
_DATE = {"type": "string", "format": "date"}
_ID = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$", "maxLength": 120}
_IDS = {"type": "array", "items": _ID, "uniqueItems": True}
_TEXT = {"type": "string", "maxLength": 20_000}
_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 300}}


def actor_relationships(m: Model) -> list[str]:
    """Relationship types an assessment may state between actors, or from actors to groups."""
    return sorted(r.name for r in m.relationships.values()
                  if r.domain == {"Actor"} and r.range <= {"Actor", "VictimGroup"})


def _prop(m: Model, owner: str, name: str) -> dict[str, Any]:
    """A JSON Schema fragment for one ontology property on ``owner``."""
    prop = m.owner_properties(owner)[name]
    rule = m.constraint(owner, name)
    base: dict[str, Any]
    if prop.datatype == "date":
        base = dict(_DATE)
    elif prop.datatype in {"integer", "double"}:
        base = {"type": "integer" if prop.datatype == "integer" else "number"}
        if rule.min is not None and rule.max is not None and prop.datatype == "integer" \
                and rule.max - rule.min <= 10:
            base = {"enum": list(range(int(rule.min), int(rule.max) + 1))}
        else:
            if rule.min is not None:
                base["minimum"] = rule.min if prop.datatype == "double" else int(rule.min)
            if rule.max is not None:
                base["maximum"] = rule.max if prop.datatype == "double" else int(rule.max)
    elif prop.datatype == "boolean":
        base = {"type": "boolean"}
    else:
        base = {"type": "string", "minLength": 1}
        if rule.values is not None:
            base = {"enum": list(rule.values)}
        if rule.pattern:
            base["pattern"] = rule.pattern
    if prop.multi:
        return {"type": "array", "items": base}
    base["description"] = prop.definition
    return base


def _obj(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


def _edge_props(m: Model, rel: str) -> dict[str, Any]:
    return {name: _prop(m, rel, name) for name in ("confidence", "valid_from", "valid_to", "note")}


def assessment_schema(model: Model | None = None) -> dict[str, Any]:
    """The whole schema as a dict (JSON Schema draft 2020-12)."""
    m = model or load_model()
    sources = {"sources": _IDS}
    source = _obj({"id": _ID, "title": _prop(m, "Source", "title"),
                   "publisher": _prop(m, "Source", "publisher"), "date": _prop(m, "Source", "published"),
                   "url": _prop(m, "Source", "url"), "reliability": _prop(m, "Source", "reliability"),
                   "credibility": _prop(m, "Source", "credibility"), "note": _TEXT},
                  ["id", "title", "publisher", "reliability", "credibility"])
    finding = _obj({"factor": {"type": "string", "pattern": "^RF[0-9]{1,2}$"},
                    "level": _prop(m, "FINDS", "level"), "trend": _prop(m, "FINDS", "trend"),
                    "rationale": _prop(m, "FINDS", "rationale"), **sources},
                   ["factor", "level", "rationale"])
    observed = _obj({"indicator": {"type": "string", "pattern": "^[0-9]{1,2}\\.[0-9]{1,2}$"},
                     "evidence": _prop(m, "OBSERVES", "evidence"), **sources},
                    ["indicator", "evidence"])
    country_ref = {"type": "string", "minLength": 2}
    actor = _obj({"id": _ID, "name": _prop(m, "Actor", "name"), "aliases": _NAMES,
                  "kind": _prop(m, "Actor", "kind"), "description": _TEXT,
                  "country": {"oneOf": [country_ref, {"type": "array", "items": country_ref}]},
                  "role": _prop(m, "IDENTIFIES", "role"), **sources},
                 ["id", "name", "kind"])
    group = _obj({"id": _ID, "name": _prop(m, "VictimGroup", "name"), "aliases": _NAMES,
                  "basis": _prop(m, "VictimGroup", "basis"),
                  "protected": _prop(m, "VictimGroup", "protected"),
                  "population_estimate": _prop(m, "VictimGroup", "population_estimate"),
                  "lives_in": {"type": "array", "items": country_ref}, "description": _TEXT, **sources},
                 ["id", "name", "basis"])
    relationship = _obj({"from": _ID, "type": {"enum": actor_relationships(m)}, "to": _ID,
                         "lever": _prop(m, "HAS_LEVERAGE_OVER", "lever"), **_edge_props(m, "SUPPORTS"),
                         **sources}, ["from", "type", "to"])
    window = {"oneOf": [_DATE, _obj({"from": _DATE, "to": _DATE}, ["from", "to"])]}
    trigger = _obj({"id": _ID, "type": _ID, "name": _prop(m, "Trigger", "name"),
                    "description": _TEXT, "expected": window,
                    "likelihood": _prop(m, "ANTICIPATES", "likelihood"), **sources},
                   ["id", "type", "name"])
    capability = _obj({"actor": _ID, "capability": _ID, "level": _prop(m, "HAS_CAPABILITY", "level"),
                       "note": _TEXT, **sources}, ["actor", "capability", "level"])
    targets = _obj({"risk_factors": {"type": "array", "items": {"type": "string",
                                                                "pattern": "^RF[0-9]{1,2}$"}},
                    "triggers": _IDS, "victim_groups": _IDS, "actors": _IDS}, [])
    recommendation = _obj({"id": _ID, "option": _ID, "addressee": _ID,
                           "name": _prop(m, "Recommendation", "name"), "text": _TEXT,
                           "timeframe": _prop(m, "Recommendation", "timeframe"),
                           "priority": _prop(m, "Recommendation", "priority"),
                           "status": _prop(m, "Recommendation", "status"),
                           "outcome": _prop(m, "Recommendation", "outcome"),
                           "outcome_code": _prop(m, "Recommendation", "outcome_code"),
                           "outcome_on": _prop(m, "Recommendation", "outcome_on"),
                           "targets": targets, "builds": _IDS, **sources},
                          ["id", "option", "addressee", "name", "status"])

    def listing(item: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": item}

    top = _obj({
        "id": _ID,
        "country": country_ref,
        "date": _prop(m, "Assessment", "date"),
        "title": _prop(m, "Assessment", "name"),
        "status": _prop(m, "Assessment", "status"),
        "authors": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "reviewers": _NAMES,
        "period": _obj({"from": _DATE, "to": _DATE}, ["from", "to"]),
        "horizon_months": _prop(m, "Assessment", "horizon_months"),
        "overall": _obj({"level": _prop(m, "Assessment", "overall_risk"),
                         "trend": _prop(m, "Assessment", "risk_trend")}, ["level"]),
        "summary": _prop(m, "Assessment", "summary"),
        "review_interval_months": _prop(m, "Country", "review_interval_months"),
        "retrospective": _prop(m, "Assessment", "retrospective"),
        "sources": listing(source),
        "risk_factors": listing(finding),
        "indicators": listing(observed),
        "actors": listing(actor),
        "victim_groups": listing(group),
        "relationships": listing(relationship),
        "triggers": listing(trigger),
        "capabilities": listing(capability),
        "recommendations": listing(recommendation),
    }, ["country", "date", "title", "status", "authors", "overall", "summary"])
    top["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    top["$id"] = "https://w3id.org/atrocity-kg/schema/assessment.schema.json"
    top["title"] = "atrocity-kg risk assessment"
    return top


def schema_json() -> str:
    """The schema as stable, pretty JSON text."""
    return json.dumps(assessment_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
