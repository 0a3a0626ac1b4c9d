"""Every error, whatever its cause, has one shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient
from flask_openapi3.openapi import OpenAPI

import api.countries
from tests.api.conftest import TOKEN, auth
from tests.api.shape import assert_error_shape
from tests.api.test_queries import HEAVY


def test_400_names_the_parameter(client: FlaskClient) -> None:
    err = assert_error_shape(client.get("/api/v1/countries?limit=abc"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "limit" and "'limit'" in err["message"]
    err = assert_error_shape(client.get("/api/v1/actors?offset=-1"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "offset"


def test_401_without_a_token(writable: OpenAPI) -> None:
    assert_error_shape(writable.test_client().post("/api/v1/assessments", data="x: 1"), 401, "unauthorized")


def test_404_unknown_ids_and_routes(client: FlaskClient) -> None:
    assert_error_shape(client.get("/api/v1/actors/nobody"), 404, "not_found")
    assert_error_shape(client.get("/api/v1/assessments/nothing"), 404, "not_found")
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_405_keeps_allow(client: FlaskClient) -> None:
    r = client.delete("/api/v1/countries/RWA")
    assert_error_shape(r, 405, "method_not_allowed")
    assert "GET" in r.headers["Allow"]


def test_413_too_large(variant: Any) -> None:
    client = variant(MAX_CONTENT_LENGTH=1_000, API_TOKENS=TOKEN).test_client()
    big = "x" * 5_000
    r = client.post("/api/v1/assessments", data=big, content_type="application/yaml", headers=auth())
    assert_error_shape(r, 413, "too_large")
    assert_error_shape(client.post("/api/v1/query", json={"cypher": "RETURN '" + big + "'"}), 413, "too_large")


def test_422_invalid_assessment(writable: OpenAPI) -> None:
    r = writable.test_client().post("/api/v1/assessments", data="country: RWA\n", content_type="application/yaml",
                                    headers=auth())
    err = assert_error_shape(r, 422, "invalid_input")
    assert all(line.startswith("request body") for line in err["details"]["errors"])


def test_429_rate_limited(variant: Any) -> None:
    client = variant(QUERY_RATE=1).test_client()
    client.post("/api/v1/query", json={"cypher": "RETURN 1 AS x"})
    r = client.post("/api/v1/query", json={"cypher": "RETURN 1 AS x"})
    assert_error_shape(r, 429, "rate_limited")
    assert r.headers["Retry-After"].isdigit()


def test_500_hides_internals(variant: Any, monkeypatch: pytest.MonkeyPatch,
                             caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Binder exception: table Country at /tmp/secret/akg.lbug")

    monkeypatch.setattr(api.countries, "rows", broken)
    with caplog.at_level(logging.ERROR):
        r = variant().test_client().get("/api/v1/countries/RWA")
    err = assert_error_shape(r, 500, "internal")
    assert err == {"code": "internal", "message": "internal error", "details": {}}
    assert "secret" not in r.get_data(as_text=True)
    assert "Traceback" in caplog.text or any(rec.exc_info for rec in caplog.records)


def test_503_store_unavailable_and_504_timeout(variant: Any) -> None:
    client = variant(QUERY_TIMEOUT=0.05).test_client()
    assert_error_shape(client.post("/api/v1/query", json={"cypher": HEAVY}), 504, "query_timeout")
