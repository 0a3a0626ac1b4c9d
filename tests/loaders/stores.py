"""Store fixtures for the loader tests that need the vocabularies (import them into the module): the vocabularies plus the fictional test country, built once per
session and copied for each test (a copy is much faster than loading the vocabularies again).

``store`` runs each test on both backends: on Neo4j the test server's database is wiped and
the same base graph loaded into it (the wipe refuses any other server)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.admin import init_store
from graph.base import GraphStore
from graph.records import Node
from graph.registry import open_store
from graph.settings import Settings
from tests.conftest import backend_params, neo4j_test_store


def settings(path: Path) -> Settings:
    """A small Ladybug store at ``path``."""
    return Settings(db_path=path, buffer_pool_mb=128, threads=2)


def counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    """Counts per label and relationship type, to assert that a failed load changed nothing."""
    st = store.stats()
    return dict(st.nodes), dict(st.relationships)


@pytest.fixture(scope="session")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A closed store holding the vocabularies and the country QZA."""
    path = tmp_path_factory.mktemp("loaders") / "akg.lbug"
    store = open_store(settings(path))
    fill(store)
    store.close()
    yield path


def fill(store: GraphStore) -> None:
    """The base graph: the vocabularies and the country QZA."""
    init_store(store)
    store.write([Node.make("country/QZA", name="Qaziria", notation="QZA", monitored=True)], [])


@pytest.fixture(params=backend_params())
def store(request: pytest.FixtureRequest, base_store: Path, tmp_path: Path) -> Iterator[GraphStore]:
    """An open store holding the base graph, for one test (a copy of it on Ladybug)."""
    if request.param == "neo4j":
        with neo4j_test_store() as s:
            fill(s)
            yield s
        return
    copy = tmp_path / "akg.lbug"
    shutil.copy(base_store, copy)
    s = open_store(settings(copy))
    yield s
    s.close()
