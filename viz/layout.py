"""Node sizes and a fast server-side layout for networks too large for the browser's physics.

Example:
    >>> import networkx as nx
    >>> pos = spiral_layout(nx.path_graph(["a", "b", "c"]))
    >>> sorted(pos), pos["a"] != pos["b"]
    (['a', 'b', 'c'], True)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping

import networkx as nx

from queries.analytics import centrality

__all__ = ["BETWEENNESS_MAX_NODES", "grouped_layout", "node_scores", "spiral_layout"]

# Above this many nodes only degree centrality is computed (betweenness is O(n·m)).
BETWEENNESS_MAX_NODES = 400
_GOLDEN = math.pi * (3 - math.sqrt(5))


def node_scores(graph: nx.MultiDiGraph) -> tuple[str, dict[str, float]]:
    """Centrality of each node scaled to 0..1, and the measure used.

    Betweenness (with degree to break ties) for graphs up to :data:`BETWEENNESS_MAX_NODES`
    nodes, degree above.
    """
    n = graph.number_of_nodes()
    if n == 0:
        return "degree", {}
    if n <= BETWEENNESS_MAX_NODES:
        rows = centrality(graph)
        raw = {str(r["id"]): float(r["betweenness"]) + 0.25 * float(r["degree"]) for r in rows}
        measure = "betweenness"
    else:
        degrees = {str(k): float(v) for k, v in graph.degree()}
        raw = degrees
        measure = "degree"
    top = max(raw.values(), default=0.0) or 1.0
    return measure, {k: v / top for k, v in raw.items()}


def spiral_layout(graph: nx.Graph | nx.MultiDiGraph, *, spacing: float = 38.0) -> dict[Hashable, tuple[float, float]]:
    """Positions for a large graph in O(n + m): each connected component is a sunflower spiral.

    Nodes are placed in breadth-first order from the component's best-connected node, so
    neighbours sit close together; components are packed in rows, largest first. Used when
    the graph is too large for the browser to lay out with physics.
    """
    simple = nx.Graph(graph.to_undirected()) if graph.is_directed() else graph
    return _pack(simple, [list(c) for c in nx.connected_components(simple)], spacing)


def grouped_layout(graph: nx.Graph | nx.MultiDiGraph, groups: list[list[Hashable]], *,
                   spacing: float = 38.0) -> dict[Hashable, tuple[float, float]]:
    """Like :func:`spiral_layout`, one sunflower per group (a community) instead of per component."""
    simple = nx.Graph(graph.to_undirected()) if graph.is_directed() else graph
    return _pack(simple, groups, spacing)


def _pack(simple: nx.Graph, groups: list[list[Hashable]], spacing: float) -> dict[Hashable, tuple[float, float]]:
    components = sorted((sorted(c, key=str) for c in groups), key=len, reverse=True)
    positions: dict[Hashable, tuple[float, float]] = {}
    radii = [spacing * math.sqrt(len(c)) + spacing for c in components]
    row_width = max(2 * radii[0] if radii else 0.0, spacing * math.sqrt(simple.number_of_nodes()) * 3)
    x = y = 0.0
    row_height = 0.0
    for component, radius in zip(components, radii, strict=True):
        if x > 0 and x + 2 * radius > row_width:
            x, y = 0.0, y + row_height
            row_height = 0.0
        cx, cy = x + radius, y + radius
        for k, node in enumerate(_bfs_order(simple, component)):
            r = spacing * math.sqrt(k)
            positions[node] = (round(cx + r * math.cos(k * _GOLDEN), 1), round(cy + r * math.sin(k * _GOLDEN), 1))
        x += 2 * radius
        row_height = max(row_height, 2 * radius)
    return positions


def _bfs_order(graph: nx.Graph, component: list[Hashable]) -> list[Hashable]:
    sub = graph.subgraph(component)
    degree: Mapping[Hashable, int] = dict(sub.degree())
    order: list[Hashable] = []
    seen: set[Hashable] = set()
    for start in sorted(component, key=lambda n: (-degree[n], str(n))):
        if start not in seen:
            part = [start] + [v for _, v in nx.bfs_edges(sub, start)]
            seen.update(part)
            order += part
    return order
