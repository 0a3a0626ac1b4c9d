"""The network views' tools in headless Chromium: side panel (actions, sources), expand / collapse /
back, hide, filters that hide the orphans they make, the time slider, and the exports (the files
the browser downloads are parsed: GraphML and GEXF with networkx, SVG as XML, PNG by signature).
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import networkx as nx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.pages.conftest import assert_offline_and_clean, load, screenshot, wait_ready

pytestmark = pytest.mark.browser

CLICK = """
var c = arguments[0], r = c.getBoundingClientRect(), x = r.left + arguments[1], y = r.top + arguments[2];
['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click'].forEach(function (t) {
  var E = t.startsWith('pointer') ? PointerEvent : MouseEvent;
  c.dispatchEvent(new E(t, {clientX: x, clientY: y, bubbles: true, isPrimary: true, button: 0}));
});
"""
TOOLTIP = "return Array.from(document.querySelectorAll('div.vis-tooltip')).map(function (t) { return t.style.visibility; })"
# Shown nodes (other than the centre) without a shown relationship: the filters must leave none.
ORPHANS = """
var x = window.akgExplorer, shown = {};
x.edges.get({filter: function (e) { return !e.hidden; }}).forEach(function (e) { shown[e.from] = 1; shown[e.to] = 1; });
return x.nodes.get({filter: function (n) { return !n.hidden && !shown[n.id] && n.borderWidth !== 4; }}).map(function (n) {
  return n.id; });
