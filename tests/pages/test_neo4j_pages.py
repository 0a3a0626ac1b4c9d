"""The pages served from Neo4j, as ``AKG_BACKEND=neo4j akg demo`` serves them: the demo built on
the Neo4j test server (the same ``build_demo`` and hostile actor as the Ladybug demo store), each
page of a representative subset opened in headless Chromium from both backends, and what it
shows compared: the visible text, what the scripts report when done (``data-*`` counts of the
networks, maps and charts), the watch-list map's fills and the country map's marks. A page that
differs between the backends is a bug in one of them. Nothing leaves 127.0.0.1 and the console
stays clean on Neo4j too.

The subset: watch-list (with its map), a country dashboard with its network and charts, a country
with real events (its map of events, alerts), the explorer, the query console with a result
network, the planner. No screenshots: docs/img shows the Ladybug demo.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from cli.demo import build_demo
from tests.conftest import NEO4J_SKIP, neo4j_test_store
from tests.pages.conftest import assert_offline_and_clean, load
from tests.pages.server import ROOT, serve
from tests.viz.conftest import add_xss_actor

pytestmark = [pytest.mark.browser, pytest.mark.neo4j,
              pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP)]

# Each page, a phrase it must show and what its scripts must have drawn (on both backends).
PAGES: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "/": ("Great Lakes region", lambda shown: len(shown["fills"]) > 150
          and int(attr(shown, "watchlist-map", "data-countries")) > 0),
    "/countries/RWA": ("Interahamwe", lambda shown: "country-net" in shown["canvases"]
                       and int(attr(shown, "country-map", "data-points")) > 0),
    "/countries/SYR": ("Syria", lambda shown: shown["marks"] > 0
                       and int(attr(shown, "country-map", "data-alerts")) > 0),
    "/explorer?actor=actor/far": ("Network explorer", lambda shown: "explorer-net" in shown["canvases"]),
    "/console?query=perpetrators_in_country&run=1&country=country/RWA": ("Interahamwe", lambda shown: True),
    "/planner?country=RWA": ("Rwanda", lambda shown: True),
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
return out;
"""


@pytest.fixture(scope="module")
def neo4j_url() -> Iterator[str]:
    """The demo built on the Neo4j test server (wiped before and after), served on 127.0.0.1."""
    with neo4j_test_store() as store:
        build_demo(store, ROOT / "examples")
        add_xss_actor(store)
        with serve(store) as url:
            yield url


def attr(shown: dict[str, Any], element: str, name: str) -> str:
    """The value of ``name`` the scripts left on the element ``element``."""
    values = next(v for k, v in shown.items() if k.startswith(element + "#"))
    return str(next(v.split("=", 1)[1] for v in values if v.startswith(name + "=")))


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
