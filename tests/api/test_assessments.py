"""/api/v1/assessments: list, one, and POST (token, validation, atomic write, cache refresh)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from flask.testing import FlaskClient
from flask_openapi3.openapi import OpenAPI

from loaders.assessment import validate_path
from ontology.errors import SourceFormatError
from tests.api.conftest import EXAMPLES, auth, hit
from tests.api.shape import assert_error_shape

URL = "/api/v1/assessments"


def revised(date: str = "1994-08-15") -> str:
    """RWA-1994-07 as a new, later assessment (RWA-1994-08)."""
    text = (EXAMPLES / "RWA-1994-07.yaml").read_text(encoding="utf-8")
    return text.replace("id: RWA-1994-07", "id: RWA-1994-08").replace("date: 1994-07-25", f"date: {date}")


def counts(app: OpenAPI) -> tuple[int, int]:
    stats = app.extensions["akg"].store().stats()
    return stats.total_nodes, stats.total_relationships


def test_list_and_filters(client: FlaskClient) -> None:
    body = client.get(URL).get_json()
    assert body["total"] == 20
    dates = [a["date"] for a in body["items"]]
    assert dates == sorted(dates, reverse=True)
    rwa = client.get(f"{URL}?country=RWA").get_json()["items"]
    assert [a["id"] for a in rwa] == ["assessment/RWA-1994-07", "assessment/RWA-1994-01"]
    assert client.get(f"{URL}?status=draft").get_json()["total"] == 0
    assert_error_shape(client.get(f"{URL}?status=final"), 400, "invalid_parameter")


def test_one_assessment(client: FlaskClient) -> None:
    body = client.get(f"{URL}/RWA-1994-01").get_json()
    assert body["id"] == "assessment/RWA-1994-01" and body["country"] == "country/RWA"
    assert body["date"] == "1994-01-31" and body["status"] == "published" and body["overall_risk"] == 3
    assert body["counts"]["findings"] > 5 and body["counts"]["recommendations"] > 0
    assert body["authors"] and body["summary"]
    assert client.get(body["links"]["risk"]).get_json()["assessment"] == "assessment/RWA-1994-01"
    assert_error_shape(client.get(f"{URL}/RWA-1900-01"), 404, "not_found")


def test_post_needs_a_token_and_writes_nothing_without(writable: OpenAPI) -> None:
    client = writable.test_client()
    before = counts(writable)
    err = assert_error_shape(client.post(URL, data=revised(), content_type="application/yaml"), 401,
                             "unauthorized")
    assert "Bearer" in err["message"]
    r = client.post(URL, data=revised(), content_type="application/yaml", headers=auth("wrong-token"))
    assert_error_shape(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert counts(writable) == before
    assert client.get(f"{URL}/RWA-1994-08").status_code == 404


def test_invalid_body_gets_located_messages_and_writes_nothing(writable: OpenAPI, tmp_path: Path) -> None:
    client = writable.test_client()
    before = counts(writable)
    bad = revised().replace("overall: {level: 3", "overall: {level: 7", 1)
    assert bad != revised()
    err = assert_error_shape(client.post(URL, data=bad, content_type="application/yaml", headers=auth()),
                             422, "invalid_input")
    # The same messages as `akg validate` gives for the same text in a file.
    path = tmp_path / "request body"
    path.write_text(bad, encoding="utf-8")
    expected = [SourceFormatError.format_one(*p) for p in validate_path(path)]
    assert err["details"]["errors"] == expected
    assert any(":" in e and "overall.level" in e for e in expected)
    unknown_rf = revised().replace("factor: RF1\n", "factor: RF99\n", 1)
    err = assert_error_shape(client.post(URL, data=unknown_rf, content_type="application/yaml",
                                         headers=auth()), 422)
    assert err["details"]["errors"]
    for junk in ("", "just: [unclosed", "- a list\n- not a mapping\n"):
        r = client.post(URL, data=junk, content_type="application/yaml", headers=auth())
        assert_error_shape(r, 422, "invalid_input")
    assert counts(writable) == before


def test_hostile_yaml_is_refused_fast(writable: OpenAPI) -> None:
    levels = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    r = writable.test_client().post(URL, data="\n".join(levels), content_type="application/yaml",
                                    headers=auth())
    err = assert_error_shape(r, 422, "invalid_input")
    assert "aliases" in err["details"]["errors"][0]
    r = writable.test_client().post(URL, data=b"\xff\xfe", content_type="application/yaml", headers=auth())
    assert_error_shape(r, 422, "invalid_input")
    r = writable.test_client().post(URL, data="<x/>", content_type="application/xml", headers=auth())
    assert_error_shape(r, 415, "unsupported_media_type")


def test_valid_post_is_written_and_queryable(writable: OpenAPI) -> None:
    client = writable.test_client()
    assert client.get("/api/v1/countries/RWA/risk").get_json()["assessment"] == "assessment/RWA-1994-07"
    assert client.get("/api/v1/countries/RWA/risk").headers.get("X-Cache") == hit(writable)
    before = counts(writable)
    r = client.post(URL, data=revised(), content_type="application/yaml", headers=auth())
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["id"] == "assessment/RWA-1994-08" and body["created"] is True
    assert body["summary"]["nodes_created"] >= 1 and r.headers["Location"] == f"{URL}/RWA-1994-08"
    assert counts(writable) > before
    got = client.get(f"{URL}/RWA-1994-08").get_json()
    assert got["date"] == "1994-08-15" and got["country"] == "country/RWA"
    risk = client.get("/api/v1/countries/RWA/risk")
    assert risk.get_json()["assessment"] == "assessment/RWA-1994-08" and "X-Cache" not in risk.headers
    again = client.post(URL, data=revised(), content_type="text/yaml", headers=auth())
    assert again.status_code == 200 and again.get_json()["created"] is False


def test_json_body_is_accepted(writable: OpenAPI) -> None:
    data: dict[str, Any] = yaml.safe_load(revised("1994-09-01").replace("RWA-1994-08", "RWA-1994-09"))

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    r = writable.test_client().post(URL, data=json.dumps(data, default=plain), content_type="application/json",
                                    headers=auth())
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["id"] == "assessment/RWA-1994-09"


def test_read_only_server_refuses_writes(client: FlaskClient) -> None:
    err = assert_error_shape(client.post(URL, data=revised(), content_type="application/yaml", headers=auth()),
                             403, "writes_disabled")
    assert "AKG_API_TOKENS" in err["message"]
