"""The GraphStore interface every backend implements, and the values it returns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from graph.bulk import Bulk
from graph.changes import ChangeSet
from graph.records import Edge, Node

if TYPE_CHECKING:
    from graph.datasets import DatasetSwitch

__all__ = ["GraphStore", "ReadResult", "Stats", "WriteSummary"]


@dataclass(frozen=True)
class ReadResult:
    """Rows of a read query as plain Python values.

    Nodes come back as ``{"id", "label", **props}``, relationships as
    ``{"type", "source", "target", **props}``, paths as ``{"nodes": [...], "relationships": [...]}``.
    """

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False

    def dicts(self) -> list[dict[str, Any]]:
        """Each row as a dict keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def scalar(self) -> Any:
        """The single value of a one-row, one-column result (None when empty)."""
        return self.rows[0][0] if self.rows else None


@dataclass
class WriteSummary:
    """What a write changed."""

    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_unchanged: int = 0
    edges_created: int = 0
    edges_updated: int = 0
    edges_unchanged: int = 0
    nodes_removed: int = 0
    edges_removed: int = 0

    @property
    def changes(self) -> int:
        """Number of nodes and relationships created, updated or removed."""
        return (self.nodes_created + self.nodes_updated + self.edges_created + self.edges_updated
                + self.nodes_removed + self.edges_removed)

    def add(self, other: WriteSummary) -> None:
        """Accumulate another summary into this one."""
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict."""
        return dict(vars(self))


@dataclass(frozen=True)
class Stats:
    """Counts per node label and per relationship type."""

    nodes: Mapping[str, int] = field(default_factory=dict)
    relationships: Mapping[str, int] = field(default_factory=dict)

    @property
    def total_nodes(self) -> int:
        """All nodes."""
        return sum(self.nodes.values())

    @property
    def total_relationships(self) -> int:
        """All relationships."""
        return sum(self.relationships.values())


@runtime_checkable
class GraphStore(Protocol):
    """A graph database holding the atrocity-kg graph.

    Backends: ``ladybug`` (embedded, default) and ``neo4j`` (server). Writes are idempotent
    upserts by ``id`` (nodes) and by (type, source, target) (relationships), one transaction
    per call: all of it is written or none of it.
    """

    backend: str

    def init_schema(self) -> None:
        """Create tables/constraints from the ontology; safe to call again."""

    def write(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> WriteSummary:
        """Upsert nodes and relationships in one transaction."""

    def run_read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> ReadResult:
        """Run a read-only query; writes are refused by the database itself."""

    def stats(self) -> Stats:
        """Counts per label and relationship type."""

    def write_bulk(self, chunks: Iterable[Bulk], switch: DatasetSwitch | None = None) -> WriteSummary:
        """Write the chunks of one large load in one transaction (fast path of the backend);
        with ``switch``, make the load the dataset's new version in that same transaction."""

    def apply(self, changes: ChangeSet) -> None:
        """Apply an exact change set (creates, overwrites, cleared properties, deletes) in one
        transaction; used to replace or retract what an owner asserted."""

    def delete_nodes(self, ids: Sequence[str]) -> int:
        """Remove nodes and their relationships (used by actor merges); one transaction."""

    def close(self) -> None:
        """Release the database."""
