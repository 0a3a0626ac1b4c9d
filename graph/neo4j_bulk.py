"""Neo4j's bulk path: every chunk of a file in one transaction, table rows sent column-wise.

It writes what :mod:`graph.ladybug_bulk` writes, with the same counts:

- a chunk's records (actors, places, groups) go through the ordinary upsert
  (:func:`graph.neo4j_write.upsert_tx`);
- a node table is sent in batches of :data:`graph.neo4j_write.BULK_ROWS` rows as maps of column
  lists (``$rows.name[i]``), built from the Arrow columns without a Python dict per row. One keyed
  read per batch (the ``id`` uniqueness constraint's index) returns which rows exist and which of
  those differ, compared on the server column by column (an empty cell never overwrites a value;
  ``dataset_version`` is not compared: which version a row came from is not a change of it). New
  rows are ``CREATE``\\ d; a changed row loses its links (the chunk's relationship tables restate
  them) and gets its new values;
- a relationship table: rows with an end created or restated in this transaction are
  ``CREATE``\\ d once the other end is known to exist; the other rows are read by key, then
  created or updated;
- with a dataset switch (:mod:`graph.datasets`) the switch runs last, in the same transaction.

Tables with a column that merges by rule (``akg:mergePolicy "union"`` lists, precedence dates), or
a relationship table that names a pair twice, take the ordinary upsert instead.

The next chunk is parsed in a thread (:func:`prefetched`) while the server writes, and write
statements are not awaited one by one: the server runs batch k while the client encodes batch k+1.
Nothing is committed until the last chunk and the switch are written (one transaction per file).

Example:
    >>> node_table_create(load_model(), "Event")[:104]
    'UNWIND range(0, size($rows.id) - 1) AS i CREATE (n:`Event` {`id`: $rows.`id`[i], `area`: $rows.`area`[i]'

    >>> bulk_columns(load_model(), "OCCURRED_IN")
    ['confidence', 'note', 'valid_from', 'valid_to']
"""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from graph import neo4j_write as w
from graph.base import WriteSummary
from graph.bulk import Bulk, EdgeTable, switch_ids
from graph.datasets import DatasetSwitch
from graph.neo4j_switch import switch_tx
from graph.records import Edge, Node
from graph.schema import quote
from graph.upsert import dedupe_edges, dedupe_nodes
from ontology.errors import InvalidRecord
from ontology.model import Model, load_model

__all__ = [
    "ChunkWriter", "bulk_columns", "bulk_statements", "edge_table_create", "edge_table_diff", "edge_table_update",
    "node_table_create", "node_table_diff", "node_table_update", "prefetched", "write_chunks",
]

# which version a row came from is not a change of the row (see graph.datasets)
_NOT_COMPARED = frozenset({"dataset_version"})
_ID = quote("id")


# ---------------------------------------------------------------- Cypher texts
def bulk_columns(model: Model, owner: str) -> list[str]:
    """Properties of a class or relationship type that the column-wise path writes (sorted)."""
    props = model.owner_properties(owner)
    return sorted(n for n, p in props.items() if n != "id" and not p.merge_union and not p.precedence)


def _cell(name: str) -> str:
    return f"$rows.{quote(name)}[i]"


def _differs(var: str, columns: list[str]) -> str:
    """True when a given (non-null) cell differs from the stored value."""
    tests = [f"coalesce({_cell(c)} <> {var}.{quote(c)}, {_cell(c)} IS NOT NULL)"
             for c in columns if c not in _NOT_COMPARED]
    return " OR ".join(tests) or "false"


def _sets(var: str, columns: list[str]) -> str:
    return ", ".join(f"{var}.{quote(c)} = coalesce({_cell(c)}, {var}.{quote(c)})" for c in columns)


_NODES = "UNWIND range(0, size($rows.id) - 1) AS i "
_EDGES = "UNWIND range(0, size($rows.s) - 1) AS i "


def node_table_create(model: Model, label: str) -> str:
    """Create one node per row of ``$rows`` (a map of column lists; absent columns are null)."""
    props = ", ".join(f"{quote(c)}: {_cell(c)}" for c in ["id", *bulk_columns(model, label)])
    return f"{_NODES}CREATE (n:{quote(label)} {{{props}}})"


def node_table_diff(model: Model, label: str) -> str:
    """Row numbers of ``$rows`` whose id exists (``found``) and whose cells differ (``changed``)."""
    return (f"{_NODES}MATCH (n:{quote(label)} {{{_ID}: {_cell('id')}}}) "
            f"RETURN collect(i) AS found, "
            f"collect(CASE WHEN {_differs('n', bulk_columns(model, label))} THEN i END) AS changed")


def node_table_update(model: Model, label: str) -> str:
    """Write the non-null cells of ``$rows`` over existing nodes."""
    return f"{_NODES}MATCH (n:{quote(label)} {{{_ID}: {_cell('id')}}}) SET {_sets('n', bulk_columns(model, label))}"


