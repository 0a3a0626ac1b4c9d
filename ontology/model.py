"""The ontology as Python objects, read once from ``akg.ttl`` and ``shapes.ttl``.

Nothing else in the project names a class, relationship or property: every other module
asks the :class:`Model`.

Example:
    >>> m = load_model()
    >>> m.node_class("Actor").properties["aliases"].multi
    True
    >>> sorted(m.relationship("THREATENS").range)
    ['VictimGroup']
    >>> m.constraint("Source", "reliability").values
    ('A', 'B', 'C', 'D', 'E', 'F')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.exceptions import ParserError
from rdflib.namespace import OWL, SH, SKOS, XSD
from rdflib.term import Node as RdfNode

from ontology.errors import OntologyError

__all__ = [
    "AKG",
    "DATA",
    "ONTOLOGY_DIR",
    "Constraint",
    "Model",
    "NodeClass",
    "Property",
    "Relationship",
    "load_model",
    "parse_turtle",
]

AKG = Namespace("https://w3id.org/atrocity-kg/ontology#")
DATA = Namespace("https://w3id.org/atrocity-kg/id/")
ONTOLOGY_DIR = Path(__file__).resolve().parent

_XSD_TYPES = {
    XSD.string: "string",
    XSD.integer: "integer",
    XSD.double: "double",
    XSD.boolean: "boolean",
    XSD.date: "date",
}


@dataclass(frozen=True, slots=True)
class Property:
    """A datatype property: its graph name, RDF term and value type."""

    name: str
    iri: URIRef
    rdf_iri: URIRef
    datatype: str
    multi: bool
    merge_union: bool
    label: str
    definition: str
    precedence: bool = False


@dataclass(frozen=True, slots=True)
class Constraint:
    """What SHACL says of one property on one class or relationship type."""

    required: bool = False
    values: tuple[str | int, ...] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class NodeClass:
    """A node class (graph label)."""

    name: str
    iri: URIRef
    label: str
    definition: str
    id_prefix: str
    properties: Mapping[str, Property]


@dataclass(frozen=True, slots=True)
class Relationship:
    """A relationship type with the classes it may connect and the properties it may carry."""

    name: str
    iri: URIRef
    label: str
    definition: str
    domain: frozenset[str]
    range: frozenset[str]
    properties: Mapping[str, Property]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Every allowed (source class, target class) pair, sorted."""
        return sorted((a, b) for a in self.domain for b in self.range)


