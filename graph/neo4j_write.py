"""Neo4j Cypher texts (generated from the model), value conversion and transaction functions.

Every text takes its values from ``$params``; labels and relationship types come from the
model and are backtick-quoted with :func:`graph.schema.quote`. A write looks the batch up with
``UNWIND $ids`` / ``UNWIND $rows`` (``_CHUNK`` rows per round trip), plans it with
:mod:`graph.upsert`, checks that every relationship end exists, then applies ``CREATE … SET
n += r.props`` and ``MATCH … SET n += r.props`` batches. The functions taking ``tx`` run inside
``session.execute_write`` and may be retried: they start from their arguments each time and
return plain values. :func:`plain_rows` turns driver nodes, relationships and paths into the
shapes of :mod:`graph.values`.

Example:
    >>> node_create("Actor")
    'UNWIND $rows AS r CREATE (n:`Actor` {`id`: r.id}) SET n += r.props'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import neo4j
import neo4j.time
import pyarrow as pa
from neo4j.graph import Node as NeoNode
from neo4j.graph import Path as NeoPath
from neo4j.graph import Relationship as NeoRel

from graph.base import WriteSummary
from graph.changes import ChangeSet
from graph.schema import quote
from graph.upsert import group_edges, plan_edges, plan_nodes
from graph.values import clean_node, clean_rel
from ontology.errors import InvalidRecord
from ontology.model import Model

__all__ = [
    "BULK_ROWS", "RESOLVE_ENDS", "Tx", "apply_tx", "column_batches", "count_nodes", "count_rels", "delete_ids",
    "delete_tx",
    "edge_create", "edge_delete", "edge_lookup", "edge_update", "from_neo4j", "node_create", "node_delete",
    "node_delete_plain", "node_ids", "node_lookup", "node_unlink", "node_update", "plain_rows", "records",
    "to_param", "upsert_tx",
]

# a transaction function's transaction, or one begun explicitly (a bulk load that must not be retried)
Tx = neo4j.ManagedTransaction | neo4j.Transaction

_CHUNK = 10_000
BULK_ROWS = 20_000  # rows per column-wise batch
_ID = quote("id")


# ---------------------------------------------------------------- Cypher texts
def node_lookup(label: str) -> str:
    """Stored properties of the nodes of ``label`` whose ids are in ``$ids``."""
    return (
        f"UNWIND $ids AS k MATCH (n:{quote(label)} {{{_ID}: k}}) "
        f"RETURN n.{_ID} AS id, properties(n) AS props"
    )


def node_ids(label: str) -> str:
    """Which of ``$ids`` exist as nodes of ``label``."""
    return f"UNWIND $ids AS k MATCH (n:{quote(label)} {{{_ID}: k}}) RETURN n.{_ID} AS id"


def node_create(label: str) -> str:
    """Create one node per ``{id, props}`` row."""
    return f"UNWIND $rows AS r CREATE (n:{quote(label)} {{{_ID}: r.id}}) SET n += r.props"


def node_update(label: str) -> str:
    """Overwrite the given properties of existing nodes."""
    return f"UNWIND $rows AS r MATCH (n:{quote(label)} {{{_ID}: r.id}}) SET n += r.props"


def node_delete(label: str) -> str:
    """Detach and delete nodes by id; returns how many were found."""
    return (
        f"UNWIND $ids AS k MATCH (n:{quote(label)} {{{_ID}: k}}) "
        "DETACH DELETE n RETURN count(*) AS deleted"
    )


def _ends(rel: str, src: str, tgt: str) -> str:
    return f"(a:{quote(src)} {{{_ID}: r.s}})-[e:{quote(rel)}]->(b:{quote(tgt)} {{{_ID}: r.t}})"


def edge_lookup(rel: str, src: str, tgt: str) -> str:
    """Stored properties of the relationships given as ``{s, t}`` rows."""
    return (
        f"UNWIND $rows AS r MATCH {_ends(rel, src, tgt)} "
        "RETURN r.s AS s, r.t AS t, properties(e) AS props"
    )


def edge_create(rel: str, src: str, tgt: str) -> str:
    """Create one relationship per ``{s, t, props}`` row (both ends must exist)."""
    return (
        f"UNWIND $rows AS r MATCH (a:{quote(src)} {{{_ID}: r.s}}) "
        f"MATCH (b:{quote(tgt)} {{{_ID}: r.t}}) CREATE (a)-[e:{quote(rel)}]->(b) SET e += r.props"
    )


def edge_update(rel: str, src: str, tgt: str) -> str:
    """Overwrite the given properties of existing relationships."""
    return f"UNWIND $rows AS r MATCH {_ends(rel, src, tgt)} SET e += r.props"


def edge_delete(rel: str, src: str, tgt: str) -> str:
    """Delete the relationships given as ``{s, t}`` rows."""
    return f"UNWIND $rows AS r MATCH {_ends(rel, src, tgt)} DELETE e"


def node_unlink(label: str) -> str:
    """Delete every relationship of the nodes of ``label`` whose ids are in ``$ids``."""
    return f"UNWIND $ids AS k MATCH (n:{quote(label)} {{{_ID}: k}})-[r]-() DELETE r"


def node_delete_plain(label: str) -> str:
    """Detach and delete nodes by id (no count)."""
    return f"UNWIND $ids AS k MATCH (n:{quote(label)} {{{_ID}: k}}) DETACH DELETE n"


# Ends of relationships returned without their nodes carry only an element id.
RESOLVE_ENDS = "UNWIND $ids AS k MATCH (n) WHERE elementId(n) = k RETURN k AS eid, n.`id` AS id"


def count_nodes(label: str) -> str:
    """Number of nodes of ``label``."""
    return f"MATCH (n:{quote(label)}) RETURN count(n) AS count"


def count_rels(rel: str) -> str:
    """Number of relationships of type ``rel``."""
    return f"MATCH ()-[e:{quote(rel)}]->() RETURN count(e) AS count"


# ---------------------------------------------------------------- values
def to_param(value: Any) -> Any:
    """A record value as a driver parameter: tuples become lists, dates stay ``datetime.date``."""
    if isinstance(value, (tuple, list)):
        return [to_param(v) for v in value]
    return value


def from_neo4j(value: Any) -> Any:
    """A driver value as a plain Python value (``neo4j.time`` types become ``datetime`` ones)."""
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)):
        return value.to_native()
    if isinstance(value, neo4j.time.Duration):
        return str(value.iso_format())
    if isinstance(value, list):
        return [from_neo4j(v) for v in value]
    if isinstance(value, dict):
        return {k: from_neo4j(v) for k, v in value.items()}
    return value


def _stored(props: Mapping[str, Any]) -> dict[str, Any]:
    """Stored properties in the record form :mod:`graph.upsert` compares (lists as tuples)."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key == "id" or value is None:
            continue
        plain = from_neo4j(value)
        out[key] = tuple(plain) if isinstance(plain, list) else plain
    return out


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def records(
    tx: Tx, query: str, params: Mapping[str, Any]
) -> list[neo4j.Record]:
    """Run one statement and consume its result (transaction functions must not leak cursors)."""
    result = tx.run(query, dict(params))
    rows = list(result)
    result.consume()
    return rows


