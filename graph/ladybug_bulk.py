"""Ladybug's bulk path: all chunks of a file in one transaction, table rows by ``COPY``.

For each node table: a table with a ``row_hash`` column first drops the rows whose hash is stored
already (unchanged rows of a re-load), with their relationships and the shared nodes only they
name; then the ids are looked up (primary-key index; skipped for a label that had no rows when the
transaction began), the new rows COPY'd, the changed ones SET (a changed row restates its links:
its old ones are dropped first). Which ids are new in the transaction is tracked as Arrow arrays, so
relationship rows whose ends are new are created without a lookup; the others are compared with the
store, also for rows without a hash (their links come from other columns). A file whose content is
already the current dataset version never gets here (graph.datasets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.base import WriteSummary
from graph.bulk import Bulk, EdgeTable, arrow_type, switch_ids
from graph.datasets import RETIRE, DatasetSwitch, retire_params
from graph.id_hashes import IdHashes
from graph.ladybug_write import LadybugWriter, one_result, rows_of
from graph.schema import literal, quote
from graph.upsert import plan_edges
from ontology.errors import InvalidRecord

__all__ = ["write_bulk"]

# which version a row came from is not a change of the row (see graph.datasets)
_NOT_COMPARED = frozenset({"id", "dataset_version"})


class _Written:
    """What the transaction has written so far: new ids per label (as hashes), stored row hashes."""

    def __init__(self, created: set[str]) -> None:
        self.created = created                       # ids created through the record path
        self.tables: dict[str, IdHashes] = defaultdict(IdHashes)
        self.recent: dict[str, pa.Array] = {}        # ids the current chunk's tables created
        self.sizes: dict[str, int] = defaultdict(int)
        self.hashes: dict[str, pd.Index | None] = {}
        # new rows held back for one large COPY per table (Ladybug's COPY into a table empty at the
        # start of the transaction is fastest, and many small COPYs fill its buffer pool)
        self.pending_nodes: dict[str, list[pa.Table]] = defaultdict(list)
        self.pending_edges: dict[tuple[str, str, str], list[pa.Table]] = defaultdict(list)
        self.pending_rows = 0
        self.restated: dict[str, list[str]] = defaultdict(list)   # changed rows whose old links must go

    def add(self, label: str, ids: pa.Array) -> None:
        """Note ids created from a table, or whose links were all dropped (a changed row's)."""
        ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
        self.tables[label].add(ids)
        self.sizes[label] += len(ids)
        self.recent[label] = pa.concat_arrays([self.recent[label], ids]) if label in self.recent else ids

    def new(self, column: pa.ChunkedArray | pa.Array, label: str) -> pa.Array:
        """Boolean mask: which values of ``column`` are ids created in this transaction.

        The current chunk's own ids are tried first (events link to events of their chunk), so
        the set of all created ids is searched only for the rows that name an earlier chunk's."""
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        recent = self.recent.get(label)
        mask = pc.is_in(column, recent) if recent is not None else pa.array(np.zeros(len(column), dtype=bool))
        if pc.all(mask).as_py():
            return mask
        rest = pc.if_else(mask, pa.scalar(None, pa.string()), column)
        if self.sizes[label] > (len(recent) if recent is not None else 0):
            mask = pc.or_(mask, self.tables[label].contains(rest))
        if self.created:
            present = [v for v in pc.unique(rest).to_pylist() if v in self.created]
            if present:
                mask = pc.or_(mask, pc.fill_null(pc.is_in(rest, pa.array(present, pa.string())), False))
        return mask


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


def _nodes(w: LadybugWriter, label: str, table: pa.Table, state: _Written, summary: WriteSummary,
           absent: bool = False) -> None:
    ids = table.column("id")
    if pc.count_distinct(ids).as_py() != table.num_rows:
        raise InvalidRecord(f"{label}: the same id appears twice in one chunk", {"id": ["duplicate"]})
    empty = w.node_table_was_empty(label)
    if absent:
        stored = table.slice(0, 0)  # the caller has checked that none of these rows is stored
    elif empty:
        # nothing stored before this transaction: only ids written earlier in it can exist
        earlier = state.new(ids, label) if state.sizes[label] or state.created else \
            pa.array(np.zeros(table.num_rows, dtype=bool))
        if pc.any(earlier).as_py():
            _flush(w, state)  # rows held back must be in the store to be compared
            stored = _stored_table(w, label, table.filter(earlier))
        else:
            stored = table.slice(0, 0)
    else:
        stored = _stored_table(w, label, table)
    is_new = pc.invert(pc.is_in(ids, stored.column("id"))) if stored.num_rows else None
    new = table.filter(is_new) if is_new is not None else table  # none stored: every row is new
    if new.num_rows:
        if empty and (new.num_rows >= w.copy_threshold or state.pending_nodes[label]):
            state.pending_nodes[label].append(_complete(w, label, new))
            state.pending_rows += new.num_rows
        elif new.num_rows >= w.copy_threshold:
            _copy_nodes(w, label, [_complete(w, label, new)])
        else:
            w._create_nodes(label, _rows(new))
        state.add(label, new.column("id"))
        summary.nodes_created += new.num_rows
    if is_new is None:
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
        # their links are all gone now: the chunk's rows for them are created without a lookup
        state.add(label, pa.array(changed_ids, pa.string()))
    if changed_ids:
        state.restated[label].extend(changed_ids)  # their old links go before the chunks' links are written
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


def _edges(w: LadybugWriter, et: EdgeTable, state: _Written, summary: WriteSummary,
           absent: frozenset[str] = frozenset()) -> None:
    # every row's links are checked, also those of unchanged rows: a row whose own columns did not
    # change can still name another actor or group (its links come from other columns)
    table = et.table
    if not table.num_rows:
        return
    # rows starting at a label of the chunk's ``absent`` start at nodes the chunk has just created
    src_new = pa.array(np.ones(table.num_rows, dtype=bool)) if et.source_label in absent else \
        state.new(table.column("from"), et.source_label)
    dst_new = state.new(table.column("to"), et.target_label)
    ends: dict[str, set[str]] = defaultdict(set)
    ends[et.source_label].update(pc.unique(table.column("from").filter(pc.invert(src_new))).to_pylist())
    ends[et.target_label].update(pc.unique(table.column("to").filter(pc.invert(dst_new))).to_pylist())
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
        props = w.model.relationships[et.type].properties
        cols = {"from": fresh.column("from"), "to": fresh.column("to")}
        for name in _stored_order(w, et.type, props):
            cols[name] = fresh.column(name) if name in fresh.column_names else \
                pa.nulls(fresh.num_rows, arrow_type(props[name]))
        group = (et.type, et.source_label, et.target_label)
        if state.pending_nodes[et.source_label] or state.pending_nodes[et.target_label] or \
                state.restated[et.source_label] or state.restated[et.target_label] or \
                (state.pending_edges[group] and w.may_copy_edges(et.type)):
            state.pending_edges[group].append(pa.table(cols))   # an end is held back: so is the link
            state.pending_rows += fresh.num_rows
        else:
            _write_edges(w, group, [pa.table(cols)])
        summary.edges_created += fresh.num_rows
    if state.pending_rows >= PENDING_ROWS:
        _flush(w, state)


# rows held back at most before they are written (bounds the memory a load's tables take)
PENDING_ROWS = 4_000_000
# stored ids the switch tests against the file's at once (each test makes padded copies and hashes
# of its ids, several times their size: tested a slice at a time, 10M stored ids need not be copied whole)
SWITCH_SLICE = 1_000_000


def _copy_nodes(w: LadybugWriter, label: str, tables: list[pa.Table]) -> None:
    arrow_rows = pa.concat_tables(tables).combine_chunks()  # noqa: F841 - COPY reads it by name
    w.copy_started = True
    w.conn.execute(f"COPY {quote(label)} FROM arrow_rows")


def _write_edges(w: LadybugWriter, key: tuple[str, str, str], tables: list[pa.Table]) -> None:
    """New relationship rows: one COPY when the table was empty when the transaction began, else
    ``UNWIND … CREATE`` batches (see :meth:`LadybugWriter.may_copy_edges`)."""
    rel, src, dst = key
    table = pa.concat_tables(tables).combine_chunks()
    if table.num_rows >= w.copy_threshold and w.may_copy_edges(rel):
        arrow_rows = table  # noqa: F841 - COPY reads it by name
        w.copy_started = True
        w.conn.execute(f"COPY {quote(rel)} FROM arrow_rows (from={literal(src)}, to={literal(dst)})")
        return
    new_rows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in table.to_pylist():
        pair = (row.pop("from"), row.pop("to"))
        new_rows[pair] = {k: v for k, v in row.items() if v is not None}
    w._create_edges(rel, src, dst, new_rows)


def _drop_links(w: LadybugWriter, label: str, ids: list[str]) -> None:
    """Delete every relationship of the given nodes: one typed pattern per relationship and direction
    (an untyped one visits every relationship table), for all the load's changed rows at once (each
    statement scans the relationship table)."""
    patterns = [f"(n:{quote(label)} {{id: k}})-[r:{quote(name)}]->()" for name, rel in w.model.relationships.items()
                if label in rel.domain]
    patterns += [f"()-[r:{quote(name)}]->(n:{quote(label)} {{id: k}})" for name, rel in w.model.relationships.items()
                 if label in rel.range]
    for start in range(0, len(ids), 50_000):
        for match in patterns:
            w.conn.execute(f"UNWIND $ids AS k MATCH {match} DELETE r", {"ids": ids[start:start + 50_000]})


def _flush(w: LadybugWriter, state: _Written) -> None:
    """Write the rows held back: every node table, then (once the old links of changed rows are
    gone) every relationship table."""
    for label in list(state.pending_nodes):
        tables = state.pending_nodes.pop(label)
        if tables:
            _copy_nodes(w, label, tables)
    for label in list(state.restated):
        _drop_links(w, label, state.restated.pop(label))
    for key in list(state.pending_edges):
        tables = state.pending_edges.pop(key)
        if tables:
            _write_edges(w, key, tables)
    state.pending_rows = 0
    pa.default_memory_pool().release_unused()


def _stored_hashes(w: LadybugWriter, label: str, state: _Written) -> pd.Index | None:
    """The row hashes stored for ``label`` (read once per transaction; None when it had no rows)."""
    if label not in state.hashes:
        found = None
        if not w.node_table_was_empty(label):
            q = f"MATCH (n:{quote(label)}) WHERE n.row_hash IS NOT NULL RETURN n.row_hash"
            column = one_result(w.conn.execute(q)).get_as_arrow().column(0)
            found = pd.Index(np.unique(column.to_numpy()))
        state.hashes[label] = found
    return state.hashes[label]


def _unchanged(w: LadybugWriter, chunk: Bulk, state: _Written,
               summary: WriteSummary) -> tuple[Bulk, dict[str, pa.Array]]:
    """The chunk without its rows whose stored row hash is the same (and their relationships, and the
    shared nodes that only they name); the ids left out, per label."""
    skipped: dict[str, pa.Array] = {}
    tables = dict(chunk.node_tables)
    for label, table in chunk.node_tables.items():
        stored = _stored_hashes(w, label, state) if "row_hash" in table.column_names else None
        if stored is None or not table.num_rows:
            continue
        hashes = table.column("row_hash").combine_chunks().to_numpy(zero_copy_only=False)
        same = pa.array(stored.get_indexer(hashes) >= 0)
        if pc.any(same).as_py():
            skipped[label] = table.filter(same).column("id").combine_chunks()
            tables[label] = table.filter(pc.invert(same))
            summary.nodes_unchanged += len(skipped[label])
    if not skipped:
        return chunk, skipped
    edges: list[EdgeTable] = []
    named: dict[str, list[pa.Array]] = defaultdict(list)
    rest: list[EdgeTable] = []
    for et in chunk.edge_tables:
        if et.source_label not in skipped and et.target_label not in skipped:
            rest.append(et)
            continue
        keep = pa.array(np.ones(et.table.num_rows, dtype=bool))
        for end, label in (("from", et.source_label), ("to", et.target_label)):
            if label in skipped:
                keep = pc.and_(keep, pc.invert(pc.is_in(et.table.column(end), skipped[label])))
        table = et.table.filter(keep)
        summary.edges_unchanged += et.table.num_rows - table.num_rows  # links of unchanged rows
        edges.append(EdgeTable(et.type, et.source_label, et.target_label, table))
        named[et.source_label].append(table.column("from").combine_chunks())
        named[et.target_label].append(table.column("to").combine_chunks())
    # shared nodes (no row hash) stay only when a written row names them; so do their own links
    kept: dict[str, pa.Array] = {}
    for label, table in chunk.node_tables.items():
        if "row_hash" in table.column_names:
            continue
        names = pa.concat_arrays(named[label]) if named[label] else pa.array([], pa.string())
        tables[label] = table.filter(pc.is_in(table.column("id"), names))
        kept[label] = tables[label].column("id").combine_chunks()
        summary.nodes_unchanged += table.num_rows - tables[label].num_rows  # named by unchanged rows only
    for et in rest:
        keep = pa.array(np.zeros(et.table.num_rows, dtype=bool))
        for end, label in (("from", et.source_label), ("to", et.target_label)):
            if label in kept:
                keep = pc.or_(keep, pc.is_in(et.table.column(end), kept[label]))
        kept_rows = et.table.filter(keep)
        summary.edges_unchanged += et.table.num_rows - kept_rows.num_rows
        edges.append(EdgeTable(et.type, et.source_label, et.target_label, kept_rows))
    return Bulk(chunk.nodes, chunk.edges, tables, edges, chunk.absent), skipped


def write_bulk(w: LadybugWriter, chunks: Iterable[Bulk], switch: DatasetSwitch | None = None,
               rows_per_transaction: int | None = None) -> WriteSummary:
    """Write every chunk in one transaction (see the module docstring); then, in the same
    transaction, switch the dataset to the new version (:mod:`graph.datasets`).

    With ``rows_per_transaction`` (staged copies only, :mod:`graph.ladybug_stage`), once that many
    table rows were written since the last commit, the rows held back are written and committed
    (checked after each table of a chunk); the switch runs in the last transaction."""
    summary = WriteSummary()
    created: set[str] = set()
    state = _Written(created)
    written = IdHashes()   # every id of the switch's label in the file
    committed = 0

    def commit_if_due() -> None:
        nonlocal committed
        if rows_per_transaction is not None and summary.changes - committed >= rows_per_transaction:
            _flush(w, state)
            w.commit_point()
            committed = summary.changes

    with w.transaction():
        for chunk in chunks:
            state.recent = {}
            if switch is not None:
                for ids in switch_ids(chunk, switch.label):
                    written.add(ids)
            chunk, _ = _unchanged(w, chunk, state, summary)
            summary.add(w.apply(chunk.nodes, chunk.edges, created))
            for label, table in chunk.node_tables.items():
                _nodes(w, label, table, state, summary, label in chunk.absent)
                commit_if_due()
            for et in chunk.edge_tables:
                _edges(w, et, state, summary, chunk.absent)
                commit_if_due()
        _flush(w, state)
        if switch is not None:
            _switch(w, switch, written, created, summary)
    return summary


def _switch(w: LadybugWriter, switch: DatasetSwitch, written: IdHashes, created: set[str],
            summary: WriteSummary) -> None:
    label = quote(switch.label)
    if not len(written):
        raise InvalidRecord(f"the file has no {switch.label} rows in scope {switch.version.props['dataset_scope']}: "
                            "nothing loaded (an empty version would delete everything in its scope)",
                            {"scope": ["matches nothing"]})
    in_scope = one_result(w.conn.execute(switch.scope_query, switch.scope_params)).get_as_arrow()
    gone: list[str] = []
    for ids in in_scope.column(0).chunks if in_scope.num_rows else []:
        for start in range(0, len(ids), SWITCH_SLICE):
            part = ids.slice(start, SWITCH_SLICE)
            gone.extend(part.filter(pc.invert(written.contains(part))).to_pylist())
    for start in range(0, len(gone), 20_000):
        w.conn.execute(f"UNWIND $ids AS k MATCH (n:{label} {{id: k}}) DETACH DELETE n",
                       {"ids": gone[start:start + 20_000]})
    summary.nodes_removed += len(gone)
    if switch.retire:
        w.conn.execute(f"MATCH (n:{label}) WHERE n.dataset_version IN $old SET n.dataset_version = $new",
                       {"old": switch.retire, "new": switch.version_id})
        w.conn.execute(RETIRE, retire_params(switch.retire))
    # a version an interrupted load left unfinished (copied from Neo4j) is complete now
    version = switch.version_as(rows_in_scope=len(written), **switch.completed(len(written)))
    summary.add(w.apply([version, *switch.entries(summary)], [], created))
