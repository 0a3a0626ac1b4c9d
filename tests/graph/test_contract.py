"""The contract every backend keeps: one suite, run on Ladybug always and Neo4j when configured."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.base import GraphStore, Stats
from graph.records import Edge, Node
from ontology.errors import AkgError, InvalidRecord, QueryTimeout
from tests import data


def write_world(store: GraphStore) -> None:
    store.write(data.world_nodes(), data.world_edges())


def counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    s: Stats = store.stats()
    return dict(s.nodes), dict(s.relationships)


def test_init_schema_is_idempotent(store: GraphStore) -> None:
    write_world(store)
    before = counts(store)
    store.init_schema()
    store.init_schema()
    assert counts(store) == before


def test_stats_lists_every_class_and_relationship(store: GraphStore) -> None:
    from ontology.model import load_model

    write_world(store)
    stats = store.stats()
    m = load_model()
    assert set(stats.nodes) == set(m.classes)
    assert set(stats.relationships) == set(m.relationships)
    assert stats.nodes["Actor"] == 5
    assert stats.relationships["THREATENS"] == 1


def test_upsert_is_idempotent(store: GraphStore) -> None:
    first = store.write(data.world_nodes(), data.world_edges())
    assert first.nodes_created == len(data.world_nodes())
    assert first.edges_created == len(data.world_edges())
    before = counts(store)
    second = store.write(data.world_nodes(), data.world_edges())
    assert second.changes == 0
    assert second.nodes_unchanged == len(data.world_nodes())
    assert second.edges_unchanged == len(data.world_edges())
    assert counts(store) == before


def test_update_sets_only_given_properties(store: GraphStore) -> None:
    write_world(store)
    summary = store.write([Node.make(data.MILITIA, name="Night Riders (renamed)")], [])
    assert summary.nodes_updated == 1
    node = store.run_read("MATCH (a:Actor {id: $id}) RETURN a", {"id": data.MILITIA}).scalar()
    assert node["name"] == "Night Riders (renamed)"
    assert node["kind"] == "militia"  # untouched
    assert node["aliases"] == ["NR", "Riders of the Night"]


def test_relationship_properties_with_lists_and_dates_survive(store: GraphStore) -> None:
    write_world(store)
    rel = store.run_read(
        "MATCH (a:Actor {id: $a})-[r:ARMS]->(b:Actor {id: $b}) RETURN r",
        {"a": data.ARMS_CO, "b": data.MILITIA},
    ).scalar()
    assert rel == {
        "type": "ARMS", "source": data.ARMS_CO, "target": data.MILITIA, "confidence": "low",
        "sources": [data.SOURCE], "valid_from": dt.date(2019, 6, 1),
        "valid_to": dt.date(2019, 12, 31),
    }
    # date comparisons work in Cypher on both backends
    n = store.run_read(
        "MATCH ()-[r:ARMS]->() WHERE r.valid_from <= $d AND r.valid_to >= $d RETURN count(*)",
        {"d": dt.date(2019, 8, 1)},
    ).scalar()
    assert n == 1


def test_list_properties_merge_across_writes(store: GraphStore) -> None:
    write_world(store)
    store.write([], [Edge.make("THREATENS", data.MILITIA, data.GROUP,
                               sources=["source/other"], owners=["assessment/QZA-2021-01"])])
    rel = store.run_read("MATCH (:Actor)-[r:THREATENS]->(:VictimGroup) RETURN r").scalar()
    assert rel["sources"] == ["source/other", data.SOURCE]
    assert rel["owners"] == [data.ASSESSMENT, "assessment/QZA-2021-01"]
    assert rel["confidence"] == "medium"


def test_conflicting_duplicate_in_one_batch_is_refused(store: GraphStore) -> None:
    with pytest.raises(InvalidRecord, match="defined twice with conflicting data"):
        store.write([Node.make(data.ARMY, name="A"), Node.make(data.ARMY, name="B")], [])
    assert counts(store)[0]["Actor"] == 0


def test_dangling_relationship_end_writes_nothing(store: GraphStore) -> None:
    write_world(store)
    before = counts(store)
    nodes = [Node.make("actor/new-one", name="New")]
    edges = [Edge.make("SUPPORTS", "actor/new-one", "actor/does-not-exist")]
    with pytest.raises(InvalidRecord, match="actor/does-not-exist"):
        store.write(nodes, edges)
    assert counts(store) == before


def test_run_read_shapes(store: GraphStore) -> None:
    write_world(store)
    res = store.run_read(
        "MATCH p = (a:Actor {id: $a})-[r:THREATENS]->(g:VictimGroup) RETURN a, r, g, p",
        {"a": data.MILITIA},
    )
    assert res.columns == ["a", "r", "g", "p"]
    a, r, g, p = res.rows[0]
    assert a == {"id": data.MILITIA, "label": "Actor", "name": "Night Riders", "kind": "militia",
                 "aliases": ["NR", "Riders of the Night"]}
    assert r["type"] == "THREATENS" and r["source"] == data.MILITIA and r["target"] == data.GROUP
    assert g["population_estimate"] == 250_000 and g["protected"] is True
    assert [n["id"] for n in p["nodes"]] == [data.MILITIA, data.GROUP]
    assert [x["type"] for x in p["relationships"]] == ["THREATENS"]
    assert res.dicts()[0]["a"]["id"] == data.MILITIA


def test_variable_length_path_nodes_keep_only_their_own_properties(store: GraphStore) -> None:
    write_world(store)
    res = store.run_read(
        "MATCH p = (a:Actor {id: $a})-[*1..2]->(g:VictimGroup) RETURN p", {"a": data.ARMY}
    )
    nodes = res.rows[0][0]["nodes"]
    assert nodes[-1] == {"id": data.GROUP, "label": "VictimGroup", "name": "Valley People",
                         "basis": "ethnic", "protected": True, "population_estimate": 250_000}


WRITES = [
    "CREATE (n:Actor {id: 'actor/x'})",
    "MERGE (n:Actor {id: 'actor/x'})",
    "MATCH (n:Actor) SET n.name = 'x'",
    "MATCH (n:Actor) DETACH DELETE n",
    "MATCH (n:Actor) REMOVE n.name",
    "MATCH (a:Actor), (b:Actor) CREATE (a)-[:SUPPORTS]->(b)",
]


@pytest.mark.parametrize("cypher", WRITES)
def test_run_read_refuses_every_write(store: GraphStore, cypher: str) -> None:
    write_world(store)
    before = counts(store)
    names = store.run_read("MATCH (n:Actor) RETURN n.name ORDER BY n.id").rows
    with pytest.raises(AkgError):
        store.run_read(cypher)
    assert counts(store) == before
    assert store.run_read("MATCH (n:Actor) RETURN n.name ORDER BY n.id").rows == names


def test_run_read_limit_flags_truncation(store: GraphStore) -> None:
    write_world(store)
    res = store.run_read("MATCH (n:Actor) RETURN n.id ORDER BY n.id", limit=2)
    assert len(res.rows) == 2 and res.truncated
    res = store.run_read("MATCH (n:Actor) RETURN n.id", limit=50)
    assert len(res.rows) == 5 and not res.truncated


def test_run_read_timeout_stops_the_query(store: GraphStore) -> None:
    with pytest.raises(QueryTimeout):
        store.run_read("UNWIND range(1, 20000) AS x UNWIND range(1, 20000) AS y "
                       "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*)",
                       timeout=0.3)
    assert store.run_read("RETURN 1 AS one").scalar() == 1  # still usable


def test_delete_nodes_removes_their_relationships(store: GraphStore) -> None:
    write_world(store)
    assert store.delete_nodes([data.ARMS_CO, "actor/not-there"]) == 1
    nodes, rels = counts(store)
    assert nodes["Actor"] == 4 and rels["ARMS"] == 0


def test_bulk_write_path_is_idempotent(store: GraphStore) -> None:
    """Enough rows to take each backend's bulk path (Ladybug COPY, Neo4j large UNWIND)."""
    write_world(store)
    events = [Node.make(f"event/bulk-{i}", date=dt.date(2020, 1, 1 + i % 28), fatalities=i % 9,
                        dataset="ACLED", source_event_id=f"B{i}") for i in range(3000)]
    edges = [Edge.make("PERPETRATED", data.MILITIA, f"event/bulk-{i}", sources=["source/acled"])
             for i in range(3000)]
    first = store.write(events, edges)
    assert (first.nodes_created, first.edges_created) == (3000, 3000)
    again = store.write(events, edges)
    assert again.changes == 0
    total = store.run_read("MATCH (:Actor)-[:PERPETRATED]->(e:Event) RETURN sum(e.fatalities)").scalar()
    assert total == sum(i % 9 for i in range(3000)) + 12


def _same(a: list[list[Any]], b: list[list[Any]]) -> bool:
    return sorted(map(repr, a)) == sorted(map(repr, b))
