"""Ladybug's bulk path: all chunks of a file in one transaction, table rows by ``COPY``.

For each node table: look the ids up (primary-key index), COPY the new rows, SET the changed
ones (a changed row restates its links: its old ones are dropped first). Relationship rows whose
ends are new are created without a lookup; the others are compared with the store, also for
unchanged rows (their links come from other columns of the row). A file whose content is already
the current dataset version never gets here (graph.datasets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph.base import WriteSummary
from graph.bulk import Bulk, EdgeTable, arrow_type, switch_ids
from graph.datasets import DatasetSwitch
from graph.ladybug_write import LadybugWriter, one_result, rows_of
from graph.schema import literal, quote
from graph.upsert import plan_edges
from ontology.errors import InvalidRecord

__all__ = ["write_bulk"]

# which version a row came from is not a change of the row (see graph.datasets)
_NOT_COMPARED = frozenset({"id", "dataset_version"})


def _member(column: pa.ChunkedArray, ids: set[str]) -> pa.ChunkedArray:
    """Boolean mask: which values of ``column`` are in the Python set ``ids``."""
    present = [v for v in pc.unique(column).to_pylist() if v in ids]
    return pc.is_in(column, pa.array(present, pa.string()))


def _rows(table: pa.Table) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in table.to_pylist():
        node_id = row.pop("id")
        out[node_id] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in row.items()
                        if v is not None and v != []}
    return out


def _stored_table(w: LadybugWriter, label: str, table: pa.Table) -> pa.Table:
    """The stored values of the table's columns for the ids it holds (Arrow, typed alike)."""
    columns = table.column_names
    returns = ", ".join(f"n.{quote(c)} AS {quote(c)}" for c in columns)
    q = f"UNWIND $ids AS k MATCH (n:{quote(label)} {{id: k}}) RETURN {returns}"
    result = one_result(w.conn.execute(q, {"ids": table.column("id").to_pylist()}))
    stored = result.get_as_arrow()
    return pa.table({c: stored.column(c).cast(table.schema.field(c).type) for c in columns}) if stored.num_rows \
        else table.slice(0, 0)


def _nodes(w: LadybugWriter, label: str, table: pa.Table, created: set[str], summary: WriteSummary,
           absent: bool = False) -> None:
    ids = table.column("id")
    if pc.count_distinct(ids).as_py() != table.num_rows:
        raise InvalidRecord(f"{label}: the same id appears twice in one chunk", {"id": ["duplicate"]})
    stored = table.slice(0, 0) if absent else _stored_table(w, label, table)
    is_new = pc.invert(pc.is_in(ids, stored.column("id")))
    new = table.filter(is_new)
    if new.num_rows:
        if new.num_rows >= w.copy_threshold:
            arrow_rows = _complete(w, label, new)  # noqa: F841 - COPY reads it by name
            w.copy_started = True
            w.conn.execute(f"COPY {quote(label)} FROM arrow_rows")
        else:
            w._create_nodes(label, _rows(new))
        created.update(new.column("id").to_pylist())
        summary.nodes_created += new.num_rows
    if not stored.num_rows:
        return
    # compare old and new values column by column; only changed rows become Python dicts
    old = table.filter(pc.invert(is_new)).sort_by("id")
    stored = stored.sort_by("id")
    differs = pa.array([False] * old.num_rows)
    for name in old.column_names:
        if name in _NOT_COMPARED:
            continue
        a, b = old.column(name), stored.column(name)
        if pa.types.is_list(a.type):
            same = pa.array([x == y for x, y in zip(a.to_pylist(), b.to_pylist(), strict=True)])
        else:
            same = pc.fill_null(pc.equal(a, b), False)
            same = pc.or_(same, pc.and_(pc.is_null(a), pc.is_null(b)))
        # a value the new row leaves out (null) does not overwrite a stored one
        same = pc.or_(same, pc.is_null(a))
        differs = pc.or_(differs, pc.invert(same))
    changed = old.filter(differs)
    updates = {node_id: {k: v for k, v in props.items() if v is not None} for node_id, props in _rows(changed).items()}
    # a changed row restates all of its record's links (an event moved to another place, another
    # perpetrator): drop the old ones, the chunk's relationship tables write the new ones
    changed_ids = list(updates)
    if changed_ids:
        for rel in w.model.relationships:
            w.may_copy_edges(rel)  # note which tables were empty before these deletions
    for start in range(0, len(changed_ids), 20_000):
        for pattern in ("(n:{label} {{id: k}})-[r]->()", "()-[r]->(n:{label} {{id: k}})"):
            match = pattern.format(label=quote(label))
            w.conn.execute(f"UNWIND $ids AS k MATCH {match} DELETE r",
                           {"ids": changed_ids[start:start + 20_000]})
    w._update_nodes(label, updates)
    summary.nodes_updated += len(updates)
    summary.nodes_unchanged += old.num_rows - len(updates)


def _stored_order(w: LadybugWriter, table: str, names: Iterable[str]) -> list[str]:
    """The names in the stored table's column order (COPY matches columns by position; a property
    the ontology gained later was added at the end of the table, not in the model's order)."""
    stored = [str(r[1]) for r in rows_of(w.conn, f"CALL table_info({literal(table)}) RETURN *")]
    wanted = list(names)
    return [n for n in stored if n in wanted] + [n for n in wanted if n not in stored]


