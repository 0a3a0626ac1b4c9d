"""Backends registered by name and imported only when asked for.

Example:
    >>> sorted(backend_names())
    ['ladybug', 'neo4j']
    >>> open_store(Settings(backend="sqlite"))
    Traceback (most recent call last):
    ...
    ontology.errors.UnknownBackend: unknown backend 'sqlite'; valid backends: ladybug, neo4j
"""

from __future__ import annotations

import importlib
from typing import Any

from graph.base import GraphStore
from graph.settings import Settings
from ontology.errors import UnknownBackend

__all__ = ["backend_names", "open_store", "register"]

_BACKENDS: dict[str, str] = {
    "ladybug": "graph.ladybug_store:LadybugStore",
    "neo4j": "graph.neo4j_store:Neo4jStore",
}


def register(name: str, import_path: str) -> None:
    """Register a backend class under ``name`` as ``"module:Class"``."""
    _BACKENDS[name] = import_path


def backend_names() -> list[str]:
    """Names of every registered backend."""
    return sorted(_BACKENDS)


def open_store(settings: Settings | None = None, *, read_only: bool = False, **kwargs: Any) -> GraphStore:
    """Open the store the settings name (default: from the environment)."""
    s = settings or Settings.from_env()
    path = _BACKENDS.get(s.backend)
    if path is None:
        raise UnknownBackend(f"unknown backend {s.backend!r}; valid backends: {', '.join(backend_names())}")
    module_name, _, class_name = path.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    store: GraphStore = cls(s, read_only=read_only, **kwargs)
    return store
