"""Provenance on every page, in headless Chromium: sources with grades, the unverified badge, the
"Illustrative data" banner (and its absence), the dataset attribution, numbered citations.

On each backend, the store is :mod:`tests.sourced` (Qaziria with illustrative ACLED, UCDP GED and EWP data;
Qazbekia with an assessment and no dataset at all). Screenshots go to docs/img/provenance-*.png.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import backend_store
from tests.pages.conftest import NEO4J_SERVED, assert_offline_and_clean, load, screenshot
from tests.pages.server import serve
from tests.sourced import build

pytestmark = pytest.mark.browser

MONITOR = "Quarterly monitoring report, December 2023"
CITATIONS = ("Armed Conflict Location & Event Data (ACLED); www.acleddata.com; accessed 2025-01-15",
             "UCDP Georeferenced Event Dataset (GED) test, Uppsala Conflict Data Program",
             "Early Warning Project, Statistical Risk Assessment 2024, earlywarningproject.ushmm.org; "
             "accessed 2025-01-15")


@pytest.fixture(scope="module")
def sourced(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sourced graph on each backend, served on 127.0.0.1 (no screenshots from Neo4j)."""
    tmp = tmp_path_factory.mktemp("sourced-pages")
    with backend_store(backend, tmp, buffer_pool_mb=1024) as store:
        build(store, tmp)
        with serve(store) as url:
            if backend == "neo4j":
                NEO4J_SERVED.add(url)
            try:
                yield url
            finally:
                NEO4J_SERVED.discard(url)


def body(drv: Any) -> str:
    return str(drv.find_element(By.TAG_NAME, "body").text)


def banners(drv: Any) -> list[Any]:
    return [b for b in drv.find_elements(By.ID, "illustrative-banner") if b.is_displayed()]


def test_country_dashboard_sources_badge_banner_and_attribution(driver: Any, sourced: str) -> None:
    load(driver, sourced + "/countries/QZA")
    [banner] = banners(driver)
    assert banner.text.startswith("ILLUSTRATIVE DATA") and "ACLED, EWP, UCDP-GED" in banner.text
    [item] = driver.find_elements(By.CSS_SELECTOR, "#sources-list li")
    assert item.get_attribute("id") == "src-1"
    text = item.text
    for expected in ("B2", MONITOR, "Qaziria Human Rights Monitor", "2023-12-15", "cited by QZA-2024-01"):
        assert expected in text, expected
    link = item.find_element(By.CSS_SELECTOR, "a.source-link")
    assert link.get_attribute("href") == "https://example.org/qz-monitor-2023-12"
    grade = item.find_element(By.CSS_SELECTOR, ".grade")
    assert "reliability B" in grade.get_attribute("title") and "credibility 2" in grade.get_attribute("title")
    row = driver.find_element(By.CSS_SELECTOR, "#indicators tbody tr")
    assert "7.5" in row.text and not row.find_elements(By.CSS_SELECTOR, ".badge.unverified")  # 7.5 is verified
    assert row.find_element(By.CSS_SELECTOR, "sup.refs a").get_attribute("href").endswith("#src-1")
    attribution = driver.find_element(By.ID, "attribution").text
    for citation in CITATIONS:
        assert citation in attribution, citation
    assert_offline_and_clean(driver, sourced)
    driver.execute_script("document.getElementById('indicators').scrollIntoView({block: 'start'})")
    screenshot(driver, "provenance-country")


def test_a_page_without_illustrative_numbers_has_no_banner(driver: Any, sourced: str) -> None:
    load(driver, sourced + "/countries/QZB")
    assert not banners(driver) and not driver.find_elements(By.ID, "attribution")
    assert "No events loaded for this country" in body(driver)
    items = driver.find_elements(By.CSS_SELECTOR, "#sources-list li")
    assert [i.find_element(By.CSS_SELECTOR, ".grade").text for i in items] == ["C3", "A2"]  # RF1 cites both (stored by id)
    row = driver.find_element(By.CSS_SELECTOR, "#indicators tbody tr")
    badge = row.find_element(By.CSS_SELECTOR, ".badge.unverified")  # 1.1 awaits verification
    assert badge.is_displayed() and badge.text == "unverified"
    assert_offline_and_clean(driver, sourced)
    driver.execute_script("document.getElementById('indicators').scrollIntoView({block: 'start'})")
    screenshot(driver, "provenance-unverified")
    load(driver, sourced + "/console")
    assert not banners(driver)


def test_watchlist_labels_the_illustrative_scores(driver: Any, sourced: str) -> None:
    load(driver, sourced + "/")
    assert banners(driver) and "EWP" in banners(driver)[0].text
    assert CITATIONS[2] in driver.find_element(By.ID, "attribution").text


