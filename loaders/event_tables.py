"""Column-wise building blocks of an event loader's chunks: distinct keys, shared nodes as Arrow
tables, relationship tables, and each event's row hash.

Work that depends on a value, not on a row (resolving an actor name, hashing a place) runs once
per distinct value of a batch; everything per row is an Arrow kernel. Nodes that many rows share
(locations, actors, victim groups) are emitted once per load, as node tables, with the values of
the first row that names them; their links to countries (``IN_COUNTRY``, ``OPERATES_IN``,
``LIVES_IN``) once per pair.

An event's *row hash* covers every column of its Event row and every relationship the load derives
for it (place, perpetrators, targeted groups, indicators): a re-load skips the rows whose hash is
stored, and a row whose links alone changed (another actor alias in force) is not skipped.

Example:
    >>> import pyarrow as pa
    >>> values, first, index = first_rows(pa.array(["b", "a", "b", "c", "a"]))
    >>> values.to_pylist(), first.to_pylist(), index.to_pylist()
    (['b', 'a', 'c'], [0, 1, 3], [0, 1, 0, 2, 1])
    >>> t = pairs(pa.array(["e1", "e1", "e2"]), pa.array(["x", "x", "y"]))
    >>> sorted(zip(t.column("from").to_pylist(), t.column("to").to_pylist()))
    [('e1', 'x'), ('e2', 'y')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.bulk import Bulk, EdgeTable, edge_table, node_table
from graph.id_hashes import IdHashes
from loaders.actors import AliasTable
from loaders.event_rows import EventBuilder

__all__ = ["TableBuilder", "first_rows", "pairs", "row_hashes"]

_LABEL = {"location/": "Location", "actor/": "Actor", "group/": "VictimGroup", "country/": "Country"}


def label_of(node_id: str) -> str:
    """The class of a node id the event loaders emit (by its prefix)."""
    return _LABEL[node_id[:node_id.index("/") + 1]]


def first_rows(keys: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Distinct values in order of first appearance, the row of each first appearance, and each
    row's index into the distinct values."""
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    encoded = pc.dictionary_encode(keys)
    indices = encoded.indices
    if not len(indices):
        return encoded.dictionary, pa.array([], pa.int64()), indices
    _, first = np.unique(indices.to_numpy(zero_copy_only=False), return_index=True)
    return encoded.dictionary, pa.array(first, pa.int64()), indices


def pairs(froms: pa.Array, tos: pa.Array) -> pa.Table:
    """Distinct (from, to) pairs."""
    table = pa.table({"from": froms, "to": tos})
    return table.group_by(["from", "to"], use_threads=False).aggregate([])


def _hash(strings: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A 64-bit hash per string (pandas' SipHash with its fixed key: the same in every process)."""
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    values = pc.fill_null(strings, "\x00").to_numpy(zero_copy_only=False)
    return np.asarray(pd.util.hash_array(values, categorize=False), dtype=np.uint64)


def _column_hash(column: pa.Array | pa.ChunkedArray, prefix: str = "") -> np.ndarray:
    """A 64-bit hash per value: strings through their distinct values, other types through their
    text (null hashes as one value of its own)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not pa.types.is_string(column.type):
        column = pc.cast(column, pa.string())
    encoded = pc.dictionary_encode(column)
    values = pc.binary_join_element_wise(prefix, encoded.dictionary, "\x1f") if prefix else encoded.dictionary
    distinct = np.append(_hash(values), np.uint64(0x9E3779B97F4A7C15))
    indices = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    out: np.ndarray = distinct[indices]
    return out


_MIX = np.uint64(0x100000001B3)


def row_hashes(columns: Mapping[str, pa.Array], links: list[tuple[str, pa.Array, pa.Array]], salt: str) -> pa.Array:
    """Each event row's hash: its columns (mixed in name order, so their order does not matter), plus,
    added modulo 2⁶⁴ so that the order of links does not matter either, a hash of every relationship
    derived for it (``(type, other end)`` per link of the row, whose event id is in ``columns["id"]``)."""
    ids = columns["id"]
    total = np.full(len(ids), _hash(pa.array([salt]))[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for name in sorted(columns):
            total = total * _MIX + _column_hash(columns[name])
        for rel, event_ids, others in links:
            if not len(event_ids):
                continue
            at = pc.index_in(event_ids, ids).to_numpy(zero_copy_only=False)
            np.add.at(total, at, _column_hash(others, rel))
    return pa.array(total.view(np.int64), pa.int64())


class TableBuilder(EventBuilder):
    """An :class:`EventBuilder` whose shared nodes and country links come out as Arrow tables."""

    def __init__(self, dataset: str, aliases: AliasTable) -> None:
        super().__init__(dataset, aliases)
        self.event_ids = IdHashes()   # the events of earlier batches

    def _reset(self) -> None:
        super()._reset()
        self.node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.pair_rows: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
        self.link_tables: list[EdgeTable] = []

    def _node(self, node_id: str, **props: Any) -> None:
        if node_id not in self.nodes_seen:
            self.nodes_seen.add(node_id)
            self.node_rows[label_of(node_id)].append(
                {"id": node_id, **{k: v for k, v in props.items() if v is not None and v != ""}})

    def _pair(self, rel: str, src: str, dst: str) -> None:
        if (rel, src, dst) not in self.pairs_seen:
            self.pairs_seen.add((rel, src, dst))
            froms, tos = self.pair_rows[rel]
            froms.append(src)
            tos.append(dst)

    def fresh_events(self, ids: pa.Array) -> pa.Array:
        """Mask of the rows whose event id neither an earlier row of the batch nor an earlier batch had."""
        _, first, _ = first_rows(ids)
        mask = np.zeros(len(ids), dtype=bool)
        mask[first.to_numpy()] = True
        earlier = self.event_ids.add_new(ids, where=pa.array(mask))
        return pc.and_(pa.array(mask), pc.invert(earlier))

    def add_links(self, rel: str, src_label: str, dst_label: str, froms: pa.Array, tos: pa.Array) -> None:
        """Relationships of one kind for many rows at once."""
        if len(froms):
            self.link_tables.append(edge_table(rel, src_label, dst_label, {"from": froms, "to": tos}))

    def flush(self) -> Bulk:
        """This batch's tables: events, the shared nodes first named in it, and every relationship."""
        bulk = Bulk()
        if self.table is not None:
            bulk.node_tables["Event"] = self.table
        for label, rows in self.node_rows.items():
            names = list(dict.fromkeys(k for row in rows for k in row))
            bulk.node_tables[label] = node_table(label, {k: [row.get(k) for row in rows] for k in names})
        for rel, (froms, tos) in self.pair_rows.items():
            bulk.edge_tables.append(edge_table(rel, label_of(froms[0]), label_of(tos[0]), {"from": froms, "to": tos}))
        bulk.edge_tables.extend(self.link_tables)
        self._reset()
        return bulk
