"""Pages and /viz/ routes through Flask's test client (no browser): status, headers, escaping."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from api import create_app
from graph.base import GraphStore
from tests.api.forms import post_form
from tests.viz.conftest import XSS, XSS_ID


@pytest.fixture(scope="module")
def client(demo_on: GraphStore) -> FlaskClient:
    """Flask's client over the demo store of each backend."""
    return create_app({"STORE": demo_on, "TESTING": True}).test_client()


PAGES = ["/", "/countries/RWA", "/countries/xkx", "/explorer", "/explorer?q=inter", "/explorer?actor=actor/far",
         "/planner", "/planner?country=RWA", "/planner?group=tutsi", "/planner/print?country=RWA", "/console",
         "/console?query=countries_ranked_by_risk&run=1", "/viz/actor/interahamwe", "/viz/country/RWA",
         "/viz/paths?actor=far&group=tutsi", "/viz/leverage/sdn-government"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    # nothing is loaded from elsewhere: the only outside addresses are links to the sources cited
    external = re.findall(r"<[^>]*\s(?:src|href|action)=[\"']?(?:https?:)?//[^>]*>", html)
    assert all(tag.startswith('<a class="source-link" ') for tag in external), external
    assert "cdn" not in html.lower().split("<script>")[0]


def test_pages_run_under_the_strict_policy_and_views_under_their_own(client: FlaskClient) -> None:
    page = client.get("/countries/RWA")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in page.get_data(as_text=True)  # no inline code on pages
    view = client.get("/viz/country/RWA")
    assert "connect-src 'none'" in view.headers["Content-Security-Policy"]
    assert view.headers["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("path", ["/countries/ZZZ", "/viz/actor/nobody", "/viz/country/ZZZ",
                                  "/viz/leverage/nobody", "/viz/paths?actor=far&group=nobody",
                                  "/explorer?actor=actor/nobody", "/planner?country=ZZZ", "/planner?group=nobody"])
def test_unknown_ids_get_a_friendly_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Not found" in response.get_data(as_text=True)


def test_hostile_text_is_escaped_everywhere(client: FlaskClient) -> None:
    for path in ["/explorer?q=alert", f"/explorer?actor={XSS_ID}", f"/viz/actor/{XSS_ID.split('/')[1]}",
                 "/console?query=actor_search&run=1&q=alert", f"/explorer?q={XSS}"]:
        html = client.get(path).get_data(as_text=True)
        assert XSS not in html and "<img src=x" not in html, path
        assert "onerror=alert(2)>" not in html, path


def test_empty_network_says_so(client: FlaskClient) -> None:
    html = client.get("/viz/paths?actor=far&group=civilians-syr").get_data(as_text=True)
    assert "No path connects them" in html


def test_markdown_briefing(client: FlaskClient) -> None:
    response = client.get("/planner/briefing.md?group=tutsi")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("# Response plan: Tutsi") and "## Stakeholders with leverage" in text


def test_console_refuses_writes_and_draws_results(client: FlaskClient) -> None:
    refused = post_form(client, "/console", {"cypher": "MATCH (a:Actor) DETACH DELETE a"})
    assert refused.status_code == 200 and "refused" in refused.get_data(as_text=True)
    result = post_form(client, "/console", {
        "cypher": "MATCH (a:Actor)-[r:THREATENS]->(g:VictimGroup) RETURN a, r, g LIMIT 3"})
    html = result.get_data(as_text=True)
    assert "3 rows" in html and 'data-akg-network="result-net-data"' in html


def test_node_styles_for_the_explorer(client: FlaskClient) -> None:
    nodes = client.get("/viz/data/nodes?ids=actor/interahamwe,group/tutsi").get_json()
    by_id = {n["id"]: n for n in nodes}
    assert by_id["actor/interahamwe"]["role"] and by_id["group/tutsi"]["name"] == "Tutsi"
    with client.get("/viz/assets/vis-network.min.js") as asset:
        assert asset.status_code == 200 and asset.mimetype == "text/javascript"
    assert client.get("/viz/assets/other.js").status_code == 404


@pytest.mark.parametrize(("path", "message"), [
    ("/countries/RWA?as_of=1994-02-30", "as_of=&#39;1994-02-30&#39; is not a date like 1994-04-06"),
    ("/?as_of=3000-01-01", "as_of=3000-01-01 is outside 1900-01-01"),
    ("/viz/country/RWA?as_of=x", "as_of=&#39;x&#39; is not a date"),
    ("/viz/actor/interahamwe?to=1899-12-31", "to=1899-12-31 is outside"),
])
def test_bad_dates_show_the_page_with_a_notice(client: FlaskClient, path: str, message: str) -> None:
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert message in html and "showing the latest data" in html
    assert "Rwanda" in html or "Interahamwe" in html  # the view itself, not a blank page


def test_country_search(client: FlaskClient) -> None:
    one = client.get("/countries?q=rwanda")
    assert one.status_code == 302 and one.headers["Location"].endswith("/countries/RWA")
    assert client.get("/countries?q=mmr").headers["Location"].endswith("/countries/MMR")
    several = client.get("/countries?q=guinea")
    html = several.get_data(as_text=True)
    assert several.status_code == 200 and "Equatorial Guinea" in html and "Papua New Guinea" in html
    assert "<h1>Countries</h1>" in html and "Not found" not in html  # a list of matches, not a miss
    assert "<h1>Find a country</h1>" in client.get("/countries").get_data(as_text=True)
    none = client.get("/countries?q=atlantis")
    assert none.status_code == 404 and "No country matches" in none.get_data(as_text=True)
    assert "<h1>Not found</h1>" in none.get_data(as_text=True)
    assert 'id="nf-country"' in client.get("/countries/ZZZ").get_data(as_text=True)


def test_a_url_that_names_no_page_gets_the_404_page_and_the_api_keeps_json(client: FlaskClient) -> None:
    for path in ("/viz/nothing", "/countries/RWA/extra", "/no-such-page"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 404 and response.mimetype == "text/html", path
        page = response.get_data(as_text=True)
        assert f"There is no page at {path}." in page and 'id="nf-country"' in page and 'id="nf-actor"' in page
    api = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_an_unknown_stage_is_named_on_the_planner_page(client: FlaskClient) -> None:
    response = client.get("/planner?country=RWA&stage=XX")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "stage=&#39;XX&#39; is not one of UP, EW, CR, PR, AR, so it was ignored: showing every stage." in page
    assert "Response plan: Rwanda" in page