"""
# Holds the answers to the page's requests whose URL contains arguments[0] until RELEASE, as a slow
# server (Neo4j's, a busy one) would: they then arrive after what the test did meanwhile.
HOLD = """
var part = arguments[0], original = window.fetch, held = window.akgHeld = {waiting: [], done: 0, original: original};
window.fetch = function (url, options) {
  var answer = original(url, options);
  if (String(url).indexOf(part) < 0) return answer;
  var gate = new Promise(function (open) { held.waiting.push(open); });
  return Promise.all([answer, gate]).then(function (both) {
    var r = both[0];
    return {ok: r.ok, status: r.status, json: function () {
      return r.json().then(function (v) { held.done += 1; return v; }); }};
  });
};
"""
IDS = "return window.akgExplorer.nodes.getIds().sort()"
RELEASE = "var h = window.akgHeld; window.fetch = h.original; h.waiting.splice(0).forEach(function (f) { f(); });"


def click_node(driver: Any, box: str, node: str) -> None:
    """Click where vis-network draws the node (real pointer events on its canvas)."""
    pos = driver.execute_script("var n = window.akgNetwork; return n.canvasToDOM(n.getPositions([arguments[0]])"
                                "[arguments[0]]);", node)
    canvas = driver.find_element(By.CSS_SELECTOR, f"#{box} canvas")
    driver.execute_script(CLICK, canvas, pos["x"], pos["y"])


def show_in_panel(driver: Any, node: str) -> None:
    """Show a node in the side panel and wait for its answer (the panel is drawn again then, buttons too)."""
    driver.execute_script("window.akgPanel.showNode(arguments[0])", node)
    until(driver, "return document.getElementById('panel-body').dataset.ready === 'true'")


def until(driver: Any, script: str, *args: Any, timeout: float = 10.0) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(script, *args)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not true within {timeout} s: {script}")


def downloaded(folder: Path, name: str) -> bytes:
    path = folder / name
    deadline = time.time() + 10
    while time.time() < deadline and not (path.exists() and path.stat().st_size):
        time.sleep(0.1)
    assert path.exists(), sorted(p.name for p in folder.iterdir())
    return path.read_bytes()


@pytest.fixture()
def downloads(driver: Any, tmp_path: Path) -> Path:
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    return tmp_path


def test_explorer_panel_collapse_back_hide_filters_and_exports(driver: Any, demo_url: str, downloads: Path) -> None:
    load(driver, demo_url + "/explorer?actor=actor/far")
    first = driver.execute_script("return window.akgExplorer.nodes.length")
    start = driver.execute_script(IDS)
    # hovering shows a tooltip; a click hides it, expands the actor and opens the side panel.
    # The pointer's offsets count from the centre of the canvas's visible part: show all of it first.
    canvas = driver.find_element(By.CSS_SELECTOR, "#explorer-net canvas")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    pos = driver.execute_script("var n = window.akgNetwork; return n.canvasToDOM(n.getPositions("
                                "['actor/interahamwe'])['actor/interahamwe']);")
    size = canvas.rect
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(pos["x"] - size["width"] / 2), int(pos["y"] - size["height"] / 2)) \
        .pause(0.4).move_by_offset(1, 0).pause(0.5).perform()
    assert driver.execute_script(TOOLTIP) == ["visible"]
    ActionChains(driver).click().perform()
    until(driver, "return window.akgExplorer.nodes.length > arguments[0]", first)
    grown = driver.execute_script("return window.akgExplorer.nodes.length")
    assert driver.execute_script(TOOLTIP) == ["hidden"]
    added = driver.execute_script("var x = window.akgExplorer; return x.history()[0].edges.map(function (id) {"
                                  " return x.edges.get(id).title; });")
    assert any(re.search(r"\nsources: .+ \([A-F][1-6]\)", t) for t in added), added  # tooltips cite sources
    # after the re-layout the labels of the grown network do not collide and stay >= 11 px
    until(driver, "return document.getElementById('explorer-net').getAttribute('data-laid-out')")
    assert driver.execute_script("var n = window.akgNetwork; return AKG.overlaps(AKG.labelBoxes(n)).length") == 0
    assert driver.execute_script("var n = window.akgNetwork; return Math.min.apply(null, AKG.shownIds(n).map("
                                 "function (id) { return n.body.nodes[id].options.font.size; })) * n.getScale()") >= 11
    until(driver, "return document.querySelector('#panel-body [data-action=collapse]')")  # expanded: collapse
    until(driver, "return document.getElementById('panel-body').dataset.ready === 'true'")
    panel = driver.find_element(By.ID, "explorer-panel").text
    assert driver.find_element(By.ID, "panel-title").text == "Interahamwe"
    assert "Hide" in panel and "Pin" in panel and "Properties" in panel
    assert driver.find_elements(By.CSS_SELECTOR, "#panel-body .panel-source .grade")  # sources with grades
    assert "potential-perpetrator — RWA-1994" in panel  # the assessments that name it
    screenshot(driver, "explorer-panel")
    # pin, then back undoes the expansion
    driver.find_element(By.CSS_SELECTOR, "#panel-body [data-action=pin]").click()
    assert driver.execute_script("return window.akgExplorer.isPinned('actor/interahamwe')")
    driver.find_element(By.ID, "history-back").click()
    assert driver.execute_script("return window.akgExplorer.nodes.length") == first < grown
    assert driver.find_element(By.ID, "history-back").get_attribute("disabled")
    # expand again (a second expand while the first loads is one expansion), then collapse through
    # the panel before the new nodes' styles arrive: when they do, they bring no node back
    driver.execute_script(HOLD, "/viz/data/nodes")
    said = driver.execute_script("var x = window.akgExplorer; x.expand('actor/interahamwe'); x.expand('actor/interahamwe');"
                                 " return document.getElementById('explorer-status').textContent")
    assert said == "Still loading the neighbours of Interahamwe…", said
    until(driver, "return window.akgExplorer.isExpanded('actor/interahamwe')")
    show_in_panel(driver, "actor/interahamwe")
    driver.find_element(By.CSS_SELECTOR, "#panel-body [data-action=collapse]").click()
    assert driver.execute_script("return window.akgExplorer.nodes.length") == first
    assert driver.execute_script("return window.akgHeld.waiting.length") == 1
    driver.execute_script(RELEASE)
    until(driver, "return window.akgHeld.done === 1")
    assert driver.execute_script(IDS) == start
    assert [h["id"] for h in driver.execute_script("return window.akgExplorer.history()")] == []
    # hide a node; show hidden brings it back
    show_in_panel(driver, "actor/interahamwe")
    driver.find_element(By.CSS_SELECTOR, "#panel-body [data-action=hide]").click()
    assert driver.execute_script("return window.akgExplorer.nodes.get('actor/interahamwe').hidden")
    driver.find_element(By.ID, "show-hidden").click()
    assert not driver.execute_script("return window.akgExplorer.nodes.get('actor/interahamwe').hidden")
    # unchecking relationship types hides the nodes they leave alone
    boxes = driver.find_elements(By.CSS_SELECTOR, "#type-filters input")
    assert len(boxes) >= 2
    for cb in boxes[:-1]:
        cb.click()
    assert int(driver.find_element(By.ID, "explorer-net").get_attribute("data-orphans")) > 0
    assert driver.execute_script(ORPHANS) == []
    for cb in boxes[:-1]:
        cb.click()
    assert driver.find_element(By.ID, "explorer-net").get_attribute("data-orphans") == "0"
    # exports: the downloaded files parse
    for button in ("export-png", "export-svg", "export-graphml", "export-gexf"):
        driver.find_element(By.ID, button).click()
    assert downloaded(downloads, "network.png").startswith(b"\x89PNG\r\n\x1a\n")
    svg = ET.fromstring(downloaded(downloads, "network.svg"))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "Rwandan Armed" in texts and "Interahamwe" in texts
    downloaded(downloads, "network.graphml")
    downloaded(downloads, "network.gexf")
    graphml = nx.read_graphml(downloads / "network.graphml")
    gexf = nx.read_gexf(downloads / "network.gexf")
    assert graphml.number_of_nodes() == gexf.number_of_nodes() == first
    assert graphml.number_of_edges() == gexf.number_of_edges() > 0
    assert graphml.nodes["actor/far"]["name"] == "Rwandan Armed Forces"
    assert_offline_and_clean(driver, demo_url)


def test_dashboard_slider_replays_the_network_and_says_when_a_date_is_bad(driver: Any, demo_url: str,
                                                                         downloads: Path) -> None:
    edges = "return window.akgNetwork.body.data.edges.getIds().sort()"
    load(driver, demo_url + "/countries/RWA")
    latest = driver.execute_script(edges)
    start = driver.find_element(By.ID, "asof-range").get_attribute("data-start")
    # drag the slider to its first day: the page reloads as of that day, with fewer relationships
    driver.execute_script("var r = document.getElementById('asof-range'); r.value = '0';"
                          "r.dispatchEvent(new Event('input')); r.dispatchEvent(new Event('change'));")
    until(driver, "return location.search.indexOf('as_of=') >= 0")
    wait_ready(driver)
    assert parse_qs(urlparse(driver.current_url).query)["as_of"] == [start]
    assert driver.find_element(By.ID, "asof-date").get_attribute("value") == start
    early = driver.execute_script(edges)
    assert early != latest and len(early) < len(latest)
    driver.execute_script("document.getElementById('network').scrollIntoView()")
    screenshot(driver, "country-slider")
    # the dashboard network exports SVG like every view
    driver.find_element(By.CSS_SELECTOR, "#network [data-export=svg]").click()
    assert ET.fromstring(downloaded(downloads, "country-net.svg")).tag == "{http://www.w3.org/2000/svg}svg"
    # malformed and out-of-range dates: said beside the slider, the network still drawn
    for bad, words in (("1994-02-30", "not a date"), ("2999-01-01", "outside")):
        load(driver, f"{demo_url}/countries/RWA?as_of={bad}")
        note = driver.find_element(By.CSS_SELECTOR, ".time-slider .slider-error").text
        assert words in note and bad in note, note
        assert driver.execute_script("return document.getElementById('country-net').dataset.ready") == "true"
    load(driver, demo_url + "/explorer?actor=actor/far&as_of=April-1994")
    assert "not a date" in driver.find_element(By.CSS_SELECTOR, ".time-slider .slider-error").text
    assert driver.find_elements(By.CSS_SELECTOR, "#explorer-net canvas")


def test_country_view_panel_shows_a_relationship_and_its_sources(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/viz/country/RWA")
    edge = driver.execute_script(
        "return window.akgNetwork.body.data.edges.get({filter: function (e) { return (e.sources || []).length; }})"
        "[0].id")
    driver.execute_script("window.akgNetwork.body.emitter.emit('click', {nodes: [], edges: [arguments[0]],"
                          " pointer: {canvas: {x: 0, y: 0}}})", edge)
    panel = driver.find_element(By.CSS_SELECTOR, ".akg-panel")
    assert panel.get_attribute("data-selected") == edge
    assert "Relationship" in panel.text and "Sources" in panel.text
    assert panel.find_elements(By.CSS_SELECTOR, ".panel-source .grade")
    click_node(driver, "network", "actor/interahamwe")
    until(driver, "return document.querySelector('.akg-panel').dataset.selected === 'actor/interahamwe'")
    assert "Interahamwe" in driver.find_element(By.CSS_SELECTOR, ".akg-panel h3").text
    screenshot(driver, "network-view")
    assert_offline_and_clean(driver, demo_url)


def test_country_report_prints_without_controls(driver: Any, demo_url: str, tmp_path: Path) -> None:
    import base64

    load(driver, demo_url + "/countries/MMR")
    assert driver.find_element(By.ID, "print-report").is_displayed()
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script(
            "return ['nav.top', '.time-slider', '.akg-export', '#print-report'].map(function (s) {"
            " var e = document.querySelector(s); return !e || getComputedStyle(e).display === 'none'; });")
        assert all(hidden), hidden
        assert driver.execute_script("return getComputedStyle(document.getElementById('country-net')).display")\
            != "none"
        screenshot(driver, "country-print")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
    assert pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf)
