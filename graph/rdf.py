"""The graph in RDF: plain nodes/relationships to an rdflib Graph and back to records.

Mapping (all read from the ontology):

- a node is ``<data-base + id> a akg:Class`` with one triple per property value, using the
  property's RDF term (``skos:prefLabel`` for ``name``, ``akg:kind`` for ``kind``, …);
- a relationship is the triple ``<source> akg:TYPE <target>``; when it has properties they sit
  on an ``rdf:Statement`` (standard RDF reification) with a stable IRI
  ``<data-base>stmt/<hash of type, source, target>``.

Reification was chosen over RDF-star because rdflib, pySHACL and SPARQL 1.1 handle it
everywhere today; the statement IRI is derived from the relationship key, so exports are
stable and re-imports are idempotent.

Example:
    >>> from graph.records import Node
    >>> g = to_rdf([{"id": "actor/x", "label": "Actor", "name": "X"}], [])
    >>> sorted(n.id for n in records_from_rdf(g) if isinstance(n, Node))
    ['actor/x']
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from graph.records import Edge, Node
from ontology.errors import InvalidRecord, SourceFormatError
from ontology.model import AKG, DATA, Model, Property, load_model

__all__ = ["Triple", "records_from_rdf", "statement_iri", "to_rdf", "triples"]

_XSD = {"string": None, "integer": XSD.integer, "double": XSD.double, "boolean": XSD.boolean,
        "date": XSD.date}


def statement_iri(rel_type: str, source: str, target: str) -> URIRef:
    """Stable IRI of the rdf:Statement that carries a relationship's properties."""
    digest = hashlib.sha1(f"{rel_type}|{source}|{target}".encode(), usedforsecurity=False)
    return DATA[f"stmt/{digest.hexdigest()[:20]}"]


def _literal(prop: Property, value: Any) -> Literal:
    datatype = _XSD[prop.datatype]
    if prop.datatype == "date" and isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    return Literal(value, datatype=datatype) if datatype else Literal(str(value))


Triple = tuple[URIRef, URIRef, URIRef | Literal]


def _prop_triples(subject: URIRef, props: Mapping[str, Property], values: Mapping[str, Any]) -> Iterator[Triple]:
    for name, value in values.items():
        prop = props.get(name)
        if prop is None or value is None:
            continue
        for item in value if prop.multi else [value]:
            yield subject, prop.rdf_iri, _literal(prop, item)


def triples(
    nodes: Iterable[Mapping[str, Any]],
    rels: Iterable[Mapping[str, Any]],
    model: Model | None = None,
) -> Iterator[Triple]:
    """The triples of plain node dicts and relationship dicts (as run_read returns them), node by
    node and relationship by relationship: the triples of one subject come together. A triple
    repeats only where a store holds a repeated value of a list property (a store holds one
    relationship of a type between two nodes)."""
    m = model or load_model()
    for node in nodes:
        cls = m.classes[node["label"]]
        subject = DATA[node["id"]]
        yield subject, RDF.type, cls.iri
        yield from _prop_triples(subject, cls.properties,
                                 {k: v for k, v in node.items() if k not in {"id", "label"}})
    for rel in rels:
        r = m.relationships[rel["type"]]
        s, o = DATA[rel["source"]], DATA[rel["target"]]
        yield s, r.iri, o
        props = {k: v for k, v in rel.items() if k not in {"type", "source", "target"} and v is not None}
        if props:
            stmt = statement_iri(r.name, rel["source"], rel["target"])
            yield stmt, RDF.type, RDF.Statement
            yield stmt, RDF.subject, s
            yield stmt, RDF.predicate, r.iri
            yield stmt, RDF.object, o
            yield from _prop_triples(stmt, r.properties, props)


def to_rdf(
    nodes: Iterable[Mapping[str, Any]],
    rels: Iterable[Mapping[str, Any]],
    model: Model | None = None,
) -> Graph:
    """An rdflib Graph of plain node dicts and relationship dicts (as run_read returns them)."""
    g = Graph()
    g.bind("akg", AKG)
    g.bind("skos", SKOS)
    g.bind("id", DATA)
    for triple in triples(nodes, rels, model):
        g.add(triple)
    return g


def _node_id(term: Any, where: str) -> str:
    text = str(term)
    if not isinstance(term, URIRef) or not text.startswith(str(DATA)):
        raise SourceFormatError([(where, None, text, f"IRI must start with {DATA}")])
    return text[len(str(DATA)) :]