def _apply(tx: Tx, query: str, rows: list[dict[str, Any]] | pa.Table) -> None:
    """Run ``query`` for ``rows`` in batches: a list of row maps (``$rows`` is a list), or an Arrow
    table sent column-wise (``$rows`` is a map of column lists, see :func:`column_batches`).

    Column-wise batches are not awaited one by one: the server runs one while the client encodes
    the next; a failure surfaces at the next statement or at commit, and fails the transaction."""
    if isinstance(rows, pa.Table):
        for batch in column_batches(rows):
            tx.run(query, {"rows": batch})
        return
    for chunk in _chunks(rows):
        tx.run(query, {"rows": chunk}).consume()


def column_batches(table: pa.Table, size: int = BULK_ROWS) -> Iterator[dict[str, list[Any]]]:
    """An Arrow table as maps of column lists, ``size`` rows each; all-null columns are left out
    (``$rows.c[i]`` of an absent column is null) and empty lists become nulls.

    >>> t = pa.table({"id": ["a", "b", "c"], "tags": [["x"], [], None], "n": [None, None, None]})
    >>> list(column_batches(t, 2))
    [{'id': ['a', 'b'], 'tags': [['x'], None]}, {'id': ['c']}]
    """
    for start in range(0, max(table.num_rows, 1), size):
        part = table.slice(start, size)
        if not part.num_rows:
            return
        batch: dict[str, list[Any]] = {}
        for name in part.column_names:
            column = part.column(name)
            if column.null_count == len(column):
                continue
            values = column.to_pylist()
            if pa.types.is_list(column.type):
                values = [v if v else None for v in values]
            batch[name] = values
        yield batch


