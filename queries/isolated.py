"""Researchers' Cypher in worker processes: a crash or a runaway query kills only its worker.

:class:`QueryPool` keeps up to ``AKG_QUERY_WORKERS`` workers (:mod:`queries.worker`), each a
child process with the Ladybug store open read-only and an address-space limit
(``AKG_QUERY_MEMORY_MB`` above its idle size). :meth:`QueryPool.run` checks the text first
(:func:`queries.safe.check`, cheap, in this process), then hands it to an idle worker:

- every worker busy → :class:`QueryBusy` at once (HTTP 503 with ``Retry-After``);
- the worker runs past the time limit (plus a grace second) → it is killed, :class:`QueryTimeout`;
- the worker dies (a segmentation fault in the engine's parser, say) → :class:`QueryCrashed`;
- the worker had died before it read the query (killed while idle, and not yet reaped when the
  query was handed to it) → the query is sent once more, to a freshly started worker: the worker
  acknowledges each request before running it, so "died before reading" and "died running it"
  are told apart;
- it runs out of its memory → :class:`QueryTooLarge`;

and the worker is replaced in the background. On Neo4j the database server runs queries in
its own process with its own memory limits (a transaction past ``db.memory.transaction.max``
fails, which the store reports as :class:`QueryTooLarge`), so the pool there only bounds
concurrency and runs :func:`queries.safe.run_safe` in this process.

Example:
    >>> pool = QueryPool(Settings(backend="neo4j"), workers=1)
    >>> pool.capacity, pool.busy
    (1, 0)
"""

from __future__ import annotations

import logging
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import Any

from graph.base import GraphStore, ReadResult
from graph.settings import Settings
from ontology.errors import AkgError, QueryRefused, QueryTimeout, QueryTooLarge, StoreError
from queries.safe import QueryError, check, run_safe
from queries.worker import STARTED

__all__ = ["GRACE_S", "QueryBusy", "QueryCrashed", "QueryPool", "QueryTooLarge"]

log = logging.getLogger("queries")

GRACE_S = 1.0
START_TIMEOUT_S = 60.0


class QueryBusy(AkgError):
    """Every query worker is busy; ``details["retry_after"]`` says when to try again."""

    code = "query_busy"


class QueryCrashed(AkgError):
    """The query crashed the database engine in its worker (the server is unaffected)."""

    code = "query_crashed"


_ERRORS: dict[str, type[AkgError]] = {
    "query_refused": QueryRefused, "query_timeout": QueryTimeout, "query_error": QueryError,
    "query_too_large": QueryTooLarge, "store_error": StoreError,
}


class _Gone(Exception):
    """The worker was dead before it read the request: the query never ran."""


