"""The reference vocabularies shipped with the ontology, as records.

Example:
    >>> recs = list(read())
    >>> sum(1 for r in recs if isinstance(r, Node) and r.label == "RiskFactor")
    14
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.rdf import records_from_rdf
from graph.records import Edge, Node
from loaders.rdf import parse
from ontology.model import ONTOLOGY_DIR

__all__ = ["read", "vocabulary_files"]


def vocabulary_files() -> list[str]:
    """Names of the vocabulary files, in load order."""
    return sorted(p.name for p in (ONTOLOGY_DIR / "vocab").glob("*.ttl"))


def read() -> Iterator[Node | Edge]:
    """Every node and relationship the vocabularies define (all files parsed together)."""
    paths = sorted((ONTOLOGY_DIR / "vocab").glob("*.ttl"))
    yield from records_from_rdf(parse(paths), where="ontology/vocab")
