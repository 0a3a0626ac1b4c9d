"""``/api/v1/maps``: the watch-list map's countries and a country's map of events, on the query
fixture graph on each backend: shape keys, fills, counts, grid aggregation above the cap, alerts,
404 for an unknown country, 400 naming a bad date, the OpenAPI document, the vendored files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

import api.maps
from api import create_app
from tests.conftest import backend_params, backend_store
from tests.queries.world import EVENT1, EVENT2, NEW_ACTOR, QZA, build_world
from viz.charts import LEVEL_COLOURS


@pytest.fixture(scope="module", params=backend_params())
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with backend_store(request.param, tmp_path_factory.mktemp("maps"), buffer_pool_mb=512) as store:
        build_world(store)
        yield create_app({"STORE": store, "TESTING": True}).test_client()


def get(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.data[:300]
    return json.loads(response.data)


def test_watchlist_map_countries(client: FlaskClient) -> None:
    body = get(client, "/api/v1/maps/countries?as_of=2024-12-31")
    rwa, kosovo = body["countries"]["646"], body["countries"]["name:Kosovo"]
    assert rwa["iso3"] == "RWA" and rwa["fill"] == "#FFFFFF" and rwa["href"] == "/countries/RWA"
    assert kosovo["country"] == "country/XKX"
    assert QZA in body["unmapped"]  # the fictional country has no shape
    great_lakes = next(r for r in body["regions"] if r["id"] == "region/great-lakes")
    assert "646" in great_lakes["keys"] and "180" in great_lakes["keys"]
    assert [e["colour"] for e in body["legend"]][:4] == LEVEL_COLOURS


def test_country_map_points_alerts_and_counts(client: FlaskClient) -> None:
    body = get(client, "/api/v1/maps/countries/qza/events?to=2024-12-31")
    assert (body["events"], body["located"], body["shown"], body["mode"]) == (3, 2, 2, "points")
    assert [p["id"] for p in body["points"]] == [EVENT2, EVENT1]  # the deadliest last
    assert body["points"][1]["category"] == "violence-against-civilians"  # from the series' mapping
    assert body["text"] == "Showing all 2 located events (1 of 3 have no coordinates and are not drawn)."
    assert body["alert_count"] == 3 and [a["id"] for a in body["alerts"] if a["lat"] is not None] == [NEW_ACTOR]
    window = get(client, "/api/v1/maps/countries/QZA/events?from=2024-01-01&to=2024-04-30")
    assert (window["events"], window["shown"], window["alert_count"]) == (1, 1, 1)
    assert (window["date_from"], window["date_to"]) == ("2024-01-01", "2024-04-30")


def test_country_map_aggregates_above_the_cap(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.maps, "MAX_POINTS", 1)
    body = get(client, "/api/v1/maps/countries/QZA/events?to=2024-12-31")
    assert body["mode"] == "grid" and body["shown"] == body["cells"] == 1
    [cell] = body["points"]
    assert (cell["events"], cell["fatalities"], cell["lat"]) == (2, 17, 1.5)
    assert body["text"].startswith("Showing 2 located events as 1 grid cell of 0.01°")


def test_unknown_country_and_bad_dates(client: FlaskClient) -> None:
    assert get(client, "/api/v1/maps/countries/ZZZ/events", 404)["error"]["code"] == "not_found"
    bad = get(client, "/api/v1/maps/countries/QZA/events?from=1994-13-45", 400)["error"]
    assert bad["details"]["parameter"] == "from"
    order = get(client, "/api/v1/maps/countries/QZA/events?from=2024-05-01&to=2024-01-01", 400)["error"]
    assert order["message"] == "invalid parameter 'from': 2024-05-01 is after 'to' (2024-01-01)"
    assert get(client, "/api/v1/maps/countries/QZA/events?to=1066-10-14", 400)["error"]["details"] == {
        "parameter": "to"}
    assert get(client, "/api/v1/maps/countries?as_of=soon", 400)["error"]["details"]["parameter"] == "as_of"


def test_openapi_lists_the_map_operations(client: FlaskClient) -> None:
    doc = get(client, "/api/v1/openapi.json")
    assert {"/api/v1/maps/countries", "/api/v1/maps/countries/{iso3}/events"} <= set(doc["paths"])
    schema = doc["components"]["schemas"]["CountryEventMap"]["properties"]
    assert {"points", "alerts", "shown", "cap", "text", "illustrative", "attribution"} <= set(schema)


def test_vendored_files_are_served_with_their_licences(client: FlaskClient) -> None:
    vendor = Path(api.maps.__file__).parent / "static" / "vendor"
    for name in ("world-atlas/countries-110m.json", "d3-geo/d3-geo.min.js", "d3-array/d3-array.min.js",
                 "topojson-client/topojson-client.min.js"):
        response = client.get(f"/vendor/{name}")
        assert response.status_code == 200 and response.data == (vendor / name).read_bytes()
        assert (vendor / name).with_name("LICENSE").is_file()
        response.close()
    assert "Kosovo" in (vendor / "README.md").read_text(encoding="utf-8")
