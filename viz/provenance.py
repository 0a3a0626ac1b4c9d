"""What each page shows about where its content comes from: sources, grades, datasets, illustrative data.

- :func:`cite_graph` swaps the source ids on a view's relationships for source objects with
  their grade (one query per view), so tooltips and the explorer's side panel show titles,
  dates, links and grades instead of ids.
- :func:`datasets_shown` describes the dataset versions behind the numbers a page shows:
  the ``illustrative`` flag (the page then carries the "Illustrative data" banner) and the
  attribution lines (the publisher's required citation with the access date) for its footer,
  and the versions whose load is under way or was interrupted (``loading``: the page then says
  that its numbers mix two versions of the dataset until the load completes).
- :func:`country_sources` numbers every source the country's assessments cite (the
  dashboard's Sources section) and lists the indicators observed, badged when unverified.
- :func:`plan_citations` numbers the sources of a response plan (its findings and the USHMM
  evidence behind option scores) for the briefing's footnotes, and says which options' scores
  have USHMM terms.

Example:
    >>> datasets_shown([{"id": "d", "dataset": "ACLED", "citation": "ACLED; accessed 2025-01-02",
    ...                  "illustrative": True, "accessed": None}])
    {'illustrative': True, 'attribution': ['ACLED; accessed 2025-01-02'], 'datasets': ['ACLED'], 'loading': []}
    >>> datasets_shown([{"id": "d2", "dataset": "ACLED", "load_state": "loading", "rows_committed": 4000}])["loading"]
    [{'id': 'd2', 'dataset': 'ACLED', 'rows': 4000}]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from graph.base import GraphStore
from graph.datasets import is_loading
from queries.citations import (
    Bibliography,
    any_illustrative,
    assessment_sources,
    attribution,
    event_versions,
    grade,
    indicators_verified,
    resolve_sources,
    resolve_versions,
    score_versions,
    statement_sources,
)

__all__ = ["cite_graph", "counts_events", "country_provenance", "country_sources", "datasets_shown",
           "event_datasets", "plan_citations", "score_datasets"]

# Evidence text counting events of the graph (queries.evidence), i.e. numbers from a dataset.
_EVENT_COUNT = re.compile(r"^\d+ '.+' events? in ")


def counts_events(evidence: Iterable[str]) -> bool:
    """Whether evidence lines of :mod:`queries.evidence` count events of the graph (dataset numbers).

    >>> counts_events(["3 'Battles' events in country/QZA from 2023-02-01 to 2024-01-31 (first …)"])
    True
    >>> counts_events(["assessment/QZA-2024-01 observes ind/7.5 (Militias)", "no 'Battles' events in …"])
    False
    """
    return any(_EVENT_COUNT.match(x) for x in evidence)


def cite_graph(store: GraphStore, graph: nx.MultiDiGraph) -> None:
    """Replace the ``sources`` id lists on the graph's relationships by source objects with ``grade``."""
    ids = [i for _, _, d in graph.edges(data=True) for i in (d.get("sources") or []) if isinstance(i, str)]
    table = resolve_sources(store, ids)
    for _, _, d in graph.edges(data=True):
        if d.get("sources"):
            d["sources"] = [{**table[i], "grade": grade(table[i])} if isinstance(i, str) else i
                            for i in d["sources"]]


