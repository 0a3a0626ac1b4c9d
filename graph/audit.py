"""The append-only audit log: one ``LogEntry`` node per load, retraction, status change or merge.

An entry is written in the same transaction as the change it records (it is part of the
change set or the batch), so the log never claims a change that did not happen and never
misses one that did. Entries are never updated or deleted by the project's code.

Mapping (LogEntry properties): ``at`` (UTC timestamp, sorts as text), ``date`` (its day),
``action``, ``target`` (the assessment, dataset version, recommendation or actor id),
``country_code``, ``file``, ``content_hash``, ``created`` / ``updated`` / ``removed``,
``actor_name`` (who: ``--by`` or the API token's name), ``reason``, ``details`` (one line per
changed statement, at most :data:`MAX_DETAILS`).

Example:
    >>> e = entry("retract", "assessment/KAZ-2026-06", country="KAZ", reason="wrong date",
    ...           at=dt.datetime(2026, 12, 4, 17, 0, tzinfo=dt.timezone.utc))
    >>> e.id.startswith("log/20261204T170000000000Z-"), e.props["action"], e.props["date"]
    (True, 'retract', datetime.date(2026, 12, 4))
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from graph.base import GraphStore
from graph.records import Node

__all__ = ["LOG_QUERY", "MAX_DETAILS", "entry", "read_log"]

MAX_DETAILS = 200

LOG_QUERY = (
    "MATCH (l:LogEntry) "
    "WHERE ($country = '' OR l.country_code = $country) AND l.date >= $since "
    "AND ($target = '' OR l.target = $target) "
    "RETURN l.id AS id, l.at AS at, l.action AS action, l.target AS target, "
    "l.country_code AS country, l.file AS file, l.content_hash AS content_hash, "
    "l.created AS created, l.updated AS updated, l.removed AS removed, l.actor_name AS by, "
    "l.reason AS reason, l.details AS details "
    "ORDER BY at DESC LIMIT $limit"
)


def entry(
    action: str,
    target: str,
    *,
    country: str | None = None,
    file: str | None = None,
    content_hash: str | None = None,
    counts: dict[str, int] | None = None,
    by: str | None = None,
    reason: str | None = None,
    details: Sequence[str] = (),
    at: dt.datetime | None = None,
) -> Node:
    """A new log entry node (validated against the ontology)."""
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamp = when.strftime("%Y%m%dT%H%M%S%fZ")
    c = counts or {}
    shown = list(details[:MAX_DETAILS])
    if len(details) > MAX_DETAILS:
        shown.append(f"… and {len(details) - MAX_DETAILS} more")
    return Node.make(
        f"log/{stamp}-{secrets.token_hex(3)}", name=f"{action} {target}",
        at=when.isoformat(timespec="microseconds"), date=when.date(), action=action, target=target,
        country_code=country, file=file, content_hash=content_hash, created=c.get("created"),
        updated=c.get("updated"), removed=c.get("removed"), actor_name=by, reason=reason,
        details=tuple(shown) or None,
    )


def read_log(
    store: GraphStore,
    *,
    country: str | None = None,
    since: dt.date | None = None,
    target: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Entries, newest first, filtered by country code, first day and target id."""
    params = {"country": country or "", "since": since or dt.date.min, "target": target or "",
              "limit": limit}
    return store.run_read(LOG_QUERY, params).dicts()
