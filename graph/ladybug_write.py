"""Ladybug upserts: look keys up, then SET the existing rows and CREATE (or COPY) the new ones.

``UNWIND … MERGE`` scans the whole table in Ladybug 0.22, so it is never used. New rows go in
with ``UNWIND $rows … CREATE`` for small batches and ``COPY … FROM`` an Arrow table for large
ones; everything is checked beforehand (ids unique and new, relationship ends present) because
a COPY that fails inside a transaction crashes Ladybug 0.22.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import ladybug
import pyarrow as pa
import pyarrow.compute as pc

from graph.base import WriteSummary
from graph.bulk import arrow_type
from graph.changes import ChangeSet
from graph.records import Edge, Node
from graph.schema import literal, quote
from graph.upsert import dedupe_edges, dedupe_nodes, group_edges, plan_edges, plan_nodes
from ontology.errors import InvalidRecord, StoreError
from ontology.model import Model

__all__ = ["FILE_ERRORS", "LadybugWriter", "is_file_error", "one_result", "rows_of"]

# Ladybug's messages when it cannot write its files (a full disk, a file size limit, a quota).
FILE_ERRORS = ("Cannot write to file", "No space left", "File too large", "Disk quota")


def is_file_error(exc: BaseException) -> bool:
    """Whether Ladybug failed writing one of its files (then nothing may touch the database again
    in this process: closing it flushes the write-ahead log, and a failing flush there aborts)."""
    return any(e in str(exc) for e in FILE_ERRORS)

_LOOKUP_CHUNK = 20_000


def one_result(result: ladybug.QueryResult | list[ladybug.QueryResult]) -> ladybug.QueryResult:
    """The result of a single statement (Ladybug returns a list for multi-statement text)."""
    if isinstance(result, list):
        raise StoreError("expected exactly one Cypher statement")
    return result


def rows_of(
    conn: ladybug.Connection, cypher: str, params: Mapping[str, Any] | None = None
) -> list[list[Any]]:
    """Execute one statement and return all its rows as lists."""
    rows = one_result(conn.execute(cypher, dict(params or {}))).get_all()
    return [list(r) if isinstance(r, list) else list(r.values()) for r in rows]


def _param(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _chunks(items: list[Any], size: int = _LOOKUP_CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class LadybugWriter:
    """Applies one batch in one transaction on the owning connection.

    Ladybug 0.22's connection keeps every Arrow table a ``COPY … FROM`` read until the connection
    is closed (measured: a load held all it had copied, 7.7 GiB of Arrow at 10M ACLED rows). The
    writer therefore opens its connections with ``connect`` and replaces its connection with a new
    one after each commit that followed a COPY (:meth:`renew`), which lets those tables go.
    """

    copy_threshold = 2000

    def __init__(self, model: Model, connect: Callable[[], ladybug.Connection], *, staged: bool = False) -> None:
        self.model = model
        self.connect = connect
        self.conn = connect()
        self.staged = staged  # writing a staged copy of the store (graph.ladybug_stage)
        self.copy_started = False
        self.commit_failed = False
        self.abandoned = False
        self._empty_at_start: dict[str, bool] = {}
        self._node_empty: dict[str, bool] = {}

    def may_copy_edges(self, rel: str) -> bool:
        """Whether relationship rows of ``rel`` may go in by COPY in this transaction.

        Ladybug 0.22 loses rows COPY'd into a relationship table that already held rows when the
        process is killed during the commit's checkpoint, while the rest of the transaction
        survives (reproduced: tests/loaders/test_kill_anywhere.py). COPY is therefore used only
        for relationship tables that were empty when the transaction began; other relationship
        rows are created in UNWIND batches, which recovery replays whole. A staged copy of the store
        is thrown away whole when its load is killed, so there COPY is always used.
        """
        if self.staged:
            return True
        found = self._empty_at_start.get(rel)
        if found is None:
            rows = rows_of(self.conn, f"MATCH ()-[e:{quote(rel)}]->() RETURN e LIMIT 1")
            found = self._empty_at_start[rel] = not rows
        return found

    def node_table_was_empty(self, label: str) -> bool:
        """Whether the node table ``label`` held no rows when first asked about in this transaction
        (asked before the transaction writes any: then nothing but its own rows can be there)."""
        found = self._node_empty.get(label)
        if found is None:
            rows = rows_of(self.conn, f"MATCH (n:{quote(label)}) RETURN n.id LIMIT 1")
            found = self._node_empty[label] = not rows
        return found

    def _q(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        return rows_of(self.conn, cypher, params)

    # ---------------------------------------------------------------- lookups
    def _stored_nodes(self, label: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(ids):
            q = f"UNWIND $ids AS k MATCH (n:{quote(label)} {{id: k}}) RETURN n"
            for (node,) in self._q(q, {"ids": chunk}):
                out[node["id"]] = {
                    k: (tuple(v) if isinstance(v, list) else v)
                    for k, v in node.items()
                    if not k.startswith("_") and k != "id" and v is not None
                }
        return out

    def _stored_edges(
        self, rel: str, src: str, tgt: str, pairs: list[tuple[str, str]]
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Stored properties of the given relationships.

        Matching both ends per pair makes Ladybug join slowly; expanding from the primary-key
        lookup of one end (the one with fewer distinct ids) and filtering here is ~20x faster.
        """
        out: dict[tuple[str, str], dict[str, Any]] = {}
        if not pairs:
            return out
        wanted = pa.array([f"{a}\x1f{b}" for a, b in pairs], pa.string())
        sources = sorted({p[0] for p in pairs})
        targets = sorted({p[1] for p in pairs})
        if len(sources) <= len(targets):
            q = (f"UNWIND $ids AS k MATCH (a:{quote(src)} {{id: k}})-[r:{quote(rel)}]->(b:{quote(tgt)}) "
                 "RETURN a.id AS a, b.id AS b, r AS r")
            keys = sources
        else:
            q = (f"UNWIND $ids AS k MATCH (a:{quote(src)})-[r:{quote(rel)}]->(b:{quote(tgt)} {{id: k}}) "
                 "RETURN a.id AS a, b.id AS b, r AS r")
            keys = targets
        for chunk in _chunks(keys):
            # the rows come back as Arrow and are filtered there: a hub end (a country) can have many
            found = one_result(self.conn.execute(q, {"ids": chunk})).get_as_arrow()
            if not found.num_rows:
                continue
            hit = found.filter(pc.is_in(pc.binary_join_element_wise(found.column("a"), found.column("b"), "\x1f"),
                                        wanted))
            for a, b, r in zip(*(hit.column(c).to_pylist() for c in ("a", "b", "r")), strict=True):
                out[(a, b)] = {
                    k: (tuple(v) if isinstance(v, list) else v)
                    for k, v in r.items()
                    if not k.startswith("_") and v is not None
                }
        return out

    def _missing(self, ids_by_label: Mapping[str, set[str]]) -> list[str]:
        missing: list[str] = []
        for label, ids in ids_by_label.items():
            found = self._stored_ids(label, sorted(ids))
            missing.extend(sorted(ids - found))
        return missing

    def _stored_ids(self, label: str, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(ids):
            q = f"UNWIND $ids AS k MATCH (n:{quote(label)} {{id: k}}) RETURN n.id"
            found.update(row[0] for row in self._q(q, {"ids": chunk}))
        return found

    # ---------------------------------------------------------------- the write
    def write(self, nodes: list[Node], edges: list[Edge]) -> WriteSummary:
        """Plan against the stored graph, then apply in one transaction."""
        with self.transaction():
            return self.apply(nodes, edges, set())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN … COMMIT; ROLLBACK on error, or abandon (uncommitted) if a COPY ran."""
        self.conn.execute("BEGIN TRANSACTION")
        self.copy_started = False
        self.commit_failed = False
        self._empty_at_start = {}
        self._node_empty = {}
        try:
            yield
            self.commit_failed = True  # until COMMIT returns: a failed COMMIT may have reached the log
            self.conn.execute("COMMIT")
            self.commit_failed = False
            if self.copy_started:
                self.renew()
        except BaseException as exc:
            if self.copy_started or is_file_error(exc):
                # Rolling back a COPY corrupts Ladybug 0.22's memory, and after a failed file write
                # closing the database aborts the process (its log's buffer cannot be flushed):
                # abandon the transaction uncommitted instead; the owner must exit without closing.
                self.abandoned = True
                raise
            try:
                self.conn.execute("ROLLBACK")
            except RuntimeError:
                pass
            raise

    def commit_point(self) -> None:
        """Commit the open transaction and begin the next (staged copies only: a reader of the
        store never sees them). What was empty when the load began is still known as such."""
        if not self.staged:
            raise RuntimeError("commit points are for staged loads only")
        self.commit_failed = True
        self.conn.execute("COMMIT")
        self.commit_failed = False
        self.renew()
        self.conn.execute("BEGIN TRANSACTION")

    def renew(self) -> None:
        """Close the connection and continue on a new one (outside a transaction; see the class
        docstring): the Arrow tables the old one copied from are freed."""
        old, self.conn = self.conn, self.connect()
        old.close()

    def apply(self, nodes: list[Node], edges: list[Edge], created: set[str]) -> WriteSummary:
        """Upsert records inside the open transaction; ``created`` collects new node ids."""
        m = self.model
        batch_nodes = dedupe_nodes(m, nodes)
        batch_edges = dedupe_edges(m, edges)
        label_of = {n.id: n.label for n in nodes}
        for e in edges:
            label_of.setdefault(e.source, e.source_label)
            label_of.setdefault(e.target, e.target_label)
        summary = WriteSummary()
        by_label: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for node_id, props in batch_nodes.items():
            by_label[label_of[node_id]][node_id] = props
        node_plans = {}
        new_here: set[str] = set()
        for label, batch in by_label.items():
            plan = plan_nodes(m, label, batch, self._stored_nodes(label, sorted(batch)))
            node_plans[label] = plan
            new_here.update(plan.create)
        ends: dict[str, set[str]] = defaultdict(set)
        for _, s, t in batch_edges:
            for end in (s, t):
                if end not in batch_nodes and end not in created:
                    ends[label_of[end]].add(end)
        self.check_ends(ends)
        edge_plans = {}
        fresh = created | new_here
        for group, pairs in group_edges(batch_edges, label_of).items():
            rel, src, tgt = group
            known = [p for p in pairs if p[0] not in fresh and p[1] not in fresh]
            edge_plans[group] = plan_edges(m, rel, pairs, self._stored_edges(rel, src, tgt, known))
        for label, plan in node_plans.items():
            self._create_nodes(label, plan.create)
            self._update_nodes(label, plan.update)
            summary.nodes_created += len(plan.create)
            summary.nodes_updated += len(plan.update)
            summary.nodes_unchanged += plan.unchanged
        for (rel, src, tgt), eplan in edge_plans.items():
            self._create_edges(rel, src, tgt, eplan.create)
            self._update_edges(rel, src, tgt, eplan.update)
            summary.edges_created += len(eplan.create)
            summary.edges_updated += len(eplan.update)
            summary.edges_unchanged += eplan.unchanged
        created.update(new_here)
        return summary

    def check_ends(self, ends: Mapping[str, set[str]]) -> None:
        """Raise if relationship ends (by label) exist neither in the batch nor in the store."""
        dangling = self._missing(ends)
        if dangling:
            shown = ", ".join(dangling[:10]) + (" …" if len(dangling) > 10 else "")
            raise InvalidRecord(
                f"{len(dangling)} relationship end(s) name nodes that do not exist: {shown}",
                {"references": dangling},
            )

    # ---------------------------------------------------------------- creates
    def _create_nodes(self, label: str, rows: dict[str, dict[str, Any]]) -> None:
        if not rows:
            return
        props = self.model.classes[label].properties
        if len(rows) >= self.copy_threshold:
            columns: dict[str, pa.Array] = {"id": pa.array(list(rows), pa.string())}
            for name, prop in props.items():
                if name != "id":
                    values = [_param(r.get(name)) for r in rows.values()]
                    columns[name] = pa.array(values, arrow_type(prop))
            arrow_rows = pa.table(columns)  # noqa: F841 - COPY reads it by name
            self.copy_started = True
            self.conn.execute(f"COPY {quote(label)} FROM arrow_rows")
            return
        for keys, group in _by_keys(rows).items():
            sets = ", ".join(f"{quote(k)}: r.{quote(k)}" for k in ("id", *keys))
            q = f"UNWIND $rows AS r CREATE (n:{quote(label)} {{{sets}}})"
            for chunk in _chunks(group):
                self.conn.execute(q, {"rows": [{"id": i, **_params(p)} for i, p in chunk]})

    def _update_nodes(self, label: str, rows: dict[str, dict[str, Any]]) -> None:
        for keys, group in _by_keys(rows).items():
            sets = _sets("n", keys)
            q = f"UNWIND $rows AS r MATCH (n:{quote(label)} {{id: r.id}}) SET {sets}"
            for chunk in _chunks(group):
                self.conn.execute(q, {"rows": [{"id": i, **_params(p)} for i, p in chunk]})

    def _create_edges(
        self, rel: str, src: str, tgt: str, rows: dict[tuple[str, str], dict[str, Any]]
    ) -> None:
        if not rows:
            return
        props = self.model.relationships[rel].properties
        if len(rows) >= self.copy_threshold and self.may_copy_edges(rel):
            pairs = list(rows)
            columns: dict[str, pa.Array] = {
                "from": pa.array([p[0] for p in pairs], pa.string()),
                "to": pa.array([p[1] for p in pairs], pa.string()),
            }
            for name, prop in props.items():
                columns[name] = pa.array([_param(rows[p].get(name)) for p in pairs], arrow_type(prop))
            arrow_rows = pa.table(columns)  # noqa: F841 - COPY reads it by name
            self.copy_started = True
            self.conn.execute(
                f"COPY {quote(rel)} FROM arrow_rows (from={literal(src)}, to={literal(tgt)})"
            )
            return
        for keys, group in _by_keys(rows).items():
            sets = ", ".join(f"{quote(k)}: r.{quote(k)}" for k in keys)
            q = (
                f"UNWIND $rows AS r MATCH (a:{quote(src)} {{id: r.s}}) "
                f"MATCH (b:{quote(tgt)} {{id: r.t}}) CREATE (a)-[e:{quote(rel)} {{{sets}}}]->(b)"
            )
            for chunk in _chunks(group):
                self.conn.execute(
                    q, {"rows": [{"s": s, "t": t, **_params(p)} for (s, t), p in chunk]}
                )

    def _update_edges(
        self, rel: str, src: str, tgt: str, rows: dict[tuple[str, str], dict[str, Any]]
    ) -> None:
        for keys, group in _by_keys(rows).items():
            sets = _sets("e", keys)
            q = (
                f"UNWIND $rows AS r MATCH (a:{quote(src)} {{id: r.s}})-[e:{quote(rel)}]->"
                f"(b:{quote(tgt)} {{id: r.t}}) SET {sets}"
            )
            for chunk in _chunks(group):
                self.conn.execute(
                    q, {"rows": [{"s": s, "t": t, **_params(p)} for (s, t), p in chunk]}
                )

    # ---------------------------------------------------------------- exact changes
    def apply_changes(self, changes: ChangeSet) -> None:
        """Apply a change set inside the open transaction: deletes, creates, then updates.

        Never uses COPY (a change set is small, and a failed COPY cannot be rolled back).
        """
        for (rel, src, tgt), pairs in changes.delete_edges.items():
            q = (f"UNWIND $rows AS r MATCH (a:{quote(src)} {{id: r.s}})-[e:{quote(rel)}]->"
                 f"(b:{quote(tgt)} {{id: r.t}}) DELETE e")
            for chunk in _chunks(sorted(set(pairs))):
                self.conn.execute(q, {"rows": [{"s": s, "t": t} for s, t in chunk]})
        for label, ids in changes.delete_nodes.items():
            q = f"UNWIND $ids AS k MATCH (n:{quote(label)} {{id: k}}) DETACH DELETE n"
            for chunk in _chunks(sorted(set(ids))):
                self.conn.execute(q, {"ids": chunk})
        saved, self.copy_threshold = self.copy_threshold, 1 << 62
        try:
            for label, rows in changes.create_nodes.items():
                self._create_nodes(label, rows)
            for (rel, src, tgt), erows in changes.create_edges.items():
                self._create_edges(rel, src, tgt, erows)
        finally:
            self.copy_threshold = saved
        for label, rows in changes.update_nodes.items():
            self._update_nodes(label, rows)
        for (rel, src, tgt), erows in changes.update_edges.items():
            self._update_edges(rel, src, tgt, erows)

    # ---------------------------------------------------------------- deletes
    def delete(self, ids: list[str]) -> int:
        """DETACH DELETE the given nodes in one transaction; returns how many existed."""
        by_label: dict[str, list[str]] = defaultdict(list)
        for node_id in ids:
            by_label[self.model.class_of(node_id).name].append(node_id)
        self.conn.execute("BEGIN TRANSACTION")
        try:
            count = 0
            for label, group in by_label.items():
                count += len(self._stored_ids(label, group))
                q = f"UNWIND $ids AS k MATCH (n:{quote(label)} {{id: k}}) DETACH DELETE n"
                self.conn.execute(q, {"ids": group})
            self.conn.execute("COMMIT")
        except BaseException:
            try:
                self.conn.execute("ROLLBACK")
            except RuntimeError:
                pass
            raise
        return count


Grouped = dict[tuple[str, ...], list[tuple[Any, Mapping[str, Any]]]]


def _by_keys(rows: Mapping[Any, Mapping[str, Any]]) -> Grouped:
    """Group rows by the properties they set and clear, so each group has one query shape.

    A cleared property (value ``None``) is part of the shape as ``-name``: it is written as a
    literal ``NULL`` (Ladybug types a ``None`` parameter as STRING).
    """
    groups: dict[tuple[str, ...], list[tuple[Any, Mapping[str, Any]]]] = defaultdict(list)
    for key, props in rows.items():
        shape = tuple(sorted(k if v is not None else f"-{k}" for k, v in props.items()))
        groups[shape].append((key, props))
    return groups


def _sets(var: str, keys: tuple[str, ...]) -> str:
    """The SET list of one update shape (see :func:`_by_keys`)."""
    return ", ".join(
        f"{var}.{quote(k[1:])} = NULL" if k.startswith("-") else f"{var}.{quote(k)} = r.{quote(k)}"
        for k in keys
    )


def _params(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _param(v) for k, v in props.items() if v is not None}