# ---------------------------------------------------------------- the write
def _lookup(
    tx: Tx, query: str, key: str, items: list[Any]
) -> list[neo4j.Record]:
    out: list[neo4j.Record] = []
    for chunk in _chunks(items):
        out += records(tx, query, {key: chunk})
    return out


def upsert_tx(
    tx: Tx,
    model: Model,
    batch_nodes: Mapping[str, Mapping[str, Any]],
    batch_edges: Mapping[tuple[str, str, str], dict[str, Any]],
    label_of: Mapping[str, str],
    created: set[str],
    restate: str | None = None,
) -> WriteSummary:
    """Plan records against the stored graph and apply them inside ``tx``.

    ``created`` holds ids created earlier in this transaction (their links need no lookup); the
    ids created here are added to it. A changed record of label ``restate`` (the dataset's label
    during a version switch) restates all of its links: its old ones are dropped first.
    """
    by_label: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for node_id, props in batch_nodes.items():
        by_label[label_of[node_id]][node_id] = props
    node_plans = {}
    fresh = set(created)
    for label, batch in by_label.items():
        found = _lookup(tx, node_lookup(label), "ids", sorted(batch))
        plan = plan_nodes(model, label, batch, {r["id"]: _stored(r["props"]) for r in found})
        node_plans[label] = plan
        fresh.update(plan.create)
        created.update(plan.create)
    ends: dict[str, set[str]] = defaultdict(set)
    for _, s, t in batch_edges:
        for end in (s, t):
            if end not in batch_nodes and end not in fresh:
                ends[label_of[end]].add(end)
    dangling: list[str] = []
    for label, ids in ends.items():
        present = {r["id"] for r in _lookup(tx, node_ids(label), "ids", sorted(ids))}
        dangling.extend(sorted(ids - present))
    if dangling:
        shown = ", ".join(dangling[:10]) + (" …" if len(dangling) > 10 else "")
        raise InvalidRecord(
            f"{len(dangling)} relationship end(s) name nodes that do not exist: {shown}",
            {"references": dangling},
        )
    if restate is not None and restate in node_plans:
        # a changed record restates all of its links (see graph.ladybug_bulk): drop the old ones
        changed = sorted(node_plans[restate].update)
        for chunk in _chunks(changed):
            tx.run(node_unlink(restate), {"ids": chunk}).consume()
        fresh.update(changed)  # their links are all new now: create them without a lookup
    edge_plans = {}
    for (rel, src, tgt), pairs in group_edges(batch_edges, label_of).items():
        known = [{"s": s, "t": t} for s, t in pairs if s not in fresh and t not in fresh]
        found = _lookup(tx, edge_lookup(rel, src, tgt), "rows", known)
        stored = {(r["s"], r["t"]): _stored(r["props"]) for r in found}
        edge_plans[(rel, src, tgt)] = plan_edges(model, rel, pairs, stored)
    summary = WriteSummary()
    for label, plan in node_plans.items():
        for query, rows in ((node_create(label), plan.create), (node_update(label), plan.update)):
            _apply(tx, query, [{"id": i, "props": _props(p)} for i, p in rows.items()])
        summary.nodes_created += len(plan.create)
        summary.nodes_updated += len(plan.update)
        summary.nodes_unchanged += plan.unchanged
    for (rel, src, tgt), eplan in edge_plans.items():
        for query, pairs in ((edge_create(rel, src, tgt), eplan.create),
                             (edge_update(rel, src, tgt), eplan.update)):
            _apply(tx, query, [{"s": s, "t": t, "props": _props(p)} for (s, t), p in pairs.items()])
        summary.edges_created += len(eplan.create)
        summary.edges_updated += len(eplan.update)
        summary.edges_unchanged += eplan.unchanged
    return summary


