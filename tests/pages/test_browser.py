"""Every page in headless Chromium: renders its data, no console error, nothing leaves 127.0.0.1.

Screenshots go to docs/img/ (the README and docs/pages.md show them).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.pages.conftest import assert_offline_and_clean, load, screenshot, wait_ready
from tests.viz.conftest import XSS, XSS_ID

pytestmark = pytest.mark.browser


def text(drv: Any) -> str:
    return str(drv.find_element(By.TAG_NAME, "body").text)


def test_watchlist(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/")
    body = text(driver)
    for expected in ("Watch-list", "Great Lakes region", "Rwanda", "Western Balkans", "Bosnia and Herzegovina",
                     "3 · high", "Myanmar"):
        assert expected in body
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "watchlist")


def test_country_dashboard(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/countries/RWA")
    body = text(driver)
    for expected in ("Rwanda", "Risk factors across assessments", "Capacity to commit atrocity crimes",
                     "Events timeline", "Potential perpetrators", "Interahamwe", "Victim groups at risk", "Tutsi",
                     "Anticipated triggers", "Recommendations", "Response options along the continuum of steps",
                     "Upstream prevention"):
        assert expected in body, expected
    assert len(driver.find_elements(By.CSS_SELECTOR, "table.matrix tbody tr")) == 14
    assert driver.find_elements(By.CSS_SELECTOR, "#events svg.chart rect")  # fatalities by month bars
    assert driver.execute_script("return document.getElementById('country-net').dataset.ready") == "true"
    assert driver.find_elements(By.CSS_SELECTOR, "#country-net canvas")
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "country", full=True)


def test_country_without_events_says_so(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/countries/BDI")  # Kosovo's events now count for XKX, so Burundi is the quiet one
    assert "No events loaded for this country, so it has no monthly series and no alerts" in text(driver)
    assert not driver.find_elements(By.ID, "early-warning")  # one message, not a second empty section
    assert_offline_and_clean(driver, demo_url)


def test_explorer_expands_a_node_on_click(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/explorer?actor=actor/far")
    assert "Rwandan Armed Forces" in text(driver)
    before = driver.execute_script("return window.akgExplorer.nodes.length")
    screenshot(driver, "explorer", full=True)
    # click the Interahamwe node where vis-network draws it
    pos = driver.execute_script(
        "var p = window.akgNetwork.getPositions(['actor/interahamwe'])['actor/interahamwe'];"
        "return window.akgNetwork.canvasToDOM(p);")
    canvas = driver.find_element(By.CSS_SELECTOR, "#explorer-net canvas")
    rect = canvas.rect
    driver.execute_script(
        "var c = arguments[0], r = c.getBoundingClientRect(), x = r.left + arguments[1], y = r.top + arguments[2];"
        "['pointerdown','mousedown','pointerup','mouseup','click'].forEach(function (t) {"
        "  var E = t.startsWith('pointer') ? PointerEvent : MouseEvent;"
        "  c.dispatchEvent(new E(t, {clientX: x, clientY: y, bubbles: true, isPrimary: true, button: 0}));});",
        canvas, pos["x"], pos["y"])
    del rect
    deadline = time.time() + 10
    while time.time() < deadline and driver.execute_script("return window.akgExplorer.nodes.length") <= before:
        time.sleep(0.1)
    after = driver.execute_script("return window.akgExplorer.nodes.length")
    assert after > before, driver.find_element(By.ID, "explorer-status").text
    assert "Added" in driver.find_element(By.ID, "explorer-status").text
    # the new nodes were restyled from /viz/data/nodes (roles, tooltips)
    time.sleep(0.5)
    roles = driver.execute_script("return window.akgExplorer.nodes.get().map(n => n.role).filter(Boolean).length")
    assert roles >= 2
    assert_offline_and_clean(driver, demo_url)
    WebDriverWait(driver, 10).until(  # the re-layout has settled and made the labels legible
        lambda d: d.find_element(By.ID, "explorer-net").get_attribute("data-laid-out"))
    screenshot(driver, "explorer-expanded", full=True)


def test_explorer_filters_path_and_export(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/explorer?actor=actor/interahamwe&depth=2")
    hidden = "return window.akgExplorer.edges.get().filter(e => e.hidden).length"
    assert driver.execute_script(hidden) == 0
    driver.find_element(By.CSS_SELECTOR, "#min-conf option[value='high']").click()
    assert driver.execute_script(hidden) > 0
    driver.find_element(By.CSS_SELECTOR, "#min-conf option[value='']").click()
    box = driver.find_element(By.CSS_SELECTOR, "#type-filters input")
    box.click()
    assert driver.execute_script(hidden) > 0
    box.click()
    driver.execute_script("document.getElementById('path-a').value = 'actor/far';"
                          "document.getElementById('path-b').value = 'group/tutsi';")
    driver.find_element(By.ID, "path-go").click()
    status = driver.find_element(By.ID, "explorer-status").text
    assert "Path of 1 step" in status and "Tutsi" in status
    graphml = driver.execute_script("return window.AKG.graphml()")
    assert graphml.startswith("<?xml") and 'id="actor/interahamwe"' in graphml
    png = driver.execute_script("return document.querySelector('#explorer-net canvas').toDataURL('image/png')")
    assert png.startswith("data:image/png;base64,")
    assert_offline_and_clean(driver, demo_url)


def test_explorer_search_and_hostile_name(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/explorer?q=alert")
    assert XSS in text(driver)  # shown as text
    assert driver.execute_script("return window.__xss === undefined")
    load(driver, demo_url + f"/explorer?actor={XSS_ID}")
    assert XSS in text(driver)
    load(driver, demo_url + f"/viz/actor/{XSS_ID.split('/')[1]}")
    assert driver.find_elements(By.CSS_SELECTOR, "#network canvas")
    assert_offline_and_clean(driver, demo_url)  # an alert() would also fail the driver calls above


def test_planner(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/planner?country=RWA")
    body = text(driver)
    for expected in ("Response plan: Rwanda", "Situation:", "Present risk factors", "ordered for the situation",
                     "Stakeholders with leverage", "Export Markdown", "Print-ready briefing"):
        assert expected in body, expected
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "planner", full=True)
    load(driver, demo_url + "/planner/print?group=tutsi")
    assert "Response plan: Tutsi" in text(driver)
    assert_offline_and_clean(driver, demo_url)


PLANS = {
    "BIH": ["North Atlantic Treaty Organization —leverage(military)→ Republika Srpska authorities —commands→ "
            "Army of Republika Srpska", "Prosecutor v. Radislav Krstić, Trial Judgement"],
    "MMR": ["Association of Southeast Asian Nations —leverage(diplomatic)→ Government of Myanmar —supports→ Tatmadaw",
            "fact-finding mission on Myanmar"],
    "RWA": ["Government of France —supports→ Rwandan Armed Forces —arms→ Interahamwe", "Leave None to Tell"],
}


@pytest.mark.parametrize("iso3", sorted(PLANS))
def test_plans_show_leverage_chains_with_paths_and_sources(driver: Any, demo_url: str, iso3: str) -> None:
    load(driver, demo_url + f"/planner?country={iso3}")
    path, source = PLANS[iso3]
    assert path in text(driver)
    chain = next(li for li in driver.find_elements(By.CSS_SELECTOR, "ul.chains > li") if path in li.text)
    chain.find_element(By.TAG_NAME, "summary").click()  # open "sources per hop"
    assert source in chain.text
    row = driver.find_elements(By.CSS_SELECTOR, "table.options tbody tr")[0]
    row.find_element(By.TAG_NAME, "summary").click()  # the score's terms
    assert "urgency:" in row.text and "score" in row.text
    assert "used in" in text(driver) or "not recommended before" in text(driver)
    assert_offline_and_clean(driver, demo_url)
    if iso3 == "BIH":
        driver.execute_script("window.scrollTo(0, 0)")
        screenshot(driver, "planner-chains", full=True)


def test_planner_stage_filter(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/planner?country=MMR&stage=UP")
    stages = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "table.options tbody tr td:nth-child(3)")]
    assert stages and all("UP" in s for s in stages)
    assert_offline_and_clean(driver, demo_url)


def test_explorer_communities_and_brokers(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/explorer?actor=actor/vrs&depth=2")
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return window.akgReady === true"))
    driver.find_element(By.ID, "by-community").click()
    driver.find_element(By.ID, "show-brokers").click()
    box = driver.find_element(By.ID, "explorer-net")
    assert int(box.get_attribute("data-communities") or 0) >= 2 and int(box.get_attribute("data-brokers") or 0) >= 1
    assert "Brokers:" in driver.find_element(By.ID, "explorer-status").text
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "explorer-communities")


def test_query_console(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/console?query=perpetrators_in_country&run=1&country=country/RWA")
    assert "Interahamwe" in text(driver)
    load(driver, demo_url + "/console")
    area = driver.find_element(By.ID, "cypher")
    area.send_keys("MATCH (a:Actor)-[r:THREATENS]->(g:VictimGroup) RETURN a, r, g LIMIT 30")
    area.find_element(By.XPATH, "./following-sibling::button").click()
    # the click submits a form: wait for the result page, not the old page's readyState
    WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)) \
        .until(lambda d: "rows" in text(d))
    wait_ready(driver)
    assert "30 rows" in text(driver)
    assert driver.find_elements(By.CSS_SELECTOR, "#result-net canvas")
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "console")


def test_network_views_and_friendly_errors(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/viz/country/RWA")
    assert driver.find_elements(By.CSS_SELECTOR, "#network canvas")
    assert "Potential perpetrator" in text(driver)  # legend
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "network-view")
    for path in ("/viz/paths?actor=far&group=tutsi", "/viz/leverage/sdn-government"):
        load(driver, demo_url + path)
        assert driver.find_elements(By.CSS_SELECTOR, "#network canvas")
        assert_offline_and_clean(driver, demo_url)
    driver.get(demo_url + "/countries/ZZZ")
    assert "Not found" in text(driver) and "country/ZZZ" in text(driver)
    driver.get(demo_url + "/viz/paths?actor=far&group=civilians-syr")
    wait_ready(driver)
    assert "No path connects them" in text(driver)
