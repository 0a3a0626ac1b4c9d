"""/api/v1/alerts and /api/v1/countries/{iso3}/signals over real UCDP GED events (Syria 2016-2019),
on each backend."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from flask_openapi3.openapi import OpenAPI

from api import create_app
from graph.settings import Settings
from tests.api.conftest import TOKEN, api_settings, auth
from tests.conftest import Neo4jSnapshot, backend_params, neo4j_test_store
from tests.early_warning import build_syria

# An alert whose status someone changed (all start without one).
CHANGED = "MATCH (a:Alert) WHERE a.status_changed IS NOT NULL RETURN count(a) AS n"


@pytest.fixture(scope="module", params=backend_params())
def ew_settings(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], Settings]]:
    """Settings of the Syria store as each test must find it: a copy of the module's Ladybug file;
    on Neo4j the module's database holding that Ladybug store's records (building it through the
    loaders on Neo4j takes as long as a dozen of these tests; the loaders' and the series' Neo4j
    paths are tested in tests/loaders), written back before a test when an earlier one changed an
    alert's status."""
    if request.param == "ladybug":
        built = tmp_path_factory.mktemp("ew-api") / "akg.lbug"
        build_syria(built)

        def copy(tmp: Path) -> Settings:
            shutil.copyfile(built, tmp / "akg.lbug")
            return api_settings(tmp / "akg.lbug")

        yield copy
        return
    built = tmp_path_factory.mktemp("ew-api-neo4j") / "akg.lbug"
    build_syria(built)
    snapshot = Neo4jSnapshot.read(api_settings(built))
    with neo4j_test_store() as store:
        snapshot.restore(store)

        def unchanged(tmp: Path) -> Settings:
            if store.run_read(CHANGED).scalar():
                snapshot.restore(store)
            return store.settings

        yield unchanged


@pytest.fixture
def ew(ew_settings: Callable[[Path], Settings], tmp_path: Path) -> Iterator[FlaskClient]:
    app: OpenAPI = create_app({"SETTINGS": ew_settings(tmp_path), "TESTING": True, "API_TOKENS": TOKEN})
    yield app.test_client()
    app.extensions["akg"].close()


def items(client: FlaskClient, url: str) -> list[dict[str, Any]]:
    r = client.get(url)
    assert r.status_code == 200, r.get_json()
    return list(r.get_json()["items"])


def test_alert_list_filters(ew: FlaskClient) -> None:
    every = items(ew, "/api/v1/alerts?country=SYR&limit=1000")
    assert every and {a["country"] for a in every} == {"country/SYR"}
    periods = [a["period_start"] for a in every]
    assert periods == sorted(periods, reverse=True)
    surges = items(ew, "/api/v1/alerts?country=SYR&kind=surge&since=2018-01-01&limit=1000")
    assert surges and all(a["kind"] == "surge" and a["period_start"] >= "2018-01-01" for a in surges)
    ghouta = [a for a in surges if a["slice"] == "Rif Dimashq Governorate" and a["period_start"] == "2018-02-01"]
    assert ghouta and ghouta[0]["observed"] > 2 * ghouta[0]["baseline"] and ghouta[0]["tail_probability"] <= 0.01
    assert "negative-binomial" in ghouta[0]["explanation"] and ghouta[0]["evidence_events"] == 100
    assert "the 100 of 136 events with most deaths are linked" in ghouta[0]["explanation"]
    assert items(ew, "/api/v1/alerts?country=IRQ") == []
    assert items(ew, "/api/v1/alerts?status=dismissed") == []


def test_one_alert_has_its_evidence(ew: FlaskClient) -> None:
    first = items(ew, "/api/v1/alerts?country=SYR&kind=mass-fatality&limit=1")[0]
    r = ew.get("/api/v1/alerts/" + first["id"].split("/", 1)[1])
    assert r.status_code == 200
    body = r.get_json()
    assert len(body["evidence"]) == body["evidence_events"]
    assert body["evidence"][0]["civilian_deaths"] == body["observed"]
    assert ew.get("/api/v1/alerts/SYR-surge-1999-01-0000000000").status_code == 404


def test_country_signals(ew: FlaskClient) -> None:
    r = ew.get("/api/v1/countries/SYR/signals?dimension=category&slice=civilian-targeting")
    assert r.status_code == 200
    body = r.get_json()
    assert body["coverage"]["events"] == 16566 and body["coverage"]["months"] == 47
    assert len(body["series"]) == 47 and body["series"][0]["period_start"] == "2016-01-01"
    assert body["alerts"]
    quiet = ew.get("/api/v1/countries/RWA/signals").get_json()
    assert quiet["series"] == [] and quiet["alerts"] == [] and "No events of RWA" in quiet["coverage"]["message"]
    assert ew.get("/api/v1/countries/ZZZ/signals").status_code == 404
    assert ew.get("/api/v1/countries/SYR/signals?dimension=planet").status_code == 400


# Last: the one test that writes (on Neo4j a later test would wait for the store to be built again).
def test_weekly_category_series_from_the_events(ew: FlaskClient) -> None:
    url = "/api/v1/countries/SYR/signals?dimension=category&slice=civilian-targeting"
    monthly = ew.get(url).get_json()["series"]
    weekly = ew.get(url + "&granularity=week").get_json()["series"]  # not stored: computed on request
    assert len(weekly) > len(monthly) and {p["slice"] for p in weekly} == {"civilian-targeting"}
    for count in ("events", "fatalities", "civilian_events", "civilian_deaths"):
        assert sum(p[count] for p in weekly) == sum(p[count] for p in monthly) > 0
    assert all(dt.date.fromisoformat(p["period_start"]).weekday() == 0 for p in weekly)
    since = ew.get(url + "&granularity=week&since=2018-01-01").get_json()["series"]
    assert since == [p for p in weekly if p["period_start"] >= "2018-01-01"]


def test_status_workflow(ew: FlaskClient) -> None:
    alert = items(ew, "/api/v1/alerts?country=SYR&kind=surge&limit=1")[0]
    url = "/api/v1/alerts/" + alert["id"].split("/", 1)[1] + "/status"
    assert ew.post(url, json={"status": "acknowledged"}).status_code == 401
    assert ew.post(url, json={"status": "acknowledged"}, headers=auth("wrong-token-0123456789")).status_code in (401, 403)
    no_reason = ew.post(url, json={"status": "dismissed"}, headers=auth())
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["message"]
    assert ew.post(url, json={"status": "closed"}, headers=auth()).status_code in (400, 422)
    done = ew.post(url, json={"status": "dismissed", "reason": "known offensive, covered"}, headers=auth())
    assert done.status_code == 200 and done.get_json()["status"] == "dismissed"
    assert [a["id"] for a in items(ew, "/api/v1/alerts?status=dismissed")] == [alert["id"]]
    missing = ew.post("/api/v1/alerts/SYR-surge-1999-01-0000000000/status", json={"status": "acknowledged"},
                      headers=auth())
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
