"""Fixtures shared by the suite: settings, stores per backend, the fictional world."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.export import iter_nodes, iter_rels
from graph.records import Edge, Node
from graph.registry import open_store
from graph.settings import Settings
from graph.transfer import edge_record, node_record
from tests.neo4j_server import server as neo4j_server

NEO4J_SKIP = os.environ.get("AKG_NEO4J_SKIP_REASON") or "NEO4J_URI not set: live Neo4j tests skipped"


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


def refuse_unless_test_server(store: GraphStore) -> None:
    """Fail unless ``store`` is the database of the server tests/neo4j_server/server.py started.

    The URI and database name must be the ones in its state file, and the database must
    report the id the launcher read when it created it: any other server, or another
    database on it, is never wiped.
    """
    state = neo4j_server.read_state()
    settings = store.settings
    where = f"{settings.neo4j_uri.rpartition('@')[2]} database {settings.neo4j_database!r}"
    if state is None:
        raise RuntimeError(f"refusing to wipe Neo4j at {where}: no test server started by "
                           "tests/neo4j_server/server.py is running")
    database_id = str(store.run_read("CALL db.info() YIELD id RETURN id").scalar())
    if settings.neo4j_database != state["database"] or not neo4j_server.owns(
        settings.neo4j_uri, database_id, state
    ):
        raise RuntimeError(f"refusing to wipe Neo4j at {where}: not the test server's own "
                           f"database ({state['uri']} database {state['database']!r})")


def _wipe_neo4j(store: GraphStore) -> None:
    try:
        refuse_unless_test_server(store)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    # one fixed statement, in transactions of 10,000 nodes (the demo's 80,000 nodes and
    # relationships in about a second; deleting them by id through the store took 9 s)
    with store._driver.session(database=store.settings.neo4j_database,  # type: ignore[attr-defined]
                               bookmark_manager=store._bookmarks) as session:  # type: ignore[attr-defined]
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


@dataclass
class Neo4jSnapshot:
    """Every node and relationship of a store, kept as records.

    :meth:`restore` writes them into the wiped Neo4j test database in one transaction (about half
    a second for the API's fixture graph), where building the same graph through the loaders again
    takes many times that: modules that share the one database and find it changed restore their
    graph instead of loading it again. That the loaders build the same graph on both backends is
    what the parity tests check (``tests/test_backend_parity.py``), and ``akg copy`` is tested to
    write it unchanged.
    """

    nodes: list[Node]
    edges: list[Edge]

    @classmethod
    def of(cls, store: GraphStore) -> Neo4jSnapshot:
        """The records of everything ``store`` holds."""
        return cls([node_record(n) for n in iter_nodes(store)], [edge_record(r) for r in iter_rels(store)])

    @classmethod
    def read(cls, settings: Settings) -> Neo4jSnapshot:
        """The records of the database ``settings`` name, opened read-only for this."""
        store = open_store(settings, read_only=True)
        try:
            return cls.of(store)
        finally:
            store.close()

    def restore(self, store: GraphStore) -> None:
        """Wipe the test server's database and write the records back."""
        _wipe_neo4j(store)
        store.write(self.nodes, self.edges)
        assert _counts(store) == (len(self.nodes), len(self.edges))

    def ensure(self, store: GraphStore) -> None:
        """Write the records back unless ``store`` holds as many nodes and relationships (what other
        tests leave is an empty database; the tests that change one restore it themselves)."""
        if _counts(store) != (len(self.nodes), len(self.edges)):
            self.restore(store)


def _counts(store: GraphStore) -> tuple[int, int]:
    nodes = int(store.run_read("MATCH (n) RETURN count(n)").scalar())
    return nodes, int(store.run_read("MATCH ()-[r]->() RETURN count(r)").scalar())


def _servers() -> int:
    """How many Neo4j test servers ``server.py run --servers N`` started (1 when not told)."""
    return int(os.environ.get("AKG_NEO4J_SERVERS") or 1)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist with several test servers (``server.py run --servers N``), worker
    ``gwK`` uses server ``K mod N``: its ``NEO4J_*`` variables point there, so that every store
    the worker opens (fixtures, the CLI it starts) is a database no other worker wipes."""
    servers = _servers()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if servers < 2 or not worker.startswith("gw") or not os.environ.get("NEO4J_URI"):
        return
    number = int(worker[2:]) % servers
    os.environ["AKG_NEO4J_INSTANCE"] = str(number)
    state = neo4j_server.read_state(number)
    if state is None:
        raise pytest.UsageError(f"Neo4j test server {number} of {servers} is not running")
    os.environ.update(neo4j_server.environment(state))


# With one server every Neo4j test is in one xdist group (``--dist loadgroup``: one worker, in
# order). With two or more, in two groups, one per worker: the page and API modules (which share a
# demo and a fixture graph built on the worker's server) and the rest.
_SERVED = ("tests/pages/", "tests/api/", "tests/viz/")


def pytest_itemcollected(item: pytest.Item) -> None:
    """Put each Neo4j test into its group (marked as each item is collected: xdist reads the
    groups in its own ``pytest_collection_modifyitems``)."""
    if item.get_closest_marker("neo4j") is None:
        return
    if _servers() < 2:
        item.add_marker(pytest.mark.xdist_group("neo4j"))
        return
    served = item.nodeid.startswith(_SERVED)
    item.add_marker(pytest.mark.xdist_group("neo4j-served" if served else "neo4j-store"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to run when Neo4j tests could run in two workers on one server (they would wipe each
    other's data): with fewer servers than workers, every Neo4j test must be in the one group."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
    servers = _servers()
    if workers <= servers or not os.environ.get("NEO4J_URI"):
        return
    stray = [item.nodeid for item in items
             if item.get_closest_marker("neo4j") is not None and not item.nodeid.endswith("@neo4j")]
    if servers > 1:
        raise pytest.UsageError(f"{workers} pytest-xdist workers but {servers} Neo4j test servers: "
                                f"run `tests/neo4j_server/server.py run --servers {workers} -- pytest …` "
                                "or with one server")
    if not getattr(config.option, "loadgroup", False):
        raise pytest.UsageError(f"{workers} pytest-xdist workers share one Neo4j test server: "
                                "run with --dist loadgroup (its tests then stay in one worker)")
    if stray:
        raise pytest.UsageError(f"--dist loadgroup did not group {len(stray)} Neo4j tests (first: {stray[0]}); "
                                "this pytest-xdist does not work with this pytest (see pyproject.toml)")


@contextmanager
def neo4j_test_store() -> Iterator[GraphStore]:
    """The test server's database with the schema, wiped before and after (and then closed)."""
    s = open_store(Settings.from_env().with_overrides(backend="neo4j"))
    s.init_schema()
    _wipe_neo4j(s)
    try:
        yield s
    finally:
        _wipe_neo4j(s)
        s.close()


@contextmanager
def backend_store(backend: str, tmp_path: Path, **overrides: object) -> Iterator[GraphStore]:
    """A store of ``backend`` with the schema, for a module's own fixture graph: a new Ladybug
    database in ``tmp_path`` (``overrides`` on its settings), or the Neo4j test server's
    database, wiped before and after."""
    if backend == "neo4j":
        with neo4j_test_store() as s:
            yield s
        return
    s = open_store(settings_for(backend, tmp_path).with_overrides(**overrides))
    s.init_schema()
    try:
        yield s
    finally:
        s.close()


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


@pytest.fixture(scope="session")
def demo_app_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The demo store (assessments, events, scores: ``akg demo``'s build) plus an actor with a
    hostile name, on Ladybug, built once a session: the pages, their browser tests and the viz tests
    read it."""
    from tests.pages.server import demo_store
    from tests.viz.conftest import add_xss_actor

    store = demo_store(tmp_path_factory.mktemp("demo") / "akg.lbug")
    add_xss_actor(store)
    try:
        yield store
    finally:
        store.close()
