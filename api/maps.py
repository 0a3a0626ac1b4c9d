"""``/api/v1/maps``: the data of the watch-list map and of a country's map of events; ``/vendor/``.

- ``GET /api/v1/maps/countries?as_of=`` → every country keyed by its Natural Earth shape
  (``map_country_levels``, drawn by :func:`viz.maps.watchlist_map`): fill by risk level, hover
  text with the EWP score, link, and the four monitored regions to outline.
- ``GET /api/v1/maps/countries/<iso3>/events?from=&to=`` → the country's located events in the
  window: single events (``map_event_points``) up to :data:`viz.maps.MAX_POINTS` events, else counts
  per grid cell (``map_event_grid``, cell size from ``map_event_summary``'s box), each coloured by its
  event category (:func:`loaders.event_mapping.categories`, the series' mapping) and sized by
  fatalities; the alerts of the window (``map_alerts_of_country``); how many events are shown;
  and the datasets behind them (illustrative flag, attribution lines).
- ``/vendor/<file>``: the vendored shapes and scripts (``api/static/vendor``, see its README).

An unknown country answers 404 (the API's error shape, with the nearest ids); a malformed date
400 naming the parameter, as does ``from`` after ``to``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from api.common import api_blueprint, rows, store
from api.countries import CountryPath, country_id, require_country
from api.errors import ApiError
from api.models import AsOf, QueryModel
from loaders.event_mapping import categories
from queries.citations import resolve_versions
from viz.maps import (
    MAX_ALERTS,
    MAX_POINTS,
    alert_marks,
    category_legend,
    event_points,
    grid_cell,
    grid_points,
    shape_key,
    shown_text,
    watchlist_map,
)
from viz.provenance import datasets_shown, score_datasets

__all__ = ["bp", "country_events", "vendor_bp", "watchlist_levels"]

bp = api_blueprint("maps", "Maps: countries by risk level, a country's events and alerts.", "/maps")
vendor_bp = Blueprint("vendor", __name__, static_folder="static/vendor", static_url_path="/vendor")

EARLIEST = dt.date(1900, 1, 1)
DEFAULT_CELL = 50  # grid cell (hundredths of a degree) when the country has no located place


# ---------------------------------------------------------------------------- models
class LevelsQuery(QueryModel):
    as_of: AsOf = None


class EventsQuery(QueryModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: dt.date | None = Field(None, alias="from", description="First day (YYYY-MM-DD); default: the first event")
    to: dt.date | None = Field(None, description="Last day (YYYY-MM-DD); default today")


class MapCountry(BaseModel):
    country: str
    iso3: str
    name: str | None
    level: int | None = Field(description="Overall risk 0-3 of the latest published assessment (null: none)")
    trend: str | None
    score: float | None = Field(description="Latest statistical risk estimate (the Early Warning Project's)")
    rank: int | None
    monitored: bool
    region: str | None
    fill: str = Field(description="Fill colour of the risk level (white: no published assessment)")
    title: str = Field(description="Hover text: name, level, trend, EWP score and rank")
    href: str = Field(description="The country's page")
    focus: bool = Field(description="Monitored or assessed: the map is framed on these")


class MapRegion(BaseModel):
    id: str
    name: str | None
    keys: list[str] = Field(description="Shape keys of the region's countries (outlined together)")


class LegendEntry(BaseModel):
    label: str
    colour: str
    code: str | None = None


class WatchlistMap(BaseModel):
    as_of: dt.date
    countries: dict[str, MapCountry] = Field(
        description="By shape key: the ISO 3166-1 numeric code of the Natural Earth feature, or "
                    "'name:' and the feature's name for a country without one (Kosovo: 'name:Kosovo')")
    regions: list[MapRegion] = Field(description="The four monitored regions")
    unmapped: list[str] = Field(description="Countries with no shape on the map (no ISO numeric code)")
    legend: list[LegendEntry]
    illustrative: bool = Field(description="True when a score shown is made-up data (demos, tests)")
    attribution: list[str]


class MapMark(BaseModel):
    id: str = Field(description="Event id, or cell/<y>/<x> for a grid cell")
    lat: float
    lon: float
    events: int
    fatalities: int
    category: str = Field(description="Event category the mark is coloured by")
    colour: str
    r: float = Field(description="Radius in pixels (area proportional to fatalities)")
    date: str = Field(description="The event's day (a cell: its last event's day)")
    dataset: str | None
    title: str = Field(description="Hover text")


class AlertMark(BaseModel):
    id: str
    kind: str
    period: str
    status: str | None
    lat: float | None = Field(description="Mean position of the alert's located evidence events (null: none)")
    lon: float | None
    title: str


class CountryEventMap(BaseModel):
    country: str
    iso3: str
    name: str | None
    shape_key: str | None = Field(description="Key of the country's Natural Earth shape (see WatchlistMap)")
    date_from: dt.date
    date_to: dt.date
    events: int = Field(description="Events of the country in the window")
    located: int = Field(description="Of them, events with coordinates")
    fatalities: int
    first_date: dt.date | None
    last_date: dt.date | None
    mode: str = Field(description="points (one mark per event) or grid (one mark per grid cell)")
    grid_degrees: float | None = Field(description="Side of a grid cell in degrees (grid mode)")
    cells: int = Field(description="Grid cells holding events (grid mode)")
    shown: int = Field(description="Marks drawn (at most the cap)")
    cap: int = Field(description="The most marks a map draws")
    text: str = Field(description="What the map shows, in words")
    points: list[MapMark]
    legend: list[LegendEntry]
    alerts: list[AlertMark]
    alert_count: int = Field(description="Alerts of the window (the newest are listed)")
    illustrative: bool = Field(description="True when the events are made-up data (demos, tests)")
    datasets: list[str]
    attribution: list[str]


# ---------------------------------------------------------------------------- builders
def watchlist_levels(as_of: dt.date | None = None) -> dict[str, Any]:
    """The watch-list map as of a day (default today)."""
    day = as_of or dt.date.today()
    found = rows("map_country_levels", as_of=day)
    shown = datasets_shown(score_datasets(store(), [(r["country"], r["scored_on"]) for r in found
                                                    if r["scored_on"] is not None]))
    return {"as_of": day, **watchlist_map(found), "illustrative": shown["illustrative"],
            "attribution": shown["attribution"]}


def _with_categories(found: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with the event categories of its type columns (the series' mapping)."""
    if not found:
        return []
    frame = pd.DataFrame({"id": range(len(found)), **{
        c: [r.get(c) for r in found] for c in ("dataset", "event_type", "sub_event_type", "disorder_type",
                                              "civilian_targeting")}})
    by_id: dict[int, list[str]] = {}
    for i, cat in categories(frame).itertuples(index=False):
        by_id.setdefault(int(i), []).append(str(cat))
    return [{**r, "categories": by_id.get(i, [])} for i, r in enumerate(found)]