def _pair(rel: str, src: str, tgt: str) -> str:
    return f"(a:{quote(src)} {{{_ID}: $rows.s[i]}})-[e:{quote(rel)}]->(b:{quote(tgt)} {{{_ID}: $rows.t[i]}})"


def edge_table_create(model: Model, rel: str, src: str, tgt: str) -> str:
    """Create one relationship per row of ``$rows`` (columns ``s``, ``t`` and properties)."""
    props = ", ".join(f"{quote(c)}: {_cell(c)}" for c in bulk_columns(model, rel))
    return (f"{_EDGES}MATCH (a:{quote(src)} {{{_ID}: $rows.s[i]}}) MATCH (b:{quote(tgt)} {{{_ID}: $rows.t[i]}}) "
            f"CREATE (a)-[e:{quote(rel)} {{{props}}}]->(b)")


def edge_table_diff(model: Model, rel: str, src: str, tgt: str) -> str:
    """Row numbers of ``$rows`` whose relationship exists (``found``) and differs (``changed``)."""
    return (f"{_EDGES}MATCH {_pair(rel, src, tgt)} RETURN collect(i) AS found, "
            f"collect(CASE WHEN {_differs('e', bulk_columns(model, rel))} THEN i END) AS changed")


def edge_table_update(model: Model, rel: str, src: str, tgt: str) -> str:
    """Write the non-null cells of ``$rows`` over existing relationships."""
    return f"{_EDGES}MATCH {_pair(rel, src, tgt)} SET {_sets('e', bulk_columns(model, rel))}"


def bulk_statements(model: Model | None = None) -> list[str]:
    """Every Cypher text of the bulk path (for the offline linter)."""
    m = model or load_model()
    out: list[str] = []
    for label in m.classes:
        out += [node_table_create(m, label), node_table_diff(m, label), node_table_update(m, label)]
    for rel in m.relationships.values():
        for src, tgt in rel.pairs:
            out += [edge_table_create(m, rel.name, src, tgt), edge_table_diff(m, rel.name, src, tgt),
                    edge_table_update(m, rel.name, src, tgt)]
    return out


# ---------------------------------------------------------------- the parse thread
class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


_DONE = object()