@dataclass(frozen=True)
class Model:
    """The whole schema: classes, relationship types, properties and constraints."""

    classes: Mapping[str, NodeClass]
    relationships: Mapping[str, Relationship]
    properties: Mapping[str, Property]
    constraints: Mapping[tuple[str, str], Constraint] = field(repr=False)
    graph: Graph = field(repr=False)
    by_prefix: Mapping[str, NodeClass] = field(repr=False)
    _required: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def node_class(self, name: str) -> NodeClass:
        """The class called ``name``; an unknown name raises with the closest ones."""
        try:
            return self.classes[name]
        except KeyError:
            raise OntologyError(_unknown("class", name, self.classes)) from None

    def relationship(self, name: str) -> Relationship:
        """The relationship type called ``name``; an unknown name raises with the closest ones."""
        try:
            return self.relationships[name]
        except KeyError:
            raise OntologyError(_unknown("relationship type", name, self.relationships)) from None

    def prop(self, name: str) -> Property:
        """The property called ``name``."""
        try:
            return self.properties[name]
        except KeyError:
            raise OntologyError(_unknown("property", name, self.properties)) from None

    def constraint(self, owner: str, prop: str) -> Constraint:
        """SHACL constraints of ``prop`` on class or relationship ``owner`` (empty if none).

        Relationship properties shared by every type fall back to the shape of
        ``akg:relationship``.
        """
        found = self.constraints.get((owner, prop))
        if found is None and owner in self.relationships:
            found = self.constraints.get(("relationship", prop))
        return found or Constraint()

    def required(self, owner: str) -> frozenset[str]:
        """Names of the properties SHACL requires on a class or relationship type."""
        found = self._required.get(owner)
        if found is None:
            props = self.owner_properties(owner)
            found = frozenset(p for p in props if self.constraint(owner, p).required)
            self._required[owner] = found
        return found

    def owner_properties(self, owner: str) -> Mapping[str, Property]:
        """Properties of a class or relationship type."""
        if owner in self.classes:
            return self.classes[owner].properties
        return self.relationship(owner).properties

    def class_of(self, node_id: str) -> NodeClass:
        """The class of a node id, read from its prefix.

        >>> load_model().class_of("actor/interahamwe").name
        'Actor'
        """
        prefix, sep, rest = node_id.partition("/")
        found = self.by_prefix.get(prefix)
        if not sep or not rest or found is None:
            known = ", ".join(sorted(self.by_prefix))
            raise OntologyError(f"id {node_id!r} must start with a class prefix ({known}) and '/'")
        return found

    def names(self) -> frozenset[str]:
        """Every class, relationship and property name the ontology defines."""
        return frozenset(self.classes) | frozenset(self.relationships) | frozenset(self.properties)

    def iri(self, node_id: str) -> URIRef:
        """The IRI of a node id."""
        return DATA[node_id]


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"unknown {kind} {name!r}{hint}"


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse a Turtle file; a syntax error names the file and the line."""
    g = graph if graph is not None else Graph()
    try:
        g.parse(path, format="turtle")
    except (ParserError, SyntaxError, ValueError) as exc:
        raise OntologyError(f"{path}: {exc}") from exc
    except Exception as exc:  # rdflib's notation3 BadSyntax does not derive from the above
        if type(exc).__name__ == "BadSyntax":
            raise OntologyError(f"{path}: {exc}") from exc
        raise
    return g


def _local(iri: RdfNode) -> str:
    text = str(iri)
    if not text.startswith(str(AKG)):
        raise OntologyError(f"{text} is outside the akg namespace")
    return text[len(str(AKG)) :]


def _text(g: Graph, s: RdfNode, p: URIRef) -> str:
    value = g.value(s, p)
    return str(value) if value is not None else ""


def _class_set(g: Graph, node: RdfNode | None, all_classes: frozenset[str]) -> frozenset[str]:
    if node is None:
        raise OntologyError("a domain or range is missing")
    union = g.value(node, OWL.unionOf)
    if union is not None:
        return frozenset(_local(c) for c in Collection(g, union))
    name = _local(node)
    return all_classes if name == "Entity" else frozenset({name})


def _number(term: RdfNode) -> float:
    if not isinstance(term, Literal):
        raise OntologyError(f"expected a number, got {term}")
    return float(term.toPython())


def _read_constraints(
    shapes: Graph, by_rdf_iri: Mapping[URIRef, str], rel_iris: frozenset[URIRef]
) -> dict[tuple[str, str], Constraint]:
    """Constraints per (class or relationship, property), keyed by graph names."""
    out: dict[tuple[str, str], Constraint] = {}
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        target = shapes.value(shape, AKG.constrains) or shapes.value(shape, SH.targetClass)
        if target is None:
            raise OntologyError(f"shapes: {shape} has neither sh:targetClass nor akg:constrains")
        owner = _local(target)
        for prop_shape in shapes.objects(shape, SH.property):
            path = shapes.value(prop_shape, SH.path)
            if path in rel_iris or str(path).startswith(str(RDF)):
                continue  # structure checks for pySHACL only
            if not isinstance(path, URIRef) or path not in by_rdf_iri:
                raise OntologyError(f"shapes: {owner} constrains unknown property {path}")
            values_node = shapes.value(prop_shape, SH["in"])
            values = (
                tuple(v.toPython() for v in Collection(shapes, values_node) if isinstance(v, Literal))
                if values_node is not None
                else None
            )
            min_count = shapes.value(prop_shape, SH.minCount)
            lo = shapes.value(prop_shape, SH.minInclusive)
            hi = shapes.value(prop_shape, SH.maxInclusive)
            pattern = shapes.value(prop_shape, SH.pattern)
            out[(owner, by_rdf_iri[path])] = Constraint(
                required=min_count is not None and _number(min_count) > 0,
                values=values,
                min=_number(lo) if lo is not None else None,
                max=_number(hi) if hi is not None else None,
                pattern=str(pattern) if pattern is not None else None,
            )
    return out


def build_model(ontology_file: Path, shapes_file: Path) -> Model:
    """Build a :class:`Model` from the ontology and shapes files (use :func:`load_model`)."""
    g = parse_turtle(ontology_file)
    class_iris = sorted(
        c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and c != AKG.Entity
    )
    all_classes = frozenset(_local(c) for c in class_iris)
    rel_iris = sorted(
        r for r in g.subjects(RDFS.subPropertyOf, AKG.relationship) if isinstance(r, URIRef)
    )
    rel_names = frozenset(_local(r) for r in rel_iris)

    properties: dict[str, Property] = {}
    node_props: dict[str, dict[str, Property]] = {c: {} for c in all_classes}
    rel_props: dict[str, dict[str, Property]] = {r: {} for r in rel_names}
    for p in sorted(x for x in g.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(x, URIRef)):
        name = _local(p)
        rng = g.value(p, RDFS.range)
        if rng not in _XSD_TYPES:
            raise OntologyError(f"property {name}: range {rng} is not a supported XSD type")
        equivalent = g.value(p, OWL.equivalentProperty)
        prop = Property(
            name=name,
            iri=p,
            rdf_iri=equivalent if isinstance(equivalent, URIRef) else p,
            datatype=_XSD_TYPES[rng],  # type: ignore[index]
            multi=bool(g.value(p, AKG.multiValued)),
            merge_union=str(g.value(p, AKG.mergePolicy) or "") == "union",
            label=_text(g, p, RDFS.label),
            definition=_text(g, p, SKOS.definition),
            precedence=bool(g.value(p, AKG.precedence)),
        )
        properties[name] = prop
        domain = g.value(p, RDFS.domain)
        for rel in g.objects(p, AKG.onRelationship):
            targets = rel_names if rel == AKG.relationship else {_local(rel)}
            for r in targets:
                if r not in rel_props:
                    raise OntologyError(f"property {name}: unknown relationship {r}")
                rel_props[r][name] = prop
        if domain != RDF.Statement:
            for c in _class_set(g, domain, all_classes):
                if c not in node_props:
                    raise OntologyError(f"property {name}: unknown class {c}")
                node_props[c][name] = prop
    if "id" not in properties:
        raise OntologyError("the ontology must define the id property")

    classes = {
        _local(c): NodeClass(
            name=_local(c),
            iri=c,
            label=_text(g, c, RDFS.label),
            definition=_text(g, c, SKOS.definition),
            id_prefix=_text(g, c, AKG.idPrefix),
            properties=dict(sorted(node_props[_local(c)].items())),
        )
        for c in class_iris
        if isinstance(c, URIRef)
    }
    relationships = {
        _local(r): Relationship(
            name=_local(r),
            iri=r,
            label=_text(g, r, RDFS.label),
            definition=_text(g, r, SKOS.definition),
            domain=_class_set(g, g.value(r, RDFS.domain), all_classes),
            range=_class_set(g, g.value(r, RDFS.range), all_classes),
            properties=dict(sorted(rel_props[_local(r)].items())),
        )
        for r in rel_iris
    }
    prefixes = [c.id_prefix for c in classes.values()]
    if "" in prefixes or len(set(prefixes)) != len(prefixes):
        raise OntologyError("every class needs a distinct akg:idPrefix")
    for relationship in relationships.values():
        unknown = (relationship.domain | relationship.range) - all_classes
        if unknown:
            raise OntologyError(f"relationship {relationship.name}: unknown classes {sorted(unknown)}")

    shapes = parse_turtle(shapes_file)
    by_rdf_iri = {p.rdf_iri: p.name for p in properties.values()}
    constraints = _read_constraints(shapes, by_rdf_iri, frozenset(rel_iris))
    for owner, prop_name in constraints:
        if owner == "relationship":
            continue
        if owner not in classes and owner not in relationships:
            raise OntologyError(f"shapes: unknown class or relationship {owner}")
        owned = classes[owner].properties if owner in classes else relationships[owner].properties
        if prop_name not in owned:
            raise OntologyError(f"shapes: {owner} has no property {prop_name}")
    return Model(
        classes=dict(sorted(classes.items())),
        relationships=dict(sorted(relationships.items())),
        properties=dict(sorted(properties.items())),
        constraints=constraints,
        graph=g,
        by_prefix={c.id_prefix: c for c in classes.values()},
    )


@cache
def load_model() -> Model:
    """The project's model, read once per process from the packaged Turtle files."""
    return build_model(ONTOLOGY_DIR / "akg.ttl", ONTOLOGY_DIR / "shapes.ttl")
