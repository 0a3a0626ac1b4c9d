"""What one app holds for its whole life: settings, the store, tokens, limits.

The store is opened on first use: read-only when the app cannot write, writable (Ladybug
allows one writer process) when API tokens are configured. Writes are serialised by a lock
and clear the response cache.

The app serves what is committed, whoever committed it. Before each request it compares the
store's *stamp* with the one it last saw: for Ladybug the size, modification time and inode of
the database file and its write-ahead log (two ``stat`` calls; any commit by any process
changes them), for Neo4j the newest audit-log entry (every load writes one) and the rows
committed so far by loads in several transactions (each of their commits moves it). When the stamp
moved, the response cache is dropped and a read-only Ladybug store is reopened (a read-only
Ladybug database does not see commits made after it opened). Each request holds a lease on
the store it started with, so a reopened store's predecessor is closed only once the
requests using it are done.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from flask import current_app, g, has_request_context

from api.errors import StoreUnavailable
from api.security import RateLimiter, Tokens
from graph.base import GraphStore
from graph.datasets import LOAD_STATES
from graph.registry import open_store
from graph.settings import Settings
from ontology.errors import AkgError, StoreError, StoreLocked

__all__ = ["ApiState", "CachedResponse", "ResponseCache", "state"]

log = logging.getLogger("api")

# Neo4j: the newest log entry, and how far the loads in several transactions have come (their
# transactions commit rows before the load's one log entry: graph.neo4j_batched)
LAST_WRITE = ("MATCH (l:LogEntry) WITH max(l.at) AS last "
              "OPTIONAL MATCH (v:DatasetVersion) WHERE v.load_state = $loading "
              "RETURN last, sum(v.rows_committed) AS loading")


CachedResponse = tuple[int, bytes, tuple[tuple[str, str], ...]]


class ResponseCache:
    """Bodies of successful GET responses, keyed by URL, cleared by every write.

    Only used when this process owns the store (Ladybug): nothing else can change the data
    underneath, so an entry stays right until this process writes. Bounded by entry count and
    total bytes; least recently used entries go first.
    """

    def __init__(self, max_entries: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.generation = 0
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return self.max_entries > 0

    def get(self, key: str) -> CachedResponse | None:
        """The cached (status, body, headers), if any."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
            return hit

    def put(self, key: str, generation: int, value: CachedResponse) -> None:
        """Store a response computed while ``generation`` was current (dropped if a write came since)."""
        size = len(value[1])
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if generation != self.generation:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._entries[key] = value
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped[1])

    def clear(self) -> None:
        """Forget everything (after a write)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()
            self._bytes = 0


@dataclass
class ApiState:
    """Per-app settings and resources, at ``app.extensions["akg"]``."""

    settings: Settings
    tokens: Tokens
    writable: bool
    read_requires_token: bool
    limiter: RateLimiter
    cache: ResponseCache
    cors_origins: list[str]
    query_timeout: float
    row_limit: int
    store_factory: Callable[[Settings, bool], GraphStore] = field(
        default=lambda s, read_only: open_store(s, read_only=read_only))
    injected: GraphStore | None = None
    _store: GraphStore | None = None
    _open_lock: threading.Lock = field(default_factory=threading.Lock)
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _seen: object = None
    _leases: dict[int, int] = field(default_factory=dict)
    _retired: list[GraphStore] = field(default_factory=list)
    reopened: int = 0
    _exit_hook: bool = False

    # ------------------------------------------------------------------ freshness
    def stamp(self) -> object:
        """What changes whenever any process commits a write to the store (see the module)."""
        if self.injected is not None:
            return None
        if self.settings.backend == "ladybug":
            path = self.settings.db_path
            out: list[tuple[int, int, int] | None] = []
            for f in (path, path.with_name(path.name + ".wal")):
                try:
                    st = os.stat(f)
                except OSError:
                    out.append(None)
                    continue
                out.append((st.st_ino, st.st_size, st.st_mtime_ns))
            return tuple(out)
        if self._store is None:
            return None
        return tuple(self._store.run_read(LAST_WRITE, {"loading": LOAD_STATES["loading"]}).rows[0])

    def refresh(self) -> bool:
        """Notice commits made since the last look: drop the cache, reopen a read-only store.

        Returns True when the store changed underneath. Cheap when nothing changed.
        """
        try:
            now = self.stamp()
        except AkgError:
            return False  # the store is unreachable; the request itself reports it
        if now == self._seen:
            return False
        with self._open_lock:
            if now == self._seen:
                return False
            first = self._seen is None
            self._seen = now
            self.cache.clear()
            if first or self.writable or self._store is None or self.settings.backend != "ladybug":
                return not first
            self._retired.append(self._store)
            self._store = None
            self.reopened += 1
            self._close_retired()
        return True

    def release(self, s: GraphStore) -> None:
        """End a request's lease; close retired stores nobody uses any more."""
        with self._open_lock:
            n = self._leases.get(id(s), 0) - 1
            if n > 0:
                self._leases[id(s)] = n
            else:
                self._leases.pop(id(s), None)
            self._close_retired()

    def _close_retired(self) -> None:
        """Close retired stores without leases (call with ``_open_lock`` held)."""
        keep = []
        for old in self._retired:
            if self._leases.get(id(old)):
                keep.append(old)
            else:
                old.close()
        self._retired = keep

    @property
    def opened(self) -> bool:
        """Whether a store is open (or was given)."""
        return self.injected is not None or self._store is not None

    def store(self) -> GraphStore:
        """The store, opened on first use and kept for the life of the process.

        Raises:
            StoreUnavailable: it cannot be opened (the reason is logged; responses say only 503).
            StoreLocked: another process holds it for writing.
        """
        if self.injected is not None:
            return self.injected
        if not has_request_context():
            return self._current()
        leased = g.get("akg_store")
        if leased is not None:
            return cast(GraphStore, leased)
        s = self._current()
        with self._open_lock:
            self._leases[id(s)] = self._leases.get(id(s), 0) + 1
        g.akg_store = s  # released by the app's teardown (see release)
        return s

    def _current(self) -> GraphStore:
        """The open store, opening it when needed."""
        found = self._store
        if found is not None:
            return found
        with self._open_lock:
            if self._store is None:
                # What the store is opened at: a commit after this and before the first request
                # must still be noticed (a read-only Ladybug store keeps what it opened).
                opened_at = self.stamp() if self.settings.backend == "ladybug" else None
                try:
                    self._store = self.store_factory(self.settings, not self.writable)
                except StoreLocked:
                    raise
                except StoreError as exc:
                    if has_request_context():  # the command line reports it itself
                        log.error("cannot open the graph store: %s", exc.message)
                    raise StoreUnavailable(f"cannot open the graph store: {exc.message}") from None
                if self._seen is None:
                    self._seen = opened_at
                if not self._exit_hook:
                    atexit.register(self.close)
                    self._exit_hook = True
            return self._store

    @contextmanager
    def writing(self) -> Iterator[GraphStore]:
        """The store for one write; writes are serialised and clear the cache afterwards."""
        with self.write_lock:
            store = self.store()
            try:
                yield store
            finally:
                self.cache.clear()

    def cache_key(self, full_path: str) -> str:
        """Cache key of a URL (the day is part of it: ``today`` defaults move at midnight)."""
        return f"{dt.date.today().isoformat()} {full_path}"

    def close(self) -> None:
        """Close the store this app opened (not an injected one)."""
        with self._open_lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            for old in self._retired:
                old.close()
            self._retired = []


def state() -> ApiState:
    """The state of the current app."""
    found: Any = current_app.extensions["akg"]
    assert isinstance(found, ApiState)
    return found
