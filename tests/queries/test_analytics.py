"""Network analytics on the fixture graph: known answers worked out by hand."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from graph.base import GraphStore
from queries import analytics as an
from tests.queries.world import (
    ARMY,
    DONOR,
    EVENT2,
    EVENT3,
    GOVERNMENT,
    HILL,
    MILITIA,
    QZA,
    REGIONAL_BODY,
    VALLEY,
)

LATE = dt.date(2024, 12, 31)


@pytest.fixture(scope="module")
def country(world: GraphStore) -> nx.MultiDiGraph:
    return an.country_graph(world, QZA, as_of=LATE)


def test_country_graph_marks_perpetrators(country: nx.MultiDiGraph) -> None:
    assert set(country) == {ARMY, MILITIA, GOVERNMENT, DONOR, REGIONAL_BODY, VALLEY, HILL}
    assert {n for n, d in country.nodes(data=True) if d.get("perpetrator")} == {ARMY, MILITIA}
    assert country.number_of_edges() == 8
    assert country.nodes[HILL] == {"label": "VictimGroup", "name": "Hill Herders"}
    assert country.edges[REGIONAL_BODY, GOVERNMENT, "HAS_LEVERAGE_OVER"]["lever"] == "economic"


def test_centrality_finds_the_brokers(country: nx.MultiDiGraph) -> None:
    rows = an.centrality(country)
    # Undirected: the army alone joins the hill herders and the donor to the rest (9 of 15
    # pairs), the government the regional body (5), the militia the valley people (5).
    assert [(r["id"], r["betweenness"]) for r in rows[:3]] == [
        (ARMY, 0.6), (GOVERNMENT, 0.333333), (MILITIA, 0.333333)]
    assert rows[0]["degree"] == round(4 / 6, 6) and rows[0]["label"] == "Actor"
    assert max(rows, key=lambda r: r["eigenvector"])["id"] == ARMY
    assert an.centrality(nx.MultiDiGraph()) == []


def test_communities_are_deterministic(country: nx.MultiDiGraph) -> None:
    groups: dict[int, set[str]] = {}
    for r in an.communities(country):
        groups.setdefault(r["community"], set()).add(r["id"])
    assert groups == {0: {ARMY, DONOR, HILL}, 1: {GOVERNMENT, REGIONAL_BODY}, 2: {MILITIA, VALLEY}}
    louvain = an.communities(country, method="louvain", seed=7)
    assert louvain == an.communities(country, method="louvain", seed=7)
    assert {r["id"] for r in louvain} == set(country)
    with pytest.raises(ValueError, match="unknown method"):
        an.communities(country, method="magic")


def test_bridges_between_perpetrators_and_outside_actors(country: nx.MultiDiGraph) -> None:
    rows = an.bridges(country)
    assert [(r["source"], r["target"], r["types"], r["other_side"]) for r in rows] == [
        (ARMY, DONOR, ["HAS_LEVERAGE_OVER"], [DONOR]),
        (GOVERNMENT, REGIONAL_BODY, ["HAS_LEVERAGE_OVER"], [REGIONAL_BODY])]
    assert all(r["perpetrator_side"] == [ARMY, MILITIA] for r in rows)
    assert an.bridges(country, perpetrators=[]) == []


def test_brokers_between_supporters_and_perpetrators(country: nx.MultiDiGraph) -> None:
    # The government supports or commands both perpetrators directly: it brokers nothing.
    assert an.brokers(country) == []
    rows = an.brokers(country, supporters=[DONOR, REGIONAL_BODY])
    assert [(r["id"], r["score"]) for r in rows] == [(GOVERNMENT, 1.0), (ARMY, 0.5)]


def test_paths_from_an_actor_to_a_victim_group(country: nx.MultiDiGraph) -> None:
    rows = an.paths(country, GOVERNMENT, VALLEY, cutoff=3)
    assert [(r["hops"], r["shortest"], r["types"]) for r in rows] == [
        (2, True, ["HAS_LEVERAGE_OVER", "THREATENS"]), (2, True, ["SUPPORTS", "THREATENS"]),
        (3, False, ["COMMANDS", "SUPPORTS", "THREATENS"])]
    assert rows[2]["nodes"] == [GOVERNMENT, ARMY, MILITIA, VALLEY]
    assert an.paths(country, GOVERNMENT, VALLEY, cutoff=1) == []
    assert an.paths(country, "actor/nobody", VALLEY) == []


def test_influence_through_leverage_chains(world: GraphStore) -> None:
    rows = an.influence_over(world, MILITIA)
    assert [(r["actor"], r["steps"], r["chain"], r["levers"]) for r in rows] == [
        (GOVERNMENT, 1, [GOVERNMENT, MILITIA], ["military"]),
        (REGIONAL_BODY, 2, [REGIONAL_BODY, GOVERNMENT, MILITIA], ["economic", "military"])]
    assert [r["actor"] for r in an.influence_over(world, MILITIA, max_steps=1)] == [GOVERNMENT]
    assert [(r["actor"], r["steps"]) for r in an.influence_over(world, ARMY)] == [(DONOR, 1)]
    assert an.influence_over(world, DONOR) == []


def test_window_graph_links_actors_events_and_groups(world: GraphStore) -> None:
    g = an.window_graph(world, dt.date(2024, 1, 1), LATE, country=QZA)
    assert sorted(g.edges(keys=True)) == sorted([
        (ARMY, EVENT2, "PERPETRATED"), (MILITIA, EVENT2, "PERPETRATED"), (ARMY, EVENT3, "PERPETRATED"),
        (EVENT2, VALLEY, "TARGETED"), (EVENT3, VALLEY, "TARGETED")])
    assert g.nodes[EVENT3]["fatalities"] == 30 and g.nodes[EVENT3]["label"] == "Event"
    assert [r["id"] for r in an.centrality(g)][:2] == [EVENT2, ARMY]


def test_ego_graph_keeps_the_centre(world: GraphStore) -> None:
    g = an.ego_graph(world, DONOR, depth=1)
    assert set(g) == {DONOR, ARMY} and g.graph["centre"] == DONOR
    alone = an.ego_graph(world, "actor/nobody", depth=1)
    assert list(alone) == ["actor/nobody"] and alone.nodes["actor/nobody"]["label"] == "Actor"
