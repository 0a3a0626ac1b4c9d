"""/api/v1/countries: list and filters, one country, risk profile, response options, changes."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.conftest import SCORE
from tests.api.shape import assert_error_shape

PAGE_KEYS = {"items", "total", "limit", "offset", "next_offset", "next"}


def test_list_is_paginated_with_next_links(client: FlaskClient) -> None:
    r = client.get("/api/v1/countries?limit=100")
    assert r.status_code == 200
    body = r.get_json()
    assert PAGE_KEYS <= set(body)
    assert body["total"] == 250 and len(body["items"]) == 100
    assert body["next_offset"] == 100 and body["next"] == "/api/v1/countries?limit=100&offset=100"
    last = client.get("/api/v1/countries?limit=100&offset=200").get_json()
    assert len(last["items"]) == 50 and last["next"] is None and last["next_offset"] is None
    ids = [c["id"] for c in body["items"] + client.get(body["next"]).get_json()["items"] + last["items"]]
    assert len(set(ids)) == 250 and ids == sorted(ids)


def test_list_filters_by_region_and_level(client: FlaskClient) -> None:
    lakes = client.get("/api/v1/countries?region=great-lakes").get_json()
    assert lakes["total"] == 12
    assert {c["region"] for c in lakes["items"]} == {"region/great-lakes"}
    assert client.get("/api/v1/countries?region=region/great-lakes").get_json()["total"] == 12
    high = client.get("/api/v1/countries?level=3").get_json()["items"]
    assert high and all(c["risk"]["level"] == 3 for c in high)
    assert {"country/RWA", "country/SDN", "country/BIH"} <= {c["id"] for c in high}
    both = client.get("/api/v1/countries?region=balkans&level=3").get_json()["items"]
    assert {c["id"] for c in both} <= {"country/BIH", "country/XKX", "country/SRB"}
    monitored = client.get("/api/v1/countries?monitored=true&limit=1000").get_json()
    assert 0 < monitored["total"] < 250 and all(c["monitored"] for c in monitored["items"])


def test_list_has_latest_risk_and_score(client: FlaskClient) -> None:
    items = client.get("/api/v1/countries?region=great-lakes").get_json()["items"]
    rwa = next(c for c in items if c["id"] == "country/RWA")
    assert rwa["risk"] == {"level": 3, "trend": "falling", "assessment": "assessment/RWA-1994-07",
                           "assessed_on": "1994-07-25"}
    assert rwa["score"] == {"risk": 0.25, "rank": 1, "date": "1994-01-01", "dataset": "EWP",
                            "dataset_version": None, "illustrative": False}  # written directly: no version
    assert next(c for c in items if c["id"] == "country/AGO")["risk"] is None
    early = client.get("/api/v1/countries?region=great-lakes&as_of=1994-02-01").get_json()["items"]
    assert next(c for c in early if c["id"] == "country/RWA")["risk"]["assessment"] == "assessment/RWA-1994-01"
    assert SCORE.startswith("score/")


def test_one_country(client: FlaskClient) -> None:
    r = client.get("/api/v1/countries/rwa")
    assert r.status_code == 200
    body = r.get_json()
    assert body["id"] == "country/RWA" and body["iso3"] == "RWA" and body["name"] == "Rwanda"
    assert body["region"] == "region/great-lakes" and body["monitored"] is True
    assert body["review_interval_months"] == 3
    assert body["links"]["risk"] == "/api/v1/countries/RWA/risk"
    assert client.get(body["links"]["responses"]).status_code == 200


def test_unknown_or_malformed_country(client: FlaskClient) -> None:
    for url in ("/api/v1/countries/ZZZ", "/api/v1/countries/ZZZ/risk", "/api/v1/countries/ZZZ/responses",
                "/api/v1/countries/ZZZ/changes"):
        err = assert_error_shape(client.get(url), 404, "not_found")
        assert err["details"]["id"] == "country/ZZZ"
    err = assert_error_shape(client.get("/api/v1/countries/RWANDA"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "iso3"
    err = assert_error_shape(client.get("/api/v1/countries?level=7"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "level" and "level" in err["message"]
    err = assert_error_shape(client.get("/api/v1/countries?as_of=yesterday"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "as_of"


def test_risk_profile(client: FlaskClient) -> None:
    body = client.get("/api/v1/countries/RWA/risk").get_json()
    assert body["assessment"] == "assessment/RWA-1994-07" and body["overall_risk"] == 3
    assert body["risk_trend"] == "falling" and body["date"] == "1994-07-25"
    factors = {f["id"]: f for f in body["risk_factors"]}
    assert factors["rf/RF10"]["level"] == 3 and factors["rf/RF5"]["level"] == 2
    assert all(f["rationale"] for f in body["risk_factors"])
    assert body["indicators"] and all(i["id"].startswith("ind/") for i in body["indicators"])
    early = client.get("/api/v1/countries/RWA/risk?as_of=1994-02-01").get_json()
    assert early["assessment"] == "assessment/RWA-1994-01" and early["risk_trend"] == "rising"
    before = client.get("/api/v1/countries/RWA/risk?as_of=1990-01-01").get_json()
    assert before["assessment"] is None and before["risk_factors"] == []


def test_response_options_with_leverage(client: FlaskClient) -> None:
    body = client.get("/api/v1/countries/SDN/responses?limit=1000").get_json()
    assert body["country"] == "country/SDN" and body["total"] == len(body["items"]) > 0
    # ordered for the situation: urgency tier, then score (not upstream first)
    keys = [(o["tier"], -o["score"]) for o in body["items"]]
    assert keys == sorted(keys)
    assert all(o["id"].startswith("option/") and o["risk_factors"] for o in body["items"])
    # the US's economic lever over the government of Sudan serves economic options only
    economic = [o for o in body["items"] if "actor/us-government" in o["stakeholders_with_leverage"]]
    assert economic and all(set(o["categories"]) & {"ECO", "HUM", "GOV"} for o in economic)
    fewer = client.get("/api/v1/countries/SDN/responses?min_level=3&limit=1000").get_json()
    assert fewer["total"] <= body["total"]


def test_changes_between_assessments(client: FlaskClient) -> None:
    body = client.get("/api/v1/countries/RWA/changes").get_json()
    assert body["older"] == "assessment/RWA-1994-01" and body["newer"] == "assessment/RWA-1994-07"
    assert body["items"][0] == {"change": "risk-factor-up", "item": "rf/RF10",
                                "name": body["items"][0]["name"], "before": 2, "after": 3}
    by_date = client.get("/api/v1/countries/RWA/changes?from=1994-02-01&to=RWA-1994-07").get_json()
    assert by_date["total"] == body["total"] and by_date["older"] == body["older"]
    err = assert_error_shape(client.get("/api/v1/countries/RWA/changes?from=BIH-1995-03"), 400)
    assert err["details"]["parameter"] == "from"
    err = assert_error_shape(client.get("/api/v1/countries/RWA/changes?to=1980-01-01"), 400)
    assert err["details"]["parameter"] == "to"
