"""Turn driver results into the plain values every backend returns.

Nodes become ``{"id", "label", **props}``, relationships ``{"type", "source", "target",
**props}``, paths ``{"nodes": [...], "relationships": [...]}``. Unset properties are left
out (Neo4j has no nulls on nodes; Ladybug returns None for every column of a table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ontology.model import Model

__all__ = ["clean_node", "clean_rel", "is_plain_node", "is_plain_rel"]


def clean_node(model: Model, label: str, node_id: Any, props: Mapping[str, Any]) -> dict[str, Any]:
    """A node as a plain dict keeping only the properties its class defines."""
    own = model.classes[label].properties if label in model.classes else {}
    out: dict[str, Any] = {"id": node_id, "label": label}
    for key, value in props.items():
        if key == "id" or key.startswith("_") or value is None:
            continue
        if own and key not in own:
            continue
        out[key] = value
    return out


def clean_rel(
    rel_type: str, source: Any, target: Any, props: Mapping[str, Any]
) -> dict[str, Any]:
    """A relationship as a plain dict."""
    out: dict[str, Any] = {"type": rel_type, "source": source, "target": target}
    for key, value in props.items():
        if key.startswith("_") or value is None:
            continue
        out[key] = value
    return out


def is_plain_node(value: Any) -> bool:
    """True for a node dict produced by :func:`clean_node`."""
    return isinstance(value, dict) and "label" in value and "id" in value and "type" not in value


def is_plain_rel(value: Any) -> bool:
    """True for a relationship dict produced by :func:`clean_rel`."""
    return isinstance(value, dict) and {"type", "source", "target"} <= value.keys()


def walk(value: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply ``fn`` to every dict inside lists/dicts, bottom-up."""
    if isinstance(value, list):
        return [walk(v, fn) for v in value]
    if isinstance(value, dict):
        return fn(value)
    return value
