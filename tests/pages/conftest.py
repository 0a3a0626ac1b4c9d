"""Fixtures of the page tests: the demo store served on 127.0.0.1, and headless Chromium.

Chromium comes from Debian (`make browser`). Without it the browser tests fail and say so,
unless ``AKG_SKIP_BROWSER=1``, which skips them with that reason.

A module whose tests depend on what the store holds takes ``demo_url`` (or ``demo_on``, the store,
for Flask's test client) instead of ``base_url``: its tests then run on each backend, the Neo4j ones
over the same demo built on the project's Neo4j test server (marked ``neo4j``, skipped without
``NEO4J_URI``). Screenshots are taken on Ladybug only: docs/img shows the Ladybug demo.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from cli.demo import build_demo
from graph.base import GraphStore
from tests.conftest import Neo4jSnapshot, _wipe_neo4j, backend_params, neo4j_test_store
from tests.pages.server import ROOT, serve
from tests.viz.conftest import add_xss_actor

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = ROOT / "docs" / "img"
ARGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
        "--window-size=1400,1000", "--hide-scrollbars"]


@pytest.fixture(scope="session")
def base_url(demo_app_store: GraphStore) -> Iterator[str]:
    """The app served on a free port of 127.0.0.1."""
    with serve(demo_app_store) as url:
        yield url


# The base URLs of apps served over Neo4j: no screenshot is taken from them.
NEO4J_SERVED: set[str] = set()


class Neo4jDemo:
    """The demo (and the hostile actor) built on the Neo4j test server by ``akg demo``'s own build and
    served on 127.0.0.1, once per session: when another test module has wiped or changed the
    database since, the records of that first build are written back (:class:`Neo4jSnapshot`)."""

    def __init__(self, store: GraphStore, url: str) -> None:
        self.store, self.url = store, url
        self.snapshot: Neo4jSnapshot | None = None

    def ready(self) -> GraphStore:
        """The store holding the demo, built now unless it still holds exactly what was built."""
        if self.snapshot is None:
            _wipe_neo4j(self.store)
            build_demo(self.store, ROOT / "examples")
            add_xss_actor(self.store)
            self.snapshot = Neo4jSnapshot.of(self.store)
        else:
            self.snapshot.ensure(self.store)
        return self.store


@pytest.fixture(scope="session")
def neo4j_demo() -> Iterator[Neo4jDemo]:
    """The Neo4j test server's database (wiped before and after) for the demo, served on 127.0.0.1."""
    with neo4j_test_store() as store, serve(store) as url:
        NEO4J_SERVED.add(url)
        try:
            yield Neo4jDemo(store, url)
        finally:
            NEO4J_SERVED.discard(url)


@pytest.fixture(scope="module", params=backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend, in turn, for a module's tests."""
    return str(request.param)


@pytest.fixture(scope="module")
def demo_on(backend: str, request: pytest.FixtureRequest) -> GraphStore:
    """The demo store of ``backend``."""
    if backend == "neo4j":
        demo: Neo4jDemo = request.getfixturevalue("neo4j_demo")
        return demo.ready()
    store: GraphStore = request.getfixturevalue("demo_app_store")
    return store


@pytest.fixture(scope="module")
def demo_url(backend: str, demo_on: GraphStore, request: pytest.FixtureRequest) -> str:
    """The app over the demo store of ``backend``, served on a free port of 127.0.0.1."""
    if backend == "neo4j":
        return str(request.getfixturevalue("neo4j_demo").url)
    return str(request.getfixturevalue("base_url"))


def _browser_missing() -> str:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(Path(p).name))]
    return ", ".join(missing)


@pytest.fixture(scope="session")
def driver() -> Iterator[Any]:
    """Headless Chromium through selenium, with the browser and performance logs on."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("AKG_SKIP_BROWSER") == "1":
            pytest.skip(f"browser tests skipped (AKG_SKIP_BROWSER=1): {missing} not installed")
        pytest.fail(f"{missing} not found: run `make browser` to install Debian's chromium and chromium-driver "
                    "(or set AKG_SKIP_BROWSER=1 to skip the browser tests)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()


def wait_ready(drv: Any, timeout: float = 20.0) -> float:
    """Wait until the page's scripts say they are done (``window.akgReady``, and every map drawn:
    ``data-ready`` on each ``[data-akg-map]``); seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if drv.execute_script("return document.readyState === 'complete' && window.akgReady === true"
                              " && !document.querySelector('[data-akg-map]:not([data-ready])')"):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise AssertionError(f"{drv.current_url} did not finish drawing within {timeout} s")


def load(drv: Any, url: str) -> float:
    """Open a page and wait for it; returns the seconds from navigation to ready."""
    drv.get_log("browser")
    drv.get_log("performance")
    started = time.perf_counter()
    drv.get(url)
    wait_ready(drv)
    return time.perf_counter() - started


def requested_urls(drv: Any) -> list[str]:
    """Every URL the browser requested since the last call (from the performance log)."""
    import json

    urls = []
    for entry in drv.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def assert_offline_and_clean(drv: Any, base: str) -> None:
    """No console errors, no request and no link in the DOM that leaves 127.0.0.1 (apart from the
    links to cited sources, ``a.source-link``, which a reader follows and the page never loads)."""
    errors = [e for e in drv.get_log("browser") if e["level"] in {"SEVERE", "ERROR"}]
    assert not errors, errors
    host = urlparse(base).hostname
    dom = drv.execute_script(
        "return Array.from(document.querySelectorAll('[src],[href],[action]'))"
        ".filter(e => !(e.tagName === 'A' && e.classList.contains('source-link')))"
        ".map(e => e.href && e.href.baseVal !== undefined ? new URL(e.href.baseVal, document.baseURI).href"
        "  : e.src || e.href || e.action);")  # an SVG link's href is an SVGAnimatedString
    for url in [*dom, *requested_urls(drv)]:
        parsed = urlparse(url)
        assert parsed.scheme in {"data", "blob", "about", "javascript"} or parsed.hostname == host, url


def screenshot(drv: Any, name: str, full: bool = False) -> Path | None:
    """Save ``docs/img/<name>.png`` (the whole page when ``full``); nothing for a page served over Neo4j."""
    if any(drv.current_url.startswith(url) for url in NEO4J_SERVED):
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if full:
        height = min(int(drv.execute_script("return document.body.scrollHeight")), 3200)
        drv.set_window_size(1400, height)
        time.sleep(0.3)
    drv.save_screenshot(str(path))
    if full:
        drv.set_window_size(1400, 1000)
    return path
