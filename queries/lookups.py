"""The rows of the id-first look-up queries (``country_lookup``, ``actor_lookup``) in the shapes the
list queries and :mod:`queries.citations` give.

A look-up query reads one country or actor from its id and returns what the list query computes
with aggregates in Cypher as plain lists (a country's scores, an actor's role claims): on
Ladybug, a second aggregation or a join to the sources costs a look-up more CPU than doing the
rest here (see docs/performance.md#api).

Example:
    >>> day, none = dt.date(2024, 11, 1), dict.fromkeys(["date", "risk", "rank", "dataset", "dataset_version"])
    >>> latest_score([{"date": dt.date(2023, 11, 1), "risk": 0.03, "rank": 20, "dataset": "EWP"},
    ...               {"date": day, "risk": 0.05, "rank": 9, "dataset": "EWP", "dataset_version": "dataset/ewp-1"},
    ...               {"date": day, "risk": 0.2, "rank": 1, "dataset": "OTHER", "dataset_version": None}])
    {'scored_on': datetime.date(2024, 11, 1), 'score_risk': 0.2, 'score_rank': 1, 'score_dataset': 'EWP', \
'score_versions': ['dataset/ewp-1']}
    >>> latest_score([none])["scored_on"] is None  # a country without scores
    True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from graph.base import GraphStore
from queries.citations import attach_sources

__all__ = ["CLAIM_FIELDS", "latest_score", "role_claims"]

CLAIM_FIELDS = ("assessment", "date", "status", "role", "sources")


def latest_score(scores: Iterable[Mapping[str, Any] | None]) -> dict[str, Any]:
    """``country_overview``'s score columns from a ``country_lookup`` row's ``scores``, and the
    dataset versions of the scores of the latest date (``score_versions``, sorted: the same
    whatever order the backend collected the scores in).

    Of the scores of the latest date: the highest risk, the lowest rank, the first dataset by
    name, as the list query's ``max``, ``min`` and ``min`` give them (nulls left out).
    """
    dated = [s for s in scores if s and s.get("date") is not None]
    if not dated:
        return {"scored_on": None, "score_risk": None, "score_rank": None, "score_dataset": None,
                "score_versions": []}
    day = max(s["date"] for s in dated)
    latest = [s for s in dated if s["date"] == day]

    def pick(choose: Callable[[list[Any]], Any], key: str) -> Any:
        values = [s[key] for s in latest if s.get(key) is not None]
        return choose(values) if values else None

    return {"scored_on": day, "score_risk": pick(max, "risk"), "score_rank": pick(min, "rank"),
            "score_dataset": pick(min, "dataset"),
            "score_versions": sorted({s["dataset_version"] for s in latest if s.get("dataset_version")})}


def role_claims(store: GraphStore, claims: Iterable[Mapping[str, Any] | None]) -> list[dict[str, Any]]:
    """An ``actor_lookup`` row's ``claims`` as :func:`queries.citations.role_sources` gives the
    actor's: newest first, each claim's sources as objects in the order cited (one read of the
    sources, none when no claim cites one)."""
    out = [{k: c.get(k) for k in CLAIM_FIELDS} for c in claims if c and c.get("assessment") is not None]
    out.sort(key=lambda c: (c["assessment"], c["role"] or ""))
    out.sort(key=lambda c: c["date"] or dt.date.min, reverse=True)
    attach_sources(store, out)
    return out
