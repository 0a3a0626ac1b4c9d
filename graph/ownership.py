"""Statements owned by assessments: replace what one owner asserts, or withdraw it all.

Every node and relationship an assessment writes lists the assessment in its ``owners``, and
the assessment node keeps what the file asserted as canonical JSON (``statements``). Loading
an assessment again *replaces* its statements (:func:`plan_replace`):

- a statement the new file no longer makes loses the owner; with no owner left it is removed
  (a node only when no relationship that stays still needs it: it is then kept, ownerless,
  and reported);
- a statement several owners make takes its values from all of them, folded in the order
  they were stated (``asserted_on``, ties by owner id) with the rules of an ordinary write
  (:func:`graph.upsert.merge_props`): the latest single values win, ``union`` lists keep every
  value. The result does not depend on the order files were loaded in;
- properties that no remaining owner states are cleared, unless an owner that keeps no
  statements (a dataset version) still owns the statement;
- statements without owners (reference vocabularies) are never changed or removed here.

Retracting an assessment replaces its statements with only its own node (status
``retracted``) and its ``ASSESSES`` link, so it stays listed but asserts nothing.

Example:
    >>> from graph.records import Edge, Node
    >>> a = assertions(load_model(), [Node.make("actor/x", name="X")],
    ...                [Edge.make("OPERATES_IN", "actor/x", "country/RWA")])
    >>> decode(encode(a), load_model()) == a
    True
    >>> encode(a)[:40]
    '{"edges": [["OPERATES_IN", "actor/x", "c'
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.base import GraphStore
from graph.changes import ChangeSet
from graph.records import Edge, Node
from graph.schema import quote
from graph.upsert import dedupe_edges, dedupe_nodes, merge_props
from ontology.model import Model, load_model

__all__ = ["Assertions", "Replacement", "assertions", "decode", "encode", "plan_replace"]

OWNERS = "owners"
EdgeKey = tuple[str, str, str]


@dataclass
class Assertions:
    """What one owner states: node id -> properties, (type, source, target) -> properties."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[EdgeKey, dict[str, Any]] = field(default_factory=dict)


