"""The API's side of provenance: replacing and retracting assessments, the audit log, datasets."""

from __future__ import annotations

import yaml
from flask_openapi3.openapi import OpenAPI

from api import create_app
from tests.api.conftest import EXAMPLES, TOKEN, auth
from tests.api.shape import assert_error_shape

URL = "/api/v1/assessments"


def edited() -> str:
    """RWA-1994-07 without its first risk-factor finding and its recommendations."""
    doc = yaml.safe_load((EXAMPLES / "RWA-1994-07.yaml").read_text(encoding="utf-8"))
    doc["risk_factors"] = doc["risk_factors"][1:]
    doc["recommendations"] = []
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def test_posting_an_edited_assessment_replaces_it_and_logs_who(writable: OpenAPI) -> None:
    named = create_app({"SETTINGS": writable.extensions["akg"].settings, "TESTING": True,
                        "API_TOKENS": f"planning-desk:{TOKEN}", "STORE": writable.extensions["akg"].store()})
    client = named.test_client()
    before = client.get("/api/v1/countries/RWA/risk").get_json()
    r = client.post(URL, data=edited(), content_type="application/yaml", headers=auth())
    assert r.status_code == 200, r.get_json()
    summary = r.get_json()["summary"]
    assert summary["edges_removed"] > 1 and summary["nodes_removed"] >= 1
    after = client.get("/api/v1/countries/RWA/risk").get_json()
    assert len(after["risk_factors"]) == len(before["risk_factors"]) - 1
    log = client.get("/api/v1/log?country=RWA").get_json()["items"]
    assert log[0]["action"] == "reload" and log[0]["by"] == "planning-desk"
    assert log[0]["removed"] == summary["edges_removed"] + summary["nodes_removed"]


def test_retract_needs_a_token_a_reason_and_a_known_id(writable: OpenAPI) -> None:
    client = writable.test_client()
    assert_error_shape(client.post(f"{URL}/RWA-1994-07/retract", json={"reason": "x"}), 401, "unauthorized")
    assert_error_shape(client.post(f"{URL}/RWA-1994-07/retract", json={}, headers=auth()), 400, "invalid_parameter")
    assert_error_shape(client.post(f"{URL}/RWA-1900-01/retract", json={"reason": "x"}, headers=auth()), 404,
                       "not_found")
    r = client.post(f"{URL}/RWA-1994-07/retract", json={"reason": "test"}, headers=auth())
    assert r.status_code == 200 and r.get_json()["previous_status"] == "published"
    risk = client.get("/api/v1/countries/RWA/risk").get_json()
    assert risk["assessment"] == "assessment/RWA-1994-01"
    again = client.post(f"{URL}/RWA-1994-07/retract", json={"reason": "again"}, headers=auth())
    assert_error_shape(again, 409, "workflow_refused")
    listed = client.get(f"{URL}/RWA-1994-07").get_json()
    assert listed["status"] == "retracted"


def test_moving_a_published_assessment_back_needs_a_reason(writable: OpenAPI) -> None:
    client = writable.test_client()
    text = (EXAMPLES / "RWA-1994-07.yaml").read_text(encoding="utf-8").replace(
        "status: published", "status: draft")
    refused = client.post(URL, data=text, content_type="application/yaml", headers=auth())
    err = assert_error_shape(refused, 409, "workflow_refused")
    assert "needs a reason" in err["message"]
    ok = client.post(f"{URL}?reason=reopened", data=text, content_type="application/yaml", headers=auth())
    assert ok.status_code == 200
    status = [e for e in client.get("/api/v1/log?target=assessment/RWA-1994-07").get_json()["items"]
              if e["action"] == "status"]
    assert status[0]["reason"] == "reopened"


def test_log_and_datasets_filters_are_checked(app: OpenAPI) -> None:
    client = app.test_client()
    assert_error_shape(client.get("/api/v1/log?country=RWAX"), 400, "invalid_parameter")
    assert_error_shape(client.get("/api/v1/log?since=yesterday"), 400, "invalid_parameter")
    body = client.get("/api/v1/log?limit=5").get_json()
    assert len(body["items"]) == 5 and all(e["action"] == "load" for e in body["items"])
    assert client.get("/api/v1/datasets").get_json() == {"items": []}