def delete_ids(tx: Tx, label: str, ids: Sequence[str]) -> None:
    """DETACH DELETE ``label`` nodes by id, in batches."""
    for chunk in _chunks(list(ids)):
        tx.run(node_delete_plain(label), {"ids": chunk}).consume()


def delete_tx(tx: Tx, by_label: Mapping[str, list[str]]) -> int:
    """DETACH DELETE nodes by id; returns how many existed."""
    return sum(
        int(rec["deleted"])
        for label, ids in by_label.items()
        for rec in _lookup(tx, node_delete(label), "ids", sorted(set(ids)))
    )


def apply_tx(tx: Tx, changes: ChangeSet) -> None:
    """Apply an exact change set: deletes, creates, then updates (``SET +=`` with a null
    value removes the property, which is what a cleared property means)."""
    for (rel, src, tgt), pairs in changes.delete_edges.items():
        _apply(tx, edge_delete(rel, src, tgt), [{"s": s, "t": t} for s, t in sorted(set(pairs))])
    for label, ids in changes.delete_nodes.items():
        for chunk in _chunks(sorted(set(ids))):
            tx.run(node_delete_plain(label), {"ids": chunk}).consume()
    for label, rows in changes.create_nodes.items():
        _apply(tx, node_create(label), [{"id": i, "props": _props(p)} for i, p in rows.items()])
    for (rel, src, tgt), erows in changes.create_edges.items():
        _apply(tx, edge_create(rel, src, tgt),
               [{"s": s, "t": t, "props": _props(p)} for (s, t), p in erows.items()])
    for label, rows in changes.update_nodes.items():
        _apply(tx, node_update(label), [{"id": i, "props": _props(p)} for i, p in rows.items()])
    for (rel, src, tgt), erows in changes.update_edges.items():
        _apply(tx, edge_update(rel, src, tgt),
               [{"s": s, "t": t, "props": _props(p)} for (s, t), p in erows.items()])


def _props(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: to_param(v) for k, v in props.items()}


def plain_rows(
    tx: Tx, model: Model, rows: list[list[Any]]
) -> list[list[Any]]:
    """Nodes, relationships and paths as plain dicts; relationship ends resolved to node ids."""
    ids: dict[str, Any] = {}
    missing: set[str] = set()

    def scan(v: Any) -> None:
        if isinstance(v, NeoRel):
            for end in v.nodes:
                if end is not None and end.get("id") is None:
                    missing.add(end.element_id)
        elif isinstance(v, NeoPath):
            for r in v.relationships:
                scan(r)
        elif isinstance(v, (list, tuple)):
            for x in v:
                scan(x)
        elif isinstance(v, dict):
            for x in v.values():
                scan(x)

    scan(rows)
    if missing:
        for rec in records(tx, RESOLVE_ENDS, {"ids": sorted(missing)}):
            ids[rec["eid"]] = rec["id"]

    def end_id(end: NeoNode | None) -> Any:
        if end is None:
            return None
        found = end.get("id")
        return found if found is not None else ids.get(end.element_id)

    def fix(v: Any) -> Any:
        if isinstance(v, NeoNode):
            own = sorted(set(v.labels) & set(model.classes)) or sorted(v.labels) or [""]
            return clean_node(model, own[0], v.get("id"), from_neo4j(dict(v.items())))
        if isinstance(v, NeoRel):
            props = from_neo4j(dict(v.items()))
            return clean_rel(v.type, end_id(v.start_node), end_id(v.end_node), props)
        if isinstance(v, NeoPath):
            rels = [fix(r) for r in v.relationships]
            return {"nodes": [fix(n) for n in v.nodes], "relationships": rels}
        if isinstance(v, (list, tuple)):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return from_neo4j(v)

    return [fix(r) for r in rows]