def assertions(model: Model, nodes: Iterable[Node], edges: Iterable[Edge]) -> Assertions:
    """The statements of a record batch (records of one key combined; ``owners`` left out)."""
    out = Assertions(dedupe_nodes(model, nodes), dedupe_edges(model, edges))
    for props in (*out.nodes.values(), *out.edges.values()):
        props.pop(OWNERS, None)
    return out


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def encode(a: Assertions) -> str:
    """Canonical JSON (sorted, dates as ISO text) of an owner's statements."""
    doc = {
        "nodes": [[k, {p: _json(v) for p, v in sorted(a.nodes[k].items())}] for k in sorted(a.nodes)],
        "edges": [[*k, {p: _json(v) for p, v in sorted(a.edges[k].items())}] for k in sorted(a.edges)],
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def _typed(model: Model, owner: str, props: Mapping[str, Any]) -> dict[str, Any]:
    known = model.owner_properties(owner)
    out: dict[str, Any] = {}
    for name, value in props.items():
        prop = known.get(name)
        if prop is None:
            continue  # a property the ontology dropped since: no longer stated
        if isinstance(value, list):
            value = tuple(value)
        elif prop.datatype == "date" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        elif prop.datatype == "double" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        out[name] = value
    return out


def decode(text: str | None, model: Model) -> Assertions:
    """Statements from :func:`encode`'s JSON (empty for ``None``)."""
    if not text:
        return Assertions()
    doc = json.loads(text)
    nodes = {k: _typed(model, model.class_of(k).name, p) for k, p in doc.get("nodes", [])}
    edges = {(t, s, u): _typed(model, t, p) for t, s, u, p in doc.get("edges", [])}
    return Assertions(nodes, edges)


@dataclass
class Replacement:
    """The exact change replacing one owner's statements, and what it means in words."""

    changes: ChangeSet
    details: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Statements created, updated and removed."""
        return self.changes.counts()


def _stored_value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _plain(props: Mapping[str, Any], drop: Sequence[str]) -> dict[str, Any]:
    return {k: _stored_value(v) for k, v in props.items() if k not in drop and v is not None}


class _Reader:
    """Reads the stored side of a replacement (all by primary key; labels from the model)."""

    def __init__(self, store: GraphStore, model: Model) -> None:
        self.store = store
        self.model = model

    def nodes(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for node_id in ids:
            by_label[self.model.class_of(node_id).name].append(node_id)
        out: dict[str, dict[str, Any]] = {}
        for label, group in by_label.items():
            q = f"UNWIND $ids AS k MATCH (n:{quote(label)} {{id: k}}) RETURN n"
            for (node,) in self.store.run_read(q, {"ids": sorted(group)}).rows:
                out[node["id"]] = _plain(node, ("id", "label"))
        return out

    def edges(self, keys: Iterable[EdgeKey]) -> dict[EdgeKey, dict[str, Any]]:
        by_group: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
        for rel, s, t in keys:
            group = (rel, self.model.class_of(s).name, self.model.class_of(t).name)
            by_group[group].append({"s": s, "t": t})
        out: dict[EdgeKey, dict[str, Any]] = {}
        for (rel, src, tgt), rows in by_group.items():
            q = (f"UNWIND $rows AS r MATCH (a:{quote(src)} {{id: r.s}})-[e:{quote(rel)}]->"
                 f"(b:{quote(tgt)} {{id: r.t}}) RETURN r.s, r.t, e")
            for s, t, e in self.store.run_read(q, {"rows": rows}).rows:
                out[(rel, s, t)] = _plain(e, ("type", "source", "target"))
        return out

    def statements(self, owners: Iterable[str]) -> dict[str, Assertions | None]:
        """Each owner's statements; ``None`` for owners that keep none (dataset versions)."""
        found: dict[str, Assertions | None] = {o: None for o in owners}
        ids = sorted(o for o in found if self.model.class_of(o).name == "Assessment")
        if ids:
            q = "UNWIND $ids AS k MATCH (a:Assessment {id: k}) RETURN a.id, a.statements"
            for aid, text in self.store.run_read(q, {"ids": ids}).rows:
                found[aid] = decode(text, self.model) if text else None
        return found

    def incident(self, ids: Iterable[str]) -> dict[str, set[EdgeKey]]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for node_id in ids:
            by_label[self.model.class_of(node_id).name].append(node_id)
        out: dict[str, set[EdgeKey]] = defaultdict(set)
        for label, group in by_label.items():
            q = f"UNWIND $ids AS k MATCH (n:{quote(label)} {{id: k}})-[r]-() RETURN k, r"
            for k, r in self.store.run_read(q, {"ids": sorted(group)}).rows:
                out[k].add((r["type"], r["source"], r["target"]))
        return out


def _fold(model: Model, owner_label: str, contributions: list[tuple[Any, str, dict[str, Any]]]) -> dict[str, Any]:
    """Values of a statement from its owners' assertions, oldest first."""
    merged: dict[str, Any] = {}
    for _, _, props in sorted(contributions, key=lambda c: (c[0] or dt.date.min, c[1])):
        merged = merge_props(model, owner_label, merged, props)
    return merged


@dataclass
class _Side:
    """One kind of statement (nodes or relationships) seen from one replacement."""

    stored: Mapping[Any, dict[str, Any]]
    old: Mapping[Any, dict[str, Any]]
    new: Mapping[Any, dict[str, Any]]


def plan_replace(
    store: GraphStore,
    owner: str,
    new: Assertions,
    old: Assertions | None = None,
    *,
    model: Model | None = None,
) -> Replacement:
    """The change that makes ``owner`` assert exactly ``new`` (see the module docstring).

    ``old`` is what the owner asserted before (read from its node when not given).
    """
    m = model or load_model()
    reader = _Reader(store, m)
    if old is None:
        old = reader.statements([owner]).get(owner) or Assertions()
    node_keys = sorted(set(old.nodes) | set(new.nodes))
    edge_keys = sorted(set(old.edges) | set(new.edges))
    nodes = _Side(reader.nodes(node_keys), old.nodes, new.nodes)
    edges = _Side(reader.edges(edge_keys), old.edges, new.edges)
    others: set[str] = set()
    for props in (*nodes.stored.values(), *edges.stored.values()):
        others.update(props.get(OWNERS) or ())
    others.discard(owner)
    said = reader.statements(sorted(others))
    said[owner] = new
    out = Replacement(ChangeSet())
    gone_nodes: list[str] = []
    gone_edges: set[EdgeKey] = set()

    def decide(key: Any, label: str, side: _Side, part: str) -> tuple[str, dict[str, Any]] | None:
        stored = side.stored.get(key)
        asserts = key in side.new
        if stored is None:
            if not asserts:
                return None  # stated before, already gone
            return "create", {**side.new[key], OWNERS: (owner,)}
        before = tuple(stored.get(OWNERS) or ())
        if not before and not asserts:
            return None  # reference data, or a statement this owner never owned
        owners = tuple(sorted((set(before) - {owner}) | ({owner} if asserts else set())))
        if not owners:
            return "delete", {}
        contributions = []
        opaque = False
        names: set[str] = set(side.old.get(key, {})) | set(side.new.get(key, {}))
        for o in owners:
            statements = said.get(o)
            props = getattr(statements, part).get(key) if statements is not None else None
            if props is None:
                opaque = True
                continue
            names.update(props)
            contributions.append((props.get("asserted_on"), o, props))
        folded = _fold(m, label, contributions)
        target = dict(stored)
        for name in names:
            if name in folded:
                target[name] = folded[name]
            elif not opaque:
                target.pop(name, None)
        target[OWNERS] = owners
        diff = {k: v for k, v in target.items() if stored.get(k) != v}
        diff.update({k: None for k in stored if k not in target})
        return ("update", diff) if diff else None

    for node_id in node_keys:
        label = m.class_of(node_id).name
        verdict = decide(node_id, label, nodes, "nodes")
        if verdict is None:
            continue
        action, props = verdict
        if action == "create":
            out.changes.create_node(label, node_id, props)
            out.details.append(f"added {label} {node_id}")
        elif action == "update":
            out.changes.update_node(label, node_id, props)
            out.details.append(f"changed {label} {node_id}: {', '.join(sorted(props))}")
        else:
            gone_nodes.append(node_id)
    for key in edge_keys:
        rel, s, t = key
        group = (rel, m.class_of(s).name, m.class_of(t).name)
        verdict = decide(key, rel, edges, "edges")
        if verdict is None:
            continue
        action, props = verdict
        if action == "create":
            out.changes.create_edge(group, (s, t), props)
            out.details.append(f"added {rel} {s} -> {t}")
        elif action == "update":
            out.changes.update_edge(group, (s, t), props)
            out.details.append(f"changed {rel} {s} -> {t}: {', '.join(sorted(props))}")
        else:
            out.changes.delete_edge(group, (s, t))
            gone_edges.add(key)
            out.details.append(f"removed {rel} {s} -> {t}")
    incident = reader.incident(gone_nodes) if gone_nodes else {}
    for node_id in gone_nodes:
        label = m.class_of(node_id).name
        still = sorted(incident.get(node_id, set()) - gone_edges)
        if still:
            # something that stays still points at it: keep the node, owned by nobody
            out.changes.update_node(label, node_id, {OWNERS: None})
            out.kept.append(node_id)
            out.details.append(f"kept {label} {node_id} (still linked: {still[0][0]} …)")
        else:
            out.changes.delete_node(label, node_id)
            out.details.append(f"removed {label} {node_id}")
    return out
