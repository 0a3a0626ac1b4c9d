"""The query catalogue, named queries by URL, and researchers' Cypher through POST /query."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from queries import catalogue
from tests.api.shape import assert_error_shape

HEAVY = "MATCH (a), (b), (c) WHERE a.id + b.id < c.id RETURN count(*) AS n"


def test_catalogue(client: FlaskClient) -> None:
    body = client.get("/api/v1/queries?limit=1000").get_json()
    assert [q["name"] for q in body["items"]] == sorted(catalogue())
    profile = next(q for q in body["items"] if q["name"] == "country_risk_profile")
    assert profile["link"] == "/api/v1/queries/country_risk_profile"
    country = next(p for p in profile["params"] if p["name"] == "country")
    assert country == {**country, "type": "str", "required": True, "default": "required"}


def test_run_named_query(client: FlaskClient) -> None:
    body = client.get("/api/v1/queries/upcoming_triggers?today=1994-02-01&months=6").get_json()
    assert body["query"] == "upcoming_triggers" and body["truncated"] is False
    assert body["columns"][:2] == ["country", "country_name"] and body["total"] == 3
    assert {r["country"] for r in body["items"]} == {"country/RWA"}
    lessons = client.get("/api/v1/queries/lessons_learnt?option=option/prosecutions&statuses=adopted,implemented")
    assert lessons.status_code == 200 and lessons.get_json()["items"]


def test_named_query_errors_name_the_parameter(client: FlaskClient) -> None:
    err = assert_error_shape(client.get("/api/v1/queries/actor_ego_network?actor=actor/far&depth=9"), 400,
                             "invalid_parameter")
    assert err["details"]["parameter"] == "depth"
    err = assert_error_shape(client.get("/api/v1/queries/actor_ego_network"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "actor"
    err = assert_error_shape(client.get("/api/v1/queries/actor_ego_network?actor=a&colour=red"), 400)
    assert err["details"]["parameter"] == "colour"
    err = assert_error_shape(client.get("/api/v1/queries/country_risk"), 404, "query_not_found")
    assert "country_risk_profile" in err["details"]["near"]


def test_post_query_runs_read_only_cypher(client: FlaskClient) -> None:
    r = client.post("/api/v1/query", json={
        "cypher": "MATCH (c:Country {id: $id}) RETURN c.name AS name, c.monitored AS monitored",
        "params": {"id": "country/RWA"}})
    assert r.status_code == 200
    assert r.get_json() == {"columns": ["name", "monitored"], "rows": [["Rwanda", True]], "row_count": 1,
                            "truncated": False, "non_finite": 0}
    capped = client.post("/api/v1/query", json={"cypher": "MATCH (c:Country) RETURN c.id", "limit": 5})
    assert capped.get_json()["row_count"] == 5 and capped.get_json()["truncated"] is True


@pytest.mark.parametrize(("cypher", "clause"), [
    ("MATCH (c:Country) DETACH DELETE c", "DETACH"),
    ("CREATE (:Country {id: 'country/XXX'})", "CREATE"),
    ("MATCH (c:Country) SET c.name = 'x' RETURN c", "SET"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "LOAD"),
    ("COPY Country FROM '/tmp/x.csv'", "COPY"),
    ("CALL dbms.security.listUsers()", "CALL"),
    ("MATCH p = (a)-[*]->(b) RETURN p", "variable-length pattern"),
    ("RETURN 1; MATCH (n) DELETE n", "multiple statements"),
])
def test_hostile_cypher_is_refused_naming_the_clause(client: FlaskClient, cypher: str, clause: str) -> None:
    err = assert_error_shape(client.post("/api/v1/query", json={"cypher": cypher}), 400, "query_refused")
    assert err["details"]["clause"] == clause


def test_bad_query_bodies(client: FlaskClient) -> None:
    err = assert_error_shape(client.post("/api/v1/query", json={"cypher": "MATCH (c:Country RETURN c"}), 400,
                             "query_error")
    assert "column" in err["details"]
    bodies: list[Any] = [{"cypher": ""}, {}, {"cypher": "RETURN 1", "extra": 1}, ["RETURN 1"],
                         {"cypher": "RETURN $x", "params": {"not a name": 1}}]
    for body in bodies:
        assert_error_shape(client.post("/api/v1/query", json=body), 400, "invalid_parameter")
    assert_error_shape(client.post("/api/v1/query", data="RETURN 1", content_type="text/plain"), 400)
    for value in ([1, "a"], {"a": 1}, [[1], [2]]):
        r = client.post("/api/v1/query", json={"cypher": "RETURN $x AS x", "params": {"x": value}})
        assert assert_error_shape(r, 400, "invalid_parameter")["details"]["parameter"] == "params.x"
    ok = client.post("/api/v1/query", json={"cypher": "RETURN $x AS x", "params": {"x": ["a", "b"]}})
    assert ok.get_json()["rows"] == [[["a", "b"]]]


def test_timeout_is_504(variant: Any) -> None:
    client = variant(QUERY_TIMEOUT=0.05).test_client()
    err = assert_error_shape(client.post("/api/v1/query", json={"cypher": HEAVY}), 504, "query_timeout")
    assert "time limit" in err["message"]


def test_rate_limit_per_client(variant: Any) -> None:
    client = variant(QUERY_RATE=2).test_client()
    ok = [client.post("/api/v1/query", json={"cypher": "RETURN 1 AS x"}).status_code for _ in range(2)]
    assert ok == [200, 200]
    r = client.post("/api/v1/query", json={"cypher": "RETURN 1 AS x"})
    err = assert_error_shape(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1 and err["details"]["retry_after"] >= 1
    other = client.post("/api/v1/query", json={"cypher": "RETURN 1 AS x"},
                        environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert other.status_code == 200
    assert client.get("/api/v1/countries/RWA").status_code == 200  # only POST /query is limited
