"""Backend-independent planning of an upsert: what to create, what to update, what is unchanged.

Both backends fetch the stored properties of the records in a batch, hand them to
:func:`plan_nodes` / :func:`plan_edges`, and apply the plan in one transaction. Keeping the
merge rules here (list properties with ``akg:mergePolicy "union"`` keep every value; other
properties are overwritten; absent properties are left alone) makes both backends agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from graph.records import Edge, Node
from ontology.errors import InvalidRecord
from ontology.model import Model

__all__ = [
    "EdgePlan", "NodePlan", "Plan", "dedupe_edges", "dedupe_nodes", "merge_props", "plan", "plan_edges",
    "plan_nodes",
]


def _older(props: Mapping[str, Any], old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """True when ``new`` was stated before ``old`` (by their precedence date)."""
    for name, prop in props.items():
        if prop.precedence and old.get(name) is not None and new.get(name) is not None:
            return bool(new[name] < old[name])
    return False


def merge_props(model: Model, owner: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Properties after writing ``new`` over ``old``.

    Merge-union lists keep every value; other values are overwritten, unless ``new`` was stated
    before ``old`` (``akg:precedence`` date), in which case only the lists are merged.
    """
    props = model.owner_properties(owner)
    merged = dict(old)
    stale = _older(props, old, new)
    for name, value in new.items():
        prop = props[name]
        if prop.merge_union and name in old and old[name] is not None:
            merged[name] = tuple(sorted(set(old[name]) | set(value)))
        elif not stale:
            merged[name] = value
    return merged


def _conflicts(
    model: Model, owner: str, a: Mapping[str, Any], b: Mapping[str, Any]
) -> list[str]:
    props = model.owner_properties(owner)
    return sorted(
        k for k in set(a) & set(b) if a[k] != b[k] and not props[k].merge_union and not props[k].precedence
    )


def _normal(model: Model, owner: str, props: dict[str, Any]) -> dict[str, Any]:
    """Merge-union lists as sorted sets, the form a merge produces (so re-writes compare equal)."""
    known = model.owner_properties(owner)
    for name, value in props.items():
        if known[name].merge_union and isinstance(value, (list, tuple)):
            props[name] = tuple(sorted(set(value)))
    return props


def dedupe_nodes(model: Model, nodes: Iterable[Node]) -> dict[str, dict[str, Any]]:
    """Combine records of the same id; conflicting values for one property raise."""
    out: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    for node in nodes:
        props = _normal(model, node.label, node.props)
        if node.id in out:
            clash = _conflicts(model, node.label, out[node.id], props)
            if clash:
                raise InvalidRecord(
                    f"{node.id} is defined twice with conflicting data ({', '.join(clash)})"
                    f" at {where[node.id]} and {_at(node.source, node.line)}",
                    {node.id: [f"conflicting {k}" for k in clash]},
                )
            out[node.id] = merge_props(model, node.label, out[node.id], props)
        else:
            out[node.id] = props
            where[node.id] = _at(node.source, node.line)
    return out


def dedupe_edges(model: Model, edges: Iterable[Edge]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Combine records of the same relationship; conflicting values raise."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for edge in edges:
        props = _normal(model, edge.type, edge.props)
        if edge.key in out:
            clash = _conflicts(model, edge.type, out[edge.key], props)
            if clash:
                raise InvalidRecord(
                    f"{edge.type} {edge.source} -> {edge.target} is given twice with conflicting"
                    f" data ({', '.join(clash)}) at {_at(edge.origin, edge.line)}",
                    {"/".join(edge.key): [f"conflicting {k}" for k in clash]},
                )
            out[edge.key] = merge_props(model, edge.type, out[edge.key], props)
        else:
            out[edge.key] = props
    return out


def _at(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line is not None else (source or "this batch")


K = TypeVar("K", str, tuple[str, str])


@dataclass
class Plan(Generic[K]):
    """Records of one label (keyed by id) or one relationship group (keyed by (source, target))
    to create and to update (key -> properties to write), and how many are unchanged."""

    create: dict[K, dict[str, Any]] = field(default_factory=dict)
    update: dict[K, dict[str, Any]] = field(default_factory=dict)
    unchanged: int = 0


NodePlan = Plan[str]
EdgePlan = Plan[tuple[str, str]]


def plan(
    model: Model, owner: str, batch: Mapping[K, Mapping[str, Any]], stored: Mapping[K, Mapping[str, Any]]
) -> Plan[K]:
    """Compare a batch of one class or relationship type with what the store holds for its keys."""
    out: Plan[K] = Plan()
    for key, props in batch.items():
        if key not in stored:
            out.create[key] = dict(props)
            continue
        old = {k: v for k, v in stored[key].items() if v is not None}
        merged = merge_props(model, owner, old, props)
        if merged == old:
            out.unchanged += 1
        else:
            out.update[key] = {k: v for k, v in merged.items() if old.get(k) != v}
    return out


def plan_nodes(
    model: Model, label: str, batch: Mapping[str, Mapping[str, Any]], stored: Mapping[str, Mapping[str, Any]]
) -> NodePlan:
    """Compare a batch of one label with what the store holds for those ids."""
    return plan(model, label, batch, stored)


def plan_edges(
    model: Model,
    rel_type: str,
    batch: Mapping[tuple[str, str], Mapping[str, Any]],
    stored: Mapping[tuple[str, str], Mapping[str, Any]],
) -> EdgePlan:
    """Compare a batch of one relationship type with what the store holds."""
    return plan(model, rel_type, batch, stored)


def group_edges(
    edges: Mapping[tuple[str, str, str], dict[str, Any]], label_of: Mapping[str, str]
) -> dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]]:
    """Group relationships by (type, source label, target label)."""
    grouped: dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for (rel_type, src, tgt), props in edges.items():
        grouped[(rel_type, label_of[src], label_of[tgt])][(src, tgt)] = props
    return dict(grouped)
