"""Every node and every relationship of a store as plain dicts, class by class and type by type:
what the exports (:mod:`graph.export`, :mod:`graph.cypher_export`) and copies between stores read.

The labels and types come from the ontology and are quoted by :func:`graph.schema.quote`; no
user input reaches these texts.

Example:
    >>> from graph.ladybug_store import LadybugStore
    >>> from graph.settings import Settings
    >>> import tempfile, pathlib
    >>> store = LadybugStore(Settings(db_path=pathlib.Path(tempfile.mkdtemp()) / "akg.lbug"))
    >>> store.init_schema()
    >>> list(iter_nodes(store)), list(iter_rels(store))
    ([], [])
    >>> store.close()
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.base import GraphStore
from graph.schema import quote
from ontology.model import load_model

__all__ = ["iter_nodes", "iter_rels"]


def iter_nodes(store: GraphStore) -> Iterator[dict[str, Any]]:
    """Every node as a plain dict, label by label (no ordering: sorting a million events would
    need the whole table in the buffer pool)."""
    for label in load_model().classes:
        yield from (row[0] for row in store.run_read(f"MATCH (n:{quote(label)}) RETURN n").rows)


def iter_rels(store: GraphStore) -> Iterator[dict[str, Any]]:
    """Every relationship as a plain dict (type, source, target, props), type by type."""
    for rel in load_model().relationships:
        q = f"MATCH (a)-[r:{quote(rel)}]->(b) RETURN a.id AS s, b.id AS t, r"
        for s, t, r in store.run_read(q).rows:
            yield {**r, "type": rel, "source": s, "target": t}
