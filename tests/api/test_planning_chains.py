"""Planning endpoints on the example assessments: leverage chains with paths and sources, levers
matched to options, the situation's order, network analytics, and coded status changes."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from flask_openapi3.openapi import OpenAPI

from tests.api.conftest import auth
from tests.api.shape import assert_error_shape


def chains_of(body: dict[str, Any], target: str) -> list[dict[str, Any]]:
    return [c for c in body["chains"] if c["target"] == target]


def test_bih_leverage_reaches_the_vrs_through_rs_authorities(client: FlaskClient) -> None:
    body = client.get("/api/v1/countries/BIH/responses").get_json()
    paths = [c["path"] for c in chains_of(body, "actor/vrs")]
    assert ("North Atlantic Treaty Organization —leverage(military)→ Republika Srpska authorities —commands→ "
            "Army of Republika Srpska") in paths
    nato = next(c for c in chains_of(body, "actor/vrs") if c["stakeholder"] == "actor/nato"
                and c["steps"][1]["type"] == "COMMANDS")
    assert [s["sources"] for s in nato["steps"]] == [
        [{"id": "source/un-sg-srebrenica-1999",
          "title": nato["steps"][0]["sources"][0]["title"]}],
        [{"id": "source/icty-krstic-tj-2001", "title": nato["steps"][1]["sources"][0]["title"]}]]
    assert all(s["title"] for step in nato["steps"] for s in step["sources"])


def test_mmr_stakeholders_with_leverage_come_from_chains(client: FlaskClient) -> None:
    body = client.get("/api/v1/countries/MMR/responses").get_json()
    asean = [c for c in chains_of(body, "actor/tatmadaw") if c["stakeholder"] == "actor/asean"]
    assert asean and asean[0]["path"] == ("Association of Southeast Asian Nations —leverage(diplomatic)→ "
                                          "Government of Myanmar —supports→ Tatmadaw")
    with_asean = [o for o in body["items"] if "actor/asean" in o["stakeholders_with_leverage"]]
    assert with_asean  # diplomatic lever: proposed for options with DIP, HUM or GOV categories only
    for o in with_asean:
        assert set(o["categories"]) & {"DIP", "HUM", "GOV"}
        match = next(m for m in o["leverage"] if m["stakeholder"] == "actor/asean")
        assert match["levers"] == ["diplomatic"] and match["match"].startswith("diplomatic lever serves")
    assert not any("actor/asean" in o["stakeholders_with_leverage"] for o in body["items"]
                   if set(o["categories"]) <= {"MIL", "LEG", "INF", "ECO"})


def test_rwa_plan_shows_chains_with_paths(client: FlaskClient) -> None:
    body = client.get("/api/v1/countries/RWA/responses").get_json()
    paths = [c["path"] for c in chains_of(body, "actor/interahamwe")]
    assert "Government of France —supports→ Rwandan Armed Forces —arms→ Interahamwe" in paths


def test_order_terms_and_stage_filter(client: FlaskClient) -> None:
    body = client.get("/api/v1/countries/SDN/responses?as_of=2004-09-30").get_json()
    assert body["situation"]["kind"] in {"ongoing", "acute", "latent"} and body["situation"]["reasons"]
    items = body["items"]
    assert [(o["tier"], -o["score"]) for o in items] == sorted((o["tier"], -o["score"]) for o in items)
    for o in items:
        assert round(sum(t["value"] for t in o["terms"]), 4) == o["score"]
        assert o["lessons"]["summary"]
    only = client.get("/api/v1/countries/SDN/responses?stage=UP").get_json()["items"]
    assert only and all("UP" in o["stages"] for o in only)
    assert_error_shape(client.get("/api/v1/countries/SDN/responses?stage=XX"), 400)


def test_bad_input(client: FlaskClient) -> None:
    err = assert_error_shape(client.get("/api/v1/countries/MMR/responses?max_hops=6"), 400)
    assert err["details"]["parameter"] == "max_hops"
    err = assert_error_shape(client.get("/api/v1/actors/vrs/leverage?max_hops=9"), 400)
    assert "less than or equal to 5" in err["message"]
    err = assert_error_shape(client.get("/api/v1/actors/tatmadow/leverage"), 404)
    assert "did you mean actor/tatmadaw" in err["message"] and err["details"]["suggestions"][0] == "actor/tatmadaw"
    err = assert_error_shape(client.get("/api/v1/countries/MMX/responses"), 404)
    assert "country/MMR" in err["details"]["suggestions"]


def test_actor_leverage_and_plain_none(client: FlaskClient) -> None:
    body = client.get("/api/v1/actors/tatmadaw/leverage").get_json()
    assert body["message"] is None and body["items"][0]["path"] == "Government of Myanmar —supports→ Tatmadaw"
    none = client.get("/api/v1/actors/arsa/leverage").get_json()
    assert none["items"] == [] and none["message"].startswith("No leverage over Arakan Rohingya Salvation Army")
    html = client.get("/viz/leverage/arsa").get_data(as_text=True)
    assert "No leverage over Arakan Rohingya Salvation Army is recorded" in html


def test_network_analytics(client: FlaskClient) -> None:
    brokers = client.get("/api/v1/analytics/brokers?country=RWA").get_json()
    assert brokers["items"][0]["id"] == "actor/far" and brokers["items"][0]["score"] > 0
    members = client.get("/api/v1/analytics/communities?country=BIH&limit=500").get_json()["items"]
    assert {m["id"] for m in members} >= {"actor/vrs", "actor/nato"} and min(m["community"] for m in members) == 0
    bridges = client.get("/api/v1/analytics/bridges?country=SDN").get_json()["items"]
    assert all(b["perpetrator_side"] and b["other_side"] for b in bridges)
    assert_error_shape(client.get("/api/v1/analytics/brokers?country=ZZZ"), 404)


def test_post_status_change(writable: OpenAPI) -> None:
    c = writable.test_client()
    url = "/api/v1/recommendations/SDN-2004-09/r5/status"
    body = {"status": "implemented", "date": "2005-03-31", "source": "unsc-res-1593-2005",
            "note": "Darfur referred to the ICC", "outcome": "effective"}
    assert_error_shape(c.post(url, json=body), 401)
    done = c.post(url, json=body, headers=auth())
    assert done.status_code == 201, done.get_data(as_text=True)
    assert done.get_json()["cites"] == "source/unsc-res-1593-2005"
    rows = c.get("/api/v1/queries/lessons_learnt?option=option/prosecutions").get_json()["items"]
    sdn = next(r for r in rows if r["recommendation"] == "rec/SDN-2004-09/r5")
    assert (sdn["status"], sdn["outcome_code"]) == ("implemented", "effective")
    err = assert_error_shape(c.post("/api/v1/recommendations/SDN-2004-09/r99/status", json=body, headers=auth()),
                             404)
    assert "did you mean" in err["message"]
    bad = {**body, "status": "proposed"}
    err = assert_error_shape(c.post(url, json=bad, headers=auth()), 422)
    assert "no outcome" in err["message"]
    err = assert_error_shape(c.post(url, json={**body, "outcome": "great"}, headers=auth()), 422)
    assert "'great' is not one of" in err["message"]
