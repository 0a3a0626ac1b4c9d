"""Subgraphs pulled from the demo store with named queries."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from graph.base import GraphStore
from queries import run_safe
from tests.viz.conftest import XSS, XSS_ID
from viz.dashboard import country_dashboard, watchlist
from viz.network import build_view, render_html
from viz.planner import plan, plan_markdown
from viz.results import result_graph
from viz.style import CLUSTER, role_property
from viz.subgraphs import UnknownNode, actor_network, country_network, leverage_network, paths_network


def test_actor_network_is_described_and_has_event_clusters(demo: GraphStore) -> None:
    g = actor_network(demo, "actor/interahamwe", depth=1)
    assert g.nodes["actor/interahamwe"]["kind"] == "militia"
    assert role_property()[1][0] in g.nodes["actor/interahamwe"]["role"]
    assert "group/tutsi" in g
    clusters = [n for n, d in g.nodes(data=True) if d.get("label") == CLUSTER]
    assert clusters and all(g.nodes[c]["events"] > 0 for c in clusters)


def test_unknown_ids_raise(demo: GraphStore) -> None:
    with pytest.raises(UnknownNode):
        actor_network(demo, "actor/nobody")
    with pytest.raises(UnknownNode):
        country_network(demo, "country/ZZZ")
    with pytest.raises(UnknownNode):
        paths_network(demo, "actor/far", "group/nobody")
    with pytest.raises(UnknownNode):
        leverage_network(demo, "actor/nobody")


def test_country_network_marks_perpetrators(demo: GraphStore) -> None:
    g = country_network(demo, "country/RWA")
    assert g.nodes["actor/interahamwe"].get("perpetrator") is True
    view = build_view(g)
    roles = {n["id"]: n["role"] for n in view.nodes}
    assert roles["actor/far"] == role_property()[1][0]


def test_country_network_events_in_a_window(demo: GraphStore) -> None:
    def events(g: nx.MultiDiGraph) -> int:
        return sum(int(d["events"]) for _, d in g.nodes(data=True) if d.get("label") == CLUSTER)

    day = dt.date(1994, 7, 1)
    upto = country_network(demo, "country/RWA", as_of=day)
    window = country_network(demo, "country/RWA", as_of=day, events_from=dt.date(1994, 4, 14))
    assert 0 < events(window) < events(upto)
    assert set(window) - {n for n, d in window.nodes(data=True) if d.get("label") == CLUSTER} <= set(upto)


def test_paths_and_leverage(demo: GraphStore) -> None:
    g = paths_network(demo, "actor/far", "group/tutsi")
    assert "actor/far" in g and "group/tutsi" in g and g.graph["paths"] >= 1
    lev = leverage_network(demo, "actor/sdn-government", max_steps=2)
    assert lev.has_edge("actor/us-government", "actor/sdn-government") and lev.graph["chains"] >= 1


def test_hostile_names_never_reach_the_html_unescaped(demo: GraphStore) -> None:
    g = actor_network(demo, XSS_ID, depth=1)
    assert g.nodes[XSS_ID]["name"] == XSS
    html = render_html(build_view(g, title=XSS))
    assert "<script>alert" not in html and "<img src=x" not in html and "</script><script>alert(3)" not in html


def test_dashboard_watchlist_and_plan(demo: GraphStore) -> None:
    d = country_dashboard(demo, "rwa")
    assert d["info"]["name"] == "Rwanda" and len(d["matrix"]["rows"]) == 14
    assert len(d["matrix"]["columns"]) == 2 and d["events"] and d["view"].nodes
    assert "<svg" in d["charts"]["months"] and "Interahamwe" in d["charts"]["perpetrators"]
    w = watchlist(demo)
    names = [r["name"] for _, rows in w["regions"] for r in rows]
    assert "Rwanda" in names and "Myanmar" in names
    p = plan(demo, victim_group="group/tutsi")
    assert p["country"] == "country/RWA" and p["perpetrators"]
    md = plan_markdown(p)
    assert md.startswith("# Response plan: Tutsi") and "## Present risk factors" in md
    with pytest.raises(UnknownNode):
        country_dashboard(demo, "ZZZ")


def test_console_results_become_a_network(demo: GraphStore) -> None:
    result = run_safe(demo, "MATCH (a:Actor)-[r:THREATENS]->(g:VictimGroup) RETURN a, r, g LIMIT 5")
    g = result_graph(result.rows)
    assert g.number_of_edges() == 5 and all(d.get("label") for _, d in g.nodes(data=True))