def datasets_shown(versions: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Banner flag, attribution lines and dataset names for the versions behind a page's numbers."""
    found = list(versions)
    unfinished = sorted(filter(is_loading, found), key=lambda v: str(v["id"]))
    loading = [{"id": str(v["id"]), "dataset": str(v.get("dataset") or v["id"]),
                "rows": int(v.get("rows_committed") or 0)} for v in unfinished]
    return {"illustrative": any_illustrative(found), "attribution": attribution(found),
            "datasets": sorted({str(v.get("dataset")) for v in found if v.get("dataset")}), "loading": loading}


def event_datasets(store: GraphStore, *, country: str = "", actor: str = "", date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> list[dict[str, Any]]:
    """The dataset versions of the events a page counts (a country's or an actor's, in a window)."""
    found = event_versions(store, country=country, actor=actor, date_from=date_from, date_to=date_to)
    return list(resolve_versions(store, found).values())


def score_datasets(store: GraphStore, shown: Iterable[tuple[str, dt.date]]) -> list[dict[str, Any]]:
    """The dataset versions of the scores a page shows, given as (country id, score date) pairs."""
    pairs = [(c, d) for c, d in shown if d is not None]
    found = score_versions(store, (c for c, _ in pairs))
    return list(resolve_versions(store, (v for p in pairs for v in found.get(p, []))).values())


def country_sources(store: GraphStore, country: str, assessment: str | None,
                    shown: Iterable[str] | None = None) -> dict[str, Any]:
    """Numbered sources of the country's assessments (the latest one's first) and its indicators;
    with ``shown`` (assessment ids), only the sources those assessments cite."""
    bib = Bibliography()
    cited = statement_sources(store, assessment)
    for key in sorted(cited):  # numbered in statement order, never in the order a backend returns rows
        bib.cite(sorted(cited[key]))
    listed = assessment_sources(store, country)
    if shown is not None:
        keep = set(shown)
        listed = [{**s, "assessments": [a for a in s["assessments"] if a in keep]} for s in listed
                  if keep.intersection(s["assessments"])]
    bib.cite(s["id"] for s in listed)
    by_id = {s["id"]: s for s in listed}
    entries = [{**e, "assessments": by_id.get(e["id"], {}).get("assessments", [])} for e in bib.entries(store)]
    return {"sources": entries, "cited": {f"{k}:{i}": bib.cite(v) for (k, i), v in cited.items()}}


def country_provenance(store: GraphStore, d: Mapping[str, Any]) -> dict[str, Any]:
    """What the country dashboard adds to ``d`` (from :func:`viz.dashboard.country_dashboard`)."""
    info = d["info"]
    versions = event_datasets(store, country=d["country"], date_to=d.get("as_of")) if d["events"] else []
    if info.get("scored_on") is not None:
        versions += score_datasets(store, [(d["country"], info["scored_on"])])
    latest = d["latest"]["assessment"] if d.get("latest") else None
    shown = [a["assessment"] for a in d["assessments"]] if d.get("as_of") else None
    sources = country_sources(store, d["country"], latest, shown)
    verified = indicators_verified(store, (r["item"] for r in d["indicators"]))
    indicators = [{**r, "verified": verified.get(r["item"], False),
                   "refs": sources["cited"].get(f"indicator:{r['item']}", [])} for r in d["indicators"]]
    return {**datasets_shown(versions), **sources, "indicators": indicators}


def plan_citations(store: GraphStore, p: Mapping[str, Any], evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Numbered sources of a plan, the options whose score has USHMM terms, and its datasets.

    ``evidence`` maps option ids to :class:`queries.evidence.OptionEvidence`.
    """
    bib = Bibliography()
    assessment = p["assessment"]["assessment"] if p.get("assessment") else None
    cited = statement_sources(store, assessment)
    risks = {r["item"]: bib.cite(cited.get(("finding", r["item"]), [])) for r in p["risks"]}
    options: dict[str, list[int]] = {}
    event_counts = False
    for option, ev in evidence.items():
        used = {t.item for t in ev.explanation if t.kind == "factor"}
        ids = [s for f in ev.factors if f.factor in used for s in f.sources]
        if used:
            options[option] = bib.cite(ids)
        event_counts = event_counts or any(counts_events(f.evidence) for f in ev.factors if f.factor in used)
    entries = bib.entries(store)
    versions = event_datasets(store, country=p["country"], date_to=p.get("as_of")) if event_counts else []
    behind_scores = {n for refs in options.values() for n in refs}
    lines = [f"{e['publisher']}, {e['title']}, {e['url']}" for e in entries
             if e["number"] in behind_scores and e.get("publisher")]
    shown = datasets_shown(versions)
    return {**shown, "attribution": shown["attribution"] + lines, "sources": entries, "risks": risks,
            "options": options}
