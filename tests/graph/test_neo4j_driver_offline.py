"""The neo4j backend against the real driver API with the network layer replaced (no server).

The fake (``tests/graph/conftest.py``: ``FakeBoltDriver``/``FakeBoltSession``/``MemoryServer``)
records every statement with its parameters, encodes them with the driver's own PackStream
code, and answers with records hydrated by the driver. Where a behaviour can be compared, the
same calls run on a real Ladybug store and the results must be equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import neo4j.time
import pytest
from neo4j.exceptions import ServiceUnavailable

from graph.ladybug_store import LadybugStore
from graph.neo4j_store import Neo4jStore, neo4j_statements
from graph.records import Edge, Node
from graph.schema import neo4j_ddl
from graph.settings import Settings
from ontology.errors import InvalidRecord, QueryRefused, QueryTimeout, StoreError
from tests import data
from tests.graph.conftest import FakeBoltDriver, Rows, path_struct, server_error

URI = "bolt://db.example.test:7687"
PASSWORD = "pw-never-shown-0451"  # noqa: S105 - a fake credential
SETTINGS = Settings(backend="neo4j", neo4j_uri=URI, neo4j_password=PASSWORD)


@pytest.fixture
def neo(fake_bolt: FakeBoltDriver) -> Iterator[Neo4jStore]:
    store = Neo4jStore(SETTINGS)
    yield store
    store.close()


@pytest.fixture
def ladybug(tmp_path: Path) -> Iterator[LadybugStore]:
    store = LadybugStore(Settings(db_path=tmp_path / "l.lbug", buffer_pool_mb=256, threads=2))
    store.init_schema()
    yield store
    store.close()


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool, dt.date))


# ---------------------------------------------------------------- connecting
def test_connects_with_uri_and_credentials(fake_bolt: FakeBoltDriver) -> None:
    store = Neo4jStore(SETTINGS)
    assert (fake_bolt.uri, fake_bolt.auth) == (URI, ("neo4j", PASSWORD))
    store.close()
    store.close()
    assert fake_bolt.closed


@pytest.mark.parametrize("error", [
    ServiceUnavailable(f"Couldn't connect to db.example.test:7687 as neo4j/{PASSWORD}:\n refused"),
    server_error("Neo.ClientError.Security.Unauthorized", "authentication failure"),
])
def test_connection_errors_name_the_uri_never_the_password(
    fake_bolt: FakeBoltDriver, error: Exception
) -> None:
    fake_bolt.connect_error = error
    with pytest.raises(StoreError) as info:
        Neo4jStore(SETTINGS)
    message = str(info.value)
    assert URI in message and PASSWORD not in message and "\n" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert fake_bolt.closed


def test_unreachable_server_with_the_real_driver() -> None:
    """No fake here: the real driver against a closed loopback port."""
    settings = Settings(backend="neo4j", neo4j_uri="bolt://127.0.0.1:1", neo4j_password=PASSWORD)
    expected = r"^cannot connect to Neo4j at bolt://127\.0\.0\.1:1: "
    with pytest.raises(StoreError, match=expected) as e:
        Neo4jStore(settings)
    assert PASSWORD not in str(e.value)


@pytest.mark.parametrize("agent", ["Neo4j/4.4.29", "Memgraph/2.1"])
def test_an_unsupported_server_is_refused_at_open(fake_bolt: FakeBoltDriver, agent: str) -> None:
    fake_bolt.agent = agent
    with pytest.raises(StoreError, match=f"^Neo4j at {URI} is {agent}: atrocity-kg needs Neo4j 5.0"):
        Neo4jStore(SETTINGS)
    assert fake_bolt.closed and fake_bolt.sent == []


def test_missing_uri_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="NEO4J_URI is not set"):
        Neo4jStore(Settings(backend="neo4j"))


# ---------------------------------------------------------------- schema and writes
def test_init_schema_sends_exactly_the_ddl(neo: Neo4jStore, fake_bolt: FakeBoltDriver) -> None:
    neo.init_schema()
    assert [s.query for s in fake_bolt.sent] == neo4j_ddl()
    assert {s.mode for s in fake_bolt.sent} == {neo4j.WRITE_ACCESS}
    assert fake_bolt.commits == len(neo4j_ddl())


def test_write_is_one_transaction_of_batched_unwind_statements(
    neo: Neo4jStore, fake_bolt: FakeBoltDriver
) -> None:
    n = 12_000
    nodes = [Node.make(f"actor/a{i}", name=f"A{i}") for i in range(n)]
    edges = [Edge.make("MEMBER_OF", f"actor/a{i}", f"actor/a{i + 1}") for i in range(5_000)]
    summary = neo.write(nodes, edges)
    assert (summary.nodes_created, summary.edges_created) == (n, 5_000)
    assert fake_bolt.transactions == fake_bolt.commits == 1
    assert len(fake_bolt.sent) == 5  # 2 lookups + 2 creates of 10k rows at most, 1 edge create
    for sent in fake_bolt.sent:
        assert sent.query.startswith("UNWIND $")
        assert max(len(v) for v in sent.params.values()) <= 10_000
    assert len(fake_bolt.server.nodes) == n and len(fake_bolt.server.rels) == 5_000


def test_dates_and_lists_travel_as_driver_values(
    neo: Neo4jStore, fake_bolt: FakeBoltDriver
) -> None:
    neo.write(data.world_nodes(), data.world_edges())
    creates = {s.query.split("(n:")[1].split(" ")[0]: s for s in fake_bolt.sent
               if s.query.startswith("UNWIND $rows AS r CREATE (n:")}
    event = creates["`Event`"]
    props = event.params["rows"][0]["props"]
    assert type(props["date"]) is dt.date
    assert isinstance(event.wire["rows"][0]["props"]["date"], neo4j.time.Date)
    arms = next(s for s in fake_bolt.sent if "[e:`ARMS`]" in s.query and "CREATE" in s.query)
    row = arms.params["rows"][0]
    assert row["props"]["sources"] == [data.SOURCE] and type(row["props"]["sources"]) is list
    assert type(row["props"]["valid_from"]) is dt.date
    assert fake_bolt.returned and all(_plain(v) for v in fake_bolt.returned)


def test_upserts_count_like_ladybug(neo: Neo4jStore, ladybug: LadybugStore) -> None:
    batches: list[tuple[list[Node], list[Edge]]] = [
        (data.world_nodes(), data.world_edges()),
        (data.world_nodes(), data.world_edges()),
        ([Node.make(data.MILITIA, name="Night Riders (renamed)"), Node.make("actor/new", name="N")],
         [Edge.make("THREATENS", data.MILITIA, data.GROUP, sources=["source/other"], note="x"),
          Edge.make("SUPPORTS", "actor/new", data.MILITIA)]),
    ]
    for nodes, edges in batches:
        assert neo.write(nodes, edges) == ladybug.write(nodes, edges)
        assert neo.stats() == ladybug.stats()
    assert neo.delete_nodes([data.ARMS_CO, "actor/not-there"]) == 1
    assert ladybug.delete_nodes([data.ARMS_CO, "actor/not-there"]) == 1
    assert neo.stats() == ladybug.stats()
    assert all(v == 0 for k, v in neo.stats().relationships.items() if k == "ARMS")


def test_a_failing_statement_commits_nothing(neo: Neo4jStore, fake_bolt: FakeBoltDriver) -> None:
    neo.write(data.world_nodes(), data.world_edges())
    before, commits = neo.stats(), fake_bolt.commits
    fake_bolt.fail_on.append(("CREATE (a)-[e:", server_error(
        "Neo.ClientError.Schema.ConstraintValidationFailed", "Node(1) already exists\nmore")))
    with pytest.raises(StoreError, match="^Node\\(1\\) already exists$"):
        neo.write([Node.make("actor/new", name="N")],
                  [Edge.make("SUPPORTS", "actor/new", data.MILITIA)])
    assert fake_bolt.commits == commits and fake_bolt.rollbacks == 1
    assert neo.stats() == before


def test_dangling_end_raises_before_anything_is_written(
    neo: Neo4jStore, fake_bolt: FakeBoltDriver
) -> None:
    with pytest.raises(InvalidRecord) as info:
        neo.write([Node.make(data.GROUP, name="G")],
                  [Edge.make("THREATENS", "actor/ghost", data.GROUP)])
    assert info.value.errors == {"references": ["actor/ghost"]}
    assert not any("CREATE" in s.query for s in fake_bolt.sent)
    assert fake_bolt.commits == 0 and fake_bolt.server.nodes == {}


def test_a_retried_transaction_counts_once(neo: Neo4jStore, fake_bolt: FakeBoltDriver) -> None:
    fake_bolt.fail_on.append(("CREATE (n:`Actor`", server_error(
        "Neo.TransientError.Transaction.DeadlockDetected", "deadlock")))
    summary = neo.write(data.world_nodes(), data.world_edges())
    assert fake_bolt.transactions == 2 and fake_bolt.commits == 1
    assert summary.nodes_created == len(data.world_nodes())
    assert neo.stats().total_nodes == len(data.world_nodes())


def test_read_only_store_refuses_writes_without_sending(fake_bolt: FakeBoltDriver) -> None:
    store = Neo4jStore(SETTINGS, read_only=True)
    for call in (store.init_schema, lambda: store.write(data.world_nodes(), []),
                 lambda: store.delete_nodes([data.MILITIA])):
        with pytest.raises(StoreError, match="read-only"):
            call()
    assert fake_bolt.sent == []


# ---------------------------------------------------------------- reads
A_R_B = "MATCH (a:Actor {id: $a})-[r:ARMS]->(b:Actor {id: $b}) RETURN a, r, b"
R_ONLY = "MATCH (a:Actor {id: $a})-[r:ARMS]->(b:Actor {id: $b}) RETURN r"
PATH = "MATCH p = (a:Actor {id: $a})-[:ARMS]->(b:Actor) RETURN p"


def test_read_shapes_match_ladybug(
    neo: Neo4jStore, ladybug: LadybugStore, fake_bolt: FakeBoltDriver
) -> None:
    server = fake_bolt.server
    for store in (neo, ladybug):
        store.write(data.world_nodes(), data.world_edges())
    a, b = data.ARMS_CO, data.MILITIA

    def script(query: str, params: dict[str, Any]) -> Rows | None:
        rel = server.rel("ARMS", a, b)
        answers: dict[str, Rows] = {
            A_R_B: (["a", "r", "b"], [[server.node(a), rel, server.node(b)]]),
            R_ONLY: (["r"], [[rel]]),
            PATH: (["p"], [[path_struct(server.node(a), rel, server.node(b))]]),
        }
        return answers.get(query)

    server.script = script
    for query in (A_R_B, R_ONLY, PATH):
        got = neo.run_read(query, {"a": a, "b": b})
        want = ladybug.run_read(query, {"a": a, "b": b})
        assert (got.columns, got.rows) == (want.columns, want.rows), query
    rel = neo.run_read(R_ONLY, {"a": a, "b": b}).scalar()
    assert rel["valid_from"] == dt.date(2019, 6, 1) and type(rel["valid_from"]) is dt.date
    resolve = [s for s in fake_bolt.sent if "elementId" in s.query]
    assert resolve and {s.mode for s in resolve} == {neo4j.READ_ACCESS}


def test_run_read_is_a_read_transaction_with_timeout_and_row_cap(
    neo: Neo4jStore, fake_bolt: FakeBoltDriver
) -> None:
    fake_bolt.server.script = lambda q, p: (["x"], [[i] for i in range(5)])
    capped = neo.run_read("UNWIND range(0, 4) AS x RETURN x", timeout=2.5, limit=3)
    assert capped.rows == [[0], [1], [2]] and capped.truncated
    full = neo.run_read("UNWIND range(0, 4) AS x RETURN x", limit=5)
    assert len(full.rows) == 5 and not full.truncated
    assert fake_bolt.timeouts == [2.5, None]
    config = fake_bolt.sessions[-1]
    assert {k: config[k] for k in ("database", "default_access_mode")} == {
        "database": "neo4j", "default_access_mode": neo4j.READ_ACCESS}
    # one bookmark manager for every session of the store: reads follow its own writes
    assert config["bookmark_manager"] is fake_bolt.sessions[0]["bookmark_manager"] is not None
    assert {s.mode for s in fake_bolt.sent} == {neo4j.READ_ACCESS}


def test_a_write_through_run_read_is_refused(neo: Neo4jStore, fake_bolt: FakeBoltDriver) -> None:
    with pytest.raises(QueryRefused, match="read access mode"):
        neo.run_read("CREATE (n:Actor {id: $id})", {"id": "actor/x"})
    assert fake_bolt.commits == 0 and fake_bolt.server.nodes == {}


@pytest.mark.parametrize(("code", "raised"), [
    ("Neo.ClientError.Transaction.ForbiddenDueToTransactionType", QueryRefused),
    ("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", QueryTimeout),
    ("Neo.TransientError.General.DatabaseUnavailable", QueryTimeout),
    ("Neo.ClientError.Statement.SyntaxError", StoreError),
])
def test_server_errors_are_translated(
    neo: Neo4jStore, fake_bolt: FakeBoltDriver, code: str, raised: type[Exception]
) -> None:
    def script(query: str, params: dict[str, Any]) -> Rows:
        raise server_error(code, "Invalid input 'RETRN'\n\"RETRN 1\"\n ^")

    fake_bolt.server.script = script
    with pytest.raises(raised) as info:
        neo.run_read("RETRN 1")
    assert type(info.value) is raised
    if raised is StoreError:
        assert str(info.value) == "Invalid input 'RETRN'"


def test_a_parameter_the_driver_cannot_send_is_a_store_error(neo: Neo4jStore) -> None:
    with pytest.raises(StoreError, match="cannot send the parameters"):
        neo.run_read("RETURN $x AS x", {"x": {1, 2}})


def test_a_lost_connection_names_the_uri(neo: Neo4jStore, fake_bolt: FakeBoltDriver) -> None:
    fake_bolt.fail_on += [("RETURN", ServiceUnavailable("connection reset"))] * 3
    expected = f"^lost the connection to Neo4j at {URI}: connection reset"
    with pytest.raises(StoreError, match=expected):
        neo.run_read("RETURN 1 AS one")


def test_stats_lists_every_class_and_relationship_in_one_read(
    neo: Neo4jStore, fake_bolt: FakeBoltDriver
) -> None:
    stats = neo.stats()
    assert set(stats.nodes) == set(neo.model.classes)
    assert set(stats.relationships) == set(neo.model.relationships)
    assert stats.total_nodes == stats.total_relationships == 0
    assert fake_bolt.transactions == 1


def test_every_statement_sent_is_listed_for_linting(
    neo: Neo4jStore, fake_bolt: FakeBoltDriver
) -> None:
    server = fake_bolt.server
    neo.init_schema()
    neo.write(data.world_nodes(), data.world_edges())
    neo.write([Node.make(data.MILITIA, name="Renamed")],
              [Edge.make("ARMS", data.ARMS_CO, data.MILITIA, note="updated")])
    server.script = lambda q, p: ((["r"], [[server.rel("ARMS", data.ARMS_CO, data.MILITIA)]])
                                  if q == R_ONLY else None)
    neo.run_read(R_ONLY, {"a": data.ARMS_CO, "b": data.MILITIA})
    neo.stats()
    neo.delete_nodes([data.ARMS_CO])
    listed = set(neo4j_statements())
    sent = {s.query for s in fake_bolt.sent} - {R_ONLY}
    assert sent <= listed
    assert any("SET n += r.props" in q and "MATCH" in q for q in sent)  # an update was sent
