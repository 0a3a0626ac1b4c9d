"""Copy a whole graph from one store to another (``akg copy --from ladybug --to neo4j``).

Every node and relationship of the source is read label by label and type by type
(:func:`graph.export.iter_nodes`, :func:`graph.export.iter_rels`), rebuilt as records (so
the ontology checks them again) and upserted into the target in one transaction: a copy that
fails leaves the target as it was, a copy into an empty store is the same graph, and copying
again changes nothing.

Example:
    >>> node_record({"id": "actor/x", "label": "Actor", "name": "X", "kind": "militia"}).props
    {'kind': 'militia', 'name': 'X'}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.base import GraphStore, WriteSummary
from graph.export import iter_nodes, iter_rels
from graph.records import Edge, Node

__all__ = ["copy_graph", "edge_record", "node_record"]


def node_record(node: Mapping[str, Any]) -> Node:
    """A node as a store returns it (``id``, ``label``, properties) as a record."""
    props = {k: v for k, v in node.items() if k not in {"id", "label"} and v is not None}
    return Node.make(str(node["id"]), **props)


def edge_record(rel: Mapping[str, Any]) -> Edge:
    """A relationship as :func:`graph.export.iter_rels` yields it, as a record."""
    props = {k: v for k, v in rel.items() if k not in {"type", "source", "target"} and v is not None}
    return Edge.make(str(rel["type"]), str(rel["source"]), str(rel["target"]), **props)


def copy_graph(source: GraphStore, target: GraphStore) -> WriteSummary:
    """Upsert every node and relationship of ``source`` into ``target`` in one transaction."""
    nodes = [node_record(n) for n in iter_nodes(source)]
    edges = [edge_record(r) for r in iter_rels(source)]
    target.init_schema()
    return target.write(nodes, edges)
