"""The pages served from Neo4j, as ``AKG_BACKEND=neo4j akg demo`` serves them: the demo built on
the Neo4j test server (the same ``build_demo`` and hostile actor as the Ladybug demo store), every
page route opened in headless Chromium from both backends, and what it shows compared: the visible
text, what the scripts report when done (``data-*`` counts of the networks, maps and charts, the
nodes and relationships each network drew), the watch-list map's fills and the country map's marks.
A page that differs between the backends is a bug in one of them. Nothing leaves 127.0.0.1 and
the console stays clean on Neo4j too. ``/planner/briefing.md`` is a download, not a page: its text
is compared as served.

The pages: watch-list (with its map), the country search, a country dashboard with its network and
charts, a country with real events (its map of events, alerts), one with no assessment, the explorer,
the query console with a result network, the planner for a country and for a victim group, its
print view and briefing, and the ``/viz/`` views of an actor, a country, paths and leverage; each
page that takes ``?as_of=`` also as of a day. No screenshots: docs/img shows the Ladybug demo.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import NEO4J_SKIP
from tests.pages.conftest import Neo4jDemo, assert_offline_and_clean, load

pytestmark = [pytest.mark.browser, pytest.mark.neo4j,
              pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP)]

# Each page, a phrase it must show and what its scripts must have drawn (on both backends).
PAGES: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "/": ("Great Lakes region", lambda shown: len(shown["fills"]) > 150
          and int(attr(shown, "watchlist-map", "data-countries")) > 0),
    "/?as_of=1994-03-01": ("as of 1994-03-01", lambda shown: len(shown["fills"]) > 150
                           and 0 < int(attr(shown, "watchlist-map", "data-countries")) < 10),
    "/countries?q=sudan": ("2 countries match", lambda shown: shown["network"] is None and not shown["fills"]),
    "/countries/RWA": ("Interahamwe", lambda shown: "country-net" in shown["canvases"]
                       and int(attr(shown, "country-map", "data-points")) > 0),
    "/countries/RWA?as_of=1994-05-01": ("Shown as of 1994-05-01", lambda shown: "country-net" in shown["canvases"]
                                        and drew(shown, "actor/interahamwe")),
    "/countries/SYR": ("Syria", lambda shown: shown["marks"] > 0
                       and int(attr(shown, "country-map", "data-alerts")) > 0),
    "/countries/SYR?as_of=2017-01-01": ("Shown as of 2017-01-01", lambda shown: shown["marks"] > 0
                                        and attr(shown, "country-map", "data-mode") == "grid"),
    "/countries/FRA": ("France has no assessment yet", lambda shown: not shown["canvases"] and shown["marks"] == 0),
    "/explorer?actor=actor/far": ("Network explorer", lambda shown: "explorer-net" in shown["canvases"]
                                  and drew(shown, "actor/interahamwe")),
    "/explorer?actor=actor/rwa-interim-government&as_of=1994-05-01": (
        "Shown as of 1994-05-01", lambda shown: drew(shown, "actor/interahamwe")),
    "/console?query=perpetrators_in_country&run=1&country=country/RWA": ("Interahamwe", lambda shown: True),
    "/console?query=actor_search&run=1&q=interahamwe": ("Interahamwe", lambda shown: True),
    "/planner?country=RWA": ("Rwanda", lambda shown: True),
    "/planner?country=RWA&as_of=1994-03-01": ("Latest published assessment on or before 1994-03-01",
                                              lambda shown: True),
    "/planner?group=tutsi": ("Tutsi", lambda shown: True),
    "/planner?country=BIH&stage=EW": ("Bosnia", lambda shown: True),
    "/planner/print?country=RWA": ("Rwanda", lambda shown: True),
    "/planner/print?country=SDN&as_of=2004-01-01": ("on or before 2004-01-01", lambda shown: True),
    "/viz/actor/interahamwe": ("Interahamwe", lambda shown: drew(shown, "actor/interahamwe", "actor/far")),
    "/viz/actor/far?depth=1&from=1994-04-01&to=1994-07-31": ("Rwandan", lambda shown: drew(shown, "actor/far")),
    "/viz/country/RWA": ("Rwanda", lambda shown: drew(shown, "actor/interahamwe", "group/tutsi")),
    "/viz/country/RWA?as_of=1994-05-01": ("Rwanda", lambda shown: drew(shown, "actor/interahamwe")),
    "/viz/country/SYR": ("Syria", lambda shown: len(shown["network"]["nodes"]) > 5),
    "/viz/paths?actor=far&group=tutsi": ("Paths from", lambda shown: drew(shown, "actor/far", "group/tutsi")),
    "/viz/leverage/vrs": ("Leverage over", lambda shown: drew(shown, "actor/vrs")
                          and len(shown["network"]["edges"]) > 0),
    "/viz/leverage/sdn-government?steps=2": ("Leverage over", lambda shown: drew(shown, "actor/sdn-government")),
}

# The briefing (a download): a phrase it must hold, on both backends.
BRIEFINGS = {
    "/planner/briefing.md?country=RWA": "## Data attribution",
    "/planner/briefing.md?country=RWA&as_of=1994-03-01": "Based on the latest published assessment on or before "
                                                         "1994-03-01",
    "/planner/briefing.md?group=tutsi": "Tutsi",
}

# What the pages' scripts leave in the DOM once done: the counts each network, map and chart sets.
SHOWN = """
const attrs = ['data-ready', 'data-nodes', 'data-points', 'data-alerts', 'data-countries', 'data-mode',
               'data-communities', 'data-brokers', 'data-orphans', 'data-hidden'];
