"""Named queries written in Python: several Cypher reads, the store's counts, or the model.

They carry the same header as the Cypher files and sit in the same catalogue. Their Cypher
texts are the ``*_CYPHER`` constants below (common to both backends; the lint test checks them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.base import GraphStore, ReadResult
from ontology.model import load_model
from queries.registry import QueryParameterError, python_query

__all__ = ["ASSESSMENTS_CYPHER", "CONTENT_CYPHER", "assessment_changes", "counts_by_label",
           "schema_listing"]

ASSESSMENTS_CYPHER = """
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
RETURN a.id AS id, a.date AS date, a.status AS status
ORDER BY date, id
"""

# What one assessment says, as (kind, item, name, level, detail) rows.
CONTENT_CYPHER = """
MATCH (:Assessment {id: $assessment})-[f:FINDS]->(x:RiskFactor)
RETURN 'risk-factor' AS kind, x.id AS item, x.name AS name, f.level AS level,
       CASE WHEN false THEN '' END AS detail
UNION ALL
MATCH (:Assessment {id: $assessment})-[i:IDENTIFIES]->(x:Actor)
RETURN 'actor' AS kind, x.id AS item, x.name AS name, CASE WHEN false THEN 0 END AS level,
       i.role AS detail
UNION ALL
MATCH (:Assessment {id: $assessment})-[:ANTICIPATES]->(x:Trigger)
RETURN 'trigger' AS kind, x.id AS item, x.name AS name, CASE WHEN false THEN 0 END AS level,
       CASE WHEN false THEN '' END AS detail
UNION ALL
MATCH (:Assessment {id: $assessment})-[:MAKES]->(x:Recommendation)
RETURN 'recommendation' AS kind, x.id AS item, x.name AS name, CASE WHEN false THEN 0 END AS level,
       x.status AS detail
"""

_OPEN = {"proposed", "adopted"}
_CLOSED = {"implemented", "rejected"}
_ORDER = ["risk-factor-up", "risk-factor-down", "risk-factor-new", "risk-factor-removed", "risk-factor-not-restated",
          "actor-added", "actor-removed", "actor-role-changed", "trigger-added", "trigger-removed",
          "recommendation-added", "recommendation-closed", "recommendation-status-changed"]


@python_query("""
// name: assessment_changes
// description: What changed between two assessments of a country: risk factors up, down, new,
//   removed (the later assessment finds it at level 0) or not restated (present before, not
//   assessed in the later one); actors added, removed or given another role; triggers added or removed;
//   recommendations added, closed (implemented, rejected or dropped) or changed in status,
//   matched by their local id (the part after the last '/'). Without ids, the two latest
//   published assessments are compared.
// users: planners, analysts
// param country: str | country id, e.g. country/QZA
// param older: str = null | the earlier assessment (id, with or without 'assessment/')
// param newer: str = null | the later assessment (id, with or without 'assessment/')
// returns: change, item, name, before, after, older, newer
// example: country=country/QZA older=QZA-2024-01 newer=QZA-2024-07
""")
def assessment_changes(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Compare two assessments of a country (see the header)."""
    columns = ["change", "item", "name", "before", "after", "older", "newer"]
    found = store.run_read(ASSESSMENTS_CYPHER, {"country": params["country"]}).dicts()
    ids = [a["id"] for a in found]
    published = [a["id"] for a in found if a["status"] == "published"]
    older = _assessment_id(params["older"], ids, params["country"], "older")
    newer = _assessment_id(params["newer"], ids, params["country"], "newer")
    if newer is None:
        newer = published[-1] if published else None
    if older is None and newer is not None:
        earlier = [a for a in published if ids.index(a) < ids.index(newer)]
        older = earlier[-1] if earlier else None
    if older is None or newer is None:
        return ReadResult(columns, [])
    before, after = _content(store, older), _content(store, newer)
    rows: list[list[Any]] = []
    for change, item, name, old, new in _diff(before, after):
        rows.append([change, item, name, old, new, older, newer])
    rows.sort(key=lambda r: (_ORDER.index(r[0]), r[1]))
    return ReadResult(columns, rows)


