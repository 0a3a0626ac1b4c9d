"""Fixtures shared by the suite: settings, stores per backend, the fictional world."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.registry import open_store
from graph.settings import Settings

NEO4J_SKIP = "NEO4J_URI not set: live Neo4j tests skipped"


def backend_params() -> list[object]:
    """Every backend: Ladybug always, Neo4j only with a server configured."""
    return [
        "ladybug",
        pytest.param("neo4j", marks=[pytest.mark.neo4j,
                                     pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                                                        reason=NEO4J_SKIP)]),
    ]


def settings_for(backend: str, tmp_path: Path) -> Settings:
    """Settings for a fresh store of ``backend``."""
    base = Settings.from_env()
    if backend == "ladybug":
        return base.with_overrides(backend="ladybug", db_path=tmp_path / "akg.lbug",
                                   buffer_pool_mb=256, threads=2)
    return base.with_overrides(backend="neo4j")


def _wipe_neo4j(store: GraphStore) -> None:
    ids = [row[0] for row in store.run_read("MATCH (n) RETURN n.id").rows]
    if ids:
        store.delete_nodes(ids)


@pytest.fixture(params=backend_params())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store with the schema created, on each backend."""
    s = open_store(settings_for(request.param, tmp_path))
    s.init_schema()
    if request.param == "neo4j":
        _wipe_neo4j(s)
    try:
        yield s
    finally:
        if request.param == "neo4j":
            _wipe_neo4j(s)
        s.close()