const out = {};
document.querySelectorAll(attrs.map(a => '[' + a + ']').join(',')).forEach((e, i) => {
  out[(e.id || e.tagName) + '#' + i] = attrs.filter(a => e.hasAttribute(a)).map(a => a + '=' + e.getAttribute(a));
});
out.fills = Array.from(document.querySelectorAll('#watchlist-map path.country[data-iso3]'))
  .map(p => p.dataset.iso3 + ':' + p.getAttribute('fill')).sort();
out.marks = document.querySelectorAll('#country-map svg circle, #country-map svg rect').length;
out.canvases = Array.from(document.querySelectorAll('canvas')).map(c => c.closest('[id]')?.id || '').sort();
const net = window.akgNetwork && window.akgNetwork.body && window.akgNetwork.body.data;
out.network = net ? {nodes: net.nodes.getIds().map(String).sort(),
                     edges: net.edges.get().map(e => e.from + '>' + e.to + ' ' + (e.label || '')).sort()} : null;
return out;
"""


@pytest.fixture(scope="module")
def neo4j_url(neo4j_demo: Neo4jDemo) -> str:
    """The demo built on the Neo4j test server, served on 127.0.0.1."""
    neo4j_demo.ready()
    return neo4j_demo.url


def attr(shown: dict[str, Any], element: str, name: str) -> str:
    """The value of ``name`` the scripts left on the element ``element``."""
    values = next(v for k, v in shown.items() if k.startswith(element + "#"))
    return str(next(v.split("=", 1)[1] for v in values if v.startswith(name + "=")))


def drew(shown: dict[str, Any], *ids: str) -> bool:
    """Whether the page's network drew every node of ``ids``."""
    return shown["network"] is not None and set(ids) <= set(shown["network"]["nodes"])


def shown(driver: Any, url: str) -> tuple[str, dict[str, Any]]:
    """The page's visible text and what its scripts report, once it is ready."""
    load(driver, url)
    return str(driver.find_element(By.TAG_NAME, "body").text), driver.execute_script(SHOWN)


@pytest.mark.parametrize("path", list(PAGES))
def test_page_on_neo4j_shows_what_it_shows_on_ladybug(driver: Any, base_url: str, neo4j_url: str,
                                                        path: str) -> None:
    text, scripts = shown(driver, base_url + path)
    assert_offline_and_clean(driver, base_url)
    neo4j_text, neo4j_scripts = shown(driver, neo4j_url + path)
    assert_offline_and_clean(driver, neo4j_url)
    assert neo4j_text == text
    assert neo4j_scripts == scripts
    phrase, drawn = PAGES[path]
    assert phrase in text and "Not found" not in text and drawn(scripts), (path, scripts)


@pytest.mark.parametrize("path", list(BRIEFINGS))
def test_briefing_from_neo4j_is_the_briefing_from_ladybug(base_url: str, neo4j_url: str, path: str) -> None:
    texts = []
    for base in (base_url, neo4j_url):
        with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310 (127.0.0.1)
            assert response.headers["Content-Type"].startswith("text/markdown")
            texts.append(response.read().decode())
    assert texts[1] == texts[0]
    assert BRIEFINGS[path] in texts[0] and "Not found" not in texts[0], texts[0][:400]
