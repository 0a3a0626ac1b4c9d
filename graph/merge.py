"""Actor resolution in the store: list unresolved actors, merge one actor into another.

A merge moves every relationship of actor A (both directions, every type, all properties) to
actor B, adds A's name and aliases to B's aliases and deletes A. It costs four store calls: two
reads (the two actors; A's relationships), one write (B and the moved relationships, merged
with B's existing ones by the store's upsert rules: list properties such as ``sources`` keep
every value, other properties take A's value) and one delete. Relationships between A and B
would become self-loops of B and are dropped. Should the delete fail after the write, running
the merge again finishes it (the write is idempotent).

Example:
    >>> MergeResult("actor/a", "actor/b", moved=2, dropped=0, aliases_added=["A"]).describe()
    'merged actor/a into actor/b: 2 relationships moved, 0 dropped, 1 alias added; actor/a deleted'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph import audit
from graph.base import GraphStore, WriteSummary
from graph.records import Edge, Node
from ontology.errors import AkgError, OntologyError
from ontology.model import load_model

__all__ = ["MergeRefused", "MergeResult", "merge_actors", "unresolved_actors"]

ACTOR = "Actor"
UNRESOLVED = (
    "MATCH (a:Actor) WHERE a.unresolved = true "
    "OPTIONAL MATCH (a)-[:PERPETRATED]->(e:Event) "
    "RETURN a.id AS id, a.name AS name, a.aliases AS aliases, count(e) AS events "
    "ORDER BY events DESC, id"
)
ACTORS = "MATCH (n:Actor) WHERE n.id IN $ids RETURN n"
RELATIONSHIPS = "MATCH (a:Actor {id: $id})-[r]-(b) RETURN r"


class MergeRefused(AkgError):
    """A merge that cannot be done (same actor, not an actor, actor missing)."""

    code = "merge_refused"


@dataclass
class MergeResult:
    """What a merge did."""

    source: str
    target: str
    moved: int = 0
    dropped: int = 0
    aliases_added: list[str] = field(default_factory=list)
    summary: WriteSummary = field(default_factory=WriteSummary)
    deleted: int = 1

    def describe(self) -> str:
        """One line for people."""
        n = len(self.aliases_added)
        return (f"merged {self.source} into {self.target}: {self.moved} relationship"
                f"{'s' if self.moved != 1 else ''} moved, {self.dropped} dropped, "
                f"{n} alias{'es' if n != 1 else ''} added; {self.source} deleted")


def unresolved_actors(store: GraphStore, limit: int | None = None) -> list[dict[str, Any]]:
    """Actors flagged ``unresolved`` with how many events they perpetrated, most first."""
    return store.run_read(UNRESOLVED, limit=limit).dicts()


def _check_id(node_id: str, role: str) -> None:
    try:
        label = load_model().class_of(node_id).name
    except OntologyError as exc:
        raise MergeRefused(f"{role} {node_id!r}: {exc.message}") from None
    if label != ACTOR:
        article = "an" if label[0].lower() in "aeiou" else "a"
        raise MergeRefused(f"{role} {node_id} is {article} {label}, not an {ACTOR}")


def merge_actors(store: GraphStore, source: str, target: str, *, by: str | None = None) -> MergeResult:
    """Merge actor ``source`` into actor ``target`` (see the module docstring); the write that
    moves the relationships also appends the merge to the audit log."""
    if source == target:
        raise MergeRefused(f"cannot merge {source} into itself")
    _check_id(source, "source")
    _check_id(target, "target")
    found = {n["id"]: n for n in (row[0] for row in store.run_read(ACTORS, {"ids": [source, target]}).rows)}
    for node_id in (source, target):
        if node_id not in found:
            raise MergeRefused(f"no actor {node_id} in the store")
    a, b = found[source], found[target]
    m = load_model()
    result = MergeResult(source, target)
    edges: list[Edge] = []
    seen: set[tuple[str, str, str]] = set()
    for (rel,) in store.run_read(RELATIONSHIPS, {"id": source}).rows:
        key = (rel["type"], rel["source"], rel["target"])
        if key in seen:
            continue  # an undirected match returns a self-loop twice
        seen.add(key)
        ends = [target if end == source else end for end in key[1:]]
        if ends[0] == ends[1] == target:
            result.dropped += 1
            continue
        allowed = m.relationship(rel["type"]).properties
        props = {k: v for k, v in rel.items() if k in allowed and v is not None}
        edges.append(Edge.make(rel["type"], ends[0], ends[1], origin=f"merge {source}", model=m, **props))
    known = {str(x) for x in (b.get("aliases") or [])} | {str(b.get("name") or "")}
    incoming = [str(x) for x in [a.get("name"), *(a.get("aliases") or [])] if x]
    result.aliases_added = sorted(set(incoming) - known)
    nodes = [Node.make(target, partial=True, model=m, aliases=result.aliases_added)] \
        if result.aliases_added else []
    result.moved = len(edges)
    nodes.append(audit.entry("merge", target, by=by, counts={"updated": len(edges), "removed": 1},
                             details=[result.describe()]))
    result.summary = store.write(nodes, edges)
    result.deleted = store.delete_nodes([source])
    return result
