"""The query worker: a child process that runs researchers' Cypher on a read-only store.

Started by :mod:`queries.isolated` as ``python -m queries.worker FD`` with one end of a socket
pair. Protocol (pickled messages over :class:`multiprocessing.connection.Connection`): the
parent sends ``(settings, memory_mb)``; the worker opens the Ladybug store read-only, caps its
address space at its idle size plus ``memory_mb`` (``RLIMIT_AS``), answers ``("ready", pid)``,
then for each ``(cypher, params, timeout, limit)`` first sends the bytes :data:`STARTED` (so the
parent can tell a worker that died before reading a request from one that died running it) and
then answers ``("ok", columns, rows, truncated)`` or ``("error", code, message, details)``.

Before each query the worker compares the store files' state (size, modification time and inode
of the database file and its ``.wal``) with what it opened: when another process has committed a
write since, it reopens its read-only database (about 30 ms on the demo store), so it never
answers from a stale snapshot. A query that crashes the engine kills only this process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import pickle
import resource
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from graph.base import ReadResult
from graph.ladybug_store import LadybugStore
from graph.settings import Settings
from ontology.errors import AkgError, QueryRefused, QueryTimeout
from queries.safe import QueryError, run_safe

__all__ = ["MAX_RESULT_BYTES", "STARTED", "files_state", "main", "max_db_bytes"]

MAX_RESULT_BYTES = 64 * 1024 * 1024
STARTED = b"started"
_M_ARENA_MAX = -8


def files_state(db: Path) -> tuple[tuple[int, int, int], ...]:
    """(size, mtime ns, inode) of the database file and its WAL; -1s for a missing file."""
    out = []
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            st = path.stat()
            out.append((st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            out.append((-1, -1, -1))
    return tuple(out)


def max_db_bytes(db: Path) -> int:
    """Address space to reserve for the database: a power of two ≥ 4× its files, at least 1 GiB.

    Ladybug reserves ``max_db_size`` of virtual memory (8 TiB by default), which no address
    space limit would allow.
    """
    used = sum(max(size, 0) for size, _, _ in files_state(db))
    size = 1 << 30
    while size < 4 * used:
        size <<= 1
    return size


def _vm_size() -> int:
    """This process's address space in bytes (VmSize)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _limit_malloc_arenas() -> None:
    """glibc reserves 64 MiB of address space per malloc arena; two are enough here."""
    name = ctypes.util.find_library("c")
    if name:
        ctypes.CDLL(name).mallopt(_M_ARENA_MAX, 2)


class _Outgrown(Exception):
    """The store outgrew this worker's reservation: a new worker must take over."""


class _Worker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings.with_overrides(threads=min(settings.threads or 2, 2),
                                                buffer_pool_mb=min(settings.buffer_pool_mb, 512))
        self.size = max_db_bytes(settings.db_path)
        self.state = files_state(settings.db_path)
        self.store = self._open()

    def _open(self) -> LadybugStore:
        return LadybugStore(self.settings, read_only=True, max_db_bytes=self.size)

    def fresh(self) -> LadybugStore:
        """The store, reopened when another process has written since it was opened.

        Raises:
            _Outgrown: the database grew past the address space reserved for it at start.
        """
        now = files_state(self.settings.db_path)
        if now != self.state:
            if 4 * sum(max(size, 0) for size, _, _ in now) > self.size:
                raise _Outgrown
            self.store.close()
            self.state = now
            self.store = self._open()
        return self.store


def _error(exc: BaseException) -> tuple[Any, ...]:
    if isinstance(exc, MemoryError) or "bad_alloc" in str(exc) or "allocate memory" in str(exc):
        return ("error", "query_too_large", "the query needed more memory than a query may use "
                "(AKG_QUERY_MEMORY_MB); narrow it or aggregate earlier", {})
    if isinstance(exc, QueryRefused | QueryTimeout | QueryError):
        return ("error", exc.code, exc.message, exc.details)
    if isinstance(exc, AkgError):
        return ("error", "store_error", exc.message, {})
    return ("error", "query_error", f"the query failed: {type(exc).__name__}", {})


def _answer(worker: _Worker, request: tuple[str, dict[str, Any], float, int]) -> tuple[bytes, bool]:
    """The pickled answer, and whether this worker can go on serving."""
    cypher, params, timeout, limit = request
    try:
        result: ReadResult = run_safe(worker.fresh(), cypher, params, timeout=timeout, limit=limit)
        data = pickle.dumps(("ok", result.columns, result.rows, result.truncated))
    except _Outgrown:
        return pickle.dumps(("retry", "the store grew; a new worker takes over")), False
    except (Exception, MemoryError) as exc:  # noqa: BLE001 - every failure becomes an answer
        data = pickle.dumps(_error(exc))
    if len(data) > MAX_RESULT_BYTES:
        data = pickle.dumps(("error", "query_too_large",
                             f"the result is larger than {MAX_RESULT_BYTES // 2**20} MiB; "
                             "return fewer or smaller rows", {}))
    return data, True


def main(fd: int) -> None:
    """Serve queries on the connection ``fd`` until the parent closes it."""
    conn = Connection(fd)
    settings, memory_mb = conn.recv()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash ends at once, leaving no copy of the data
    _limit_malloc_arenas()
    try:
        worker = _Worker(settings)
    except AkgError as exc:
        conn.send(("failed", exc.message))
        return
    limit = _vm_size() + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(("ready", limit))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send_bytes(STARTED)
        data, going_on = _answer(worker, request)
        conn.send_bytes(data)
        if not going_on:
            return


if __name__ == "__main__":  # pragma: no cover - run as a child process
    try:
        main(int(sys.argv[1]))
    except (EOFError, OSError):  # the parent went away (it exited or gave up on this worker)
        sys.exit(0)
