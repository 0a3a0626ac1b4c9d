"""``/api/v1/recommendations``: recommendations by addressee and status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.common import api_blueprint, rows, this_url
from api.models import OptionalId, PageFields, Paging, RecommendationStatus, country_ref, full_id, page

__all__ = ["bp"]

bp = api_blueprint("recommendations", "Recommendations to stakeholders and what became of them.",
                   "/recommendations")


class RecommendationQuery(Paging):
    addressee: OptionalId = Field(None, description="Actor id, e.g. un-security-council")
    status: RecommendationStatus = None
    country: OptionalId = Field(None, description="Only this country (RWA or country/RWA)")


class Recommendation(BaseModel):
    id: str
    name: str | None
    status: str | None
    addressee: str
    addressee_name: str | None
    option: str | None = Field(description="Response option, e.g. option/targeted-sanctions")
    priority: str | None
    timeframe: str | None
    country: str
    assessment: str
    date: dt.date | None
    outcome: str | None


class RecommendationPage(PageFields):
    items: list[Recommendation]


@bp.get("", summary="Recommendations by addressee and status", responses={200: RecommendationPage})
def list_recommendations(query: RecommendationQuery) -> dict[str, Any]:
    """Recommendations, grouped by addressee and status."""
    found = rows("recommendations_by_addressee_status",
                 addressee=full_id("actor", query.addressee) if query.addressee else None,
                 status=query.status, country=country_ref(query.country) if query.country else None)
    items = [{"id": r["recommendation"], **{k: r[k] for k in (
        "name", "status", "addressee", "addressee_name", "option", "priority", "timeframe", "country",
        "assessment", "date", "outcome")}} for r in found]
    return page(items, query, this_url())
