"""A Ladybug load does not keep the Arrow tables it copied from.

Ladybug 0.22's connection holds every Arrow table a ``COPY … FROM`` read until the connection is
closed; the writer renews its connection after each commit that followed a COPY
(``graph.ladybug_write.LadybugWriter.renew``). Without that, a staged load's Arrow memory grew
with every row it wrote (7.7 GiB at 10M ACLED rows), and a long-lived process (the API server,
``akg demo``) kept every file it had loaded.
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pyarrow as pa

from benchmarks.acled_gen import generate
from cli.admin import init_store
from graph.bulk import Bulk
from graph.datasets import scope_text, version_node
from graph.editorial import file_hash
from graph.ingest import load_dataset
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled
from loaders.actors import AliasTable

MIB = 2**20


def _load(db: Path, csv_path: Path, block: int, **settings: int) -> list[int]:
    """Load ``csv_path`` into a new store; Arrow's allocation after each chunk and after the load."""
    store = open_store(Settings(db_path=db, buffer_pool_mb=256, threads=2, **settings))
    try:
        init_store(store)
        source = acled.open_acled(csv_path)
        # read the file again rather than keep its batches (they would count here), in blocks of ``block``
        source.block_size = source.reread_block = block
        source.keep = 0
        rows, _ = acled.check(source)
        version = version_node("ACLED", file_hash(csv_path), scope=scope_text(), file=csv_path.name, rows=rows,
                               accessed=dt.date(2026, 1, 1))
        held: list[int] = []

        def on_chunk(_: Bulk) -> None:
            held.append(pa.total_allocated_bytes())

        gc.collect()
        start = pa.total_allocated_bytes()
        load_dataset(store, acled.chunks(source, AliasTable.from_store(store)), version, "Event", on_chunk=on_chunk)
        del source
        gc.collect()
        return [h - start for h in [*held, pa.total_allocated_bytes()]]
    finally:
        store.close()


def test_a_load_in_one_transaction_frees_what_it_copied_when_it_commits(tmp_path: Path) -> None:
    path = generate(20_000, tmp_path / "a.csv", seed=3)
    held = _load(tmp_path / "one.lbug", path, 32 * MIB, stage_rows=0)
    # the store is still open: before the fix its writer held the whole file's tables (~10 MiB)
    assert held[-1] < MIB, held


def test_a_staged_load_holds_no_more_than_a_transaction_of_copied_tables(tmp_path: Path) -> None:
    path = generate(60_000, tmp_path / "a.csv", seed=4)
    # about 25 chunks of COPY size, a commit every 20,000 table rows: what is held must not grow with the chunks
    held = _load(tmp_path / "staged.lbug", path, MIB, stage_rows=1, stage_transaction_rows=20_000)
    chunks = held[:-1]
    assert len(chunks) >= 20, len(chunks)
    third = len(chunks) // 3
    first, last = max(chunks[:third]), max(chunks[-third:])
    # before the fix the copied tables stayed (and so did the buffer pool pages Ladybug kept for them:
    # this load then failed with "the buffer pool is full" in its 256 MiB pool)
    assert last < first + 2 * MIB, (first, last)
