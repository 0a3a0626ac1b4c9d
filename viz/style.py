"""Colours, shapes and legend entries of the network views, derived from the ontology.

No class or relationship name is written here: classes, relationship types, actor roles and
confidence levels come from :func:`ontology.model.load_model`, and each gets a colour (and a
shape or a dash pattern) by its position in the model. Palettes mix the Okabe-Ito and Paul
Tol colour-blind-safe sets; shapes, dashes and text labels carry the same information as the
colours, so nothing is told by colour alone.

Example:
    >>> s = node_style("Actor")
    >>> s.shape, s.label
    ('dot', 'Actor')
    >>> sorted(role_styles())[:2]
    ['enabler', 'potential-perpetrator']
    >>> edge_style("THREATENS", "low").dashes
    [2, 5]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from ontology.model import Model, Relationship, load_model

__all__ = [
    "CLUSTER",
    "EdgeStyle",
    "NodeStyle",
    "class_styles",
    "confidence_levels",
    "edge_style",
    "legend",
    "node_style",
    "relationship_styles",
    "role_property",
    "role_styles",
]

# Pseudo-class of the views: many events of one perpetrator against one group, drawn as one node.
CLUSTER = "event-cluster"

# Class colours, in the order of the model's classes (sorted by name).
_CLASS_COLOURS = [
    "#5B6C7D", "#7F7F7F", "#117733", "#88CCEE", "#999933", "#6B4E16", "#AA4499", "#44AA99",
    "#332288", "#BBBBBB", "#0072B2", "#882255", "#DDCC77", "#9E9E9E", "#56B4E9", "#CC6677",
    "#E69F00", "#009E73", "#F0E442", "#000000",
]
# Event clusters are boxes with their label inside: a light fill keeps the text readable.
_CLUSTER_COLOUR = "#E3D3B5"
# Role shapes are kept apart from class shapes, so a role shows without its colour too.
_CLASS_SHAPES = ["dot", "square", "hexagon"]
# Role colours and shapes, in the order the model lists the role values (strongest first).
_ROLE_COLOURS = ["#D55E00", "#E69F00", "#0072B2", "#CC79A7", "#332288", "#882255"]
_ROLE_SHAPES = ["diamond", "triangle", "star", "triangleDown"]
# Relationship colours: types touching the most connected class first, then types between its
# neighbours, so that every type of the actor networks gets a colour of its own.
_EDGE_COLOURS = [
    "#0072B2", "#7B5EA7", "#E66100", "#AAAAAA", "#8B4513", "#B8860B", "#44AA99", "#117733",
    "#777777", "#AA4499", "#999933", "#56B4E9", "#661100", "#332288", "#DDCC77", "#C0282D",
    "#88CCEE", "#CC6677", "#2F4F4F", "#000000", "#F0A0C0", "#6B8E23", "#4682B4", "#D2691E",
    "#5F9EA0", "#BC8F8F",
]
# Dash patterns and widths by confidence, strongest first; unknown confidence is thin and solid.
_CONFIDENCE_DASHES: list[bool | list[int]] = [False, [10, 6], [2, 5]]
_CONFIDENCE_WIDTHS = [3.0, 2.0, 1.4]


@dataclass(frozen=True)
class NodeStyle:
    """How one class or role is drawn, and what the legend says of it."""

    key: str
    label: str
    colour: str
    shape: str
    definition: str = ""


@dataclass(frozen=True)
class EdgeStyle:
    """How one relationship type at one confidence is drawn."""

    key: str
    label: str
    colour: str
    dashes: bool | list[int]
    width: float
    definition: str = ""


def _model() -> Model:
    return load_model()


@cache
def class_styles() -> dict[str, NodeStyle]:
    """Style of every class of the model, plus the event-cluster pseudo-class."""
    m = _model()
    out: dict[str, NodeStyle] = {}
    for i, cls in enumerate(m.classes.values()):
        out[cls.name] = NodeStyle(cls.name, cls.label or cls.name, _CLASS_COLOURS[i % len(_CLASS_COLOURS)],
                                  _CLASS_SHAPES[i % len(_CLASS_SHAPES)], cls.definition)
    event = _event_class(m)
    if event:
        base = out[event]
        out[CLUSTER] = NodeStyle(CLUSTER, f"{base.label} cluster", _CLUSTER_COLOUR, "box",
                                 f"Several {base.label.lower()}s of one perpetrator against one group.")
    return out


def _event_class(m: Model) -> str | None:
    """The class with a fatalities property (the events of the datasets)."""
    return next((c.name for c in m.classes.values() if "fatalities" in c.properties), None)


@cache
def role_property() -> tuple[str, tuple[str, ...]]:
    """The relationship type carrying actor roles, and the role values in the model's order."""
    m = _model()
    for rel in m.relationships.values():
        if "role" in rel.properties:
            values = m.constraint(rel.name, "role").values or ()
            return rel.name, tuple(str(v) for v in values)
    return "", ()


