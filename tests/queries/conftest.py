"""The query tests share one fixture graph per module and backend (the queries only read)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.base import GraphStore
from graph.registry import open_store
from tests.conftest import _wipe_neo4j, backend_params, settings_for
from tests.queries.world import build_world


@pytest.fixture(scope="module", params=backend_params())
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A store holding the query fixture graph, on each backend (Neo4j when configured)."""
    settings = settings_for(request.param, tmp_path_factory.mktemp("world"))
    # Ladybug keeps the pages of every column a query touched resident (about 115 MB after the
    # vocabularies load, 270 MB once every named query has run): 256 MB is not enough.
    store = open_store(settings.with_overrides(buffer_pool_mb=1024))
    if request.param == "neo4j":
        store.init_schema()
        _wipe_neo4j(store)
    build_world(store)
    try:
        yield store
    finally:
        if request.param == "neo4j":
            _wipe_neo4j(store)
        store.close()
