"""The subgraphs the views draw, pulled from the store with named queries only.

Each function returns an ``nx.MultiDiGraph`` ready for :func:`viz.network.build_view`:
an actor's ego network, a country's actors and groups, the paths from a perpetrator to a
victim group, and the leverage network around a perpetrator. Nodes get their class, name,
role and details (kind, aliases, description, countries) for tooltips; events of the
datasets are folded into *event clusters* (one node per perpetrator and targeted group).
Unknown ids raise :class:`UnknownNode`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from graph.base import GraphStore
from ontology.errors import AkgError, OntologyError
from ontology.model import load_model
from queries import execute
from queries.analytics import country_graph, ego_graph, to_graph
from queries.leverage import DEFAULT_HOPS, leverage_chains
from viz.provenance import cite_graph
from viz.style import CLUSTER, role_property

__all__ = [
    "EVENT_LIMIT",
    "UnknownNode",
    "actor_network",
    "add_event_clusters",
    "class_of",
    "country_network",
    "describe_actors",
    "describe_groups",
    "event_rows",
    "leverage_network",
    "paths_network",
    "relationship_between",
]

# Most events read for one view (clusters and charts); more are reported as cut.
EVENT_LIMIT = 50_000


class UnknownNode(AkgError):
    """No node has the id asked for."""

    code = "not_found"


def class_of(node_id: str) -> str | None:
    """Class name of an id (by its prefix), or None."""
    try:
        return load_model().class_of(node_id).name
    except OntologyError:
        return None


def relationship_between(source_class: str | None, target_class: str | None) -> str | None:
    """The relationship type the model allows from one class to another (the first by name)."""
    for rel in load_model().relationships.values():
        if source_class in rel.domain and target_class in rel.range and len(rel.domain) < 4:
            return rel.name
    return None


def _rows(store: GraphStore, name: str, limit: int | None = None, **params: Any) -> list[dict[str, Any]]:
    return execute(store, name, {k: v for k, v in params.items() if v is not None}, limit=limit).dicts()


def describe_actors(store: GraphStore, graph: nx.MultiDiGraph, *, country: str = "") -> None:
    """Add kind, aliases, description, countries and roles to the graph's actor nodes."""
    wanted = {n for n in graph if class_of(str(n)) == class_of("actor/x")}
    if not wanted:
        return
    found = _rows(store, "actor_search", country=country) if country else []
    rows = {r["actor"]: r for r in found}
    if wanted - set(rows):
        rows.update({r["actor"]: r for r in _rows(store, "actor_search")})
    known_roles = role_property()[1]
    for node in wanted:
        row = rows.get(node)
        if row is None:
            continue
        attrs = graph.nodes[node]
        attrs["name"] = row["name"] or attrs.get("name") or node
        for key in ("kind", "aliases", "description", "countries"):
            if row.get(key):
                attrs[key] = row[key]
        roles = [r for r in (row.get("roles") or []) if r in known_roles]
        if roles and not attrs.get("role"):
            attrs["role"] = sorted(roles, key=known_roles.index)
        if row.get("assessments"):
            # sorted: collect() order differs between backends
            attrs["named_in"] = sorted(a.split("/", 1)[-1] for a in row["assessments"])


def describe_groups(store: GraphStore, graph: nx.MultiDiGraph, as_of: dt.date | None = None) -> None:
    """Basis, protection, population and threat sources for victim-group nodes (few per view)."""
    group_class = class_of("group/x")
    for node in [n for n in graph if class_of(str(n)) == group_class][:40]:
        rows = _rows(store, "victim_group_threats", victim_group=node, as_of=as_of)
        if not rows:
            continue
        attrs = graph.nodes[node]
        first = rows[0]
        attrs["name"] = first["name"] or attrs.get("name") or node
        for key in ("basis", "protected", "population_estimate"):
            if first.get(key) is not None:
                attrs[key] = first[key]
        for row in rows:
            if row.get("actor") and row.get("sources") and graph.has_node(row["actor"]):
                for data in (graph.get_edge_data(row["actor"], node) or {}).values():
                    data.setdefault("sources", row["sources"])


