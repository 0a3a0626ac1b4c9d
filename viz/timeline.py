"""The dates a network view spans, for its time slider.

A view is replayed as of a day: the slider runs from the earliest date the graph mentions
(relationship ``valid_from``/``valid_to``, event ``date``, an event cluster's ``period``) to
today, and starts on the day asked for (or today).

Example:
    >>> import networkx as nx, datetime as dt
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("c", period="1994-04-07 to 1994-07-15")
    >>> g.add_edge("a", "b", key="ARMS", valid_from=dt.date(1992, 1, 1))
    'ARMS'
    >>> date_span(g, today=dt.date(2000, 1, 1))
    (datetime.date(1992, 1, 1), datetime.date(2000, 1, 1))
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

__all__ = ["date_span", "slider"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEYS = ("valid_from", "valid_to", "date", "period")


def _dates(values: Iterable[Any]) -> Iterable[dt.date]:
    for v in values:
        if isinstance(v, dt.datetime):
            yield v.date()
        elif isinstance(v, dt.date):
            yield v
        elif isinstance(v, str):
            for m in _DATE.findall(v):
                try:
                    yield dt.date.fromisoformat(m)
                except ValueError:
                    continue


def date_span(graph: nx.MultiDiGraph, *, today: dt.date | None = None,
              also: Iterable[dt.date | None] = ()) -> tuple[dt.date, dt.date]:
    """The earliest date of the graph (or of ``also``) and today; a year back when none is found."""
    today = today or dt.date.today()
    found = [*(d for _, a in graph.nodes(data=True) for d in _dates(a.get(k) for k in _KEYS)),
             *(d for _, _, a in graph.edges(data=True) for d in _dates(a.get(k) for k in _KEYS)),
             *(d for d in also if d)]
    start = min((d for d in found if d <= today), default=today - dt.timedelta(days=365))
    return start, today


def slider(view: Mapping[str, Any], as_of: dt.date | None, *, also: Iterable[dt.date | None] = ()) -> dict[str, str]:
    """What a page's time slider needs for a drawn view (``View.as_dict()``): first and last day,
    and the day shown. Dates come from the relationships and from the nodes' tooltips (periods).

    >>> slider({"nodes": [{"title": "period: 1994-04-07 to 1994-07-15"}], "edges": []}, None,
    ...        also=[dt.date(1994, 1, 1)])["min"]
    '1994-01-01'
    """
    graph = nx.MultiDiGraph()
    for i, n in enumerate(view.get("nodes") or []):
        graph.add_node(i, period=str(n.get("title") or ""))
    for e in view.get("edges") or []:
        graph.add_edge("a", "b", **{k: e[k] for k in _KEYS if e.get(k)})
    start, end = date_span(graph, also=also)
    return {"min": start.isoformat(), "max": end.isoformat(), "value": (as_of or end).isoformat()}
