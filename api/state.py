"""What one app holds for its whole life: settings, the store (opened once), tokens, limits.

The store is opened on first use and kept for the process: read-only when the app cannot
write, writable (Ladybug allows one writer process) when API tokens are configured. Writes
are serialised by a lock and clear the response cache.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_request_context

from api.errors import StoreUnavailable
from api.security import RateLimiter, Tokens
from graph.base import GraphStore
from graph.registry import open_store
from graph.settings import Settings
from ontology.errors import StoreError, StoreLocked

__all__ = ["ApiState", "CachedResponse", "ResponseCache", "state"]

log = logging.getLogger("api")


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
        found = self._store
        if found is not None:
            return found
        with self._open_lock:
            if self._store is None:
                try:
                    self._store = self.store_factory(self.settings, not self.writable)
                except StoreLocked:
                    raise
                except StoreError as exc:
                    if has_request_context():  # the command line reports it itself
                        log.error("cannot open the graph store: %s", exc.message)
                    raise StoreUnavailable(f"cannot open the graph store: {exc.message}") from None
                atexit.register(self.close)
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


def state() -> ApiState:
    """The state of the current app."""
    found: Any = current_app.extensions["akg"]
    assert isinstance(found, ApiState)
    return found