def prefetched(chunks: Iterable[Bulk], depth: int = 1) -> Iterator[Bulk]:
    """The chunks, produced in a thread up to ``depth`` ahead of the consumer; an error in the
    producer is raised in the consumer, and a consumer that stops early stops the producer."""
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(chunks)
        try:
            for chunk in source:
                if not put(chunk):
                    break
            else:
                put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put(_Failed(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="bulk-parse", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            assert isinstance(item, Bulk)
            yield item
    finally:
        stop.set()
        thread.join()


# ---------------------------------------------------------------- the write
def _merged_by_rule(model: Model, owner: str, columns: Iterable[str]) -> bool:
    props = model.owner_properties(owner)
    return any(props[c].merge_union or props[c].precedence for c in columns if c in props and c != "id")


def _read_indices(tx: w.Tx, query: str, table: pa.Table) -> tuple[list[int], list[int]]:
    """``found`` and ``changed`` row numbers of a whole table (batched; numbers are table-wide)."""
    found: list[int] = []
    changed: list[int] = []
    for n, batch in enumerate(w.column_batches(table)):
        offset = n * w.BULK_ROWS
        rec = w.records(tx, query, {"rows": batch})[0]
        found += [offset + i for i in rec["found"]]
        changed += [offset + i for i in rec["changed"]]
    return found, changed


def _mask(n: int, indices: list[int]) -> pa.Array:
    marks = [False] * n
    for i in indices:
        marks[i] = True
    return pa.array(marks, pa.bool_())


def _member(column: pa.ChunkedArray, ids: set[str]) -> pa.ChunkedArray:
    """Which values of ``column`` are in the Python set ``ids``."""
    present = [v for v in pc.unique(column).to_pylist() if v in ids]
    return pc.is_in(column, pa.array(present, pa.string()))


class ChunkWriter:
    """Writes chunks into ``tx`` (which a batched load replaces between chunks: what it knows of
    the nodes created so far stays true once they are committed)."""

    def __init__(self, tx: w.Tx, model: Model, switch: DatasetSwitch | None) -> None:
        self.tx = tx
        self.model = model
        self.switch = switch
        self.created: set[str] = set()     # nodes created in this transaction
        self.restated: set[str] = set()    # table rows whose links were dropped to be restated
        self.summary = WriteSummary()

    def chunk(self, chunk: Bulk) -> None:
        """Write one chunk: its records, then its node tables, then its relationship tables."""
        self.records(chunk.nodes, chunk.edges)
        for label, table in chunk.node_tables.items():
            self.nodes(label, table)
        for et in chunk.edge_tables:
            self.edges(et)

    def records(self, nodes: list[Node], edges: list[Edge]) -> None:
        m = self.model
        label_of = {n.id: n.label for n in nodes}
        for e in edges:
            label_of.setdefault(e.source, e.source_label)
            label_of.setdefault(e.target, e.target_label)
        restate = self.switch.label if self.switch is not None else None
        self.summary.add(w.upsert_tx(self.tx, m, dedupe_nodes(m, nodes), dedupe_edges(m, edges), label_of,
                                     self.created, restate))

    def nodes(self, label: str, table: pa.Table) -> None:
        if not table.num_rows:
            return
        ids = table.column("id")
        if pc.count_distinct(ids).as_py() != table.num_rows:
            raise InvalidRecord(f"{label}: the same id appears twice in one chunk", {"id": ["duplicate"]})
        if _merged_by_rule(self.model, label, table.column_names):
            self.records(Bulk(node_tables={label: table}).records()[0], [])
            return
        found, changed = _read_indices(self.tx, node_table_diff(self.model, label), table)
        new = table.filter(pc.invert(_mask(table.num_rows, found)))
        if new.num_rows:
            w._apply(self.tx, node_table_create(self.model, label), new)
            self.created.update(new.column("id").to_pylist())
        if changed:
            rows = table.take(pa.array(sorted(changed), pa.int64()))
            changed_ids = rows.column("id").to_pylist()
            # a changed row restates all of its links: drop the old ones, the chunk's tables write them
            for start in range(0, len(changed_ids), w.BULK_ROWS):
                w.records(self.tx, w.node_unlink(label), {"ids": changed_ids[start:start + w.BULK_ROWS]})
            w._apply(self.tx, node_table_update(self.model, label), rows)
            self.restated.update(changed_ids)
        self.summary.nodes_created += new.num_rows
        self.summary.nodes_updated += len(changed)
        self.summary.nodes_unchanged += len(found) - len(changed)

    def edges(self, et: EdgeTable) -> None:
        table = et.table
        if not table.num_rows:
            return
        pairs = pc.binary_join_element_wise(table.column("from"), table.column("to"), "\x00")
        if _merged_by_rule(self.model, et.type, table.column_names) or \
                pc.count_distinct(pairs).as_py() != table.num_rows:
            self.records([], Bulk(edge_tables=[et]).records()[1])
            return
        fresh_ids = self.created | self.restated if self.restated else self.created
        src_new = _member(table.column("from"), fresh_ids)
        dst_new = _member(table.column("to"), fresh_ids)
        ends: dict[str, set[str]] = defaultdict(set)
        ends[et.source_label].update(pc.unique(table.filter(pc.invert(src_new)).column("from")).to_pylist())
        ends[et.target_label].update(pc.unique(table.filter(pc.invert(dst_new)).column("to")).to_pylist())
        self._check_ends(ends)
        either_new = pc.or_(src_new, dst_new)
        keyed = table.rename_columns(["s" if c == "from" else "t" if c == "to" else c for c in table.column_names])
        fresh = keyed.filter(either_new)
        old = keyed.filter(pc.invert(either_new))
        create = fresh
        if old.num_rows:
            found, changed = _read_indices(self.tx, edge_table_diff(self.model, et.type, et.source_label,
                                                                    et.target_label), old)
            missing = old.filter(pc.invert(_mask(old.num_rows, found)))
            create = pa.concat_tables([fresh, missing]) if fresh.num_rows else missing
            if changed:
                w._apply(self.tx, edge_table_update(self.model, et.type, et.source_label, et.target_label),
                         old.take(pa.array(sorted(changed), pa.int64())))
            self.summary.edges_updated += len(changed)
            self.summary.edges_unchanged += len(found) - len(changed)
        if create.num_rows:
            w._apply(self.tx, edge_table_create(self.model, et.type, et.source_label, et.target_label), create)
        self.summary.edges_created += create.num_rows

    def _check_ends(self, ends: dict[str, set[str]]) -> None:
        dangling: list[str] = []
        for label, ids in ends.items():
            wanted = sorted(ids)
            present: set[str] = set()
            for start in range(0, len(wanted), w.BULK_ROWS):
                part = wanted[start:start + w.BULK_ROWS]
                present.update(r["id"] for r in w.records(self.tx, w.node_ids(label), {"ids": part}))
            dangling.extend(sorted(ids - present))
        if dangling:
            shown = ", ".join(dangling[:10]) + (" …" if len(dangling) > 10 else "")
            raise InvalidRecord(f"{len(dangling)} relationship end(s) name nodes that do not exist: {shown}",
                                {"references": dangling})


def write_chunks(tx: w.Tx, model: Model, chunks: Iterable[Bulk],
                 switch: DatasetSwitch | None = None) -> WriteSummary:
    """Write every chunk inside ``tx`` (see the module docstring); the caller commits."""
    writer = ChunkWriter(tx, model, switch)
    written: list[pa.Array] = []
    for chunk in chunks:
        writer.chunk(chunk)
        if switch is not None:
            written.extend(switch_ids(chunk, switch.label))
    if switch is not None:
        seen: set[str] = set()
        for ids in written:
            seen.update(ids.to_pylist())
        switch_tx(tx, model, switch, seen, writer.summary)
    return writer.summary
