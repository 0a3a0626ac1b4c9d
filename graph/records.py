"""Typed, validated node and relationship records: what loaders yield and stores write.

A record is checked against the ontology when it is built: unknown classes, relationship
types or properties, wrong value types, values outside the SHACL constraints and end classes
outside a relationship's domain/range raise :class:`~ontology.errors.InvalidRecord`.

Example:
    >>> n = Node.make("actor/interahamwe", name="Interahamwe", kind="militia")
    >>> n.label
    'Actor'
    >>> e = Edge.make("THREATENS", "actor/interahamwe", "group/tutsi", confidence="high")
    >>> e.key
    ('THREATENS', 'actor/interahamwe', 'group/tutsi')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ontology.errors import InvalidRecord, OntologyError
from ontology.model import Model, Property, load_model

__all__ = ["Edge", "Node", "Value", "check_value"]

Value = str | int | float | bool | dt.date | tuple[str, ...] | tuple[int, ...] | tuple[float, ...]

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "double": (float, int),
    "boolean": (bool,),
    "date": (dt.date,),
}


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def check_value(model: Model, owner: str, prop: Property, value: Any) -> tuple[Any, list[str]]:
    """Check one value against the property's type and the owner's constraints.

    Returns the normalised value (lists become tuples, ints become floats for doubles)
    and a list of messages (empty when the value is valid).
    """
    problems: list[str] = []
    items: list[Any]
    if prop.multi:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            return value, [f"expected a list of {prop.datatype}, got {type(value).__name__}"]
        items = list(value)
    else:
        if isinstance(value, (list, tuple)):
            return value, [f"expected a single {prop.datatype}, got a list"]
        items = [value]
    allowed = _PYTHON_TYPES[prop.datatype]
    rule = model.constraint(owner, prop.name)
    out: list[Any] = []
    for item in items:
        bad_bool = isinstance(item, bool) and prop.datatype != "boolean"
        bad_date = isinstance(item, dt.datetime) and prop.datatype == "date"
        if not isinstance(item, allowed) or bad_bool or bad_date:
            problems.append(f"{item!r} is not a {prop.datatype}")
            continue
        if prop.datatype == "double" and isinstance(item, (int, float)):
            item = float(item)
        if rule.values is not None and item not in rule.values:
            shown = ", ".join(str(v) for v in rule.values)
            problems.append(f"{item!r} is not one of {shown}")
        if rule.min is not None and isinstance(item, (int, float)) and item < rule.min:
            problems.append(f"{item!r} is below the minimum {rule.min:g}")
        if rule.max is not None and isinstance(item, (int, float)) and item > rule.max:
            problems.append(f"{item!r} is above the maximum {rule.max:g}")
        if rule.pattern is not None and isinstance(item, str) and not _compiled(rule.pattern).search(item):
            problems.append(f"{item!r} does not match {rule.pattern}")
        out.append(item)
    return (tuple(out) if prop.multi else out[0] if out else value), problems


def _check_props(
    model: Model, owner: str, allowed: Mapping[str, Property], props: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in props.items():
        if value is None:
            continue
        prop = allowed.get(name)
        if prop is None or name == "id":
            errors.setdefault(name, []).append(f"{owner} has no property {name!r}")
            continue
        if type(value) is str and prop.datatype == "string" and not prop.multi \
                and _plain_string(model, owner, name):
            clean[name] = value  # fast path: a free-text property
            continue
        normalised, problems = check_value(model, owner, prop, value)
        if problems:
            errors[name] = problems
        clean[name] = normalised
    return clean, errors


_PLAIN: dict[tuple[int, str, str], bool] = {}


def _plain_string(model: Model, owner: str, name: str) -> bool:
    """True when a string property has no enum or pattern to check (memoised per model)."""
    key = (id(model), owner, name)
    found = _PLAIN.get(key)
    if found is None:
        rule = model.constraint(owner, name)
        found = _PLAIN[key] = rule.values is None and rule.pattern is None
    return found


def _freeze(props: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(props.items()))


@dataclass(frozen=True, slots=True)
class Node:
    """A node: its id (which names its class), its properties and where it came from."""

    id: str
    label: str
    props_items: tuple[tuple[str, Any], ...]
    source: str = field(default="", compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def props(self) -> dict[str, Any]:
        """The properties as a new dict."""
        return dict(self.props_items)

    @classmethod
    def make(
        cls,
        node_id: str,
        *,
        source: str = "",
        line: int | None = None,
        model: Model | None = None,
        partial: bool = False,
        **props: Any,
    ) -> Node:
        """Build and validate a node; raises :class:`InvalidRecord` listing every problem.

        ``partial=True`` skips the required-property check, for updates of nodes that exist
        (for example a country's review interval set by an assessment).
        """
        m = model or load_model()
        try:
            node_class = m.class_of(node_id)
        except OntologyError as exc:
            raise InvalidRecord(str(exc), {"id": [str(exc)]}) from None
        clean, errors = _check_props(m, node_class.name, node_class.properties, props)
        for name in () if partial else m.required(node_class.name):
            if name not in clean and name not in errors:
                errors[name] = ["is required"]
        if errors:
            raise InvalidRecord(f"invalid {node_class.name} {node_id}", errors)
        return cls(node_id, node_class.name, _freeze(clean), source, line)


@dataclass(frozen=True, slots=True)
class Edge:
    """A relationship of ``type`` from node id ``source`` to node id ``target``."""

    type: str
    source: str
    target: str
    props_items: tuple[tuple[str, Any], ...]
    source_label: str
    target_label: str
    origin: str = field(default="", compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def props(self) -> dict[str, Any]:
        """The properties as a new dict."""
        return dict(self.props_items)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of the relationship: one per type and pair of nodes."""
        return (self.type, self.source, self.target)

    @classmethod
    def make(
        cls,
        rel_type: str,
        source: str,
        target: str,
        *,
        origin: str = "",
        line: int | None = None,
        model: Model | None = None,
        **props: Any,
    ) -> Edge:
        """Build and validate a relationship; raises :class:`InvalidRecord` listing every problem."""
        m = model or load_model()
        errors: dict[str, list[str]] = {}
        try:
            rel = m.relationship(rel_type)
        except OntologyError as exc:
            raise InvalidRecord(str(exc), {"type": [str(exc)]}) from None
        labels: list[str] = []
        for end, node_id, allowed in (("source", source, rel.domain), ("target", target, rel.range)):
            try:
                label = m.class_of(node_id).name
            except OntologyError as exc:
                errors[end] = [str(exc)]
                labels.append("")
                continue
            labels.append(label)
            if label not in allowed:
                errors[end] = [f"{rel_type} cannot {'start' if end == 'source' else 'end'} at a {label}"
                               f" (allowed: {', '.join(sorted(allowed))})"]
        clean, prop_errors = _check_props(m, rel_type, rel.properties, props)
        errors.update(prop_errors)
        for name in m.required(rel_type):
            if name not in clean and name not in errors:
                errors[name] = ["is required"]
        if errors:
            raise InvalidRecord(f"invalid {rel_type} {source} -> {target}", errors)
        return cls(rel_type, source, target, _freeze(clean), labels[0], labels[1], origin, line)
