"""Neo4j loads too large for one transaction: a resumable, idempotent batch log on the version node.

A dataset file of at least ``AKG_NEO4J_TRANSACTION_ROWS`` rows (``Settings.neo4j_transaction_rows``;
0 keeps every load in one transaction) is loaded in several transactions:

1. The new ``DatasetVersion`` is written in the first transaction, not current, with
   ``load_state`` ``loading`` and ``rows_committed`` 0.
2. Its rows in scope are written in file order, ``N`` per transaction. A chunk is cut where a
   transaction ends (:meth:`graph.bulk.Bulk.rows_slice`: each slice carries the relationships of
   its rows). Each transaction also sets ``rows_committed``, so the log and the rows it counts are
   committed together.
3. The dataset's records in the new scope that the file lacks are deleted, and the rows of the
   versions it replaces are pointed at it, ``N`` per transaction.
4. One small transaction retires the covered versions and makes the new one current
   (``load_state`` ``complete``, ``rows_in_scope``), with its log entry.

Every write is an upsert, so writing a row twice is writing it once. A load killed at any moment
leaves the store as it was, or a ``loading`` version (a file with no rows in its scope commits
nothing: it is refused before the first commit). Loading the same file again resumes it:
rows before ``rows_committed`` are still read and checked (and their ids kept for step 3) but not
written again, and the result is the store an uninterrupted load gives. Loading another file of a
covering scope instead marks the unfinished version ``abandoned`` and deletes what it wrote that
the other file lacks. Until step 4, readers see the committed rows of the loading version; pages
name the loading version (:mod:`viz.provenance`) and ``akg datasets`` lists it.

Smaller files keep one transaction (:func:`graph.neo4j_bulk.write_chunks`): nothing is visible
before the commit.

Example (the transactions a chunk is cut into):
    >>> list(cuts(rows=250, position=0, skip=0, per_tx=100, in_tx=30))
    [(0, 70), (70, 170), (170, 250)]
    >>> list(cuts(rows=250, position=1000, skip=1120, per_tx=100, in_tx=0))
    [(120, 220), (220, 250)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import neo4j

from graph import neo4j_switch as sw
from graph import neo4j_write as w
from graph.base import WriteSummary
from graph.bulk import Bulk, switch_ids
from graph.datasets import LOAD_STATES, DatasetSwitch
from graph.neo4j_bulk import ChunkWriter
from graph.upsert import dedupe_nodes
from ontology.model import Model

__all__ = ["cuts", "write_batched"]

T = TypeVar("T")


def cuts(*, rows: int, position: int, skip: int, per_tx: int, in_tx: int) -> Iterator[tuple[int, int]]:
    """Row ranges of a chunk of ``rows`` rows in scope, starting at ``position`` in the file, that
    end where a transaction of ``per_tx`` rows ends (``in_tx`` rows are in the open one already);
    rows before ``skip`` (committed by an interrupted run) are left out. A chunk without rows in
    scope yields one empty range unless it lies before ``skip``: its records still get written."""
    if rows == 0:
        if position >= skip:
            yield 0, 0
        return
    start = min(rows, max(0, skip - position))
    while start < rows:
        stop = min(rows, start + per_tx - in_tx)
        yield start, stop
        in_tx = (in_tx + stop - start) % per_tx
        start = stop


class _Batches:
    """The open transaction of a batched load and the rows in it."""

    def __init__(self, session: neo4j.Session, model: Model, switch: DatasetSwitch, per_tx: int) -> None:
        self.start = switch.version_as(current=False, load_state=LOAD_STATES["loading"],
                                       rows_committed=switch.committed or 0)
        self.session = session
        self.model = model
        self.switch = switch
        self.per_tx = per_tx
        self.writer: ChunkWriter | None = None
        self.tx: neo4j.Transaction | None = None
        self.rows = 0

    @property
    def summary(self) -> WriteSummary:
        """What the rows' transactions wrote."""
        return self.writer.summary if self.writer is not None else WriteSummary()

    def write(self, part: Bulk, rows: int, position: int) -> None:
        """Write ``part`` (``rows`` rows in scope, ending at ``position`` in the file); commit when full."""
        if self.tx is None:
            self.tx = self.session.begin_transaction()
            if self.writer is None:  # the first transaction also writes the version (the log's home)
                sw.write_tx(self.tx, self.model, dedupe_nodes(self.model, [self.start]), {},
                           {self.start.id: self.start.label})
                self.writer = ChunkWriter(self.tx, self.model, self.switch)
            self.writer.tx = self.tx  # what it knows of the nodes created stays true once committed
        assert self.writer is not None
        self.writer.chunk(part)
        self.rows += rows
        if self.rows >= self.per_tx:
            self.commit(position)

    def commit(self, position: int) -> None:
        """Commit the open transaction with the log of how far the file is written."""
        if self.tx is None:
            return
        self.tx.run(sw.PROGRESS, {"id": self.switch.version_id, "rows": position}).consume()
        self.tx.commit()
        self.tx, self.rows = None, 0

    def close(self) -> None:
        """Roll back an open transaction (a failed load keeps what it committed: it can resume)."""
        if self.tx is not None:
            self.tx.close()
            self.tx = None


def _in_transaction(session: neo4j.Session, work: Callable[[neo4j.Transaction], T]) -> T:
    with session.begin_transaction() as tx:
        out = work(tx)
        tx.commit()
    return out


def write_batched(session: neo4j.Session, model: Model, chunks: Iterable[Bulk], switch: DatasetSwitch,
                  per_tx: int) -> WriteSummary:
    """Load a dataset version in transactions of ``per_tx`` rows in scope (see the module)."""
    skip = switch.committed or 0
    batches = _Batches(session, model, switch, per_tx)
    written: set[str] = set()
    position = 0
    try:
        for chunk in chunks:
            for ids in switch_ids(chunk, switch.label):
                written.update(ids.to_pylist())
            rows = chunk.label_rows(switch.label)
            for a, b in cuts(rows=rows, position=position, skip=skip, per_tx=per_tx, in_tx=batches.rows):
                batches.write(chunk.rows_slice(switch.label, a, b), b - a, position + b)
            position += rows
        # nothing in scope: no transaction was committed, and the open one is rolled back
        sw.check_written(switch, written)
        batches.commit(position)
    finally:
        batches.close()
    summary = batches.summary
    gone = _in_transaction(session, lambda tx: sw.gone_ids(tx, switch, written))
    for part in (gone[i:i + per_tx] for i in range(0, len(gone), per_tx)):
        _in_transaction(session, lambda tx, ids=part: w.delete_ids(tx, switch.label, ids))  # type: ignore[misc]
    summary.nodes_removed += len(gone)
    while _in_transaction(session, lambda tx: sw.repoint(tx, switch, per_tx)) >= per_tx:
        pass
    # the version node was written with the first rows: it counts once, as created (or updated on resume)
    _in_transaction(session, lambda tx: sw.finish_switch(tx, model, switch, summary, len(written), counted=False,
                                                       load_state=LOAD_STATES["complete"], rows_committed=position))
    if switch.committed is None:
        summary.nodes_created += 1
    else:
        summary.nodes_updated += 1
    return summary
