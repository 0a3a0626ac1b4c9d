"""Provenance of the explorer, the network views and the response planner's briefing.

- :func:`network_provenance` and :func:`label_view`: the dataset versions of the event
  clusters a network shows (banner when illustrative, attribution lines);
- :func:`plan_provenance`: a plan's numbered sources (findings, USHMM evidence), which options'
  scores have USHMM terms, and its datasets;
- :func:`briefing_markdown`: the Markdown briefing with footnotes (``[^1]``), the banner and the
  attribution.

Example:
    >>> md = "# Plan\\n\\n## Present risk factors (level 2 or higher)\\n\\n- **Tensions** — level 2, rising: x\\n"
    >>> p = {"risks": [{"item": "rf/RF9", "name": "Tensions"}], "stages": [], "options": []}
    >>> prov = {"risks": {"rf/RF9": [1]}, "options": {}, "illustrative": False, "attribution": [], "datasets": [],
    ...         "sources": [{"number": 1, "grade": "B2", "title": "Report", "publisher": "Monitor",
    ...                      "date": None, "url": "https://example.org/r", "id": "source/r"}]}
    >>> print(briefing_markdown(md, p, prov))  # doctest: +NORMALIZE_WHITESPACE
    # Plan
    <BLANKLINE>
    ## Present risk factors (level 2 or higher)
    <BLANKLINE>
    - **Tensions** — level 2, rising: x [^1]
    <BLANKLINE>
    ## Sources
    <BLANKLINE>
    [^1]: [B2] Report, Monitor. <https://example.org/r>
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.base import GraphStore
from queries.evidence import response_evidence
from viz.network import View
from viz.provenance import datasets_shown, event_datasets, plan_citations
from viz.style import CLUSTER

__all__ = ["briefing_markdown", "label_view", "network_provenance", "plan_provenance"]


def _clusters(graph: nx.MultiDiGraph) -> bool:
    return any(d.get("label") == CLUSTER for _, d in graph.nodes(data=True))


def network_provenance(store: GraphStore, graph: nx.MultiDiGraph, *, actor: str = "", country: str = "",
                       date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[str, Any]:
    """Banner and attribution for an actor's or a country's network (its event clusters, in the window)."""
    versions = event_datasets(store, actor=actor, country=country, date_from=date_from,
                              date_to=date_to) if _clusters(graph) else []
    return datasets_shown(versions)


def label_view(view: View, prov: Mapping[str, Any]) -> View:
    """Put the banner flag and the attribution lines of ``prov`` in a self-contained view's meta."""
    view.meta.update(illustrative=prov["illustrative"], attribution=prov["attribution"], datasets=prov["datasets"])
    return view


def plan_provenance(store: GraphStore, p: Mapping[str, Any]) -> dict[str, Any]:
    """Numbered sources, USHMM options and datasets of a plan from :func:`viz.planner.plan`."""
    evidence = {}
    if p.get("assessment") and p.get("as_of"):
        evidence = {e.option: e for e in response_evidence(store, p["country"], p["as_of"]).options}
    return plan_citations(store, p, evidence)


def _marks(numbers: list[int]) -> str:
    return "".join(f"[^{n}]" for n in numbers)


def briefing_markdown(md: str, p: Mapping[str, Any], prov: Mapping[str, Any]) -> str:
    """``md`` (from :func:`viz.planner.plan_markdown`) with footnotes, banner and attribution."""
    risks = {f"- **{r['name']}** — level": prov["risks"].get(r["item"], []) for r in p["risks"]}
    options = {f"{o['rank']}. **{o['name']}**": prov["options"][o["option"]]
               for o in p["options"] if o["option"] in prov["options"]}
    out: list[str] = []
    for line in md.rstrip("\n").split("\n"):
        refs = next((n for k, n in risks.items() if line.startswith(k)), None)
        if refs:
            line = f"{line} {_marks(refs)}"
        used = next((n for k, n in options.items() if line.startswith(k)), None)
        if used is not None:
            line = f"{line}; evidence on what works: USHMM Tools for Atrocity Prevention {_marks(used)}".rstrip()
        out.append(line)
        if line.startswith("# ") and len(out) == 1 and prov["illustrative"]:
            out += ["", f"> **Illustrative data**: the {', '.join(prov['datasets'])} numbers this briefing relies on "
                        "are made up for demonstration and tests; they are not evidence."]
    if prov["sources"]:
        out += ["", "## Sources", ""]
        for s in prov["sources"]:
            parts = [s.get("title") or s["id"], s.get("publisher"), str(s["date"]) if s.get("date") else None]
            url = f" <{s['url']}>" if s.get("url") else ""
            out.append(f"[^{s['number']}]: [{s['grade']}] {', '.join(x for x in parts if x)}.{url}")
    if prov["attribution"]:
        out += ["", "## Data attribution", ""] + [f"- {line}" for line in prov["attribution"]]
    return "\n".join(out) + "\n"
