"""A recommendation's status changes: one function that checks and records one, for the CLI and the API.

:func:`change_status` is the only writer of :class:`StatusChange` records (``akg recommendation
status`` and ``POST /api/v1/recommendations/{id}/status`` both call it, so anything that must
happen on every status change hooks in here: each new or corrected change appends a
``recommendation-status`` entry to the audit log in the same write). It checks, before
writing anything:

- the recommendation exists (else :class:`RecommendationNotFound`, with the nearest ids);
- the status and the outcome code are in the ontology's vocabularies, a ``proposed``
  recommendation carries no outcome, the date is not before the assessment that made it
  (else :class:`~ontology.errors.InvalidRecord` naming the field);

then writes, in one transaction, the ``StatusChange`` node (id
``status-change/<recommendation>/<date>-<status>``, so recording the same change again
changes nothing), ``Recommendation HAS_STATUS_CHANGE StatusChange`` and a ``CITES`` link when
the source is the id of a Source in the graph. The recommendation node itself keeps what its
assessments stated; its current status is the latest entry of the history
(:mod:`queries.lessons` reads it), so an older change recorded later never hides a newer one.

Example:
    >>> change_id("rec/BIH-1995-06/r4", "implemented", dt.date(1995, 7, 25))
    'status-change/BIH-1995-06/r4/1995-07-25-implemented'
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from graph import audit
from graph.base import GraphStore, WriteSummary
from graph.records import Edge, Node
from ontology.errors import AkgError, InvalidRecord
from ontology.model import load_model

__all__ = ["RECOMMENDATION_CYPHER", "RecommendationNotFound", "StatusChange", "change_id", "change_status"]

RECOMMENDATION_CYPHER = """
MATCH (r:Recommendation {id: $id})
OPTIONAL MATCH (a:Assessment)-[:MAKES]->(r)
RETURN r.id AS id, r.name AS name, r.status AS status, a.id AS assessment, a.date AS date
"""
RECOMMENDATION_IDS_CYPHER = """
MATCH (r:Recommendation)
RETURN r.id AS id
"""
CHANGE_CYPHER = """
MATCH (c:StatusChange {id: $id})
RETURN c.status AS status, c.outcome_code AS outcome, c.change_source AS source, c.change_note AS note
"""
SOURCE_CYPHER = """
MATCH (s:Source {id: $id})
RETURN s.id AS id
"""


class RecommendationNotFound(AkgError):
    """No recommendation has the id given."""

    code = "not_found"


@dataclass(frozen=True)
class StatusChange:
    """What was recorded."""

    id: str
    recommendation: str
    status: str
    changed_on: dt.date
    citation: str
    note: str | None
    outcome_code: str | None
    cites: str | None
    summary: WriteSummary

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "recommendation": self.recommendation, "status": self.status,
                "changed_on": self.changed_on, "citation": self.citation, "note": self.note,
                "outcome_code": self.outcome_code, "cites": self.cites, "written": self.summary.as_dict()}


def change_id(recommendation: str, status: str, date: dt.date) -> str:
    """The id of the status-change record of a recommendation, status and date."""
    return f"status-change/{recommendation.split('/', 1)[1]}/{date.isoformat()}-{status}"


def _full(rec: str) -> str:
    return rec if rec.startswith("rec/") else f"rec/{rec}"


def change_status(store: GraphStore, recommendation: str, status: str, *, date: dt.date, source: str,
                  note: str | None = None, outcome: str | None = None, by: str | None = None) -> StatusChange:
    """Check and record one status change of a recommendation (see the module docstring).

    Raises:
        RecommendationNotFound: no recommendation with that id.
        InvalidRecord: a status or outcome outside the vocabulary, an outcome on a proposed
            recommendation, no source, or a date before the assessment.
    """
    rid = _full(recommendation.strip())
    m = load_model()
    errors: dict[str, list[str]] = {}
    statuses = [str(v) for v in m.constraint("StatusChange", "status").values or ()]
    codes = [str(v) for v in m.constraint("StatusChange", "outcome_code").values or ()]
    if status not in statuses:
        errors["status"] = [f"{status!r} is not one of {', '.join(statuses)}"]
    if outcome is not None and outcome not in codes:
        errors["outcome"] = [f"{outcome!r} is not one of {', '.join(codes)}"]
    if outcome is not None and status == "proposed":
        errors.setdefault("outcome", []).append("a proposed recommendation has no outcome yet")
    if not source.strip():
        errors["source"] = ["give the source that reports the change (a Source id or a reference)"]
    found = store.run_read(RECOMMENDATION_CYPHER, {"id": rid}).dicts()
    if not found:
        ids = [r["id"] for r in store.run_read(RECOMMENDATION_IDS_CYPHER).dicts()]
        near = difflib.get_close_matches(rid, ids, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise RecommendationNotFound(f"no recommendation with id {rid}{hint}", {"id": rid, "suggestions": near})
    made = found[0]["date"]
    if made is not None and date < made:
        errors["date"] = [f"{date} is before {found[0]['assessment']} ({made}) made the recommendation"]
    if errors:
        said = "; ".join(f"{k}: {m}" for k, ms in errors.items() for m in ms)
        raise InvalidRecord(f"status change of {rid} is not valid: {said}", errors)
    cid = change_id(rid, status, date)
    cites = source.strip() if source.strip().startswith("source/") else f"source/{source.strip()}"
    if not store.run_read(SOURCE_CYPHER, {"id": cites}).dicts():
        cites = ""
    origin = f"status change {date.isoformat()}"
    nodes = [Node.make(cid, source=origin, name=f"{rid}: {status} on {date.isoformat()}", status=status,
                       changed_on=date, change_source=source.strip(), change_note=note or None,
                       outcome_code=outcome, asserted_on=date)]
    edges = [Edge.make("HAS_STATUS_CHANGE", rid, cid, origin=origin)]
    if cites:
        edges.append(Edge.make("CITES", cid, cites, origin=origin))
    recorded = store.run_read(CHANGE_CYPHER, {"id": cid}).dicts()
    if not recorded or recorded[0] != {"status": status, "outcome": outcome, "source": source.strip(),
                                       "note": note or None}:
        # a new or corrected change goes to the audit log in the same write
        country = (found[0]["assessment"] or "").split("/", 1)[-1].split("-", 1)[0] or None
        nodes.append(audit.entry("recommendation-status", rid, country=country, by=by, reason=note or None,
                                 counts={"created": 0 if recorded else 1, "updated": 1 if recorded else 0},
                                 details=[f"{status} on {date.isoformat()}"
                                          + (f", outcome {outcome}" if outcome else "")
                                          + f"; source {source.strip()}"]))
    summary = store.write(nodes, edges)
    return StatusChange(cid, rid, status, date, source.strip(), note, outcome, cites or None, summary)
