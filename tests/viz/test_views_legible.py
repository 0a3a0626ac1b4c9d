"""Whole labels, clusters for large graphs, the slider's dates, and console cells that name ends."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from queries.analytics import to_graph
from tests.viz.test_network import big
from viz.network import PHYSICS_MAX_NODES, build_view, options_for, wrap_label
from viz.results import cell_text, node_names, result_graph
from viz.timeline import date_span, slider

LONG = "Interim Government of Rwanda (April-July 1994)"


def test_labels_are_whole_names_wrapped_never_cut() -> None:
    g = to_graph([{"source": "actor/a", "source_name": LONG, "type": "ARMS", "target": "actor/b",
                   "target_name": "Supercalifragilisticexpialidocious-Brigade"}])
    nodes = {n["id"]: n for n in build_view(g).nodes}
    assert "…" not in nodes["actor/a"]["label"]
    assert nodes["actor/a"]["label"].replace("\n", " ") == LONG and "\n" in nodes["actor/a"]["label"]
    assert nodes["actor/b"]["label"] == "Supercalifragilisticexpialidocious-Brigade"  # a long word stays whole
    assert all(n["font"]["size"] >= 14 for n in nodes.values())
    assert wrap_label("") == ""


def test_springs_grow_with_labels_and_small_graphs_avoid_overlap() -> None:
    short, wide = options_for(20, label_chars=6), options_for(20, label_chars=22)
    assert short["physics"]["barnesHut"]["springLength"] < wide["physics"]["barnesHut"]["springLength"]
    assert wide["physics"]["barnesHut"]["avoidOverlap"] > 0


def test_large_graphs_open_clustered_by_community_with_counts() -> None:
    view = build_view(big(PHYSICS_MAX_NODES + 100, 900))
    clusters = view.meta["clusters"]
    assert 2 <= len(clusters) < len(view.nodes)
    assert sum(c["count"] for c in clusters) == len(view.nodes)
    by_group = {c["group"]: c for c in clusters}
    assert all(n["cgroup"] in by_group for n in view.nodes)
    biggest = clusters[0]
    assert biggest["label"].endswith(f"({biggest['count']})") and "more" in biggest["label"]
    assert build_view(big(PHYSICS_MAX_NODES + 100, 900)).meta["clusters"] == clusters  # seeded: the same again
    assert "clusters" not in build_view(big(50, 80)).meta


def test_slider_spans_the_dates_of_the_view() -> None:
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="ARMS", valid_from=dt.date(1991, 5, 1), valid_to="1994-07-01")
    assert date_span(g, today=dt.date(2000, 1, 1)) == (dt.date(1991, 5, 1), dt.date(2000, 1, 1))
    empty = date_span(nx.MultiDiGraph(), today=dt.date(2000, 1, 1))
    assert empty == (dt.date(1999, 1, 1), dt.date(2000, 1, 1))
    view = {"nodes": [{"title": "period: 1993-02-01 to 1993-03-01"}], "edges": [{"valid_from": "1995-01-01"}]}
    s = slider(view, dt.date(1994, 4, 6))
    assert s["min"] == "1993-02-01" and s["value"] == "1994-04-06" and s["max"] == dt.date.today().isoformat()


def test_console_cells_name_relationship_ends() -> None:
    rows = [[{"id": "actor/a", "label": "Actor", "name": "Alpha"},
             {"type": "THREATENS", "source": "actor/a", "target": "group/g", "confidence": "high"},
             {"id": "group/g", "label": "VictimGroup", "name": "Gamma"}]]
    names = node_names(result_graph(rows))
    text = cell_text(rows[0][1], names)
    assert text == "Alpha — threatens → Gamma (confidence: high)"
    assert "actor/a" not in text and "-[" not in text
