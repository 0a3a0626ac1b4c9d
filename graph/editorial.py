"""Loading, replacing and retracting assessments under the editorial workflow, with the log.

The workflow is draft → reviewed → published → superseded | retracted. Loading a file is
allowed when its status follows from the stored one; moving a published (or superseded or
retracted) assessment back to draft or reviewed needs a reason, which goes to the log. A file
whose id matches a stored assessment of another country is refused. Every load, re-load,
status change and retraction writes its :mod:`graph.audit` entries in the same transaction as
the change itself (:func:`graph.ownership.plan_replace`).

Example:
    >>> transition_problem("published", "draft", reason=None)
    'assessment is published; moving it back to draft needs a reason (--reason)'
    >>> transition_problem("draft", "published", reason=None) is None
    True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import audit
from graph.base import GraphStore, WriteSummary
from graph.changes import ChangeSet
from graph.ingest import Writer
from graph.ownership import Assertions, Replacement, assertions, encode, plan_replace
from graph.records import Edge, Node
from ontology.errors import AkgError, InvalidRecord
from ontology.model import Model, load_model

__all__ = [
    "EditorialError", "Outcome", "content_hash", "file_hash", "file_writer", "load_assessment", "retract",
    "transition_problem",
]

ORDER = {"draft": 0, "reviewed": 1, "published": 2, "superseded": 3, "retracted": 3}
FINAL = frozenset({"published", "superseded", "retracted"})
STORED = (
    "MATCH (a:Assessment {id: $id}) OPTIONAL MATCH (a)-[:ASSESSES]->(c:Country) "
    "RETURN a.status AS status, a.name AS name, a.date AS date, c.id AS country, "
    "a.content_hash AS content_hash"
)


class EditorialError(AkgError):
    """A load or status change the workflow does not allow (nothing was written)."""

    code = "workflow_refused"


@dataclass
class Outcome:
    """What a load, re-load or retraction did."""

    assessment: str
    action: str
    summary: WriteSummary = field(default_factory=WriteSummary)
    details: list[str] = field(default_factory=list)
    previous_status: str | None = None
    status: str | None = None


def content_hash(data: bytes) -> str:
    """SHA-256 of a file's bytes, as stored on assessments, dataset versions and log entries."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path, block: int = 1 << 20) -> str:
    """SHA-256 of a file, read in blocks (large dataset files are never held whole)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(block):
            h.update(chunk)
    return h.hexdigest()


def transition_problem(before: str | None, after: str, *, reason: str | None) -> str | None:
    """Why moving from ``before`` to ``after`` is refused (``None`` when it is allowed)."""
    if before is None or before == after:
        return None
    if before in FINAL and ORDER[after] < ORDER[before] and not reason:
        return f"assessment is {before}; moving it back to {after} needs a reason (--reason)"
    return None


def _summary(changes: ChangeSet) -> WriteSummary:
    def size(groups: Any) -> int:
        return sum(len(v) for v in groups.values())
    return WriteSummary(
        nodes_created=size(changes.create_nodes), nodes_updated=size(changes.update_nodes),
        edges_created=size(changes.create_edges), edges_updated=size(changes.update_edges),
        nodes_removed=size(changes.delete_nodes), edges_removed=size(changes.delete_edges),
    )


def _stored(store: GraphStore, aid: str) -> dict[str, Any] | None:
    rows = store.run_read(STORED, {"id": aid}).dicts()
    return rows[0] if rows and rows[0]["status"] is not None else None


def _country(new: Assertions, aid: str) -> str | None:
    return next((t for (rel, s, t) in new.edges if rel == "ASSESSES" and s == aid), None)


def _finish(
    store: GraphStore, aid: str, plan: Replacement, new: Assertions, entries: list[Node], action: str,
    *, before: str | None, after: str | None,
) -> Outcome:
    """Store the owner's statements on its node, add the log entries, apply in one transaction."""
    changes = plan.changes
    statements = {"statements": encode(new)}
    if aid in changes.create_nodes["Assessment"]:
        changes.create_nodes["Assessment"][aid].update(statements)
    else:
        changes.update_nodes["Assessment"].setdefault(aid, {}).update(statements)
    summary = _summary(changes)
    for e in entries:
        changes.create_node(e.label, e.id, e.props)
    store.apply(changes)
    return Outcome(aid, action, summary, plan.details, before, after)