def _python(prop: Property, term: Any, where: str, subject: str) -> Any:
    if not isinstance(term, Literal):
        raise SourceFormatError([(where, None, f"{subject} {prop.name}", "expected a literal")])
    if prop.datatype == "date":
        try:
            return dt.date.fromisoformat(str(term))
        except ValueError:
            raise SourceFormatError(
                [(where, None, f"{subject} {prop.name}", f"{term!s} is not a date (YYYY-MM-DD)")]
            ) from None
    value = term.toPython()
    if prop.datatype == "string":
        return str(value)
    return value


def records_from_rdf(g: Graph, where: str = "rdf", model: Model | None = None) -> Iterator[Node | Edge]:
    """Nodes and relationships stated in the ontology's own terms.

    Subjects typed with an ontology class become nodes; triples whose predicate is a
    relationship type become relationships, with the properties of their reified statements.
    Other vocabularies' triples (SKOS schemes, Dublin Core on schemes) are ignored; an
    ``akg:`` term the ontology does not define is an error.
    """
    m = model or load_model()
    class_by_iri = {c.iri: c for c in m.classes.values()}
    rel_by_iri = {r.iri: r for r in m.relationships.values()}
    prop_by_iri: dict[URIRef, Property] = {}
    for p in m.properties.values():
        prop_by_iri[p.iri] = p
        prop_by_iri[p.rdf_iri] = p
    problems: list[tuple[str, int | None, str, str]] = []
    for term in set(g.predicates()) | set(g.objects(None, RDF.type)):
        if str(term).startswith(str(AKG)) and term not in rel_by_iri and term not in prop_by_iri \
                and term not in class_by_iri:
            problems.append((where, None, str(term), "is not defined by the ontology"))
    if problems:
        raise SourceFormatError(problems)

    edge_props: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(dict)
    for stmt in g.subjects(RDF.type, RDF.Statement):
        pred = g.value(stmt, RDF.predicate)
        if not isinstance(pred, URIRef) or pred not in rel_by_iri:
            continue
        rel = rel_by_iri[pred]
        key = (rel.name, _node_id(g.value(stmt, RDF.subject), where),
               _node_id(g.value(stmt, RDF.object), where))
        edge_props[key].update(_values(g, stmt, rel.properties, prop_by_iri, where, "/".join(key)))

    for subject, cls_iri in sorted(g.subject_objects(RDF.type)):
        cls = class_by_iri.get(cls_iri)  # type: ignore[call-overload]
        if cls is None:
            continue
        node_id = _node_id(subject, where)
        values = _values(g, subject, cls.properties, prop_by_iri, where, node_id)
        try:
            yield Node.make(node_id, source=where, model=m, **values)
        except InvalidRecord as exc:
            raise SourceFormatError(
                [(where, None, f"{node_id} {k}", "; ".join(v)) for k, v in exc.errors.items()]
            ) from None
    for rel in m.relationships.values():
        for s, o in sorted(g.subject_objects(rel.iri)):
            key = (rel.name, _node_id(s, where), _node_id(o, where))
            edge_props.setdefault(key, {})
    for (rel_type, src, tgt), values in sorted(edge_props.items()):
        try:
            yield Edge.make(rel_type, src, tgt, origin=where, model=m, **values)
        except InvalidRecord as exc:
            raise SourceFormatError(
                [(where, None, f"{rel_type} {src} -> {tgt} {k}", "; ".join(v)) for k, v in exc.errors.items()]
            ) from None


def _values(
    g: Graph,
    subject: Any,
    allowed: Mapping[str, Property],
    prop_by_iri: Mapping[URIRef, Property],
    where: str,
    label: str,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    multi: dict[str, list[Any]] = defaultdict(list)
    for pred, obj in g.predicate_objects(subject):
        prop = prop_by_iri.get(pred)  # type: ignore[call-overload]
        if prop is None or prop.name not in allowed:
            continue
        value = _python(prop, obj, where, label)
        if prop.multi:
            multi[prop.name].append(value)
        elif prop.name in values and values[prop.name] != value:
            raise SourceFormatError([(where, None, f"{label} {prop.name}", "has more than one value")])
        else:
            values[prop.name] = value
    for name, items in multi.items():
        values[name] = tuple(sorted(set(items), key=str))
    return values