def _complete(w: LadybugWriter, label: str, table: pa.Table) -> pa.Table:
    """All columns of the node table, in table order, nulls where the load has none."""
    props = w.model.classes[label].properties
    cols = {"id": table.column("id")}
    for name in _stored_order(w, label, [n for n in props if n != "id"]):
        cols[name] = table.column(name) if name in table.column_names else \
            pa.nulls(table.num_rows, arrow_type(props[name]))
    return pa.table(cols)


def _edges(w: LadybugWriter, et: EdgeTable, created: set[str], summary: WriteSummary,
           absent: frozenset[str] = frozenset()) -> None:
    # every row's links are checked, also those of unchanged rows: a row whose own columns did not
    # change can still name another actor or group (its links come from other columns)
    table = et.table
    if not table.num_rows:
        return
    # rows starting at a label of the chunk's ``absent`` start at nodes the chunk has just created
    src_new = pa.chunked_array([pa.array([True] * table.num_rows)]) if et.source_label in absent else \
        _member(table.column("from"), created)
    dst_new = _member(table.column("to"), created)
    ends: dict[str, set[str]] = defaultdict(set)
    ends[et.source_label].update(table.filter(pc.invert(src_new)).column("from").to_pylist())
    ends[et.target_label].update(table.filter(pc.invert(dst_new)).column("to").to_pylist())
    w.check_ends(ends)
    either_new = pc.or_(src_new, dst_new)
    fresh = table.filter(either_new)
    old_ends = table.filter(pc.invert(either_new))
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in old_ends.to_pylist():
        key = (row.pop("from"), row.pop("to"))
        rows[key] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in row.items() if v is not None}
    plan = plan_edges(w.model, et.type, rows,
                      w._stored_edges(et.type, et.source_label, et.target_label, list(rows)))
    w._create_edges(et.type, et.source_label, et.target_label, plan.create)
    w._update_edges(et.type, et.source_label, et.target_label, plan.update)
    summary.edges_created += len(plan.create)
    summary.edges_updated += len(plan.update)
    summary.edges_unchanged += plan.unchanged
    if fresh.num_rows:
        if fresh.num_rows >= w.copy_threshold and w.may_copy_edges(et.type):
            props = w.model.relationships[et.type].properties
            cols = {"from": fresh.column("from"), "to": fresh.column("to")}
            for name in _stored_order(w, et.type, props):
                cols[name] = fresh.column(name) if name in fresh.column_names else \
                    pa.nulls(fresh.num_rows, arrow_type(props[name]))
            arrow_rows = pa.table(cols)  # noqa: F841 - COPY reads it by name
            w.copy_started = True
            w.conn.execute(f"COPY {quote(et.type)} FROM arrow_rows "
                           f"(from={literal(et.source_label)}, to={literal(et.target_label)})")
        else:
            new_rows: dict[tuple[str, str], dict[str, Any]] = {}
            for row in fresh.to_pylist():
                key = (row.pop("from"), row.pop("to"))
                new_rows[key] = {k: v for k, v in row.items() if v is not None}
            w._create_edges(et.type, et.source_label, et.target_label, new_rows)
        summary.edges_created += fresh.num_rows


def write_bulk(w: LadybugWriter, chunks: Iterable[Bulk], switch: DatasetSwitch | None = None) -> WriteSummary:
    """Write every chunk in one transaction (see the module docstring); then, in the same
    transaction, switch the dataset to the new version (:mod:`graph.datasets`)."""
    summary = WriteSummary()
    created: set[str] = set()
    written: list[pa.Array] = []
    with w.transaction():
        for chunk in chunks:
            summary.add(w.apply(chunk.nodes, chunk.edges, created))
            for label, table in chunk.node_tables.items():
                _nodes(w, label, table, created, summary, label in chunk.absent)
            for et in chunk.edge_tables:
                _edges(w, et, created, summary, chunk.absent)
            if switch is not None:
                written.extend(switch_ids(chunk, switch.label))
        if switch is not None:
            _switch(w, switch, written, created, summary)
    return summary


def _switch(w: LadybugWriter, switch: DatasetSwitch, written: list[pa.Array], created: set[str],
            summary: WriteSummary) -> None:
    label = quote(switch.label)
    if not written:
        raise InvalidRecord(f"the file has no {switch.label} rows in scope {switch.version.props['dataset_scope']}: "
                            "nothing loaded (an empty version would delete everything in its scope)",
                            {"scope": ["matches nothing"]})
    in_scope = one_result(w.conn.execute(switch.scope_query, switch.scope_params)).get_as_arrow()
    ids = in_scope.column(0) if in_scope.num_rows else pa.chunked_array([], pa.string())
    seen = pa.chunked_array(written, pa.string()) if written else pa.chunked_array([], pa.string())
    gone = ids.filter(pc.invert(pc.is_in(ids, seen.combine_chunks()))).to_pylist()
    for start in range(0, len(gone), 20_000):
        w.conn.execute(f"UNWIND $ids AS k MATCH (n:{label} {{id: k}}) DETACH DELETE n",
                       {"ids": gone[start:start + 20_000]})
    summary.nodes_removed += len(gone)
    if switch.retire:
        w.conn.execute(f"MATCH (n:{label}) WHERE n.dataset_version IN $old SET n.dataset_version = $new",
                       {"old": switch.retire, "new": switch.version_id})
        w.conn.execute("UNWIND $ids AS k MATCH (v:DatasetVersion {id: k}) SET v.current = false",
                       {"ids": switch.retire})
    summary.add(w.apply([switch.version, *switch.entries(summary)], [], created))
