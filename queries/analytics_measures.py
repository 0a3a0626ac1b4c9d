"""Network measures on a subgraph: centrality, communities, bridges and brokers.

Graph first, keyword options, rows out (``list[dict]`` with ids and scores).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from queries.analytics_graphs import node_row, simple_graph

__all__ = ["SUPPORT_TYPES", "bridges", "brokers", "centrality", "communities"]

# Relationship types through which one actor helps another act (supporters -> perpetrators).
SUPPORT_TYPES = frozenset({"SUPPORTS", "ARMS", "FUNDS", "COMMANDS"})
_NAME_COLUMNS = {"source_name", "target_name"}


def centrality(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Degree, betweenness and eigenvector centrality of every node (brokers first).

    Computed on the undirected simple graph (parallel relationships count once).

    Parameters
    ----------
    graph : networkx.MultiDiGraph

    Returns
    -------
    list of dict
        ``id``, ``name``, ``label``, ``degree``, ``betweenness``, ``eigenvector`` per node,
        sorted by betweenness, then degree (descending), then id.

    Examples
    --------
    >>> from queries.analytics_graphs import to_graph
    >>> G = to_graph([{"source": "actor/a", "type": "SUPPORTS", "target": "actor/b"},
    ...               {"source": "actor/b", "type": "SUPPORTS", "target": "actor/c"}])
    >>> [(r["id"], r["betweenness"]) for r in centrality(G)]
    [('actor/b', 1.0), ('actor/a', 0.0), ('actor/c', 0.0)]
    """
    simple = simple_graph(graph)
    if simple.number_of_nodes() == 0:
        return []
    degree = nx.degree_centrality(simple)
    between = nx.betweenness_centrality(simple)
    try:
        eigen: Mapping[str, float] = nx.eigenvector_centrality(simple, max_iter=1000)
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException):
        eigen = {}
    rows = [{**node_row(graph, n), "degree": round(degree[n], 6), "betweenness": round(between[n], 6),
             "eigenvector": round(eigen[n], 6) if n in eigen else None} for n in simple]
    return sorted(rows, key=lambda r: (-r["betweenness"], -r["degree"], r["id"]))


def communities(graph: nx.MultiDiGraph, *, method: str = "greedy", resolution: float = 1.0,
                seed: int | None = None) -> list[dict[str, Any]]:
    """Communities of the undirected simple graph, one row per node.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
    method : {"greedy", "louvain"}
        Greedy modularity (deterministic) or Louvain (random: pass ``seed``).
    resolution : float
        Above 1 favours smaller communities.
    seed : int, optional
        Random seed for Louvain.

    Returns
    -------
    list of dict
        ``id``, ``name``, ``label``, ``community`` (0 is the largest), ``size``.

    Examples
    --------
    >>> from queries.analytics_graphs import to_graph
    >>> G = to_graph([{"source": "actor/a", "type": "SUPPORTS", "target": "actor/b"},
    ...               {"source": "actor/c", "type": "SUPPORTS", "target": "actor/d"}])
    >>> [(r["id"], r["community"]) for r in communities(G)]
    [('actor/a', 0), ('actor/b', 0), ('actor/c', 1), ('actor/d', 1)]
    """
    simple = simple_graph(graph)
    if simple.number_of_nodes() == 0:
        return []
    if method == "greedy":
        found = nx.community.greedy_modularity_communities(simple, resolution=resolution)
    elif method == "louvain":
        found = nx.community.louvain_communities(simple, resolution=resolution, seed=seed)
    else:
        raise ValueError(f"unknown method {method!r}; use 'greedy' or 'louvain'")
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    rows = [{**node_row(graph, n), "community": i, "size": len(c)} for i, c in enumerate(ordered) for n in c]
    return sorted(rows, key=lambda r: (r["community"], r["id"]))


def _perpetrators(graph: nx.MultiDiGraph, perpetrators: Iterable[str] | None) -> set[str]:
    if perpetrators is not None:
        return {p for p in perpetrators if p in graph}
    return {n for n, d in graph.nodes(data=True) if d.get("perpetrator")}


def bridges(graph: nx.MultiDiGraph, perpetrators: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Relationships whose removal cuts perpetrators off from other actors.

    A bridge of the undirected simple graph is reported when one side holds at least one
    perpetrator and the other side at least one actor.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
    perpetrators : iterable of str, optional
        Perpetrator ids (default: nodes with ``perpetrator=True``).

    Returns
    -------
    list of dict
        ``source``, ``target``, ``types``, ``perpetrator_side`` (perpetrators cut off) and
        ``other_side`` (the actors on the other side).

    Examples
    --------
    >>> from queries.analytics_graphs import to_graph
    >>> G = to_graph([{"source": "actor/s", "type": "ARMS", "target": "actor/p"},
    ...               {"source": "actor/p", "type": "THREATENS", "target": "group/g"}])
    >>> [(r["source"], r["target"], r["other_side"]) for r in bridges(G, ["actor/p"])]
    [('actor/p', 'actor/s', ['actor/s'])]
    """
    perps = _perpetrators(graph, perpetrators)
    simple = simple_graph(graph)
    rows: list[dict[str, Any]] = []
    for u, v in nx.bridges(simple):
        types = sorted(simple[u][v]["types"])
        simple.remove_edge(u, v)
        side_u, side_v = nx.node_connected_component(simple, u), nx.node_connected_component(simple, v)
        simple.add_edge(u, v, types=set(types))
        for mine, other in ((side_u, side_v), (side_v, side_u)):
            cut = sorted(mine & perps)
            actors = sorted(n for n in other if graph.nodes[n].get("label") == "Actor" and n not in perps)
            if cut and actors:
                a, b = sorted((u, v))
                rows.append({"source": a, "target": b, "types": types, "perpetrator_side": cut,
                             "other_side": actors})
    return sorted(rows, key=lambda r: (r["source"], r["target"], r["perpetrator_side"]))


def brokers(graph: nx.MultiDiGraph, perpetrators: Iterable[str] | None = None,
            supporters: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Nodes lying on the shortest ties between supporters and perpetrators.

    Betweenness counted only over (supporter, perpetrator) pairs of the undirected simple graph.
    Supporters default to the non-perpetrator sources of SUPPORTS, ARMS, FUNDS or COMMANDS
    relationships.

    Returns
    -------
    list of dict
        ``id``, ``name``, ``label``, ``score`` for every node with a score above zero.

    Examples
    --------
    >>> from queries.analytics_graphs import to_graph
    >>> G = to_graph([{"source": "actor/s", "type": "FUNDS", "target": "actor/m"},
    ...               {"source": "actor/m", "type": "SUPPORTS", "target": "actor/p"}])
    >>> [(r["id"], r["score"]) for r in brokers(G, ["actor/p"], ["actor/s"])]
    [('actor/m', 0.5)]
    """
    perps = _perpetrators(graph, perpetrators)
    if supporters is None:
        sources = {u for u, _, k in graph.edges(keys=True) if k in SUPPORT_TYPES and u not in perps}
    else:
        sources = {s for s in supporters if s in graph}
    if not perps or not sources:
        return []
    score = nx.betweenness_centrality_subset(simple_graph(graph), sources=sources, targets=perps)
    rows = [{**node_row(graph, n), "score": round(s, 6)} for n, s in score.items() if s > 0]
    return sorted(rows, key=lambda r: (-r["score"], r["id"]))
