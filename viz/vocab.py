"""Labels of the reference vocabularies the pages show: stages, categories, risk factors.

Read once from the ontology's SKOS files (``ontology/vocab``), so pages never spell them out.

Example:
    >>> [s.code for s in stages()][:2]
    ['UP', 'EW']
    >>> len(risk_factors()), risk_factors()[0].id
    (14, 'rf/RF1')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from ontology.model import AKG, DATA, ONTOLOGY_DIR, parse_turtle

__all__ = ["Concept", "categories", "risk_factors", "stages"]


@dataclass(frozen=True)
class Concept:
    """One concept of a scheme: id, code, label, definition and position."""

    id: str
    code: str
    label: str
    definition: str
    position: int


@cache
def _graph() -> Graph:
    g = Graph()
    for path in sorted((ONTOLOGY_DIR / "vocab").glob("*.ttl")):
        parse_turtle(path, g)
    return g


def _scheme(name: str) -> list[Concept]:
    """The top concepts of a scheme, in order."""
    g = _graph()
    scheme = URIRef(str(DATA) + f"scheme/{name}")
    out = []
    for i, c in enumerate(sorted(g.subjects(SKOS.topConceptOf, scheme), key=str)):
        pos = g.value(c, AKG.position)
        out.append(Concept(
            id=str(c)[len(str(DATA)):], code=str(g.value(c, SKOS.notation) or ""),
            label=str(g.value(c, SKOS.prefLabel) or ""), definition=str(g.value(c, SKOS.definition) or ""),
            position=int(pos.toPython()) if isinstance(pos, Literal) else 100 + i))
    return sorted(out, key=lambda c: (c.position, c.id))




@cache
def stages() -> list[Concept]:
    """The stages of the continuum of steps, in order."""
    return _scheme("stages")


@cache
def categories() -> list[Concept]:
    """The response categories (diplomatic, informational, …)."""
    return _scheme("categories")


@cache
def risk_factors() -> list[Concept]:
    """The 14 risk factors of the UN Framework of Analysis, in order."""
    return _scheme("framework-of-analysis")
