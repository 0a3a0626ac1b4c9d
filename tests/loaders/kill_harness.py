"""What the kill -9 tests share on every backend: a store's full fingerprint, the kill moments, a
load started as the operator starts it, and the verdict on a killed load.

The fingerprint is every node id per label and every relationship (by its ends' ids) per type,
hashed, plus the dataset versions marked current. The monthly series and alerts derived from the
events (loaders.early_warning) are recomputed in a transaction of their own after the load
commits; a kill between the two leaves them one load behind until the next load or
``akg signals compute``, so they are left out.

Example:
    >>> ms = moments(10.0)
    >>> len(ms), round(ms[0], 2), round(ms[-1], 2), sum(9.0 <= m <= 10.0 for m in ms) >= 3
    (12, 0.3, 12.0, True)
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from graph.base import GraphStore

AKG = str(Path(sys.executable).with_name("akg"))
DERIVED = frozenset({"SeriesPoint", "SERIES_OF", "Alert", "RAISED_FOR", "POINTS_TO", "BASED_ON"})
MOMENTS = 12

Fingerprint = tuple[str, dict[str, int]]


def fingerprint(store: GraphStore) -> Fingerprint:
    """The store's hash and its counts per label and relationship type."""
    h = hashlib.sha256()
    sizes: dict[str, int] = {}
    model = store.model  # type: ignore[attr-defined]
    for label in sorted(set(model.classes) - DERIVED):
        # a log entry's id carries the moment it was written: compare what was logged instead
        key = "n.action + ' ' + n.target" if label == "LogEntry" else "n.id"
        ids = store.run_read(f"MATCH (n:`{label}`) RETURN {key} AS k ORDER BY k").rows
        h.update(f"{label}:{len(ids)}:{ids}".encode())
        sizes[label] = len(ids)
    for rel in sorted(set(model.relationships) - DERIVED):
        pairs = store.run_read(f"MATCH (a)-[r:`{rel}`]->(b) RETURN a.id, b.id ORDER BY a.id, b.id").rows
        h.update(f"{rel}:{len(pairs)}:{pairs}".encode())
        sizes[rel] = len(pairs)
    current = store.run_read("MATCH (v:DatasetVersion) WHERE v.current = true RETURN v.id ORDER BY v.id").rows
    h.update(repr(current).encode())
    return h.hexdigest(), sizes


def moments(duration: float, count: int = MOMENTS) -> list[float]:
    """``count`` kill moments: all but three spread evenly over a load of ``duration`` seconds and a
    little past it (a busy machine makes one run slower than another), and three more in its last
    10 %, where the commit and the swap or checkpoint after it lie."""
    spread = [duration * (0.03 + 1.17 * i / (count - 4)) for i in range(count - 3)]
    return sorted([*spread, *(duration * f for f in (0.92, 0.95, 0.98))])


def between(start: float, end: float, count: int = 5) -> list[float]:
    """``count`` moments evenly inside (``start``, ``end``).

    >>> between(1.0, 2.2)
    [1.2, 1.4, 1.6, 1.8, 2.0]
    """
    return [round(start + (end - start) * i / (count + 1), 6) for i in range(1, count + 1)]


def load(path: Path, *, db: Path | None = None, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``akg load acled PATH`` as the operator runs it (on ``db`` for Ladybug; ``env`` picks the backend)."""
    where = ["--db", str(db)] if db is not None else []
    return subprocess.Popen([AKG, *where, "load", "acled", str(path)], env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_at(proc: subprocess.Popen[bytes], moment: float) -> None:
    """SIGKILL ``proc`` ``moment`` seconds after it started (or reap it if it ended first)."""
    time.sleep(moment)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def verdict(got: Fingerprint, before: Fingerprint, after: Fingerprint, moment: float, duration: float) -> str:
    """``"before"`` or ``"after"``; an assertion error naming the counts that differ otherwise."""
    if got == before:
        return "before"
    if got == after:
        return "after"
    differ = {k: (before[1].get(k), v, after[1].get(k)) for k, v in got[1].items()
              if v != before[1].get(k) or v != after[1].get(k)}
    raise AssertionError(f"kill at {moment:.2f} s of {duration:.2f} s left a partial store; "
                         f"(before, got, after) where they differ: {differ}")
