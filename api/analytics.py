"""``/api/v1/analytics``: centrality, brokers, communities and bridges of a country's actor network.

Every endpoint pulls the country's actor network on ``as_of`` (named query ``country_network``,
potential perpetrators of its latest assessment marked) and runs one measure of
:mod:`queries.analytics` on it; an unknown country is a 404 naming the nearest ones.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from api.common import api_blueprint, store, this_url
from api.countries import require_country
from api.models import AsOf, PageFields, Paging, country_ref, page
from queries.analytics import bridges, brokers, centrality, communities, country_graph

__all__ = ["bp"]

bp = api_blueprint("analytics", "Network analytics on a country's actor network.", "/analytics")


class CentralityQuery(Paging):
    country: str = Field(pattern=r"^(country/)?[A-Za-z]{3}$", description="Country, e.g. RWA or country/RWA")
    as_of: AsOf = None


class CommunityQuery(CentralityQuery):
    method: str = Field("greedy", pattern=r"^(greedy|louvain)$",
                        description="greedy modularity (deterministic) or louvain (seeded)")
    resolution: float = Field(1.0, gt=0, le=10, description="Above 1 favours smaller communities")
    seed: int = Field(0, ge=0, description="Random seed for louvain")


class Centrality(BaseModel):
    id: str
    name: str | None
    label: str | None = Field(description="Class of the node (Actor, VictimGroup)")
    degree: float
    betweenness: float
    eigenvector: float | None


class CentralityPage(PageFields):
    country: str
    items: list[Centrality]


class Broker(BaseModel):
    id: str
    name: str | None
    label: str | None
    score: float = Field(description="Betweenness over (supporter, perpetrator) pairs only")


class BrokerPage(PageFields):
    country: str
    items: list[Broker]


class Member(BaseModel):
    id: str
    name: str | None
    label: str | None
    community: int = Field(description="0 is the largest community")
    size: int


class CommunityPage(PageFields):
    country: str
    method: str
    items: list[Member]


class Bridge(BaseModel):
    source: str
    target: str
    types: list[str]
    perpetrator_side: list[str] = Field(description="Perpetrators the tie's removal cuts off")
    other_side: list[str] = Field(description="Actors on the other side")


class BridgePage(PageFields):
    country: str
    items: list[Bridge]


def _graph(country: str, query: CentralityQuery) -> tuple[str, nx.MultiDiGraph]:
    cid = country_ref(country)
    graph = country_graph(store(), cid, as_of=query.as_of)
    if graph.number_of_nodes() == 0:
        require_country(cid)
    return cid, graph


@bp.get("/centrality", summary="Centrality of the actors in a country's network",
        responses={200: CentralityPage})
def country_centrality(query: CentralityQuery) -> dict[str, Any]:
    """Degree, betweenness and eigenvector centrality; brokers (high betweenness) first."""
    cid, graph = _graph(query.country, query)
    return page(centrality(graph), query, this_url(), country=cid)


@bp.get("/brokers", summary="Brokers between supporters and perpetrators", responses={200: BrokerPage})
def country_brokers(query: CentralityQuery) -> dict[str, Any]:
    """Actors on the shortest ties between the perpetrators' supporters (support, arms, funds,
    command) and the perpetrators: betweenness counted over those pairs only, highest first."""
    cid, graph = _graph(query.country, query)
    return page(brokers(graph), query, this_url(), country=cid)


@bp.get("/communities", summary="Communities of a country's actor network", responses={200: CommunityPage})
def country_communities(query: CommunityQuery) -> dict[str, Any]:
    """One row per actor or group with its community (0 is the largest)."""
    cid, graph = _graph(query.country, query)
    found = communities(graph, method=query.method, resolution=query.resolution, seed=query.seed)
    return page(found, query, this_url(), country=cid, method=query.method)


@bp.get("/bridges", summary="Ties whose removal cuts perpetrators off", responses={200: BridgePage})
def country_bridges(query: CentralityQuery) -> dict[str, Any]:
    """Bridges of the undirected network with perpetrators on one side and other actors on the other."""
    cid, graph = _graph(query.country, query)
    return page(bridges(graph), query, this_url(), country=cid)
