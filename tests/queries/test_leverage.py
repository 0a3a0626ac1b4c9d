"""Leverage chains on a small invented world with every chain shape: direct, 2-hop, 3-hop, a
4-hop chain beyond the default limit, a cycle, membership read from the organisation, and a
relationship no longer valid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.records import Edge, Node
from graph.registry import open_store
from queries.leverage import MAX_HOPS, Chain, leverage_chains
from queries.registry import QueryParameterError
from tests.conftest import _wipe_neo4j, backend_params, settings_for

P, CMD, PATRON, OUTER, FAR, ORG, OLD, SRC = (
    "actor/lc-perp", "actor/lc-commander", "actor/lc-patron", "actor/lc-outer", "actor/lc-far",
    "actor/lc-org", "actor/lc-old-ally", "source/lc-report")
DAY = dt.date(2024, 6, 1)


def world() -> tuple[list[Node], list[Edge]]:
    names = {P: "Perp Militia", CMD: "Commander", PATRON: "Patron State", OUTER: "Outer Power",
             FAR: "Far Power", ORG: "Regional Org", OLD: "Old Ally"}
    nodes = [Node.make(i, name=n, kind="government") for i, n in names.items()]
    nodes.append(Node.make(SRC, name="LC report", title="LC report", publisher="Monitor", reliability="B",
                           credibility=2))
    edges = [
        Edge.make("COMMANDS", CMD, P, confidence="high", sources=[SRC]),           # direct
        Edge.make("HAS_LEVERAGE_OVER", PATRON, CMD, lever="economic", confidence="medium"),  # 2-hop
        Edge.make("HAS_LEVERAGE_OVER", OUTER, PATRON, lever="diplomatic", confidence="high"),  # 3-hop
        Edge.make("ARMS", FAR, OUTER, confidence="low"),                           # 4-hop
        Edge.make("SUPPORTS", P, CMD, confidence="medium"),                         # cycle P -> CMD -> P
        Edge.make("MEMBER_OF", P, ORG, confidence="high"),                          # ORG over its member
        Edge.make("SUPPORTS", OLD, P, confidence="high", valid_to=dt.date(2020, 1, 1)),  # expired
    ]
    return nodes, edges


@pytest.fixture(scope="module", params=backend_params())
def chains_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    s = open_store(settings_for(request.param, Path(tmp_path_factory.mktemp("chains"))))
    s.init_schema()
    if request.param == "neo4j":
        _wipe_neo4j(s)
    nodes, edges = world()
    s.write(nodes, edges)
    try:
        yield s
    finally:
        if request.param == "neo4j":
            _wipe_neo4j(s)
        s.close()


def paths(chains: list[Chain]) -> list[str]:
    return [c.path for c in chains]


def test_direct_two_and_three_hop_chains_strongest_first(chains_store: GraphStore) -> None:
    found = leverage_chains(chains_store, [P], as_of=DAY)
    assert paths(found) == [
        "Commander —commands→ Perp Militia",                                            # 0.9
        "Patron State —leverage(economic)→ Commander —commands→ Perp Militia",          # 0.75 x 0.9
        "Outer Power —leverage(diplomatic)→ Patron State —leverage(economic)→ Commander —commands→ Perp Militia",
        "Regional Org —has member→ Perp Militia",                                        # 0.6
    ]
    # equal strength: the shorter chain first
    assert [(c.strength, c.hops) for c in found] == [(0.9, 1), (0.675, 2), (0.675, 3), (0.6, 1)]
    three = found[2]
    assert three.hops == 3 and three.levers == ("diplomatic",) and three.lever_recorded
    assert three.as_dict()["steps"][2]["sources"] == [{"id": SRC, "title": "LC report"}]


def test_ranked_by_strength(chains_store: GraphStore) -> None:
    found = leverage_chains(chains_store, [P], as_of=DAY)
    strengths = [c.strength for c in found]
    assert strengths == sorted(strengths, reverse=True)
    assert {c.stakeholder: c.strength for c in found}[ORG] == 0.6  # membership 0.6 x high 1.0


def test_cycle_ends_instead_of_looping(chains_store: GraphStore) -> None:
    found = leverage_chains(chains_store, [P], max_hops=MAX_HOPS, as_of=DAY)
    for c in found:
        actors = [c.steps[0].source] + [s.target for s in c.steps]
        assert len(actors) == len(set(actors)), c.path  # no actor twice
    assert P not in {c.stakeholder for c in found}  # P supports CMD, but P over P is no chain


def test_hop_limit(chains_store: GraphStore) -> None:
    assert {c.hops for c in leverage_chains(chains_store, [P], max_hops=1, as_of=DAY)} == {1}
    assert FAR not in {c.stakeholder for c in leverage_chains(chains_store, [P], as_of=DAY)}
    four = leverage_chains(chains_store, [P], max_hops=4, as_of=DAY)
    assert [c.path for c in four if c.stakeholder == FAR] == [
        "Far Power —arms→ Outer Power —leverage(diplomatic)→ Patron State —leverage(economic)→ Commander "
        "—commands→ Perp Militia"]
    with pytest.raises(QueryParameterError, match="between 1 and 5"):
        leverage_chains(chains_store, [P], max_hops=MAX_HOPS + 1)


def test_only_relationships_valid_on_the_day(chains_store: GraphStore) -> None:
    assert OLD not in {c.stakeholder for c in leverage_chains(chains_store, [P], as_of=DAY)}
    then = leverage_chains(chains_store, [P], as_of=dt.date(2019, 6, 1))
    assert "Old Ally —supports→ Perp Militia" in paths(then)


def test_nothing_recorded_is_an_empty_answer(chains_store: GraphStore) -> None:
    assert leverage_chains(chains_store, [FAR], as_of=DAY) == []
