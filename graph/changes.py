"""An exact change to the graph: what to create, overwrite, clear and delete, applied at once.

Ordinary writes merge (:mod:`graph.upsert`); replacing what an owner asserted needs exact
control instead: properties set to ``None`` are cleared, relationships and nodes are deleted.
A :class:`ChangeSet` says all of it per label (nodes) and per (type, source label, target
label) (relationships); each backend applies one in a single transaction
(``GraphStore.apply``), deleting first, then creating, then updating.

Example:
    >>> c = ChangeSet()
    >>> c.update_node("Actor", "actor/x", {"description": None})
    >>> c.delete_edge(("FINDS", "Assessment", "RiskFactor"), ("assessment/A", "rf/RF1"))
    >>> c.counts()
    {'created': 0, 'updated': 1, 'removed': 1}
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ChangeSet", "EdgeGroup"]

EdgeGroup = tuple[str, str, str]  # relationship type, source label, target label
Pair = tuple[str, str]


def _nodes() -> defaultdict[str, dict[str, dict[str, Any]]]:
    return defaultdict(dict)


def _edges() -> defaultdict[EdgeGroup, dict[Pair, dict[str, Any]]]:
    return defaultdict(dict)


@dataclass
class ChangeSet:
    """Nodes and relationships to create / update (``None`` clears a property) / delete."""

    create_nodes: defaultdict[str, dict[str, dict[str, Any]]] = field(default_factory=_nodes)
    update_nodes: defaultdict[str, dict[str, dict[str, Any]]] = field(default_factory=_nodes)
    delete_nodes: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    create_edges: defaultdict[EdgeGroup, dict[Pair, dict[str, Any]]] = field(default_factory=_edges)
    update_edges: defaultdict[EdgeGroup, dict[Pair, dict[str, Any]]] = field(default_factory=_edges)
    delete_edges: defaultdict[EdgeGroup, list[Pair]] = field(default_factory=lambda: defaultdict(list))

    def create_node(self, label: str, node_id: str, props: dict[str, Any]) -> None:
        """Create a node (no ``None`` values)."""
        self.create_nodes[label][node_id] = {k: v for k, v in props.items() if v is not None}

    def update_node(self, label: str, node_id: str, props: dict[str, Any]) -> None:
        """Overwrite the given properties of a stored node (``None`` clears one)."""
        if props:
            self.update_nodes[label][node_id] = props

    def delete_node(self, label: str, node_id: str) -> None:
        """Delete a node with any relationships it still has."""
        self.delete_nodes[label].append(node_id)

    def create_edge(self, group: EdgeGroup, pair: Pair, props: dict[str, Any]) -> None:
        """Create a relationship (both ends exist or are created here)."""
        self.create_edges[group][pair] = {k: v for k, v in props.items() if v is not None}

    def update_edge(self, group: EdgeGroup, pair: Pair, props: dict[str, Any]) -> None:
        """Overwrite the given properties of a stored relationship (``None`` clears one)."""
        if props:
            self.update_edges[group][pair] = props

    def delete_edge(self, group: EdgeGroup, pair: Pair) -> None:
        """Delete a stored relationship."""
        self.delete_edges[group].append(pair)

    def counts(self) -> dict[str, int]:
        """How many statements are created, updated and removed."""
        def size(groups: Any) -> int:
            return sum(len(v) for v in groups.values())
        return {
            "created": size(self.create_nodes) + size(self.create_edges),
            "updated": size(self.update_nodes) + size(self.update_edges),
            "removed": size(self.delete_nodes) + size(self.delete_edges),
        }

    def __bool__(self) -> bool:
        return any(self.counts().values())
