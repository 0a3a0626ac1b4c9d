"""Ladybug's errors in the project's terms: one line that says what happened and what to do.

A ``RuntimeError`` from the engine becomes a :class:`~ontology.errors.StoreError` (or a refusal,
a timeout, a lock held by another process); a write that failed while committing says whether the
store may hold it (:func:`failed_write`).

Example:
    >>> translate_error(RuntimeError("Interrupted."))
    QueryTimeout('the query ran past its time limit and was stopped')
"""

from __future__ import annotations

import re

from graph.ladybug_write import is_file_error
from ontology.errors import QueryRefused, QueryTimeout, StoreError, StoreLocked

__all__ = ["RECOVERY_PENDING", "failed_write", "first_line", "translate_error"]

_LOCK_RE = re.compile(r"Lock is held by PID (\d+)")
RECOVERY_PENDING = "checkpoint recovery is pending"


def translate_error(exc: Exception, path: object = None) -> StoreError | QueryRefused | QueryTimeout:
    """Map a Ladybug RuntimeError to the project's exceptions (message kept, internals dropped)."""
    text = str(exc).strip()
    if text.startswith("Interrupted"):
        return QueryTimeout("the query ran past its time limit and was stopped")
    if RECOVERY_PENDING in text:
        return StoreError(
            f"database {path} has an interrupted checkpoint (a process writing it was killed) and "
            "another process holds it for writing: stop that process, or run `akg stats` once it "
            "has finished"
        )
    if "read-only" in text or "read only" in text:  # a write inside a read-only transaction or database
        return QueryRefused(f"the database refused a write: {text}")
    if "Could not set lock" in text:
        pid = _LOCK_RE.search(text)
        who = f"process {pid.group(1)}" if pid else "another process"
        return StoreLocked(
            f"database {path} is locked by {who} (for example a running `akg serve`); "
            "stop it or open the database read-only"
        )
    first = text.splitlines()[0] if text else type(exc).__name__
    return StoreError(first)


_COMMITTED = "Transaction committed successfully"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def failed_write(exc: BaseException, at_commit: bool) -> str | None:
    """What a write that failed while committing, or just after, left (``None`` for other failures).

    A failure after COMMIT returned is Ladybug's post-commit checkpoint: the write is durable. A
    failure of COMMIT itself (writing the write-ahead log: a full disk, a file size limit) may come
    after the log holds the whole transaction, which reopening the database then applies: the store
    holds the write whole or not at all, and only reopening it tells which.

    Example:
        >>> failed_write(RuntimeError("IO exception: Cannot write to file. path: x.wal"), True)[:43]
        'committing failed (disk full or a file size'
    """
    text = first_line(exc)
    disk = "disk full or a file size limit reached: " if is_file_error(exc) else ""
    if _COMMITTED in text:
        cause = text[text.find("IO exception"):] if "IO exception" in text else text
        return (f"the write was committed, but updating the database file afterwards failed ({disk}{cause}): the "
                "write is durable, and the next open of the database completes the update once there is space")
    if at_commit and disk:
        return (f"committing failed ({disk}{text}): the database holds either the state before this write or "
                "all of it, never a part; reopening it tells which (for a dataset, `akg datasets`)")
    return None