@cache
def role_styles() -> dict[str, NodeStyle]:
    """Style of every actor role (potential perpetrator, enabler, …) the model allows."""
    _, roles = role_property()
    return {r: NodeStyle(r, r.replace("-", " ").capitalize(), _ROLE_COLOURS[i % len(_ROLE_COLOURS)],
                         _ROLE_SHAPES[i % len(_ROLE_SHAPES)]) for i, r in enumerate(roles)}


def node_style(cls: str | None, role: str | None = None) -> NodeStyle:
    """The style of a node of class ``cls`` with an optional role; unknown classes are grey dots."""
    if role and role in role_styles():
        return role_styles()[role]
    found = class_styles().get(cls or "")
    return found or NodeStyle(cls or "unknown", cls or "Unknown", "#9E9E9E", "dot")


@cache
def confidence_levels() -> tuple[str, ...]:
    """The confidence values a relationship may carry, strongest first (from the shapes)."""
    m = _model()
    rel = next(iter(m.relationships))
    values = m.constraint(rel, "confidence").values or ()
    return tuple(str(v) for v in values)


@cache
def relationship_styles() -> dict[str, EdgeStyle]:
    """Style of every relationship type (at unknown confidence)."""
    m = _model()
    touches = Counter(c for r in m.relationships.values() for c in r.domain | r.range if len(r.domain) < 4)
    hub = touches.most_common(1)[0][0] if touches else ""
    near = {c for r in m.relationships.values() if hub in r.domain | r.range and len(r.domain) == len(r.range) == 1
            for c in r.domain | r.range} - {hub}

    def tier(r: Relationship) -> int:
        ends = r.domain | r.range
        return 0 if hub in ends else 1 if ends <= near else 2

    ordered = sorted(m.relationships.values(), key=lambda r: (tier(r), r.name))
    return {r.name: EdgeStyle(r.name, r.label or r.name, _EDGE_COLOURS[i % len(_EDGE_COLOURS)], False, 1.6,
                              r.definition) for i, r in enumerate(ordered)}


def edge_style(rtype: str, confidence: str | None = None) -> EdgeStyle:
    """Colour by relationship type; dash pattern and width by confidence."""
    base = relationship_styles().get(rtype) or EdgeStyle(rtype, rtype.replace("_", " ").lower(),
                                                         "#888888", False, 1.6)
    levels = confidence_levels()
    if confidence in levels:
        i = levels.index(confidence)
        dashes = _CONFIDENCE_DASHES[min(i, len(_CONFIDENCE_DASHES) - 1)]
        width = _CONFIDENCE_WIDTHS[min(i, len(_CONFIDENCE_WIDTHS) - 1)]
        return EdgeStyle(base.key, base.label, base.colour, dashes, width, base.definition)
    return base


def legend(classes: set[str], roles: set[str], types: set[str]) -> dict[str, list[dict[str, object]]]:
    """Legend entries for what a view shows: classes, roles, relationship types, confidence.

    Returns:
        ``{"nodes": [...], "edges": [...], "confidence": [...]}``; each entry has ``label``,
        ``colour`` and ``shape`` or ``dashes`` and ``definition``.
    """
    nodes: list[dict[str, object]] = [
        {"label": s.label, "colour": s.colour, "shape": s.shape, "definition": s.definition}
        for k, s in role_styles().items() if k in roles]
    nodes += [{"label": s.label, "colour": s.colour, "shape": s.shape, "definition": s.definition}
              for k, s in class_styles().items() if k in classes]
    edges: list[dict[str, object]] = [
        {"label": s.label, "colour": s.colour, "dashes": False, "definition": s.definition}
        for k, s in relationship_styles().items() if k in types]
    edges.sort(key=lambda e: str(e["label"]))
    conf: list[dict[str, object]] = [{"label": f"{level} confidence", "colour": "#444444",
             "dashes": edge_style("", level).dashes, "width": edge_style("", level).width}
            for level in confidence_levels()]
    return {"nodes": nodes, "edges": edges, "confidence": conf}