def event_rows(store: GraphStore, *, country: str = "", actor: str = "", date_from: dt.date | None = None,
               date_to: dt.date | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Events of a country and/or actor in a window, and whether the list was cut."""
    name = "events_in_country_period" if country and not actor else "events_by_actor_country_period"
    result = execute(store, name,
                     {k: v for k, v in {"country": country, "actor": actor, "date_from": date_from,
                                        "date_to": date_to}.items() if v not in (None, "")},
                     limit=EVENT_LIMIT)
    return result.dicts(), result.truncated


def add_event_clusters(graph: nx.MultiDiGraph, events: Iterable[Mapping[str, Any]],
                       actors: set[str] | None = None) -> int:
    """Fold events into one cluster node per (perpetrator, targeted group); returns clusters added.

    Only perpetrators already in the graph (or in ``actors``) get clusters.
    """
    keep = set(graph) if actors is None else actors
    clusters: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for e in events:
        for a in e.get("actors") or []:
            if a in keep:
                for g in (e.get("targeted_groups") or [""]):
                    clusters[(a, g)].append(e)
    event_class = next((c.name for c in load_model().classes.values() if "fatalities" in c.properties), None)
    for (a, g), rows in clusters.items():
        cid = f"{CLUSTER}/{a}/{g or 'unspecified'}"
        dates = sorted(str(r["date"]) for r in rows if r.get("date"))
        deaths = sum(int(r.get("fatalities") or 0) for r in rows)
        graph.add_node(cid, label=CLUSTER, name=f"{len(rows)} events · {deaths:,} deaths",
                       events=len(rows), fatalities=deaths,
                       period=f"{dates[0]} to {dates[-1]}" if dates else None,
                       datasets=sorted({str(r.get("dataset")) for r in rows if r.get("dataset")}))
        graph.add_edge(a, cid, key=relationship_between(class_of(a), event_class) or "", events=len(rows))
        if g and g in graph:
            graph.add_edge(cid, g, key=relationship_between(event_class, class_of(g)) or "", events=len(rows))
        elif g:
            graph.add_node(g, label=class_of(g), name=g)
            graph.add_edge(cid, g, key=relationship_between(event_class, class_of(g)) or "", events=len(rows))
    return len(clusters)


def actor_network(store: GraphStore, actor: str, *, depth: int = 1, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, events: bool = True,
                  as_of: dt.date | None = None) -> nx.MultiDiGraph:
    """An actor's ego network to ``depth`` steps, described, with its event clusters in a window;
    with ``as_of``, the relationships valid that day and who they reach (:func:`valid_on`)."""
    if not _rows(store, "actor_search", actor=actor):
        raise UnknownNode(f"no actor with id {actor}", {"id": actor})
    graph = ego_graph(store, actor, depth=depth, as_of=as_of)
    if events:
        rows, _ = event_rows(store, actor=actor, date_from=date_from, date_to=date_to)
        add_event_clusters(graph, rows, {actor})
    describe_actors(store, graph)
    describe_groups(store, graph)
    cite_graph(store, graph)
    graph.graph.update(centre=actor, depth=depth)
    return graph


def country_network(store: GraphStore, country: str, *, as_of: dt.date | None = None,
                    events: bool = True, events_from: dt.date | None = None) -> nx.MultiDiGraph:
    """A country's actors and victim groups, potential perpetrators marked, with event clusters.

    Relationships are those valid on ``as_of``; event clusters hold the events up to ``as_of``
    (from ``events_from`` when given: a window).
    """
    overview = _rows(store, "country_overview", country=country)
    if not overview:
        raise UnknownNode(f"no country with id {country}", {"id": country})
    graph = country_graph(store, country, as_of=as_of)
    graph.graph["name"] = overview[0]["name"] or country
    for row in _rows(store, "victim_groups_at_risk", country=country, as_of=as_of):
        if row["victim_group"] not in graph:
            graph.add_node(row["victim_group"], label=class_of(row["victim_group"]), name=row["name"])
    if events:
        rows, _ = event_rows(store, country=country, date_from=events_from, date_to=as_of)
        add_event_clusters(graph, rows)
    describe_actors(store, graph, country=country)
    describe_groups(store, graph, as_of)
    cite_graph(store, graph)
    return graph


def paths_network(store: GraphStore, actor: str, victim_group: str, *, max_hops: int = 4,
                  max_paths: int = 50) -> nx.MultiDiGraph:
    """Every path (at most ``max_paths``) from an actor to a victim group, as one graph."""
    if not _rows(store, "actor_search", actor=actor):
        raise UnknownNode(f"no actor with id {actor}", {"id": actor})
    if not _rows(store, "victim_group_threats", victim_group=victim_group):
        raise UnknownNode(f"no victim group with id {victim_group}", {"id": victim_group})
    rows = _rows(store, "paths_actor_to_group", actor=actor, victim_group=victim_group, max_hops=max_hops,
                 max_paths=max_paths)
    context = ego_graph(store, actor, depth=min(max_hops, 3))
    edges = []
    for row in rows:
        ids, types = row["nodes"], row["relationships"]
        for i, rtype in enumerate(types):
            attrs = dict((context.get_edge_data(ids[i], ids[i + 1]) or {}).get(rtype, {}))
            edges.append({"source": ids[i], "type": rtype, "target": ids[i + 1], **attrs})
    graph = to_graph(edges)
    for end in (actor, victim_group):
        if end not in graph:
            graph.add_node(end, label=class_of(end), name=end)
    describe_actors(store, graph)
    describe_groups(store, graph)
    cite_graph(store, graph)
    graph.graph.update(paths=len(rows), source=actor, target=victim_group)
    return graph


def leverage_network(store: GraphStore, perpetrator: str, *, max_steps: int = DEFAULT_HOPS) -> nx.MultiDiGraph:
    """Every leverage chain over an actor (:mod:`queries.leverage`, at most ``max_steps`` hops).

    Nodes are the actors on the chains; edges are the chains' steps (a membership step is
    drawn from the member to the organisation, as recorded). ``graph.graph["chains"]`` counts
    the chains and ``graph.graph["paths"]`` spells the strongest ones out; with none the graph
    holds only the actor, and the view says so.
    """
    found = _rows(store, "actor_search", actor=perpetrator)
    if not found:
        raise UnknownNode(f"no actor with id {perpetrator}", {"id": perpetrator})
    chains = leverage_chains(store, [perpetrator], max_hops=max_steps)
    graph = nx.MultiDiGraph()
    graph.add_node(perpetrator, label=class_of(perpetrator), name=found[0]["name"] or perpetrator)
    for chain in chains:
        for s in chain.steps:
            for node, name in ((s.source, s.source_name), (s.target, s.target_name)):
                if node not in graph:
                    graph.add_node(node, label=class_of(node), name=name)
            attrs = {k: v for k, v in (("lever", s.lever), ("confidence", s.confidence),
                                       ("sources", list(s.sources))) if v}
            # a membership step runs from the organisation to its member; the relationship the other way
            u, v = (s.target, s.source) if s.type == "MEMBER_OF" else (s.source, s.target)
            if not graph.has_edge(u, v, key=s.type):
                graph.add_edge(u, v, key=s.type, **attrs)
    describe_actors(store, graph)
    cite_graph(store, graph)
    graph.graph.update(centre=perpetrator, chains=len(chains), max_steps=max_steps,
                       paths=[f"{c.path} (strength {c.strength:g})" for c in chains[:5]])
    return graph
