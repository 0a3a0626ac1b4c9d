"""Subgraphs for network analytics: relationship rows into ``nx.MultiDiGraph``, pulled with named queries.

:func:`to_graph` turns rows into the graph every measure takes (the shape Ladybug's
``get_as_networkx`` returns); :func:`country_graph`, :func:`ego_graph` and :func:`window_graph`
pull one from the store through the named queries ``country_network``,
``actor_ego_network`` and ``events_by_actor_country_period``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from graph.base import GraphStore
from ontology.errors import OntologyError
from ontology.model import load_model
from queries.registry import execute

__all__ = ["country_graph", "ego_graph", "node_row", "simple_graph", "to_graph", "window_graph"]

_NAME_COLUMNS = {"source_name", "target_name"}


def _label(node_id: str) -> str | None:
    try:
        return load_model().class_of(node_id).name
    except OntologyError:
        return None


def to_graph(rows: Iterable[Mapping[str, Any]], *, source: str = "source", target: str = "target",
             key: str = "type") -> nx.MultiDiGraph:
    """Build a directed multigraph from relationship rows.

    Parameters
    ----------
    rows : iterable of mappings
        One relationship per row, with ``source``, ``type`` and ``target`` columns; optional
        ``source_name``/``target_name`` become node names, other columns edge attributes.
    source, target, key : str
        Column names of the ends and of the relationship type.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes carry ``label`` (the class read from the id prefix) and ``name``; edges are keyed
        by relationship type.

    Examples
    --------
    >>> G = to_graph([{"source": "actor/a", "source_name": "A", "type": "ARMS",
    ...                "target": "actor/b", "confidence": "low"}])
    >>> G.nodes["actor/a"], list(G.edges(keys=True, data=True))
    ({'label': 'Actor', 'name': 'A'}, [('actor/a', 'actor/b', 'ARMS', {'confidence': 'low'})])
    """
    graph = nx.MultiDiGraph()
    for row in rows:
        ends = ((row[source], row.get(f"{source}_name")), (row[target], row.get(f"{target}_name")))
        for node, name in ends:
            if node not in graph:
                graph.add_node(node, label=_label(node), name=name or node)
            elif name:
                graph.nodes[node]["name"] = name
        attrs = {k: v for k, v in row.items()
                 if k not in {source, target, key} | _NAME_COLUMNS and v is not None}
        graph.add_edge(row[source], row[target], key=row[key], **attrs)
    return graph


def _mark(graph: nx.MultiDiGraph, ids: Iterable[str], attr: str) -> None:
    for node in ids:
        if node not in graph:
            graph.add_node(node, label=_label(node), name=node)
        graph.nodes[node][attr] = True


def country_graph(store: GraphStore, country: str, *, as_of: dt.date | None = None) -> nx.MultiDiGraph:
    """The actor network of a country (named query ``country_network``), perpetrators marked.

    Nodes that the latest published assessment names as potential perpetrators get
    ``perpetrator=True``.
    """
    params: dict[str, Any] = {"country": country, "as_of": as_of}
    graph = to_graph(execute(store, "country_network", params).dicts())
    found = execute(store, "perpetrators_in_country", params).dicts()
    _mark(graph, (r["actor"] for r in found), "perpetrator")
    graph.graph.update(country=country, as_of=as_of)
    return graph


def ego_graph(store: GraphStore, actor: str, *, depth: int = 2, as_of: dt.date | None = None) -> nx.MultiDiGraph:
    """An actor's neighbourhood to ``depth`` steps (named query ``actor_ego_network``).

    With ``as_of``, only relationships valid on that day (no ``valid_from`` after it, no
    ``valid_to`` before it) and the actors and groups within ``depth`` steps over them.
    """
    graph = to_graph(execute(store, "actor_ego_network", {"actor": actor, "depth": depth}).dicts())
    if actor not in graph:
        graph.add_node(actor, label=_label(actor), name=actor)
    if as_of is not None:
        graph = valid_on(graph, actor, depth, as_of)
    graph.graph.update(centre=actor, depth=depth, as_of=as_of)
    return graph


def valid_on(graph: nx.MultiDiGraph, centre: str, depth: int, day: dt.date) -> nx.MultiDiGraph:
    """The part of an ego network that holds on ``day``: its relationships valid then, and the
    nodes within ``depth`` steps of ``centre`` over those (either direction).

    >>> G = to_graph([{"source": "actor/a", "type": "ARMS", "target": "actor/b",
    ...                "valid_to": dt.date(1994, 7, 18)},
    ...               {"source": "actor/b", "type": "ARMS", "target": "actor/c"}])
    >>> sorted(valid_on(G, "actor/a", 2, dt.date(1994, 5, 1))), sorted(valid_on(G, "actor/a", 2, dt.date(2000, 1, 1)))
    (['actor/a', 'actor/b', 'actor/c'], ['actor/a'])
    """
    held = graph.copy()
    held.remove_edges_from([(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True)
                            if (d.get("valid_from") is not None and d["valid_from"] > day)
                            or (d.get("valid_to") is not None and d["valid_to"] < day)])
    near = nx.single_source_shortest_path_length(held.to_undirected(as_view=True), centre, cutoff=depth)
    return held.subgraph(near).copy()


def window_graph(store: GraphStore, date_from: dt.date, date_to: dt.date, *, country: str = "",
                 actor: str = "") -> nx.MultiDiGraph:
    """Actors, events and targeted groups of a time window (``events_by_actor_country_period``).

    Edges are ``PERPETRATED`` (actor to event) and ``TARGETED`` (event to group); event nodes
    carry ``date`` and ``fatalities``.
    """
    params: dict[str, Any] = {"date_from": date_from, "date_to": date_to, "country": country}
    if actor or not country:
        params["actor"] = actor
    rows: list[dict[str, Any]] = []
    events = execute(store, "events_by_actor_country_period" if "actor" in params else "events_in_country_period",
                     params).dicts()
    for e in events:
        rows += [{"source": a, "type": "PERPETRATED", "target": e["event"]} for a in e["actors"]]
        rows += [{"source": e["event"], "type": "TARGETED", "target": g} for g in e["targeted_groups"]]
    graph = to_graph(rows)
    for e in events:
        if e["event"] not in graph:
            graph.add_node(e["event"], label=_label(e["event"]), name=e["event"])
        graph.nodes[e["event"]].update(date=e["date"], fatalities=e["fatalities"])
    graph.graph.update(date_from=date_from, date_to=date_to, country=country)
    return graph


def simple_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph; ``types`` on an edge holds every relationship type between the two."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for u, v, k in graph.edges(keys=True):
        if u == v:
            continue
        if simple.has_edge(u, v):
            simple[u][v]["types"].add(k)
        else:
            simple.add_edge(u, v, types={k})
    return simple


def node_row(graph: nx.MultiDiGraph, n: str) -> dict[str, Any]:
    """``id``, ``name`` and ``label`` of a node, the start of every result row."""
    return {"id": n, "name": graph.nodes[n].get("name", n), "label": graph.nodes[n].get("label")}
