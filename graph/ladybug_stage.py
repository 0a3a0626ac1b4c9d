"""Staged loads on Ladybug: a large file written in several transactions into a copy of the
store, which then replaces the store in one rename.

One transaction per file keeps a killed load invisible, but Ladybug keeps a transaction's
uncommitted rows in memory until it commits: about 0.5–1 MiB of buffer pool per 1,000 ACLED rows,
and a 10-million-row load in one transaction grew past 8 GiB. A staged load keeps the
all-or-nothing guarantee another way:

1. ``CHECKPOINT`` the store (its one file then holds every commit) and copy that file to
   ``<db>.staging``;
2. open the copy with a buffer pool of its own and write the chunks there, committing every
   ``AKG_STAGE_TRANSACTION_ROWS`` table rows (memory stays bounded by one transaction's rows);
   the dataset-version switch runs in the last transaction;
3. ``CHECKPOINT`` and close the copy;
4. holding the swap lock (``<db>.swap``) exclusively: close the store, rename the copy over it
   (atomic), sync the folder, reopen.

What readers see: the store before the load until the rename, then all of it. A reader in another
process keeps the file it opened (the old one) until it reopens; the API server notices the new
file (its freshness stamp includes the file's inode). A process killed before the rename leaves
the store as it was and a ``<db>.staging`` file, which the next writable open removes; killed
after it, the store holds the whole load. A staged load needs free disk for a second copy of the
store.

Writable opens hold the swap lock shared while they open, so no other process can open the store
for writing between step 4's close and reopen (and write to a file about to be replaced).

Example:
    >>> from pathlib import Path
    >>> staging_path(Path("data/akg.lbug")).name, swap_lock_path(Path("data/akg.lbug")).name
    ('akg.lbug.staging', 'akg.lbug.swap')
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import ladybug

from graph.base import WriteSummary
from graph.bulk import Bulk
from graph.datasets import DatasetSwitch
from graph.ladybug_bulk import write_bulk
from graph.ladybug_write import LadybugWriter, is_file_error
from ontology.errors import StoreError, StoreLocked
from ontology.model import Model

__all__ = ["StagedCopy", "leftovers", "remove_leftovers", "replace", "staging_path", "swap_lock", "swap_lock_path"]

# Copies whose load was abandoned mid-COPY: never closed (Ladybug would touch the abandoned
# transaction), kept referenced so that they are not collected either; the process must exit.
_ABANDONED: list[tuple[ladybug.Database, ladybug.Connection]] = []

# How long an open or a swap waits for another process's swap (seconds).
SWAP_WAIT_S = 30.0


def staging_path(path: Path) -> Path:
    """Where a staged load writes its copy of the store at ``path``."""
    return path.with_name(path.name + ".staging")


def swap_lock_path(path: Path) -> Path:
    """The lock file taken while a staged copy replaces the store."""
    return path.with_name(path.name + ".swap")


def _files(db: Path) -> list[Path]:
    """A database file with its write-ahead log and checkpoint shadow."""
    return [db, *(db.with_name(db.name + suffix) for suffix in (".wal", ".shadow"))]


def leftovers(path: Path) -> list[Path]:
    """Files an interrupted staged load of the store at ``path`` left behind."""
    return [f for f in _files(staging_path(path)) if f.exists()]


def remove_leftovers(path: Path) -> list[Path]:
    """Remove what an interrupted staged load left (call only while holding the store for writing:
    then no other process can be staging a load of it). Returns what was removed."""
    found = leftovers(path)
    for f in found:
        f.unlink(missing_ok=True)
    return found


@contextmanager
def swap_lock(path: Path, *, exclusive: bool, wait_s: float | None = None) -> Iterator[None]:
    """Hold the swap lock of the store at ``path``: shared to open it for writing, exclusive to
    replace it. Waits up to ``wait_s`` (default SWAP_WAIT_S), then raises StoreLocked."""
    lock_file = swap_lock_path(path)
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot open the lock file {lock_file}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + (SWAP_WAIT_S if wait_s is None else wait_s)
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreLocked(f"database {path} is being replaced by a staged load in another process, "
                                      "which did not finish in time; try again when it has") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def copy_store(path: Path, staging: Path) -> None:
    """Copy the (checkpointed) store file to ``staging``, replacing an older copy.

    A copy that fails (a full disk) is removed and reported as a StoreError naming the cause."""
    for f in _files(staging):
        f.unlink(missing_ok=True)
    try:
        if path.exists():
            shutil.copyfile(path, staging)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise StoreError(f"cannot copy {path} to {staging} for a staged load: {exc.strerror} "
                         "(a staged load needs free disk for a second copy of the store)") from None


def replace(staging: Path, path: Path) -> None:
    """Move the staged copy over the store (atomic rename) and make the rename durable."""
    for f in _files(path)[1:]:
        f.unlink(missing_ok=True)  # the closed store's log is checkpointed: nothing in it
    os.replace(staging, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StagedCopy:
    """Steps 1–3 of a staged load of the store at ``path`` (step 4 belongs to the store).

    ``open_copy`` opens a database file for writing (the store's settings, the staging pool)."""

    def __init__(self, path: Path, open_copy: Callable[[Path], ladybug.Database], model: Model) -> None:
        self.path = staging_path(path)
        self.store_path = path
        self.open_copy = open_copy
        self.model = model
        self.abandoned = False

    def write(self, store_conn: ladybug.Connection, chunks: Iterable[Bulk], switch: DatasetSwitch | None,
              rows_per_transaction: int) -> WriteSummary:
        """Checkpoint the store, copy it, write the chunks into the copy, checkpoint and close it.
        On failure the copy is removed (or abandoned, see ``_ABANDONED``) and the store untouched."""
        store_conn.execute("CHECKPOINT")
        copy_store(self.store_path, self.path)
        try:
            db = self.open_copy(self.path)
        except RuntimeError as exc:
            self._remove()
            raise StoreError(f"cannot open the staged copy {self.path}: {str(exc).strip()}") from None
        writer = LadybugWriter(self.model, lambda: ladybug.Connection(db), staged=True)
        try:
            summary = write_bulk(writer, chunks, switch, rows_per_transaction)
            writer.conn.execute("CHECKPOINT")
        except BaseException as exc:
            if writer.abandoned or is_file_error(exc):
                # after a failed file write, closing would flush the log again and abort the process
                self.abandoned = writer.abandoned = True
                _ABANDONED.append((db, writer.conn))
            else:
                writer.conn.close()
                db.close()
            self._remove()
            raise
        writer.conn.close()
        db.close()
        return summary

    def _remove(self) -> None:
        for f in _files(self.path):
            f.unlink(missing_ok=True)
