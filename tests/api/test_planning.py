"""Victim-group threats, upcoming triggers and recommendations: the planner's look-ups."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.shape import assert_error_shape


def test_threats_to_a_victim_group(client: FlaskClient) -> None:
    body = client.get("/api/v1/victim-groups/tutsi/threats").get_json()
    assert body["victim_group"] == {"id": "group/tutsi", "name": "Tutsi", "basis": "ethnic", "protected": True,
                                    "population_estimate": body["victim_group"]["population_estimate"],
                                    "countries": ["country/RWA"]}
    threats = {t["actor"]: t for t in body["items"]}
    assert {"actor/interahamwe", "actor/far"} <= set(threats)
    assert "actor/rwa-interim-government" in threats["actor/interahamwe"]["backers"]
    assert threats["actor/interahamwe"]["confidence"] == "high"
    assert all(t["sources"] for t in body["items"])
    err = assert_error_shape(client.get("/api/v1/victim-groups/nobody/threats"), 404, "not_found")
    assert err["details"]["id"] == "group/nobody"


def test_triggers_within_months(client: FlaskClient) -> None:
    body = client.get("/api/v1/triggers?as_of=1994-02-01&within_months=6").get_json()
    assert body["as_of"] == "1994-02-01" and body["within_months"] == 6
    assert body["total"] == 3 and {t["country"] for t in body["items"]} == {"country/RWA"}
    starts = [t["expected_from"] for t in body["items"]]
    assert starts == sorted(starts)
    assert all(t["assessment"] == "assessment/RWA-1994-01" for t in body["items"])
    assert client.get("/api/v1/triggers?as_of=1994-02-01&country=BIH").get_json()["total"] == 0
    assert client.get("/api/v1/triggers?as_of=1994-02-01&country=rwa").get_json()["total"] == 3
    err = assert_error_shape(client.get("/api/v1/triggers?within_months=0"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "within_months"


def test_recommendations_by_addressee_and_status(client: FlaskClient) -> None:
    body = client.get("/api/v1/recommendations?addressee=un-security-council&status=adopted").get_json()
    assert body["total"] == 3
    assert all(r["addressee"] == "actor/un-security-council" and r["status"] == "adopted" for r in body["items"])
    assert "rec/RWA-1994-07/r5" in {r["id"] for r in body["items"]}
    everything = client.get("/api/v1/recommendations?limit=1000").get_json()
    assert everything["total"] == 96
    rwanda = client.get("/api/v1/recommendations?country=RWA&limit=1000").get_json()["items"]
    assert rwanda and {r["country"] for r in rwanda} == {"country/RWA"}
    err = assert_error_shape(client.get("/api/v1/recommendations?status=done"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "status" and "implemented" in err["message"]
