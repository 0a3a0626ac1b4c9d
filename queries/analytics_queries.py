"""Network analytics as named queries, so ``akg query``, the console and the API reach them.

Each pulls a country's actor network on ``as_of`` (:func:`queries.analytics_graphs.country_graph`,
perpetrators of the latest assessment marked) and runs one measure of :mod:`queries.analytics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.base import GraphStore, ReadResult
from queries.analytics_graphs import country_graph
from queries.analytics_measures import bridges, brokers, communities
from queries.registry import python_query

__all__ = ["country_bridges", "country_brokers", "country_communities"]


@python_query("""
// name: country_brokers
// description: Brokers of a country's actor network: actors lying on the shortest ties
//   between the perpetrators' supporters (support, arms, funding, command) and the potential
//   perpetrators of its latest assessment (betweenness over those pairs only), highest first.
// users: analysts, researchers
// param country: str | country id, e.g. country/QZA
// param as_of: date = today | relationships valid on this day
// returns: id, name, label, score
// example: country=country/QZA
""")
def country_brokers(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Rows of :func:`queries.analytics.brokers` (see the header)."""
    found = brokers(country_graph(store, params["country"], as_of=params["as_of"]))
    return ReadResult(["id", "name", "label", "score"], [[r["id"], r["name"], r["label"], r["score"]] for r in found])


@python_query("""
// name: country_communities
// description: Communities of a country's actor network (greedy modularity on the undirected
//   network, deterministic): one row per actor or victim group, community 0 the largest.
// users: analysts, researchers
// param country: str | country id, e.g. country/QZA
// param as_of: date = today | relationships valid on this day
// returns: id, name, label, community, size
// example: country=country/QZA
""")
def country_communities(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Rows of :func:`queries.analytics.communities` (see the header)."""
    found = communities(country_graph(store, params["country"], as_of=params["as_of"]))
    cols = ["id", "name", "label", "community", "size"]
    return ReadResult(cols, [[r[c] for c in cols] for r in found])


@python_query("""
// name: country_bridges
// description: Bridges of a country's actor network: ties whose removal cuts potential
//   perpetrators off from other actors, with the perpetrators and actors on each side.
// users: analysts, researchers
// param country: str | country id, e.g. country/QZA
// param as_of: date = today | relationships valid on this day
// returns: source, target, types, perpetrator_side, other_side
// example: country=country/QZA
""")
def country_bridges(store: GraphStore, params: Mapping[str, Any]) -> ReadResult:
    """Rows of :func:`queries.analytics.bridges` (see the header)."""
    found = bridges(country_graph(store, params["country"], as_of=params["as_of"]))
    cols = ["source", "target", "types", "perpetrator_side", "other_side"]
    return ReadResult(cols, [[r[c] for c in cols] for r in found])
