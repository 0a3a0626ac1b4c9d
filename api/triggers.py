"""``/api/v1/triggers``: triggers anticipated in the coming months across monitored countries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.common import api_blueprint, rows, this_url
from api.models import AsOf, OptionalId, PageFields, Paging, country_ref, page

__all__ = ["bp"]

bp = api_blueprint("triggers", "Anticipated triggers of violence.", "/triggers")


class TriggerQuery(Paging):
    within_months: int = Field(6, ge=1, le=120, description="How many months ahead")
    as_of: AsOf = Field(None, description="Day to look ahead from (ISO date; default today)")
    country: OptionalId = Field(None, description="Only this country (RWA or country/RWA)")


class Trigger(BaseModel):
    id: str
    name: str | None
    trigger_type: str | None
    country: str
    country_name: str | None
    expected_from: dt.date | None
    expected_to: dt.date | None
    likelihood: str | None
    assessment: str


class TriggerPage(PageFields):
    as_of: dt.date
    within_months: int
    items: list[Trigger]


@bp.get("", summary="Triggers expected in the next months", responses={200: TriggerPage})
def list_triggers(query: TriggerQuery) -> dict[str, Any]:
    """Triggers whose expected window overlaps the next ``within_months`` months, soonest first."""
    today = query.as_of or dt.date.today()
    found = rows("upcoming_triggers", today=today, months=query.within_months)
    if query.country:
        wanted = country_ref(query.country)
        found = [r for r in found if r["country"] == wanted]
    items = [{"id": r["trigger"], **{k: r[k] for k in ("name", "trigger_type", "country", "country_name",
                                                       "expected_from", "expected_to", "likelihood",
                                                       "assessment")}} for r in found]
    return page(items, query, this_url(), as_of=today, within_months=query.within_months)
