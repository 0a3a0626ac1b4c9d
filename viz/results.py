"""Query results for the console: cells as text, and the nodes and relationships as a graph.

Example:
    >>> rows = [[{"id": "actor/a", "label": "Actor", "name": "A"},
    ...          {"type": "ARMS", "source": "actor/a", "target": "actor/b", "confidence": "low"}]]
    >>> g = result_graph(rows)
    >>> sorted(g.nodes), list(g.edges(keys=True))
    (['actor/a', 'actor/b'], [('actor/a', 'actor/b', 'ARMS')])
    >>> cell_text({"id": "actor/a", "label": "Actor", "name": "A"})
    'A (Actor actor/a)'
    >>> cell_text(rows[0][1], names=node_names(g))
    'A — arms → actor/b (confidence: low)'
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from viz.style import relationship_styles
from viz.subgraphs import class_of

__all__ = ["cell_text", "node_names", "result_graph"]


def _is_node(v: Any) -> bool:
    return isinstance(v, dict) and "id" in v and "label" in v and "type" not in v


def _is_rel(v: Any) -> bool:
    return isinstance(v, dict) and {"type", "source", "target"} <= set(v)


def _is_path(v: Any) -> bool:
    return isinstance(v, dict) and "nodes" in v and "relationships" in v


def node_names(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each node's name (its id when the result gave none)."""
    return {str(n): str(a.get("name") or n) for n, a in graph.nodes(data=True)}


def cell_text(value: Any, names: Mapping[str, str] | None = None) -> str:
    """One result cell as short text (nodes, relationships and paths summarised).

    Relationships read as "source name — type → target name"; ``names`` gives the names of the
    nodes in the result (an end not among them shows its id).
    """
    names = names or {}
    if value is None:
        return ""
    if _is_node(value):
        return f"{value.get('name') or value['id']} ({value['label']} {value['id']})"
    if _is_rel(value):
        style = relationship_styles().get(str(value["type"]))
        kind = style.label if style else str(value["type"])
        source, target = str(value["source"]), str(value["target"])
        confidence = f" (confidence: {value['confidence']})" if value.get("confidence") else ""
        return f"{names.get(source, source)} — {kind} → {names.get(target, target)}{confidence}"
    if _is_path(value):
        return " · ".join(cell_text(n, names) for n in value["nodes"])
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def result_graph(rows: Sequence[Sequence[Any]]) -> nx.MultiDiGraph:
    """Every node, relationship and path found in the cells, as one graph (empty if none)."""
    graph = nx.MultiDiGraph()

    def add_node(n: dict[str, Any]) -> None:
        attrs = {k: v for k, v in n.items() if k not in {"id", "label", "name"} and v not in (None, "", [])}
        graph.add_node(n["id"], label=n["label"], name=n.get("name") or n["id"], **attrs)

    def add_rel(r: dict[str, Any]) -> None:
        for end in (r["source"], r["target"]):
            if end not in graph:
                graph.add_node(end, label=class_of(str(end)), name=end)
        attrs = {k: v for k, v in r.items() if k not in {"type", "source", "target"} and v not in (None, "", [])}
        graph.add_edge(r["source"], r["target"], key=r["type"], **attrs)

    def visit(v: Any) -> None:
        if _is_node(v):
            add_node(v)
        elif _is_rel(v):
            add_rel(v)
        elif _is_path(v):
            for n in v["nodes"]:
                visit(n)
            for r in v["relationships"]:
                visit(r)
        elif isinstance(v, list):
            for x in v:
                visit(x)

    for row in rows:
        for cell in row:
            visit(cell)
    return graph