def _window(query: EventsQuery) -> tuple[dt.date, dt.date]:
    date_to = query.to or dt.date.today()
    date_from = query.from_ or EARLIEST
    for name, day in (("from", date_from), ("to", date_to)):
        if day < EARLIEST:
            raise ApiError(400, "invalid_parameter", f"invalid parameter {name!r}: {day} is before {EARLIEST}",
                           {"parameter": name})
    if date_from > date_to:
        raise ApiError(400, "invalid_parameter",
                       f"invalid parameter 'from': {date_from} is after 'to' ({date_to})", {"parameter": "from"})
    return date_from, date_to


def country_events(iso3: str, query: EventsQuery) -> dict[str, Any]:
    """A country's map of events in the window of ``query``.

    Up to :data:`viz.maps.MAX_POINTS` events in the window, one mark per located event; above it,
    one mark per grid cell, the cell sized from the box of the country's places. The summary reads
    the events without their places (one pass), so a country with a million events costs one
    more pass, the grid's, never a mark per event.
    """
    cid = country_id(iso3)
    info = require_country(cid)
    date_from, date_to = _window(query)
    window = {"country": cid, "date_from": date_from, "date_to": date_to}
    summary = rows("map_event_summary", **window)[0]
    events = int(summary["events"] or 0)
    grid: int | None = None
    cells = 0
    if events == 0:
        marks: list[dict[str, Any]] = []
        located = 0
    elif events <= MAX_POINTS:
        marks = event_points(_with_categories(rows("map_event_points", **window)))
        located = len(marks)
    else:
        box = [summary[k] for k in ("min_latitude", "max_latitude", "min_longitude", "max_longitude")]
        grid = grid_cell(*box) if None not in box else DEFAULT_CELL
        found = rows("map_event_grid", **window, cell=grid)
        located = sum(int(r["events"]) for r in found)
        marks, cells = grid_points(_with_categories(found), grid, MAX_POINTS)
    alerts, alert_count = alert_marks(rows("map_alerts_of_country", **window), MAX_ALERTS)
    shown = datasets_shown(resolve_versions(store(), summary["dataset_versions"] or []).values())
    numeric = next((r["iso_numeric"] for r in rows("map_country_levels", as_of=date_to) if r["country"] == cid), None)
    return {
        "country": cid, "iso3": info["notation"], "name": info["name"],
        "shape_key": shape_key(numeric, info["notation"]),
        "date_from": date_from, "date_to": date_to, "events": events, "located": located,
        "fatalities": int(summary["fatalities"] or 0), "first_date": summary["first_date"],
        "last_date": summary["last_date"], "mode": "grid" if grid else "points",
        "grid_degrees": grid / 100 if grid else None, "cells": cells, "shown": len(marks), "cap": MAX_POINTS,
        "text": shown_text(events=events, located=located, shown=len(marks), grid=grid, cells=cells),
        "points": marks, "legend": category_legend(marks), "alerts": alerts, "alert_count": alert_count,
        "illustrative": shown["illustrative"], "datasets": shown["datasets"], "attribution": shown["attribution"],
    }


# ---------------------------------------------------------------------------- routes
@bp.get("/countries", summary="Countries by risk level for the watch-list map", responses={200: WatchlistMap})
def map_countries(query: LevelsQuery) -> dict[str, Any]:
    """Every country keyed by its Natural Earth shape, filled by its latest overall risk level, with
    the hover text (EWP score and rank), its page, and the monitored regions to outline."""
    return watchlist_levels(query.as_of)


@bp.get("/countries/<iso3>/events", summary="A country's events and alerts for its map",
        responses={200: CountryEventMap})
def map_country_events(path: CountryPath, query: EventsQuery) -> dict[str, Any]:
    """The located events of a country in a window, one mark per event up to the cap and one per
    grid cell above it, coloured by event category and sized by fatalities, with the window's alerts
    and the datasets behind the numbers."""
    return country_events(path.iso3, query)