class _Child:
    """One worker process and our end of its connection."""

    def __init__(self, settings: Settings, memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(  # noqa: S603 - our own module, no shell
            [sys.executable, "-m", "queries.worker", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.conn = Connection(ours.detach())
        try:
            self.conn.send((settings, memory_mb))
            if not self.conn.poll(START_TIMEOUT_S):
                raise StoreError("the query worker did not start in time")
            status, info = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise StoreError("the query worker could not start") from None
        if status != "ready":
            self.kill()
            raise StoreError(str(info))
        self.memory_limit = int(info)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()

    def run(self, request: tuple[str, dict[str, Any], float, int], wait: float) -> tuple[Any, ...]:
        """Send one query and wait for its answer.

        Raises:
            _Gone: the worker died before it read the request (no acknowledgement came).
            QueryTimeout: no answer within ``wait`` seconds (the worker is killed).
            QueryCrashed, QueryTooLarge: the worker died while running the query.
        """
        deadline = time.monotonic() + wait
        try:
            self.conn.send(request)
            if not self.conn.poll(wait):
                self.kill()
                raise QueryTimeout("the query ran past its time limit and was stopped")
            started = self.conn.recv_bytes()
        except (EOFError, OSError):
            self.kill()
            raise _Gone from None
        if started != STARTED:
            self.kill()
            raise StoreError("the query worker answered out of turn")
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            self.kill()
            raise QueryTimeout("the query ran past its time limit and was stopped")
        try:
            answer: tuple[Any, ...] = pickle.loads(self.conn.recv_bytes())  # noqa: S301 - our child
        except (EOFError, OSError):
            self.kill()
            raise self._crash() from None
        return answer

    def _crash(self) -> AkgError:
        code = self.process.returncode
        if code in (-signal.SIGKILL, -signal.SIGABRT):  # out of memory: std::bad_alloc aborted
            return QueryTooLarge("the query needed more memory than a query may use "
                                 "(AKG_QUERY_MEMORY_MB) and was stopped", {"exit": code})
        what = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return QueryCrashed(f"the query crashed the database engine ({what}); it ran in an isolated "
                            "worker, so nothing else was affected: simplify the query", {"exit": code})


class QueryPool:
    """A bounded set of query workers for one store; thread-safe."""

    def __init__(self, settings: Settings, *, workers: int | None = None,
                 memory_mb: int | None = None) -> None:
        self.settings = settings
        self.capacity = max(1, settings.query_workers if workers is None else workers)
        self.memory_mb = settings.query_memory_mb if memory_mb is None else memory_mb
        self.isolated = settings.backend == "ladybug"
        self._idle: list[_Child] = []
        self._busy = 0
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)  # a background start finished
        self._starting = 0
        self._closed = False

    @property
    def busy(self) -> int:
        """Queries running now."""
        return self._busy

    def _acquire(self, retry_after: float) -> None:
        with self._lock:
            if self._closed:
                raise StoreError("the query pool is closed")
            if self._busy >= self.capacity:
                wait = max(1, int(retry_after))
                raise QueryBusy(f"all {self.capacity} query workers are busy; retry in {wait} s",
                                {"retry_after": wait})
            self._busy += 1

    def _take_child(self) -> _Child:
        """An idle worker; one being started in the background is waited for, not doubled."""
        with self._lock:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                while self._idle:
                    child = self._idle.pop()
                    if child.alive():
                        return child
                    child.kill()
                if self._starting == 0 or time.monotonic() > deadline:
                    break
                self._ready.wait(timeout=1.0)
        return _Child(self.settings, self.memory_mb)

    def _release(self, child: _Child | None) -> None:
        with self._lock:
            self._busy -= 1
            if child is not None and child.alive() and not self._closed:
                self._idle.append(child)
                return
        if child is not None:
            child.kill()
        if not self._closed and self.isolated:
            self._start_in_background()

    def _start_in_background(self) -> None:
        with self._lock:
            self._starting += 1
        threading.Thread(target=self._replace, daemon=True).start()

    def _replace(self) -> None:
        """Start a worker in the background so the next query need not wait for one."""
        child: _Child | None = None
        try:
            child = _Child(self.settings, self.memory_mb)
        except AkgError as exc:
            log.warning("could not start a query worker: %s", exc.message)
        with self._lock:
            self._starting -= 1
            if child is not None and not self._closed and len(self._idle) < self.capacity:
                self._idle.append(child)
                child = None
            self._ready.notify_all()
        if child is not None:
            child.kill()  # surplus

    def warm(self) -> None:
        """Start every worker now (in the background), not on the first query."""
        if self.isolated:
            for _ in range(self.capacity - len(self._idle) - self._starting):
                self._start_in_background()

    def run(self, store: GraphStore | None, cypher: str, params: Mapping[str, Any] | None = None, *,
            timeout: float, limit: int) -> ReadResult:
        """Check and run one researcher's query in a worker (``store`` is used on Neo4j only).

        Raises:
            QueryRefused, QueryError, QueryTimeout: as :func:`queries.safe.run_safe`.
            QueryBusy: every worker is busy.
            QueryCrashed: the query crashed its worker.
            QueryTooLarge: it needed more memory than a worker may use, or its result is too big.
        """
        values = dict(params or {})
        check(cypher, values)
        self._acquire(retry_after=timeout)
        if not self.isolated:
            try:
                if store is None:
                    raise StoreError("no store to run the query on")
                return run_safe(store, cypher, values, timeout=timeout, limit=limit)
            finally:
                self._release(None)
        child: _Child | None = None
        try:
            request = (cypher, values, timeout, limit)
            for _ in range(2):  # a worker whose store outgrew it hands over once
                child = self._take_child()
                try:
                    answer = child.run(request, timeout + GRACE_S)
                except _Gone:  # it died idle: the query did not run; once more on a new worker
                    child = _Child(self.settings, self.memory_mb)
                    try:
                        answer = child.run(request, timeout + GRACE_S)
                    except _Gone:
                        raise child._crash() from None  # noqa: SLF001 - our own child
                if answer[0] != "retry":
                    break
                child.kill()
            if answer[0] == "ok":
                return ReadResult(list(answer[1]), list(answer[2]), bool(answer[3]))
            _, code, message, details = answer
            raise _ERRORS.get(code, QueryError)(message, details)
        except QueryTooLarge:
            if child is not None:
                child.kill()  # give its memory back now
            child = None
            raise
        except (QueryTimeout, QueryCrashed):
            if child is not None and not child.alive():
                child = None
            raise
        finally:
            self._release(child)

    def pids(self) -> list[int]:
        """Process ids of the idle workers."""
        with self._lock:
            return [c.process.pid for c in self._idle]

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for child in idle:
            child.kill()
