"""Store fixtures for the loader tests that need the vocabularies (import them into the module): the vocabularies plus the fictional test country, built once per
session and copied for each test (a copy is much faster than loading the vocabularies again)."""

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
    init_store(store)
    store.write([Node.make("country/QZA", name="Qaziria", notation="QZA", monitored=True)], [])
    store.close()
    yield path


@pytest.fixture
def store(base_store: Path, tmp_path: Path) -> Iterator[GraphStore]:
    """An open copy of the base store for one test."""
    copy = tmp_path / "akg.lbug"
    shutil.copy(base_store, copy)
    s = open_store(settings(copy))
    yield s
    s.close()
