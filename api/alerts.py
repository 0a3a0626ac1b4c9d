"""``/api/v1/alerts``: early-warning alerts computed from events, their evidence, and analysts' decisions.

``GET /alerts?country=&since=&status=&kind=`` lists alerts (newest period first, strongest first);
``GET /alerts/{id}`` gives one with the events behind it; ``POST /alerts/{id}/status`` (bearer
token) acknowledges, dismisses (a reason is required), escalates or reopens one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.common import api_blueprint, not_found, rows, this_url
from api.errors import ApiError, ErrorBody
from api.models import AsOf, OptionalId, PageFields, Paging, country_ref, page
from api.state import state
from loaders.early_warning import AlertNotFound, set_status

__all__ = ["bp"]

bp = api_blueprint("alerts", "Early-warning alerts from event series: list, evidence, status.", "/alerts")

AlertStatus = Literal["new", "acknowledged", "dismissed", "escalated"]
AlertKind = Literal["surge", "civilian-share", "new-actor", "new-group", "spread", "mass-fatality"]
_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"


class AlertQuery(Paging):
    country: OptionalId = Field(None, description="ISO3 code or country id, e.g. SYR")
    since: AsOf = Field(None, description="Only alerts whose period starts on or after this day")
    status: AlertStatus | None = None
    kind: AlertKind | None = None


class AlertPath(BaseModel):
    alert_id: str = Field(pattern=_ID, description="Alert id without the alert/ prefix")


class Alert(BaseModel):
    id: str
    country: str
    kind: str
    period_start: dt.date
    period_end: dt.date | None
    dimension: str | None
    slice: str | None
    observed: float | None
    baseline: float | None
    tail_probability: float | None = Field(description="P(X ≥ observed) under the baseline's count model")
    strength: float | None = Field(description="0-1, for sorting")
    status: str | None
    reason: str | None
    explanation: str | None
    evidence_events: int


class AlertPage(PageFields):
    items: list[Alert]


class Evidence(BaseModel):
    event: str
    date: dt.date | None
    event_type: str | None
    area: str | None
    fatalities: int | None
    civilian_deaths: int | None
    civilian_targeting: bool | None
    dataset: str | None
    actors: list[str]


class AlertDetail(Alert):
    evidence: list[Evidence]


class StatusChange(BaseModel):
    status: AlertStatus
    reason: str | None = Field(None, max_length=2000, description="Required to dismiss")


class StatusChanged(BaseModel):
    id: str
    status: str
    reason: str | None
    changed: dt.date


def _item(r: dict[str, Any]) -> dict[str, Any]:
    return {"id": r["alert"], **{k: r[k] for k in (
        "country", "kind", "period_start", "period_end", "dimension", "slice", "observed", "baseline",
        "tail_probability", "strength", "status", "reason", "explanation", "evidence_events")}}


@bp.get("", summary="Alerts from event series", responses={200: AlertPage})
def list_alerts(query: AlertQuery) -> dict[str, Any]:
    """Alerts, newest period first and strongest first, with their explanation."""
    found = rows("alerts_list", country=country_ref(query.country) if query.country else None,
                 since=query.since, status=query.status, kind=query.kind)
    return page([_item(r) for r in found], query, this_url())


def _one(alert_id: str) -> dict[str, Any]:
    full = f"alert/{alert_id}"
    iso3 = alert_id.split("-", 1)[0]
    found = [r for r in rows("alerts_list", country=country_ref(iso3)) if r["alert"] == full] \
        if len(iso3) == 3 else []
    if not found:
        raise not_found("alert", full)
    return found[0]


@bp.get("/<alert_id>", summary="One alert and the events behind it", responses={200: AlertDetail})
def get_alert(path: AlertPath) -> dict[str, Any]:
    """One alert with its evidence (the events with most civilian deaths first)."""
    r = _one(path.alert_id)
    return {**_item(r), "evidence": rows("alert_evidence", alert=r["alert"])}


@bp.post("/<alert_id>/status", summary="Acknowledge, dismiss, escalate or reopen an alert; needs a bearer token",
         security=[{"bearerAuth": []}], responses={200: StatusChanged, 403: ErrorBody, 422: ErrorBody})
def post_status(path: AlertPath, body: StatusChange) -> dict[str, Any]:
    """Record an analyst's decision. Dismissing needs a reason; an unknown id is a 404."""
    st = state()
    st.tokens.require("write")
    if not st.writable:
        raise ApiError(403, "writes_disabled", "this server opened the graph store read-only")
    with st.writing() as store:
        try:
            return set_status(store, f"alert/{path.alert_id}", body.status, body.reason)
        except AlertNotFound:
            raise not_found("alert", f"alert/{path.alert_id}") from None
