"""SHACL validation of the store's RDF export with pySHACL (shapes from ontology/shapes.ttl)."""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate as shacl_validate
from rdflib import Graph

from graph.base import GraphStore
from graph.dump import iter_nodes, iter_rels
from graph.rdf import to_rdf
from ontology.model import ONTOLOGY_DIR, parse_turtle

__all__ = ["ShaclReport", "validate_graph", "validate_store"]


@dataclass(frozen=True)
class ShaclReport:
    """Whether the data conforms, and pySHACL's text report."""

    conforms: bool
    text: str
    triples: int


def validate_graph(data: Graph) -> ShaclReport:
    """Validate an RDF graph against the project's shapes (SPARQL targets enabled)."""
    shapes = parse_turtle(ONTOLOGY_DIR / "shapes.ttl")
    ontology = parse_turtle(ONTOLOGY_DIR / "akg.ttl")
    conforms, _, text = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True,
        allow_warnings=True,
    )
    return ShaclReport(bool(conforms), str(text), len(data))


def validate_store(store: GraphStore) -> ShaclReport:
    """Export the store to RDF and validate it."""
    return validate_graph(to_rdf(iter_nodes(store), iter_rels(store)))
