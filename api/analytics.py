"""``/api/v1/analytics/centrality``: who sits at the centre of a country's actor network."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.common import api_blueprint, store, this_url
from api.countries import require_country
from api.models import AsOf, PageFields, Paging, country_ref, page
from queries.analytics import centrality, country_graph

__all__ = ["bp"]

bp = api_blueprint("analytics", "Network analytics on a country's actor network.", "/analytics")


class CentralityQuery(Paging):
    country: str = Field(pattern=r"^(country/)?[A-Za-z]{3}$", description="Country, e.g. RWA or country/RWA")
    as_of: AsOf = None


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


@bp.get("/centrality", summary="Centrality of the actors in a country's network",
        responses={200: CentralityPage})
def country_centrality(query: CentralityQuery) -> dict[str, Any]:
    """Degree, betweenness and eigenvector centrality; brokers (high betweenness) first."""
    cid = country_ref(query.country)
    graph = country_graph(store(), cid, as_of=query.as_of)
    if graph.number_of_nodes() == 0:
        require_country(cid)
    return page(centrality(graph), query, this_url(), country=cid)
