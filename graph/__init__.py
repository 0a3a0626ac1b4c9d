"""The graph store: one interface, Ladybug (embedded) and Neo4j backends, export."""

from graph.base import GraphStore, ReadResult, Stats, WriteSummary
from graph.records import Edge, Node
from graph.registry import backend_names, open_store
from graph.settings import Settings

__all__ = [
    "Edge",
    "GraphStore",
    "Node",
    "ReadResult",
    "Settings",
    "Stats",
    "WriteSummary",
    "backend_names",
    "open_store",
]
