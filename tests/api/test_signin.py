"""Read protection everywhere: with read tokens required, no page, view, export or console
answers without a session or a bearer token; sign-in, the cookie, CSRF on every posting form.
The guard runs before any page reads the store; every test runs on each backend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import TOKEN, auth
from tests.api.forms import csrf_of, post_form

PROTECTED = ["/", "/countries/RWA", "/explorer", "/planner", "/planner?country=RWA",
             "/planner/briefing.md?country=RWA", "/planner/print?country=RWA", "/console",
             "/viz/country/RWA", "/viz/actor/interahamwe", "/viz/paths?actor=a&group=b",
             "/viz/leverage/interahamwe", "/viz/data/nodes?ids=country/RWA",
             "/api/v1/countries", "/api/v1/export?format=csv"]


@pytest.fixture
def guarded(variant: Any) -> Any:
    return variant(READ_REQUIRES_TOKEN=True, API_TOKENS=TOKEN).test_client()


@pytest.fixture
def guarded_any(any_app: Any) -> Any:
    """``guarded`` on each backend."""
    return any_app(READ_REQUIRES_TOKEN=True, API_TOKENS=TOKEN).test_client()


@pytest.mark.parametrize("path", PROTECTED)
def test_every_page_needs_a_session_or_token(guarded: Any, path: str) -> None:
    reply = guarded.get(path)
    assert reply.status_code in (302, 401), (path, reply.status_code)
    if reply.status_code == 302:
        assert reply.headers["Location"].startswith("/signin?next=")
    body = reply.get_data(as_text=True)
    assert "Interahamwe" not in body and "Rwanda" not in body


def test_console_post_without_a_session_is_refused(guarded_any: Any) -> None:
    csrf = csrf_of(guarded_any, "/signin")
    reply = guarded_any.post("/console", data={"cypher": "MATCH (c:Country) RETURN c.name", "csrf": csrf})
    assert reply.status_code == 401 and "Rwanda" not in reply.get_data(as_text=True)


def test_signing_in_sets_a_strict_httponly_cookie_and_opens_the_pages(guarded: Any) -> None:
    wrong = post_form(guarded, "/signin", {"token": "nope", "next": "/countries/RWA"})
    assert wrong.status_code == 401 and "not valid" in wrong.get_data(as_text=True)
    reply = post_form(guarded, "/signin", {"token": TOKEN, "next": "/countries/RWA"})
    assert reply.status_code == 302 and reply.headers["Location"] == "/countries/RWA"
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    for path in PROTECTED:
        assert guarded.get(path).status_code in (200, 404), path  # 404: a made-up actor or group
    assert guarded.get("/countries/RWA").status_code == 200
    console = post_form(guarded, "/console", {"cypher": "MATCH (c:Country {id: 'country/RWA'}) RETURN c.name"})
    assert console.status_code == 200 and "Rwanda" in console.get_data(as_text=True)
    # writes still need the bearer token, whatever the session
    assert guarded.post("/api/v1/assessments", data="x: 1", content_type="application/yaml").status_code == 401
    post_form(guarded, "/signout", {}, page="/console")
    assert guarded.get("/countries/RWA").status_code == 302


def test_sign_in_never_redirects_off_site(guarded: Any) -> None:
    for target in ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]:
        reply = post_form(guarded, "/signin", {"token": TOKEN, "next": target})
        assert reply.headers["Location"] == "/"


def test_bearer_tokens_still_open_the_pages(guarded_any: Any) -> None:
    page = guarded_any.get("/countries/RWA", headers=auth())
    assert page.status_code == 200 and "Rwanda" in page.get_data(as_text=True)
    assert guarded_any.get("/countries/RWA", headers=auth("wrong")).status_code == 302
    console = guarded_any.post("/console", headers=auth(), data={
        "cypher": "MATCH (c:Country {id: 'country/RWA'}) RETURN c.name", "csrf": csrf_of(guarded_any, "/signin")})
    assert console.status_code == 200 and "Rwanda" in console.get_data(as_text=True)


def test_every_posting_form_needs_its_csrf_token(client: Any) -> None:
    """Signed in or not, a post without the form's token is refused (403), with it accepted."""
    assert client.post("/console", data={"cypher": "RETURN 1 AS one"}).status_code == 403
    assert client.post("/console", data={"cypher": "RETURN 1 AS one", "csrf": "forged"}).status_code == 403
    assert post_form(client, "/console", {"cypher": "RETURN 1 AS one"}).status_code == 200
    assert client.post("/signin", data={"token": TOKEN}).status_code == 403


def test_failed_sign_ins_are_limited(guarded: Any) -> None:
    codes = [post_form(guarded, "/signin", {"token": f"guess-{n}"}).status_code for n in range(11)]
    assert codes == [401] * 10 + [429]
