"""The API's fixture graph (vocabularies + the 20 example assessments + one risk score), built
once per session in a temporary Ladybug database, and apps over it; ``any_app`` also makes apps
over the Neo4j test server's database holding the vocabularies, for the tests that run on each
backend."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from flask_openapi3.openapi import OpenAPI

from api import create_app
from api.queries import POOL
from cli.admin import init_store
from graph.base import GraphStore
from graph.editorial import file_writer
from graph.ingest import load_files
from graph.ladybug_store import LadybugStore
from graph.records import Edge, Node
from graph.settings import Settings
from loaders import assessment
from tests.conftest import backend_params, neo4j_test_store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "assessments"
TOKEN = "test-token-0123456789"
SCORE = "score/test-ewp-RWA-1994"


def api_settings(db: Path) -> Settings:
    """Settings of a small Ladybug store at ``db``."""
    return Settings(db_path=db, buffer_pool_mb=256, threads=2)


def build(db: Path) -> None:
    """Vocabularies, every example assessment and one statistical risk score."""
    store = LadybugStore(api_settings(db))
    try:
        init_store(store)
        results = load_files(store, assessment.files_in([EXAMPLES]), assessment.read, write=file_writer())
        assert [r.problems for r in results if not r.loaded] == []
        assert len(results) == 20
        store.write([Node.make(SCORE, name="EWP 1994 (test)", dataset="EWP", date=dt.date(1994, 1, 1),
                               risk=0.25, rank=1, edition="test")],
                    [Edge.make("SCORES", SCORE, "country/RWA")])
    finally:
        store.close()


@pytest.fixture(scope="session")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture graph's database file (read it; copy it to write)."""
    db = tmp_path_factory.mktemp("api") / "akg.lbug"
    build(db)
    return db


@pytest.fixture(scope="session")
def app(api_db: Path) -> Iterator[OpenAPI]:
    """A read-only app over the fixture graph, as `akg serve` runs it (cache on)."""
    application = create_app({"SETTINGS": api_settings(api_db), "TESTING": True})
    yield application
    application.extensions["akg"].close()


@pytest.fixture
def client(app: OpenAPI) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def variant(app: OpenAPI) -> Iterator[Any]:
    """Build more apps over the session app's open store (cache off unless asked)."""
    store = app.extensions["akg"].store()

    def make(**config: Any) -> OpenAPI:
        base: dict[str, Any] = {"SETTINGS": app.extensions["akg"].settings, "STORE": store,
                                "TESTING": True, "CACHE_SIZE": 0}
        return create_app({**base, **config})

    yield make


@pytest.fixture
def writable(api_db: Path, tmp_path: Path) -> Iterator[OpenAPI]:
    """A writable app (a token configured) over a private copy of the fixture graph."""
    db = tmp_path / "akg.lbug"
    shutil.copyfile(api_db, db)
    application = create_app({"SETTINGS": api_settings(db), "TESTING": True, "API_TOKENS": TOKEN})
    yield application
    application.extensions["akg"].close()


def auth(token: str = TOKEN) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def neo4j_vocabularies() -> Iterator[GraphStore]:
    """The Neo4j test server's database holding the vocabularies (wiped before and after)."""
    with neo4j_test_store() as store:
        init_store(store)
        yield store


@pytest.fixture(params=backend_params())
def any_app(request: pytest.FixtureRequest) -> Iterator[Callable[..., OpenAPI]]:
    """Make apps on each backend: over the session's fixture graph on Ladybug, over the
    vocabularies on Neo4j (cache off unless asked); their query pools are closed afterwards."""
    made: list[OpenAPI] = []
    if request.param == "neo4j":
        store: GraphStore = request.getfixturevalue("neo4j_vocabularies")
        base: dict[str, Any] = {"SETTINGS": store.settings, "STORE": store,  # type: ignore[attr-defined]
                                "TESTING": True, "CACHE_SIZE": 0}

        def make(**config: Any) -> OpenAPI:
            made.append(create_app({**base, **config}))
            return made[-1]
    else:
        variant = request.getfixturevalue("variant")

        def make(**config: Any) -> OpenAPI:
            made.append(variant(**config))
            return made[-1]

    yield make
    for app in made:
        pool = app.extensions.get(POOL)
        if pool is not None:
            pool.close()
