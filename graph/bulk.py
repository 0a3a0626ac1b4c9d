"""Columnar batches for large loads (event datasets): typed Arrow tables checked against the model.

A :class:`Bulk` chunk carries a few ordinary records (actors, locations, victim groups, which go
through the usual upsert planning) and Arrow tables for the many rows (events and their
relationships), which a backend writes with its fast path (Ladybug ``COPY``; Neo4j ``UNWIND``
batches). All chunks of one file are written in one transaction.

Example:
    >>> import pyarrow as pa
    >>> t = node_table("Event", {"id": ["event/x"], "date": [None], "fatalities": [3]})
    >>> t.schema.field("fatalities").type
    DataType(int64)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph.records import Edge, Node
from ontology.errors import InvalidRecord
from ontology.model import Model, Property, load_model

__all__ = ["Bulk", "EdgeTable", "arrow_type", "edge_table", "node_table", "switch_ids"]

_ARROW = {"string": pa.string(), "integer": pa.int64(), "double": pa.float64(),
          "boolean": pa.bool_(), "date": pa.date32()}


def arrow_type(prop: Property) -> pa.DataType:
    """The Arrow type of an ontology property."""
    base = _ARROW[prop.datatype]
    return pa.list_(base) if prop.multi else base


def _check(model: Model, owner: str, name: str, column: pa.Array) -> None:
    rule = model.constraint(owner, name)
    values = pc.list_flatten(column) if pa.types.is_list(column.type) else column
    if rule.values is not None:
        bad = pc.and_(pc.invert(pc.is_in(values, pa.array(list(rule.values), values.type))),
                      pc.is_valid(values))
        if pc.any(bad).as_py():
            first = values.filter(bad)[0].as_py()
            raise InvalidRecord(f"{owner}.{name}: {first!r} is not one of "
                                f"{', '.join(map(str, rule.values))}", {name: [f"{first!r} not allowed"]})
    for limit, op, word in ((rule.min, pc.less, "below the minimum"), (rule.max, pc.greater, "above the maximum")):
        if limit is not None and pa.types.is_integer(values.type) | pa.types.is_floating(values.type):
            bad = op(values, limit)
            if pc.any(bad).as_py():
                first = values.filter(bad)[0].as_py()
                raise InvalidRecord(f"{owner}.{name}: {first!r} is {word} {limit:g}",
                                    {name: [f"{first!r} {word} {limit:g}"]})


def _table(model: Model, owner: str, props: Mapping[str, Property], lead: Sequence[str],
           columns: Mapping[str, Sequence[Any] | pa.Array]) -> pa.Table:
    arrays: dict[str, pa.Array] = {}
    for name in lead:
        if name not in columns:
            raise InvalidRecord(f"{owner}: column {name!r} is required", {name: ["is required"]})
        arrays[name] = pa.array(columns[name], pa.string())
        if arrays[name].null_count:
            raise InvalidRecord(f"{owner}: column {name!r} has empty values", {name: ["empty"]})
    for name, values in columns.items():
        if name in lead:
            continue
        prop = props.get(name)
        if prop is None:
            raise InvalidRecord(f"{owner} has no property {name!r}", {name: ["unknown property"]})
        try:
            arr = values.cast(arrow_type(prop)) if isinstance(values, pa.Array) \
                else pa.array(values, arrow_type(prop))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise InvalidRecord(f"{owner}.{name}: {exc}", {name: [str(exc)]}) from None
        _check(model, owner, name, arr)
        arrays[name] = arr
    return pa.table(arrays)


def node_table(label: str, columns: Mapping[str, Sequence[Any] | pa.Array],
               model: Model | None = None) -> pa.Table:
    """A typed, checked table of nodes of one class (column ``id`` plus properties)."""
    m = model or load_model()
    return _table(m, label, m.node_class(label).properties, ["id"], columns)


@dataclass(frozen=True)
class EdgeTable:
    """Relationships of one type between one pair of classes (columns ``from``, ``to``, props)."""

    type: str
    source_label: str
    target_label: str
    table: pa.Table


def edge_table(rel_type: str, source_label: str, target_label: str,
               columns: Mapping[str, Sequence[Any] | pa.Array], model: Model | None = None) -> EdgeTable:
    """A typed, checked relationship table; the end classes must fit the relationship."""
    m = model or load_model()
    rel = m.relationship(rel_type)
    if source_label not in rel.domain or target_label not in rel.range:
        raise InvalidRecord(f"{rel_type} cannot link {source_label} to {target_label}",
                            {"type": ["end classes outside domain/range"]})
    return EdgeTable(rel_type, source_label, target_label,
                     _table(m, rel_type, rel.properties, ["from", "to"], columns))


def _frozen(row: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in row.items()
                        if v is not None and v != []))


@dataclass
class Bulk:
    """One chunk of a large load."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    node_tables: dict[str, pa.Table] = field(default_factory=dict)
    edge_tables: list[EdgeTable] = field(default_factory=list)
    # labels whose node-table rows the caller has checked are not stored yet (their look-up is
    # skipped); the chunk's relationship rows starting at such a label start at those rows
    absent: frozenset[str] = frozenset()

    def records(self) -> tuple[list[Node], list[Edge]]:
        """Everything as plain records (for backends without a columnar path)."""
        nodes = list(self.nodes)
        edges = list(self.edges)
        for label, table in self.node_tables.items():
            for row in table.to_pylist():
                node_id = row.pop("id")
                nodes.append(Node(node_id, label, _frozen(row)))
        for et in self.edge_tables:
            for row in et.table.to_pylist():
                src, dst = row.pop("from"), row.pop("to")
                edges.append(Edge(et.type, src, dst, _frozen(row), et.source_label, et.target_label))
        return nodes, edges

    @property
    def rows(self) -> int:
        """Number of table rows (for progress reporting)."""
        return sum(t.num_rows for t in self.node_tables.values())

    def label_rows(self, label: str) -> int:
        """Rows of the ``label`` table."""
        table = self.node_tables.get(label)
        return table.num_rows if table is not None else 0

    def rows_slice(self, label: str, start: int, stop: int) -> Bulk:
        """The part of the chunk that rows ``start:stop`` of its ``label`` table need: those rows, and
        each relationship (table row or record) whose later ``label`` end among them is in the slice.
        The first slice (``start == 0``) also carries the records, the other tables and the
        relationships with no ``label`` end, so the slices of a chunk together write the chunk.

        >>> b = Bulk(node_tables={"Event": node_table("Event", {"id": ["e/1", "e/2"]})},
        ...          edge_tables=[edge_table("OCCURRED_IN", "Event", "Location",
        ...                                  {"from": ["e/1", "e/2"], "to": ["loc/a", "loc/a"]})])
        >>> second = b.rows_slice("Event", 1, 2)
        >>> second.node_tables["Event"].column("id").to_pylist(), second.edge_tables[0].table.column("from").to_pylist()
        (['e/2'], ['e/2'])
        """
        table = self.node_tables.get(label)
        if table is None or (start == 0 and stop >= table.num_rows):
            return self
        ids = table.column("id")
        first = start == 0

        def keep(src: pa.Array | pa.ChunkedArray, dst: pa.Array | pa.ChunkedArray) -> pa.Array:
            # position of each end in the label table (null: not a label row); the later one decides
            at = pc.max_element_wise(pc.index_in(src, value_set=ids), pc.index_in(dst, value_set=ids))
            return pc.fill_null(pc.and_(pc.greater_equal(at, start), pc.less(at, stop)), first)

        edge_tables = [EdgeTable(et.type, et.source_label, et.target_label,
                                 et.table.filter(keep(et.table.column("from"), et.table.column("to"))))
                       for et in self.edge_tables]
        edges: list[Edge] = []
        if self.edges:
            mask = keep(pa.array([e.source for e in self.edges], pa.string()),
                        pa.array([e.target for e in self.edges], pa.string())).to_pylist()
            edges = [e for e, m in zip(self.edges, mask, strict=True) if m]
        tables = {name: table.slice(start, stop - start) if name == label else t
                  for name, t in self.node_tables.items() if first or name == label}
        return Bulk(nodes=list(self.nodes) if first else [], edges=edges, node_tables=tables,
                    edge_tables=[et for et in edge_tables if et.table.num_rows], absent=self.absent)


def switch_ids(chunk: Bulk, label: str) -> list[pa.Array]:
    """Ids of ``label`` a chunk writes (table rows and records), as Arrow arrays."""
    out: list[pa.Array] = []
    table = chunk.node_tables.get(label)
    if table is not None:
        out.append(table.column("id").combine_chunks())
    ids = [n.id for n in chunk.nodes if n.label == label]
    if ids:
        out.append(pa.array(ids, pa.string()))
    return out
