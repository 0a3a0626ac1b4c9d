"""Health, the OpenAPI document (valid, and in step with the routes), the offline docs page,
security headers and CORS."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from flask_openapi3.openapi import OpenAPI
from openapi_spec_validator import OpenAPIV31SpecValidator

from api import create_app
from graph.settings import Settings
from tests.api.conftest import api_settings
from tests.api.shape import assert_error_shape
from tests.neo4j_server.server import free_port

SPEC = "/api/v1/openapi.json"


def test_health_and_readiness(client: FlaskClient, backend: str) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ok", "backend": backend}


def test_not_ready_without_a_store(backend: str, tmp_path: Path) -> None:
    """No database file (Ladybug), no server where the settings say (Neo4j: a port nothing listens on)."""
    settings = (api_settings(tmp_path / "missing.lbug") if backend == "ladybug" else
                Settings.from_env().with_overrides(backend="neo4j", neo4j_uri=f"neo4j://127.0.0.1:{free_port()}"))
    app = create_app({"SETTINGS": settings, "TESTING": True})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert_error_shape(client.get("/readyz"), 503, "not_ready")
    assert_error_shape(client.get("/api/v1/countries"), 503, "store_unavailable")


def test_openapi_document_is_valid_31(client: FlaskClient) -> None:
    spec = client.get(SPEC).get_json()
    assert spec["openapi"].startswith("3.1")
    OpenAPIV31SpecValidator(spec).validate()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert spec["paths"]["/api/v1/assessments"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/api/v1/assessments"]["get"]
    assert "security" not in spec
    enums = spec["paths"]["/api/v1/recommendations"]["get"]["parameters"]
    status = next(p for p in enums if p["name"] == "status")
    assert status["schema"]["enum"] == ["proposed", "adopted", "implemented", "rejected"]


def _flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_0-9]+)>", r"{\1}", rule)


def test_document_and_routes_do_not_drift(app: OpenAPI) -> None:
    spec = app.test_client().get(SPEC).get_json()
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    api_rules = [r for r in app.url_map.iter_rules()
                 if (r.rule.startswith("/api/v1/") or r.rule in {"/healthz", "/readyz"})
                 and r.endpoint.split(".")[0] != "docs"]
    served = {(_flask_to_openapi(r.rule), m) for r in api_rules for m in (r.methods or set()) - {"HEAD", "OPTIONS"}}
    assert documented == served
    assert ("/api/v1/countries/{iso3}/risk", "GET") in documented
    assert ("/healthz", "GET") in documented and ("/api/v1/query", "POST") in documented


def test_error_responses_are_documented_with_the_error_shape(client: FlaskClient) -> None:
    spec = client.get(SPEC).get_json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), (path, method, status)
    assert set(spec["components"]["schemas"]["ErrorBody"]["properties"]) == {"error"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self._in_script = True
            if found.get("src"):
                self.urls.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


def test_docs_page_is_served_offline(client: FlaskClient) -> None:
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    links = _Links()
    links.feed(r.get_data(as_text=True))
    assert len(links.urls) >= 4 and links.inline_scripts == 0
    for url in links.urls:
        assert not re.match(r"^(https?:)?//", url), f"external URL {url}"
        with client.get(url) as asset:
            assert asset.status_code == 200 and len(asset.get_data()) > 100, url
    with client.get("/static/docs/docs.js") as js:
        script = js.get_data(as_text=True)
    assert "validatorUrl: null" in script and "http" not in script
    assert_error_shape(client.get("/api/v1/docs/assets/../../../etc/passwd"), 404)


def test_no_page_loads_scripts_or_styles_from_elsewhere(app: OpenAPI) -> None:
    """Every HTML page the app serves at a fixed URL (the docs page, and pages if present)."""
    client = app.test_client()
    fixed = sorted(r.rule for r in app.url_map.iter_rules()
                   if "GET" in (r.methods or set()) and "<" not in r.rule)
    checked = 0
    for url in fixed:
        with client.get(url) as r:
            if r.status_code != 200 or r.mimetype != "text/html":
                continue
            links = _Links()
            links.feed(r.get_data(as_text=True))
        external = [u for u in links.urls if re.match(r"^(https?:)?//", u)]
        assert not external, f"{url} loads {external}"
        checked += 1
    assert checked >= 1


def test_security_headers_everywhere(client: FlaskClient) -> None:
    for url in ("/api/v1/docs", "/api/v1/countries/RWA", "/api/v1/countries/ZZZ", SPEC, "/healthz"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
        assert "http" not in csp


def test_cors_is_off_unless_configured(client: FlaskClient, variant: Any) -> None:
    origin = {"Origin": "https://planner.example.org"}
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/countries/RWA", headers=origin).headers
    allowed = variant(CORS_ORIGINS="https://planner.example.org").test_client()
    r = allowed.get("/api/v1/countries/RWA", headers=origin)
    assert r.headers["Access-Control-Allow-Origin"] == "https://planner.example.org"
    other = allowed.get("/api/v1/countries/RWA", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other.headers
    pre = allowed.options("/api/v1/query", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200 and "Authorization" in pre.headers["Access-Control-Allow-Headers"]
