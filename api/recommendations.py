"""``/api/v1/recommendations``: recommendations by addressee and status; record a status change."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from flask import Response, jsonify
from pydantic import BaseModel, Field, WithJsonSchema

from api.common import api_blueprint, not_found, rows, this_url
from api.errors import ApiError, ErrorBody
from api.models import (
    OptionalId,
    PageFields,
    Paging,
    RecommendationStatus,
    country_ref,
    full_id,
    page,
)
from api.state import state
from graph.recommendation_status import RecommendationNotFound, change_status
from ontology.model import load_model

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
    outcome_code: str | None = Field(None, description="Coded outcome (effective, partly, not-effective, "
                                                       "not-implemented, unknown)")


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
        "assessment", "date", "outcome", "outcome_code")}} for r in found]
    return page(items, query, this_url())


_STATUSES = [str(v) for v in load_model().constraint("StatusChange", "status").values or ()]
_CODES = [str(v) for v in load_model().constraint("StatusChange", "outcome_code").values or ()]


def _no_default(schema: dict[str, Any]) -> None:
    """Drop ``default: null`` from an enum property (null is not one of its values)."""
    schema.pop("default", None)


class RecommendationPath(BaseModel):
    assessment: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
                            description="The assessment part of the recommendation id, e.g. BIH-1995-06")
    rec: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", description="Its own part, e.g. r4")


class StatusBody(BaseModel):
    status: Annotated[str, WithJsonSchema({"type": "string", "enum": _STATUSES})] = Field(
        description=f"One of {', '.join(_STATUSES)}")
    date: dt.date = Field(description="Day the status changed")
    source: str = Field(min_length=1, max_length=500,
                        description="Source that reports it: a Source id of the graph or a reference")
    note: str | None = Field(None, max_length=5000)
    outcome: Annotated[str | None, WithJsonSchema({"type": "string", "enum": _CODES})] = Field(
        None, description=f"Coded outcome: one of {', '.join(_CODES)} (not for a proposed recommendation)",
        json_schema_extra=_no_default)


class StatusRecorded(BaseModel):
    id: str
    recommendation: str
    status: str
    changed_on: dt.date
    citation: str
    note: str | None
    outcome_code: str | None
    cites: str | None = Field(description="The Source the change cites, when the source names one")
    written: dict[str, int]


@bp.post("/<assessment>/<rec>/status", summary="Record a status change (and coded outcome); needs a bearer token",
         security=[{"bearerAuth": []}], responses={201: StatusRecorded, 403: ErrorBody, 422: ErrorBody})
def post_status(path: RecommendationPath, body: StatusBody) -> Response:
    """Record that recommendation ``rec/{assessment}/{rec}`` changed status, with source, note and outcome.

    The same function as ``akg recommendation status``: an unknown id is a 404 naming the
    nearest ones; a status or outcome outside the vocabulary, or an outcome on a proposed
    recommendation, is a 422 naming the field; nothing is written then.
    """
    st = state()
    st.tokens.require("write")
    if not st.writable:
        raise ApiError(403, "writes_disabled", "this server opened the graph store read-only")
    with st.writing() as store:
        try:
            done = change_status(store, f"{path.assessment}/{path.rec}", body.status, date=body.date,
                                 source=body.source, note=body.note, outcome=body.outcome,
                                 by=st.tokens.name_of_request())
        except RecommendationNotFound as exc:
            raise not_found("recommendation", str(exc.details["id"]), exc.details["suggestions"]) from None
    response = jsonify(done.as_dict())
    response.status_code = 201
    return response
