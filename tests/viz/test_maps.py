"""The map view builders (viz.maps): shape keys against the vendored Natural Earth file, fills by
level, hover texts, category colours, sizes, grid aggregation and what the map says it shows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from loaders.event_mapping import CATEGORIES
from loaders.reference import reference
from viz.charts import LEVEL_COLOURS
from viz.maps import (
    CATEGORY_STYLES,
    MAX_RADIUS,
    MIN_RADIUS,
    MONITORED_REGIONS,
    NO_LEVEL,
    UNNUMBERED,
    alert_marks,
    category_legend,
    event_points,
    grid_cell,
    grid_points,
    main_category,
    radius,
    shape_key,
    shown_text,
    watchlist_map,
)

ROOT = Path(__file__).resolve().parents[2]
ATLAS = ROOT / "api" / "static" / "vendor" / "world-atlas" / "countries-110m.json"
D = dt.date


def _feature_keys() -> dict[str, str]:
    """Key → name of every country shape in the vendored file, keyed as maps.js keys them."""
    topo = json.loads(ATLAS.read_text(encoding="utf-8"))
    return {(str(g["id"]) if g.get("id") is not None else f"name:{g['properties']['name']}"): g["properties"]["name"]
            for g in topo["objects"]["countries"]["geometries"]}


def test_every_shape_but_two_keys_a_vocabulary_country_and_kosovo_is_keyed_by_name() -> None:
    shapes = _feature_keys()
    ours = {shape_key(n, a) for n, a in reference().iso_numeric.items()} | {shape_key(None, a) for a in UNNUMBERED}
    assert set(shapes) - ours == {"name:N. Cyprus", "name:Somaliland"}  # not countries of the vocabulary
    assert shape_key(None, "XKX") == "name:Kosovo" and shapes["name:Kosovo"] == "Kosovo"
    assert shapes[shape_key("70", "BIH") or ""] == "Bosnia and Herz."
    assert shape_key(None, "QZA") is None


def _level_row(iso3: str, numeric: str | None, level: int | None, **extra: Any) -> dict[str, Any]:
    return {"country": f"country/{iso3}", "notation": iso3, "iso_numeric": numeric, "name": iso3.title(),
            "region": extra.get("region"), "region_name": extra.get("region_name"),
            "monitored": extra.get("monitored", False),
            "assessed_on": None, "overall_risk": level, "risk_trend": extra.get("trend"),
            "score_risk": extra.get("score"), "score_rank": extra.get("rank"), "scored_on": extra.get("scored_on")}


def test_watchlist_map_fills_hover_text_links_and_regions() -> None:
    rows = [_level_row("RWA", "646", 3, region="region/great-lakes", region_name="Great Lakes", monitored=True,
                       trend="falling", score=0.0162, rank=54, scored_on=D(2025, 1, 1)),
            _level_row("XKX", None, 2, region="region/balkans", region_name="Western Balkans", monitored=True),
            _level_row("FRA", "250", None),
            _level_row("MMR", "104", 1, region="region/south-east-asia", region_name="South-East Asia", monitored=True),
            _level_row("QZA", None, 3)]
    m = watchlist_map(rows)
    c = m["countries"]
    assert [c[k]["fill"] for k in ("646", "name:Kosovo", "250", "104")] == [LEVEL_COLOURS[3], LEVEL_COLOURS[2],
                                                                           NO_LEVEL, LEVEL_COLOURS[1]]
    assert c["646"]["title"] == "Rwa (RWA) · risk 3 · high · ▼ falling · EWP score 1.6% (rank 54), 2025-01-01 · monitored"
    assert c["250"]["title"] == "Fra (FRA) · not assessed · no EWP score" and not c["250"]["focus"]
    assert c["name:Kosovo"]["href"] == "/countries/XKX" and c["name:Kosovo"]["focus"]
    assert m["unmapped"] == ["country/QZA"]
    # only the four monitored regions are outlined, in their fixed order
    assert [(r["id"], r["keys"]) for r in m["regions"]] == [("region/great-lakes", ["646"]),
                                                           ("region/balkans", ["name:Kosovo"])]
    assert set(MONITORED_REGIONS) >= {r["id"] for r in m["regions"]}
    assert [e["colour"] for e in m["legend"]] == [*LEVEL_COLOURS, NO_LEVEL]


def test_every_event_category_has_a_colour_and_the_most_specific_wins() -> None:
    assert set(CATEGORIES) == {s.code for s in CATEGORY_STYLES}
    assert len({s.colour for s in CATEGORY_STYLES}) == len(CATEGORY_STYLES)
    assert main_category(["political-violence", "civilian-targeting", "violence-against-civilians",
                          "sexual-violence"]) == "sexual-violence"
    assert main_category(["political-violence", "battles"]) == "battles"
    assert main_category([]) == main_category(["unheard-of"]) == "other"


def test_radius_grows_with_the_square_root_of_deaths() -> None:
    assert radius(0, 0) == radius(0, 50) == MIN_RADIUS and radius(50, 50) == radius(80, 50) == MAX_RADIUS
    assert radius(25, 100) == pytest.approx(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) / 2, abs=0.05)


def _point(event: str, deaths: int, cats: list[str]) -> dict[str, Any]:
    return {"event": event, "date": D(1994, 4, 7), "latitude": -2.0, "longitude": 30.0, "place": "Kigali", "area": "Kigali",
            "event_type": "one-sided violence", "sub_event_type": None, "fatalities": deaths, "dataset": "UCDP-GED",
            "categories": cats}


def test_event_points_colour_size_order_and_hover_text() -> None:
    marks = event_points([_point("event/a", 100, ["violence-against-civilians", "political-violence"]),
                          _point("event/b", 0, ["battles"]), _point("event/c", 25, [])])
    assert [m["id"] for m in marks] == ["event/b", "event/c", "event/a"]  # the deadliest drawn last, on top
    by = {m["id"]: m for m in marks}
    assert by["event/a"]["colour"] == "#D55E00" and by["event/a"]["r"] == MAX_RADIUS
    assert by["event/b"]["category"] == "battles" and by["event/b"]["r"] == MIN_RADIUS
    assert by["event/c"]["category"] == "other"
    assert by["event/a"]["title"] == ("1 event · 100 deaths · 1994-04-07 · Violence against civilians "
                                      "(one-sided violence) · Kigali · UCDP-GED")
    assert [e["code"] for e in category_legend(marks)] == ["violence-against-civilians", "battles", "other"]


def _cell(y: int, x: int, events: int, deaths: int, lat: float, cats: list[str], last: D) -> dict[str, Any]:
    return {"cell_y": float(y), "cell_x": float(x), "latitude_micro": lat * 1e6 * events,
            "longitude_micro": 36e6 * events, "events": events,
            "fatalities": deaths, "first_date": D(2016, 1, 1), "last_date": last, "datasets": ["UCDP-GED"],
            "categories": cats}


def test_grid_points_sum_cells_weight_positions_and_keep_the_busiest() -> None:
    rows = [_cell(1, 1, 3, 30, 34.0, ["battles"], D(2017, 1, 1)),
            _cell(1, 1, 1, 5, 38.0, ["violence-against-civilians"], D(2019, 5, 1)),
            _cell(2, 1, 1, 1, 35.0, ["battles"], D(2018, 1, 1)),
            _cell(3, 3, 2, 0, 36.0, ["protests"], D(2018, 1, 1))]
    marks, cells = grid_points(rows, cell=25)
    assert cells == 3
    first = next(m for m in marks if m["id"] == "cell/1/1")
    assert (first["events"], first["fatalities"], first["lat"], first["category"]) == (4, 35, 35.0, "battles")
    assert first["title"] == ("4 events · 35 deaths · 2016-01-01 to 2019-05-01 · mostly Battles 3, Violence against "
                              "civilians 1 · grid cell of 0.25° · UCDP-GED")
    busiest, found = grid_points(rows, cell=25, limit=2)
    assert found == 3 and sorted(m["id"] for m in busiest) == ["cell/1/1", "cell/3/3"]


def test_grid_cell_bounds_the_number_of_cells() -> None:
    assert grid_cell(32.0, 37.5, 35.5, 42.5) == 18  # 7 degrees / 40 cells
    assert grid_cell(1.0, 1.0, 2.0, 2.0) == 1  # all events on one spot
    lat0, lat1, lon0, lon1 = -12.0, 5.4, 12.2, 31.3
    cell = grid_cell(lat0, lat1, lon0, lon1) / 100
    assert (lon1 - lon0) / cell <= 40 and (lat1 - lat0) / cell <= 40


def test_alert_marks_keep_the_newest_and_those_without_a_place() -> None:
    rows = [{"alert": f"alert/{i}", "kind": "surge", "period_start": D(2018, 12 - i, 1), "slice": "*",
             "strength": 0.5, "status": "new", "explanation": "surge", "evidence_events": 3,
             "located_events": 0 if i else 3, "latitude_micro": None if i else 105e6,
             "longitude_micro": None if i else 114e6}
            for i in range(4)]
    marks, count = alert_marks(rows, limit=2)
    assert count == 4 and [m["id"] for m in marks] == ["alert/0", "alert/1"]
    assert (marks[0]["lat"], marks[0]["lon"], marks[1]["lat"]) == (35.0, 38.0, None)  # means of 3 places
    assert marks[0]["title"] == "Alert 2018-12: surge (*), strength 0.50, new. surge. Based on 3 event(s), 3 located."


def test_shown_text_says_what_is_left_out() -> None:
    assert shown_text(events=5, located=5, shown=5) == "Showing all 5 located events."
    assert shown_text(events=16566, located=16566, shown=444, grid=16, cells=444) == \
        "Showing 16,566 located events as 444 grid cells of 0.16°."
    assert shown_text(events=12, located=10, shown=3, grid=50, cells=7) == (
        "Showing 10 located events as 3 grid cells of 0.5° (the 3 busiest of 7 cells; 2 of 12 have no "
        "coordinates and are not drawn).")
