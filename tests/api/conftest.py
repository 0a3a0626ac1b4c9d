"""The API's fixture graph (vocabularies + the 20 example assessments + one risk score) on each
backend, and apps over it.

On Ladybug the graph is built once per session in a temporary database file. On Neo4j the test
server (tests/neo4j_server/server.py) gets that graph's records, written back whenever the
database no longer holds them (other Neo4j tests wipe the one database) and after every test
that writes. ``app``, ``client``, ``variant`` and
``writable`` run each test on both backends (the Neo4j ones carry the ``neo4j`` marker, so
pytest-xdist keeps them in the one worker of the Neo4j group); ``api_db`` is the Ladybug file,
for the tests that copy it. ``any_app`` also makes apps on each backend.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
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
from graph.registry import open_store
from graph.settings import Settings
from loaders import assessment
from tests.conftest import Neo4jSnapshot, _wipe_neo4j, backend_params

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "assessments"
TOKEN = "test-token-0123456789"
SCORE = "score/test-ewp-RWA-1994"


def api_settings(db: Path) -> Settings:
    """Settings of a small Ladybug store at ``db``.

    Every Ladybug API test of a pytest worker reads one session store: with 256 MiB the pool ran
    out in ``actor_ego_network`` late in a whole run once the look-ups read by id (a read alone,
    and 10,000 look-ups in a loop, hold no more memory); 512 MiB leaves room (the server's
    default is 2,048).
    """
    return Settings(db_path=db, buffer_pool_mb=512, threads=2)


def build_into(store: GraphStore) -> None:
    """Vocabularies, every example assessment and one statistical risk score, into ``store``."""
    init_store(store)
    results = load_files(store, assessment.files_in([EXAMPLES]), assessment.read, write=file_writer())
    assert [r.problems for r in results if not r.loaded] == []
    assert len(results) == 20
    store.write([Node.make(SCORE, name="EWP 1994 (test)", dataset="EWP", date=dt.date(1994, 1, 1),
                           risk=0.25, rank=1, edition="test")],
                [Edge.make("SCORES", SCORE, "country/RWA")])


def build(db: Path) -> None:
    """The fixture graph in a new Ladybug database at ``db``."""
    store = LadybugStore(api_settings(db))
    try:
        build_into(store)
    finally:
        store.close()


class Neo4jGraph:
    """The fixture graph on the Neo4j test server: the records of the Ladybug fixture graph
    (:func:`build`), written once and written back whenever the database no longer holds them.

    A restore (wipe, then one write of every node and relationship) takes about half a second;
    loading the assessments on Neo4j, 8 s on an idle machine and over a minute beside a busy
    suite. The loaders' Neo4j path is tested elsewhere (the backend parity tests build the demo on
    both backends and compare them).
    """

    def __init__(self, store: GraphStore, source: Path) -> None:
        self.store = store
        store.init_schema()
        self.snapshot = Neo4jSnapshot.read(api_settings(source))
        self.restore()

    def ensure(self) -> None:
        """Write the graph back unless the database holds as many nodes and relationships as it
        (what other tests leave is an empty database; what the writing tests change they restore)."""
        self.snapshot.ensure(self.store)

    def restore(self) -> None:
        """Wipe the database and write the fixture graph again."""
        self.snapshot.restore(self.store)


@pytest.fixture(scope="session")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture graph's Ladybug database file (read it; copy it to write)."""
    db = tmp_path_factory.mktemp("api") / "akg.lbug"
    build(db)
    return db


@pytest.fixture(scope="session")
def neo4j_graph(api_db: Path) -> Iterator[Neo4jGraph]:
    """The fixture graph on the Neo4j test server (the database wiped at the end)."""
    store = open_store(Settings.from_env().with_overrides(backend="neo4j"))
    try:
        graph = Neo4jGraph(store, api_db)
        yield graph
        _wipe_neo4j(store)
    finally:
        store.close()


@pytest.fixture(scope="module", params=backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend, in turn, for a module's tests."""
    return str(request.param)


@pytest.fixture(scope="session")
def ladybug_app(api_db: Path) -> Iterator[OpenAPI]:
    """A read-only app over the Ladybug fixture graph, as `akg serve` runs it (cache on)."""
    application = create_app({"SETTINGS": api_settings(api_db), "TESTING": True})
    yield application
    application.extensions["akg"].close()


@pytest.fixture(scope="module")
def app(backend: str, request: pytest.FixtureRequest) -> Iterator[OpenAPI]:
    """A read-only app over the fixture graph on each backend, as `akg serve` runs it (it opens
    its own store; the response cache on for Ladybug, off for Neo4j, the defaults)."""
    if backend == "ladybug":
        yield request.getfixturevalue("ladybug_app")
        return
    graph: Neo4jGraph = request.getfixturevalue("neo4j_graph")
    graph.ensure()
    application = create_app({"SETTINGS": graph.store.settings, "TESTING": True})
    yield application
    application.extensions["akg"].close()


@pytest.fixture
def client(app: OpenAPI, backend: str, request: pytest.FixtureRequest) -> FlaskClient:
    if backend == "neo4j":
        request.getfixturevalue("neo4j_graph").ensure()
    return app.test_client()


@pytest.fixture
def variant(app: OpenAPI, backend: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Build more apps over the module app's open store (cache off unless asked)."""
    if backend == "neo4j":
        request.getfixturevalue("neo4j_graph").ensure()
    store = app.extensions["akg"].store()

    def make(**config: Any) -> OpenAPI:
        base: dict[str, Any] = {"SETTINGS": app.extensions["akg"].settings, "STORE": store,
                                "TESTING": True, "CACHE_SIZE": 0}
        return create_app({**base, **config})

    yield make


@pytest.fixture
def writable(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenAPI]:
    """A writable app (a token configured) over a private copy of the fixture graph on Ladybug,
    over the fixture graph on Neo4j, restored afterwards."""
    if backend == "ladybug":
        db = tmp_path / "akg.lbug"
        shutil.copyfile(request.getfixturevalue("api_db"), db)
        application = create_app({"SETTINGS": api_settings(db), "TESTING": True, "API_TOKENS": TOKEN})
        yield application
        application.extensions["akg"].close()
        return
    graph: Neo4jGraph = request.getfixturevalue("neo4j_graph")
    graph.ensure()
    application = create_app({"SETTINGS": graph.store.settings, "TESTING": True,
                              "API_TOKENS": TOKEN})
    try:
        yield application
    finally:
        application.extensions["akg"].close()
        graph.restore()


# For a test that is inherently Ladybug's (it says why): its module's ``backend`` is Ladybug only.
LADYBUG_ONLY = pytest.mark.parametrize("backend", ["ladybug"], indirect=True, scope="module")


def hit(app: Flask) -> str | None:
    """The ``X-Cache`` header a repeated GET gets from ``app``: "hit" when it caches responses
    (the default on Ladybug, whose process owns the store), none when not (Neo4j's default)."""
    return "hit" if app.extensions["akg"].cache else None


def auth(token: str = TOKEN) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def any_app(variant: Callable[..., OpenAPI]) -> Iterator[Callable[..., OpenAPI]]:
    """Make apps over the fixture graph on each backend, as ``variant`` does; their query pools
    are closed afterwards."""
    made: list[OpenAPI] = []

    def make(**config: Any) -> OpenAPI:
        made.append(variant(**config))
        return made[-1]

    yield make
    for app in made:
        pool = app.extensions.get(POOL)
        if pool is not None:
            pool.close()
