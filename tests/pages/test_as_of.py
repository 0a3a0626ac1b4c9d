"""`?as_of=` on every page other than the networks, through Flask's test client on the demo store of each backend:
what each page shows as of a day, links that carry the day on, and bad dates named on a page that
still shows the latest data (status 400). Also: the watch-list's headings, the API's `monitored`
field and the due-for-review box agree on which countries are monitored."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

from api import create_app
from graph.base import GraphStore
from viz.dashboard import ASSESSED_ONLY, MONITORED_ELSEWHERE


@pytest.fixture(scope="module")
def client(demo_on: GraphStore) -> FlaskClient:
    """Flask's client over the demo store of each backend."""
    return create_app({"STORE": demo_on, "TESTING": True}).test_client()


def _get(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.get_data(as_text=True)[:400])
    return response.get_data(as_text=True)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _section(page: str, ident: str) -> str:
    found = re.search(rf'<section id="{ident}"[^>]*>(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def _watch_sections(page: str) -> dict[str, set[str]]:
    """Heading of each watch-list table → the ISO codes of the countries under it."""
    out = {}
    for body in re.findall(r'<section class="region"[^>]*>(.*?)</section>', page, re.S):
        title = html.unescape(re.search(r"<h2>(.*?)</h2>", body, re.S).group(1))  # type: ignore[union-attr]
        out[title] = set(re.findall(r"/countries/([A-Z]{3})", body))
    return out


def test_watchlist_headings_the_api_and_the_due_box_agree(client: FlaskClient) -> None:
    """The page once put Myanmar (monitored, in no region) under "Assessed, not on the monitored list"
    while the API said monitored: every monitored country must sit under a monitored heading."""
    page = _get(client, "/")
    sections = _watch_sections(page)
    due = sections.pop("Due for review: alerts newer than the latest assessment", set())
    api = client.get("/api/v1/countries?limit=1000").get_json()["items"]
    monitored = {c["iso3"] for c in api if c["monitored"]}
    assessed = {c["iso3"] for c in api if c["risk"]}
    under_monitored = set().union(*(v for k, v in sections.items() if k != ASSESSED_ONLY))
    assert "MMR" in monitored and "MMR" in sections[MONITORED_ELSEWHERE]
    assert under_monitored == monitored
    assert sections.get(ASSESSED_ONLY, set()) == assessed - monitored
    for c in api:  # each region heading holds exactly the monitored countries the API places in it
        if c["monitored"]:
            assert c["iso3"] in sections[c["region_name"] or MONITORED_ELSEWHERE], c
    # the due box names, for each country, the heading it sits under (the same definition)
    box = re.search(r'<section class="region" id="due">(.*?)</section>', page, re.S).group(1)  # type: ignore[union-attr]
    assert due
    for iso in due:
        row = re.search(rf"/countries/{iso}[^<]*#early-warning\">[^<]*</a></th>\s*<td class=\"heading\">([^<]*)", box)
        assert row, iso
        expected = next((k for k, v in sections.items() if iso in v), "")  # "": a muted "not on the watch-list"
        assert html.unescape(row.group(1)) == expected, iso


def test_watchlist_as_of(client: FlaskClient) -> None:
    latest = _get(client, "/")
    assert 'id="due"' in latest  # the demo's alerts (2018-2019) are newer than the assessments
    page = _get(client, "/?as_of=1993-01-01")
    assert "as of 1993-01-01" in page
    assert 'id="due"' not in page and "(0 new)" not in _text(page)  # no alert existed then
    assert 'href="/countries/RWA?as_of=1993-01-01"' in page  # links carry the day on
    assert 'value="1993-01-01"' in page  # the date field shows it


def test_country_dashboard_as_of(client: FlaskClient) -> None:
    latest, then = _get(client, "/countries/SYR"), _get(client, "/countries/SYR?as_of=2017-01-01")
    count = re.compile(r"(\d+) alert\(s\)")
    assert int(count.search(_text(latest)).group(1)) > int(count.search(_text(then)).group(1)) > 0  # type: ignore[union-attr]
    warning = _text(_section(then, "early-warning"))
    assert "Shown as of 2017-01-01: the periods, alerts and events after it are left out." in warning
    assert not re.search(r"\b201[89]-\d\d\b", _text(_section(then, "early-warning")).split("Bars:")[1])
    assert "as of 2017-01-01" in then and 'href="/planner?country=SYR&amp;as_of=2017-01-01"' in then
    assert 'href="/viz/country/SYR?as_of=2017-01-01"' in then or "Full-screen network" not in then
    # Rwanda before its July 1994 assessment: the January one only, and only the sources it cites
    rwa_then, rwa = _get(client, "/countries/RWA?as_of=1994-03-01"), _get(client, "/countries/RWA")
    assert "RWA-1994-07" not in _text(_section(rwa_then, "sources")) and "RWA-1994-07" in _text(_section(rwa, "sources"))
    assert 0 < rwa_then.count('<li id="src-') < rwa.count('<li id="src-')


@pytest.mark.parametrize(("path", "expected"), [
    ("/planner?country=RWA&as_of=1994-03-01", "Latest published assessment on or before 1994-03-01: "),
    ("/planner/print?country=RWA&as_of=1994-03-01", "Latest published assessment on or before 1994-03-01: "),
    ("/planner/briefing.md?country=RWA&as_of=1994-03-01", "Based on the latest published assessment on or before "
                                                          "1994-03-01, 1994-01"),
    ("/planner?country=RWA&as_of=1990-01-01", "No published assessment of Rwanda on or before 1990-01-01."),
])
def test_planner_as_of(client: FlaskClient, path: str, expected: str) -> None:
    page = _text(_get(client, path))
    assert expected in page, page[:600]
    if "1994-03-01" in path and "briefing" not in path:
        assert "(1994-01-" in page and "(1994-07-" not in page
    latest = _text(_get(client, path.split("&as_of")[0]))
    assert "on or before" not in latest and ("(1994-07-" in latest or "briefing" in path)


@pytest.mark.parametrize("path", ["/", "/countries/RWA", "/countries/FRA", "/planner?country=RWA",
                                  "/planner/print?country=RWA", "/planner/briefing.md?country=RWA",
                                  "/viz/country/RWA"])
def test_a_bad_as_of_is_named_on_a_page_that_still_shows_data(client: FlaskClient, path: str) -> None:
    sep = "&" if "?" in path else "?"
    words = _text(_get(client, path)).count(" ")
    for bad in ("1994-13-45", "yesterday", "1066-10-14", "2999-01-01"):
        page = _get(client, f"{path}{sep}as_of={bad}", status=400)
        text = _text(page)
        assert f"as_of={bad}" in text or f"as_of='{bad}'" in text, (path, bad)
        assert "so it was ignored: showing the latest data" in text
        assert words - text.count(" ") < 60  # the same page, not a blank one
        assert not re.search(rf'(href|value)="[^"]*{re.escape(bad)}', page)  # no link or field carries it on


def test_the_explorer_replays_relationships_valid_on_the_day(client: FlaskClient) -> None:
    # the demo's interim government commands the Interahamwe from 7 April to 18 July 1994 only
    during = _get(client, "/explorer?actor=actor/rwa-interim-government&as_of=1994-05-01")
    after = _get(client, "/explorer?actor=actor/rwa-interim-government&as_of=2000-01-01")
    assert "actor/interahamwe" in during and "actor/far" in during
    assert "actor/interahamwe" not in after and "actor/far" not in after
    assert "Relationships valid on that day" in after


def test_the_slider_says_whether_a_day_is_replayed(client: FlaskClient) -> None:
    for url in ("/explorer?actor=actor/far", "/countries/RWA"):
        everything = _get(client, url)
        assert 'data-replaying="false"' in everything
        assert "No day chosen: every recorded relationship is shown" in everything
        replayed = _get(client, url + ("&" if "?" in url else "?") + "as_of=1994-05-01")
        assert 'data-replaying="true"' in replayed and "Shown as of 1994-05-01:" in replayed
    bad = _get(client, "/countries/RWA?as_of=1994-13-40", status=400)
    assert 'data-replaying="false"' in bad  # a refused date replays nothing and says so