def _panel(drv: Any) -> str:
    deadline = time.time() + 10
    while time.time() < deadline:
        if drv.execute_script("return document.getElementById('panel-body').dataset.ready") == "true":
            return str(drv.find_element(By.ID, "explorer-panel").text)
        time.sleep(0.1)
    raise AssertionError("the side panel did not fill: " + drv.find_element(By.ID, "explorer-panel").text)


def _click(drv: Any, x: float, y: float) -> None:
    canvas = drv.find_element(By.CSS_SELECTOR, "#explorer-net canvas")
    drv.execute_script(
        "var c = arguments[0], r = c.getBoundingClientRect(), x = r.left + arguments[1], y = r.top + arguments[2];"
        "['pointerdown','mousedown','pointerup','mouseup','click'].forEach(function (t) {"
        "  var E = t.startsWith('pointer') ? PointerEvent : MouseEvent;"
        "  c.dispatchEvent(new E(t, {clientX: x, clientY: y, bubbles: true, isPrimary: true, button: 0}));});",
        canvas, x, y)


def test_explorer_side_panel_shows_graded_sources(driver: Any, sourced: str) -> None:
    load(driver, sourced + "/explorer?actor=actor/qz-night-riders")
    assert banners(driver)
    ends = ["actor/qz-government", "actor/qz-night-riders"]
    pos = driver.execute_script(
        "var p = window.akgNetwork.getPositions(arguments[0]);"
        "return arguments[0].map(function (id) { return window.akgNetwork.canvasToDOM(p[id]); });", ends)
    _click(driver, (pos[0]["x"] + pos[1]["x"]) / 2, (pos[0]["y"] + pos[1]["y"]) / 2)  # the SUPPORTS edge
    text = _panel(driver)
    assert text.startswith("Relationship") and "SUPPORTS" in text, text
    assert "B2" in text and MONITOR in text and "2023-12-15" in text
    driver.execute_script("document.getElementById('panel-body').dataset.ready = 'false'")
    _click(driver, pos[1]["x"], pos[1]["y"])  # the Night Riders node
    text = _panel(driver)
    assert "potential-perpetrator — QZA-2024-01" in text and "B2" in text and MONITOR in text, text
    assert_offline_and_clean(driver, sourced)
    driver.execute_script("document.getElementById('explorer-panel').scrollIntoView({block: 'center'})")
    screenshot(driver, "provenance-explorer")


def test_planner_numbers_its_citations_and_names_ushmm_only_where_it_scores(driver: Any, sourced: str) -> None:
    load(driver, sourced + "/planner?country=QZA")
    refs = driver.find_elements(By.CSS_SELECTOR, "section.plan-step table:not(.options) sup.refs")
    assert len(refs) == 2 and all(r.text == "[1]" for r in refs)  # both findings cite source 1
    ushmm = [e for e in driver.find_elements(By.XPATH, "//p[contains(., 'Source: USHMM Tools for Atrocity')]")]
    scored = driver.find_elements(By.XPATH, "//span[@class='badge' and starts-with(., 'score')]")
    assert 1 <= len(ushmm) < len(scored)  # only options whose score has USHMM terms
    listed = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#plan-sources-list li")]
    assert listed[0].startswith("B2 " + MONITOR) and "Tools for Atrocity Prevention data, version 3" in listed[1]
    assert banners(driver)  # the evidence counts illustrative events
    assert "United States Holocaust Memorial Museum" in driver.find_element(By.ID, "attribution").text
    assert_offline_and_clean(driver, sourced)
    screenshot(driver, "provenance-planner", full=True)
    load(driver, sourced + "/planner/print?country=QZA")
    assert banners(driver) and driver.find_elements(By.CSS_SELECTOR, "#plan-sources-list li")
    assert CITATIONS[0] in driver.find_element(By.ID, "attribution").text


def test_briefing_has_markdown_footnotes_and_attribution(sourced: str) -> None:
    with urllib.request.urlopen(sourced + "/planner/briefing.md?country=QZA", timeout=30) as response:  # noqa: S310
        md = response.read().decode()
    assert "level 2, rising: New militia units recruited in the valley districts. [^1]" in md
    assert f"[^1]: [B2] {MONITOR}, Qaziria Human Rights Monitor, 2023-12-15. <https://example.org/qz-monitor-2023-12>" in md
    assert "[^2]: [B2] Tools for Atrocity Prevention data, version 3" in md
    assert "evidence on what works: USHMM Tools for Atrocity Prevention [^2]" in md
    assert md.count("USHMM Tools for Atrocity Prevention [^") < md.count("(mitigates:")
    assert "> **Illustrative data**" in md and "## Data attribution" in md and CITATIONS[0] in md


def test_network_views_label_illustrative_event_clusters(driver: Any, sourced: str) -> None:
    driver.get(sourced + "/viz/country/QZA")
    assert banners(driver) and "Data: Armed Conflict Location" in driver.find_element(By.ID, "attribution").text
    driver.get(sourced + "/viz/country/QZB")
    assert not banners(driver) and not driver.find_elements(By.ID, "attribution")
