"""``/api/v1/countries/{iso3}/signals``: a country's event series, its alerts, and why it has none."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.common import api_blueprint, rows, store
from api.countries import CountryPath, country_id, require_country
from api.models import AsOf, QueryModel
from loaders.early_warning import coverage
from loaders.series import weekly_points

__all__ = ["bp"]

bp = api_blueprint("signals", "Event series and signals of a country.", "/countries")


class SignalQuery(QueryModel):
    granularity: Literal["month", "week"] = "month"
    dimension: Literal["all", "admin1", "actor", "group", "category", "indicator"] = "all"
    slice: str | None = Field(None, max_length=200, description="One slice (area, actor/group/indicator id, category)")
    since: AsOf = Field(None, description="First period start (default: every stored period)")


class Point(BaseModel):
    period_start: dt.date
    slice: str
    events: int
    fatalities: int
    civilian_events: int
    civilian_deaths: int


class Coverage(BaseModel):
    events: int
    first_event: dt.date | None
    last_event: dt.date | None
    months: int
    message: str = Field(description="What the stored events allow, and why there may be no alert")


class Signals(BaseModel):
    country: str
    granularity: str
    dimension: str
    coverage: Coverage
    series: list[Point]
    alerts: list[dict[str, Any]]


@bp.get("/<iso3>/signals", summary="Event series and alerts of a country", responses={200: Signals})
def country_signals(path: CountryPath, query: SignalQuery) -> dict[str, Any]:
    """Stored series points of one dimension, the country's alerts, and its event coverage. Weekly
    series of a dimension other than ``all`` that are not stored are computed from the events."""
    cid = country_id(path.iso3)
    require_country(cid)
    series = rows("country_signals", country=cid, granularity=query.granularity, dimension=query.dimension,
                  slice=query.slice or "", date_from=query.since)
    if not series and query.granularity == "week" and query.dimension != "all":
        series = weekly_points(store(), path.iso3.upper(), query.dimension, query.slice or "", query.since)
    alerts = rows("alerts_list", country=cid, since=query.since)
    return {"country": cid, "granularity": query.granularity, "dimension": query.dimension,
            "coverage": coverage(store(), path.iso3.upper()),
            "series": [{k: r[k] for k in ("period_start", "slice", "events", "fatalities", "civilian_events",
                                         "civilian_deaths")} for r in series],
            "alerts": [{"id": a["alert"], **{k: a[k] for k in ("kind", "period_start", "period_end", "slice",
                                                               "observed", "baseline", "strength", "status",
                                                               "explanation")}} for a in alerts]}
