"""Legible networks in headless Chromium: label boxes do not overlap, labels are >= 11 px and whole,
the network fills its box; a large graph opens clustered and a cluster opens on click.

Label boxes are what vis-network draws (``network.getBoundingBox``: the node's shape and its
label), read back in screen pixels and compared here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pages.conftest import assert_offline_and_clean, load, screenshot, wait_ready
from tests.pages.server import ROOT
from tests.viz.test_network import big
from viz.network import MAX_NODES, build_view, render_html

pytestmark = pytest.mark.browser

DEMO_COUNTRIES = sorted({p.name.split("-")[0] for p in (ROOT / "examples" / "assessments").glob("*.yaml")})

# Every shown node's box in screen pixels, its label, name, and label size on screen.
BOXES = """
var net = window.akgNetwork, scale = net.getScale();
return net.body.nodeIndices.filter(function (id) { return !net.body.nodes[id].options.hidden; }).map(function (id) {
  var b = net.getBoundingBox(id), n = net.body.nodes[id];
  var a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
  return {id: id, box: [a.x, a.y, z.x, z.y], label: n.options.label || "", name: n.options.name || "",
          px: n.options.font.size * scale, cluster: net.isCluster(id)};
});
"""
SIZE = "var b = window.akgNetwork.body.container; return [b.clientWidth, b.clientHeight];"


def overlapping(shown: list[dict[str, Any]]) -> set[str]:
    """Ids of the nodes whose box overlaps another's."""
    out: set[str] = set()
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            (al, at, ar, ab), (bl, bt, br, bb) = a["box"], b["box"]
            if al < br and bl < ar and at < bb and bt < ab:
                out |= {a["id"], b["id"]}
    return out


def legible(driver: Any) -> list[dict[str, Any]]:
    """Check the drawn network: labels >= 11 px, whole names, the box filled; returns the boxes."""
    shown: list[dict[str, Any]] = driver.execute_script(BOXES)
    width, height = driver.execute_script(SIZE)
    assert shown
    for s in shown:
        assert s["px"] >= 11, s
        if not s["cluster"]:
            assert s["label"].replace("\n", " ") == s["name"], s  # the whole name, wrapped, never cut
    left, top = min(s["box"][0] for s in shown), min(s["box"][1] for s in shown)
    right, bottom = max(s["box"][2] for s in shown), max(s["box"][3] for s in shown)
    assert left >= -1 and top >= -1 and right <= width + 1 and bottom <= height + 1  # all inside the box
    assert (right - left) >= 0.7 * width or (bottom - top) >= 0.7 * height, (left, top, right, bottom, width, height)
    return shown


def test_demo_country_networks_have_no_overlapping_labels(driver: Any, demo_url: str) -> None:
    assert len(DEMO_COUNTRIES) >= 10
    for code in DEMO_COUNTRIES:
        load(driver, f"{demo_url}/countries/{code}")
        if not driver.execute_script("return !!window.akgNetwork"):
            continue  # a country without a network says so (tested elsewhere)
        shown = legible(driver)
        assert not overlapping(shown), (code, overlapping(shown))
        if code == "MMR":
            driver.execute_script("document.getElementById('network').scrollIntoView()")
            screenshot(driver, "country-network")
    assert_offline_and_clean(driver, demo_url)


def test_large_overview_opens_clustered_and_a_cluster_opens(driver: Any, tmp_path: Path) -> None:
    page = tmp_path / "overview.html"
    view = build_view(big(MAX_NODES, 5000), title="Overview")
    page.write_text(render_html(view), encoding="utf-8")
    driver.get(page.as_uri())
    wait_ready(driver, timeout=30)
    shown = legible(driver)
    clusters = [s for s in shown if s["cluster"]]
    assert 5 <= len(clusters) and len(shown) < 100  # one node per community, not 2,000
    assert all(s["label"].endswith(")") for s in clusters if "more" in s["label"])  # counts in the label
    assert len(overlapping(shown)) <= 0.05 * len(shown)
    screenshot(driver, "network-overview")
    first = max(clusters, key=lambda s: len(s["label"]))["id"]
    count = driver.execute_script("return window.akgNetwork.getNodesInCluster(arguments[0]).length", first)
    driver.execute_script("var net = window.akgNetwork, p = net.getPositions([arguments[0]])[arguments[0]];"
                          "net.body.emitter.emit('click', {nodes: [arguments[0]], edges: [], pointer: {canvas: p}});",
                          first)
    opened = driver.execute_script(
        "return window.akgNetwork.body.nodeIndices.filter(function (id) {"
        " return !window.akgNetwork.isCluster(id); }).length")
    assert opened >= count


def test_console_result_graph_is_legible_and_its_table_names_ends(driver: Any, demo_url: str) -> None:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    load(driver, demo_url + "/console")
    area = driver.find_element(By.ID, "cypher")
    area.send_keys("MATCH (a:Actor)-[r:THREATENS]->(g:VictimGroup) RETURN a, r, g LIMIT 30")
    area.find_element(By.XPATH, "./following-sibling::button").click()
    WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)) \
        .until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.results-table"))
    wait_ready(driver)
    shown = legible(driver)
    assert len(shown) >= 25 and not overlapping(shown), overlapping(shown)
    cells = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "table.results-table td")]
    relationships = [c for c in cells if "threatens" in c]
    assert relationships and all(" — threatens → " in c and "actor/" not in c for c in relationships)
    driver.execute_script("document.getElementById('result-net').scrollIntoView()")
    screenshot(driver, "console")
