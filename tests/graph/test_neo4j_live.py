"""The neo4j backend against a live server (``NEO4J_URI`` etc., read by ``Settings.from_env``).

Skipped unless ``NEO4J_URI`` is set. Every node these tests write has an id carrying a
per-run tag and only those nodes are deleted afterwards, so other data in the database is left
alone; counts are compared as differences.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest

from graph import neo4j_write
from graph.neo4j_store import Neo4jStore
from graph.records import Edge, Node
from graph.settings import Settings
from ontology.errors import InvalidRecord, QueryRefused, QueryTimeout, StoreError

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                       reason="NEO4J_URI not set: live Neo4j tests skipped"),
]

RUN = uuid.uuid4().hex[:10]
MILITIA, ARMS_CO = f"actor/live-{RUN}-militia", f"actor/live-{RUN}-arms"
GROUP, SOURCE = f"group/live-{RUN}-herders", f"source/live-{RUN}-report"


def nodes() -> list[Node]:
    return [
        Node.make(MILITIA, name="Live Militia", kind="militia", aliases=["LM", "Live"]),
        Node.make(ARMS_CO, name="Live Arms", kind="company"),
        Node.make(GROUP, name="Live Herders", basis="ethnic", protected=True),
    ]


def edges() -> list[Edge]:
    return [
        Edge.make("ARMS", ARMS_CO, MILITIA, confidence="low", sources=[SOURCE],
                  valid_from=dt.date(2019, 6, 1), valid_to=dt.date(2019, 12, 31)),
        Edge.make("THREATENS", MILITIA, GROUP, confidence="medium", sources=[SOURCE]),
    ]


def settings() -> Settings:
    return Settings.from_env().with_overrides(backend="neo4j")


def _mine(store: Neo4jStore) -> list[str]:
    rows = store.run_read("MATCH (n) WHERE n.id CONTAINS $tag RETURN n.id", {"tag": f"live-{RUN}"})
    return [r[0] for r in rows.rows]


@pytest.fixture
def live() -> Iterator[Neo4jStore]:
    store = Neo4jStore(settings())
    store.init_schema()
    try:
        yield store
    finally:
        store.delete_nodes(_mine(store))
        store.close()


def test_write_read_round_trip(live: Neo4jStore) -> None:
    before = live.stats()
    summary = live.write(nodes(), edges())
    assert (summary.nodes_created, summary.edges_created) == (3, 2)
    after = live.stats()
    assert after.nodes["Actor"] - before.nodes["Actor"] == 2
    assert after.relationships["ARMS"] - before.relationships["ARMS"] == 1
    a, r, b = live.run_read(
        "MATCH (a:Actor {id: $a})-[r:ARMS]->(b:Actor {id: $b}) RETURN a, r, b",
        {"a": ARMS_CO, "b": MILITIA},
    ).rows[0]
    assert a == {"id": ARMS_CO, "label": "Actor", "name": "Live Arms", "kind": "company"}
    assert b["aliases"] == ["LM", "Live"]
    assert r == {"type": "ARMS", "source": ARMS_CO, "target": MILITIA, "confidence": "low",
                 "sources": [SOURCE], "valid_from": dt.date(2019, 6, 1),
                 "valid_to": dt.date(2019, 12, 31)}
    params = {"a": ARMS_CO}
    bare = live.run_read("MATCH (:Actor {id: $a})-[r:ARMS]->() RETURN r", params).scalar()
    assert bare == r  # ends resolved to ids although the nodes were not returned
    path = live.run_read("MATCH p = (:Actor {id: $a})-[:ARMS]->() RETURN p", params).scalar()
    assert path == {"nodes": [a, b], "relationships": [r]}


def test_upsert_is_idempotent_and_merges(live: Neo4jStore) -> None:
    live.write(nodes(), edges())
    again = live.write(nodes(), edges())
    assert again.changes == 0 and (again.nodes_unchanged, again.edges_unchanged) == (3, 2)
    other = f"source/live-{RUN}-other"
    update = live.write([Node.make(MILITIA, name="Renamed")],
                        [Edge.make("THREATENS", MILITIA, GROUP, sources=[other])])
    assert (update.nodes_updated, update.edges_updated) == (1, 1)
    node = live.run_read("MATCH (n:Actor {id: $id}) RETURN n", {"id": MILITIA}).scalar()
    assert node["name"] == "Renamed" and node["kind"] == "militia"
    rel = live.run_read("MATCH (:Actor {id: $id})-[r:THREATENS]->() RETURN r", {"id": MILITIA})
    assert rel.scalar()["sources"] == sorted([SOURCE, other])  # merge-union list


def test_failed_writes_leave_nothing(live: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidRecord):
        live.write([Node.make(GROUP, name="G")], [Edge.make("THREATENS", MILITIA, GROUP)])
    assert _mine(live) == []
    # A statement the server rejects after the nodes were created in the same transaction.
    monkeypatch.setattr(neo4j_write, "edge_create", lambda rel, src, tgt: "CREATE (broken")
    with pytest.raises(StoreError):
        live.write(nodes(), edges())
    assert _mine(live) == []


def test_reads_are_read_only_and_limited(live: Neo4jStore) -> None:
    live.write(nodes(), edges())
    with pytest.raises(QueryRefused):
        live.run_read("CREATE (n:Actor {id: $id, name: 'x'})", {"id": f"actor/live-{RUN}-x"})
    assert len(_mine(live)) == 3
    res = live.run_read("MATCH (n) WHERE n.id CONTAINS $t RETURN n.id", {"t": RUN}, limit=2)
    assert len(res.rows) == 2 and res.truncated
    with pytest.raises(QueryTimeout):
        live.run_read("UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*)",
                      timeout=0.3)
    assert live.run_read("RETURN 1 AS one").scalar() == 1
    read_only = Neo4jStore(settings(), read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        read_only.write(nodes(), [])
    read_only.close()


def test_delete_nodes_counts_existing(live: Neo4jStore) -> None:
    live.write(nodes(), edges())
    assert live.delete_nodes([ARMS_CO, f"actor/live-{RUN}-absent"]) == 1
    assert sorted(_mine(live)) == sorted([MILITIA, GROUP])


def test_wrong_password_is_a_clean_error() -> None:
    wrong = "wrong-" + uuid.uuid4().hex
    with pytest.raises(StoreError) as info:
        Neo4jStore(settings().with_overrides(neo4j_password=wrong))
    assert settings().neo4j_uri.rpartition("@")[2] in str(info.value)
    assert wrong not in str(info.value)
