"""Network analytics: subgraphs pulled with named queries into networkx, measures out as rows.

Graph first, keyword options with defaults, plain ``list[dict]`` out (ids and scores, ready
for the API and the viz). :func:`to_graph` turns relationship rows into the
``nx.MultiDiGraph`` every other function takes; :func:`country_graph`, :func:`ego_graph` and
:func:`window_graph` pull one from the store. Measures work on any such graph:
:func:`centrality`, :func:`communities`, :func:`bridges`, :func:`brokers`, :func:`paths` and
:func:`influence`.

Examples
--------
>>> G = to_graph([
...     {"source": "actor/a", "type": "SUPPORTS", "target": "actor/p"},
...     {"source": "actor/b", "type": "HAS_LEVERAGE_OVER", "target": "actor/a"},
...     {"source": "actor/p", "type": "THREATENS", "target": "group/g"},
... ])
>>> [r["id"] for r in centrality(G)][:2]
['actor/a', 'actor/p']
>>> [(r["actor"], r["steps"]) for r in influence(G, "actor/a")]
[('actor/b', 1)]
"""

from __future__ import annotations

from queries.analytics_graphs import country_graph, ego_graph, simple_graph, to_graph, window_graph
from queries.analytics_measures import bridges, brokers, centrality, communities
from queries.analytics_paths import influence, influence_over, paths

__all__ = [
    "bridges",
    "brokers",
    "centrality",
    "communities",
    "country_graph",
    "ego_graph",
    "influence",
    "influence_over",
    "paths",
    "simple_graph",
    "to_graph",
    "window_graph",
]
