"""Paths on a subgraph: actor to victim group, and chains of leverage over a perpetrator."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.base import GraphStore
from queries.analytics_graphs import ego_graph

__all__ = ["influence", "influence_over", "paths"]


def _edge_paths(graph: nx.MultiDiGraph, source: str, target: str, cutoff: int) -> list[list[Any]]:
    return [list(p) for p in nx.all_simple_edge_paths(graph, source, target, cutoff=cutoff)]


def paths(graph: nx.MultiDiGraph, source: str, target: str, *, cutoff: int = 4) -> list[dict[str, Any]]:
    """All directed simple paths from ``source`` to ``target`` of at most ``cutoff`` steps.

    Returns
    -------
    list of dict
        ``hops``, ``shortest`` (True for the shortest ones), ``nodes`` and ``types``, shortest
        first; parallel relationships give one path each.

    Examples
    --------
    >>> from queries.analytics_graphs import to_graph
    >>> G = to_graph([{"source": "actor/a", "type": "SUPPORTS", "target": "actor/p"},
    ...               {"source": "actor/p", "type": "THREATENS", "target": "group/g"},
    ...               {"source": "actor/a", "type": "THREATENS", "target": "group/g"}])
    >>> [(r["hops"], r["shortest"], r["types"]) for r in paths(G, "actor/a", "group/g")]
    [(1, True, ['THREATENS']), (2, False, ['SUPPORTS', 'THREATENS'])]
    """
    if source not in graph or target not in graph or source == target:
        return []
    rows = [{"hops": len(p), "nodes": [p[0][0]] + [e[1] for e in p], "types": [e[2] for e in p]}
            for p in _edge_paths(graph, source, target, cutoff)]
    rows.sort(key=lambda r: (r["hops"], r["nodes"], r["types"]))
    least = rows[0]["hops"] if rows else 0
    return [{"hops": r["hops"], "shortest": r["hops"] == least, "nodes": r["nodes"],
             "types": r["types"]} for r in rows]


def influence(graph: nx.MultiDiGraph, target: str, *, max_steps: int = 2,
              relation: str = "HAS_LEVERAGE_OVER") -> list[dict[str, Any]]:
    """Who can reach ``target`` through chains of leverage of at most ``max_steps`` steps.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
    target : str
        The actor to influence (typically a potential perpetrator).
    max_steps : int
        Longest chain.
    relation : str
        Relationship type of a step.

    Returns
    -------
    list of dict
        One row per chain: ``actor``, ``name``, ``steps``, ``chain`` (ids from the actor to the
        target) and ``levers`` (the ``lever`` of each step), shortest first.

    Examples
    --------
    >>> from queries.analytics_graphs import to_graph
    >>> G = to_graph([{"source": "actor/r", "type": "HAS_LEVERAGE_OVER", "target": "actor/g",
    ...                "lever": "economic"},
    ...               {"source": "actor/g", "type": "HAS_LEVERAGE_OVER", "target": "actor/p",
    ...                "lever": "military"}])
    >>> [(r["actor"], r["steps"], r["levers"]) for r in influence(G, "actor/p")]
    [('actor/g', 1, ['military']), ('actor/r', 2, ['economic', 'military'])]
    """
    leverage = nx.MultiDiGraph()
    leverage.add_edges_from((u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True) if k == relation)
    if target not in leverage:
        return []
    reach = nx.single_target_shortest_path_length(leverage, target, cutoff=max_steps)
    rows: list[dict[str, Any]] = []
    for actor in sorted(dict(reach)):
        if actor == target:
            continue
        for p in _edge_paths(leverage, actor, target, max_steps):
            rows.append({"actor": actor, "name": graph.nodes[actor].get("name", actor), "steps": len(p),
                         "chain": [actor] + [e[1] for e in p],
                         "levers": [leverage.edges[e].get("lever") for e in p]})
    return sorted(rows, key=lambda r: (r["steps"], r["actor"], r["chain"]))


def influence_over(store: GraphStore, perpetrator: str, *, max_steps: int = 2) -> list[dict[str, Any]]:
    """:func:`influence` on the perpetrator's ego network of ``max_steps`` (at most 3) steps."""
    return influence(ego_graph(store, perpetrator, depth=max_steps), perpetrator, max_steps=max_steps)