def load_assessment(
    store: GraphStore,
    records: Sequence[Node | Edge],
    *,
    file: str,
    digest: str,
    by: str | None = None,
    reason: str | None = None,
    model: Model | None = None,
) -> Outcome:
    """Load (or re-load, replacing what it asserted before) one assessment's records."""
    m = model or load_model()
    nodes = [r for r in records if isinstance(r, Node)]
    edges = [r for r in records if isinstance(r, Edge)]
    aid = next((n.id for n in nodes if n.label == "Assessment"), None)
    if aid is None:
        raise InvalidRecord(f"{file}: no assessment node in the records", {"id": ["missing"]})
    new = assertions(m, nodes, edges)
    new.nodes[aid]["content_hash"] = digest
    stored = _stored(store, aid)
    after = str(new.nodes[aid]["status"])
    country = _country(new, aid)
    before = str(stored["status"]) if stored else None
    if stored and stored["country"] and country and stored["country"] != country:
        raise EditorialError(
            f"{file}: {aid} is already loaded for {stored['country']}; this file says {country}. "
            "Give the file its own id, or retract the stored assessment first")
    problem = transition_problem(before, after, reason=reason)
    if problem:
        raise EditorialError(f"{file}: {problem}")
    plan = plan_replace(store, aid, new, model=m)
    action = "load" if stored is None else "reload"
    if stored is not None and not plan.changes and before == after:
        return Outcome(aid, "unchanged", WriteSummary(), [], before, after)
    iso3 = country.split("/", 1)[1] if country else None
    counts = plan.counts()
    entries = [audit.entry(action, aid, country=iso3, file=file, content_hash=digest, counts=counts,
                           by=by, reason=reason, details=plan.details)]
    if before is not None and before != after:
        entries.append(audit.entry("status", aid, country=iso3, file=file, by=by, reason=reason,
                                   details=[f"status {before} -> {after}"]))
    return _finish(store, aid, plan, new, entries, action, before=before, after=after)


def retract(store: GraphStore, aid: str, *, reason: str, by: str | None = None,
            model: Model | None = None) -> Outcome:
    """Withdraw an assessment: it stays listed (status ``retracted``) but asserts nothing else."""
    m = model or load_model()
    if not reason.strip():
        raise EditorialError("a retraction needs a reason (--reason)")
    stored = _stored(store, aid)
    if stored is None:
        raise EditorialError(f"no assessment {aid} in the store (see `akg query assessment_list`)")
    if stored["status"] == "retracted":
        raise EditorialError(f"{aid} is already retracted")
    today = dt.date.today()
    node = {"name": stored["name"], "date": stored["date"], "status": "retracted",
            "status_reason": reason, "status_changed": today, "asserted_on": today}
    new = Assertions({aid: node}, {})
    if stored["country"]:
        new.edges[("ASSESSES", aid, stored["country"])] = {"asserted_on": today}
    plan = plan_replace(store, aid, new, model=m)
    iso3 = str(stored["country"]).split("/", 1)[1] if stored["country"] else None
    entries = [audit.entry("retract", aid, country=iso3, counts=plan.counts(), by=by, reason=reason,
                           details=[f"status {stored['status']} -> retracted", *plan.details])]
    return _finish(store, aid, plan, new, entries, "retract", before=str(stored["status"]),
                   after="retracted")


def file_writer(*, by: str | None = None, reason: str | None = None) -> Writer:
    """A :func:`graph.ingest.load_files` writer that loads each file as an owned assessment."""
    def write(store: GraphStore, path: Path, records: list[Node | Edge]) -> tuple[WriteSummary, list[str]]:
        out = load_assessment(store, records, file=path.name, digest=content_hash(path.read_bytes()),
                              by=by, reason=reason)
        return out.summary, out.details
    return write