def _assessment_id(value: str | None, ids: list[str], country: str, which: str) -> str | None:
    if value is None:
        return None
    full = value if value.startswith("assessment/") else f"assessment/{value}"
    if full not in ids:
        listed = ", ".join(ids) or "none"
        raise QueryParameterError(
            f"parameter {which!r}: {full} is not an assessment of {country} (it has: {listed})",
            {"parameter": which, "expected": "an assessment id of the country"})
    return full


def _content(store: GraphStore, assessment: str) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in
                                                 ("risk-factor", "actor", "trigger", "recommendation")}
    for row in store.run_read(CONTENT_CYPHER, {"assessment": assessment}).dicts():
        key = row["item"].rsplit("/", 1)[1] if row["kind"] == "recommendation" else row["item"]
        out[row["kind"]][key] = row
    return out


def _diff(before: Mapping[str, Mapping[str, Mapping[str, Any]]],
          after: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[tuple[str, str, str, Any, Any]]:
    out: list[tuple[str, str, str, Any, Any]] = []
    b, a = before["risk-factor"], after["risk-factor"]
    for k in sorted(set(a) | set(b)):
        old, new = b.get(k), a.get(k)
        if old and new and old["level"] != new["level"]:
            kind = "risk-factor-up" if new["level"] > old["level"] else "risk-factor-down"
            if not new["level"]:
                kind = "risk-factor-removed"  # explicitly assessed as absent
            out.append((kind, k, new["name"], old["level"], new["level"]))
        elif new and not old:
            out.append(("risk-factor-new", k, new["name"], None, new["level"]))
        elif old and not new and old["level"]:
            out.append(("risk-factor-not-restated", k, old["name"], old["level"], None))
    for kind, label in (("actor", "actor"), ("trigger", "trigger")):
        b, a = before[kind], after[kind]
        for k in sorted(set(a) | set(b)):
            old, new = b.get(k), a.get(k)
            if new and not old:
                out.append((f"{label}-added", k, new["name"], None, new["detail"]))
            elif old and not new:
                out.append((f"{label}-removed", k, old["name"], old["detail"], None))
            elif old and new and old["detail"] != new["detail"]:
                out.append((f"{label}-role-changed", k, new["name"], old["detail"], new["detail"]))
    b, a = before["recommendation"], after["recommendation"]
    for k in sorted(set(a) | set(b)):
        old, new = b.get(k), a.get(k)
        if new and not old:
            out.append(("recommendation-added", new["item"], new["name"], None, new["detail"]))
        elif old and not new:
            if old["detail"] in _OPEN:
                out.append(("recommendation-closed", old["item"], old["name"], old["detail"], None))
        elif old and new and old["detail"] != new["detail"]:
            closed = old["detail"] in _OPEN and new["detail"] in _CLOSED
            kind = "recommendation-closed" if closed else "recommendation-status-changed"
            out.append((kind, new["item"], new["name"], old["detail"], new["detail"]))
    return out


@python_query("""
// name: counts_by_label
// description: Number of nodes per label and of relationships per type, from the store's
//   own counts (one count per label and type of the ontology).
// users: researchers
// param include_empty: bool = false | also list labels and types with no data
// returns: kind, name, count
""")
def counts_by_label(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Counts per label and relationship type."""
    stats = store.stats()
    rows: list[list[Any]] = [["node", k, v] for k, v in stats.nodes.items()]
    rows += [["relationship", k, v] for k, v in stats.relationships.items()]
    keep = [r for r in rows if r[2] or params["include_empty"]]
    return ReadResult(["kind", "name", "count"], keep)


@python_query("""
// name: schema_listing
// description: The graph's schema as the ontology defines it: every node label with its
//   properties, and every relationship type with the labels it connects and its properties.
// users: researchers
// returns: kind, name, source, target, properties, definition
""")
def schema_listing(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """The model as rows (the store is not read)."""
    del store, params
    m = load_model()
    rows: list[list[Any]] = [["node", c.name, None, None, list(c.properties), c.definition]
                             for c in m.classes.values()]
    everything = frozenset(m.classes)
    for r in m.relationships.values():
        src = "any" if r.domain == everything else "|".join(sorted(r.domain))
        dst = "any" if r.range == everything else "|".join(sorted(r.range))
        rows.append(["relationship", r.name, src, dst, list(r.properties), r.definition])
    return ReadResult(["kind", "name", "source", "target", "properties", "definition"], rows)
