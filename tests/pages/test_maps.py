"""Both maps in headless Chromium: the watch-list map (shapes drawn, fills matching the levels,
hover text, the four regions outlined, links) and a country's map of events (one mark per point
the API returns, categories, hover text, the date filter and its bad dates, grid cells and alerts
for a country with many events); no console error and no request leaving 127.0.0.1.

Screenshots: docs/img/map-watchlist.png, map-country.png, map-country-grid.png."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.pages.conftest import assert_offline_and_clean, load, screenshot, wait_ready
from viz.charts import LEVEL_COLOURS
from viz.maps import NO_LEVEL

pytestmark = pytest.mark.browser


def api(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return json.loads(response.read())


def hover(drv: Any, element: Any, tip_of: str) -> str:
    """Move the pointer onto ``element``; the text of the map's tooltip."""
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    ActionChains(drv).move_to_element(element).perform()
    deadline = time.time() + 5
    tip = drv.find_element(By.CSS_SELECTOR, f"#{tip_of} .map-tip")
    while time.time() < deadline and not tip.is_displayed():
        time.sleep(0.05)
    return str(tip.text)


def show_map(drv: Any, section: str) -> None:
    drv.execute_script(f"document.getElementById('{section}').scrollIntoView()")
    time.sleep(0.2)


def test_watchlist_map(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/")
    box = driver.find_element(By.ID, "watchlist-map")
    assert box.get_attribute("data-ready") == "true"
    data = api(demo_url, "/api/v1/maps/countries")
    shapes = driver.execute_script(
        "return Array.from(document.querySelectorAll('#watchlist-map path.country[data-iso3]'))"
        ".map(p => [p.dataset.key, p.dataset.iso3, p.dataset.level, p.getAttribute('fill')])")
    assert len(shapes) > 150  # every country of the vocabulary that Natural Earth draws
    for key, iso3, level, fill in shapes:
        row = data["countries"][key]
        assert row["iso3"] == iso3 and fill == row["fill"]
        assert fill == (LEVEL_COLOURS[int(level)] if level != "" else NO_LEVEL), (iso3, level, fill)
    by_iso = {iso3: (level, fill) for _, iso3, level, fill in shapes}
    assert by_iso["RWA"] == ("3", LEVEL_COLOURS[3]) and by_iso["XKX"][0] != ""  # Kosovo drawn and coloured
    assert box.get_attribute("data-countries") == str(sum(1 for s in shapes if s[2] != ""))
    regions = driver.execute_script(
        "return Array.from(document.querySelectorAll('#watchlist-map path.region-outline')).map(p => p.dataset.region)")
    assert sorted(regions) == ["region/balkans", "region/central-asia", "region/great-lakes", "region/middle-east"]
    sudan = driver.find_element(By.CSS_SELECTOR, "#watchlist-map path[data-iso3='SDN']")
    text = hover(driver, sudan, "watchlist-map")
    assert text == data["countries"]["729"]["title"]
    assert text.startswith("Sudan (SDN) · risk 3 · high") and "EWP score" in text
    link = driver.execute_script("return new URL(arguments[0].parentNode.href.baseVal, document.baseURI).href", sudan)
    assert link == demo_url + "/countries/SDN"
    legend = driver.find_element(By.ID, "watchlist-map-legend").text
    assert "3 · high" in legend and "not assessed" in legend and "monitored region" in legend
    assert_offline_and_clean(driver, demo_url)
    show_map(driver, "watch-map-section")
    ActionChains(driver).move_to_element(sudan).perform()
    screenshot(driver, "map-watchlist")


def test_watchlist_map_honours_as_of(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/?as_of=1994-02-01")  # before most assessments of the demo
    then = api(demo_url, "/api/v1/maps/countries?as_of=1994-02-01")
    levels = dict(driver.execute_script(
        "return Array.from(document.querySelectorAll('#watchlist-map path.country[data-iso3]'))"
        ".map(p => [p.dataset.key, p.dataset.level])"))
    assert levels == {k: ("" if c["level"] is None else str(c["level"])) for k, c in then["countries"].items()
                      if k in levels}
    assert sum(1 for v in levels.values() if v != "") < 10  # fewer countries assessed then than now
    assert "as of 1994-02-01" in driver.find_element(By.ID, "watchlist-map-status").text
    assert_offline_and_clean(driver, demo_url)


def circles(drv: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = drv.execute_script(
        "return Array.from(document.querySelectorAll('#country-map circle.event-mark'))"
        ".map(c => ({id: c.dataset.id, fill: c.getAttribute('fill'), r: +c.getAttribute('r')}))")
    return found


def test_country_map_points_hover_and_date_filter(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/countries/RWA")
    data = api(demo_url, "/api/v1/maps/countries/RWA/events")
    drawn = circles(driver)
    assert len(drawn) == data["shown"] == len(data["points"]) > 0
    assert [(c["id"], c["fill"], c["r"]) for c in drawn] == [(p["id"], p["colour"], p["r"]) for p in data["points"]]
    assert driver.find_element(By.CSS_SELECTOR, "#country-map path.country.focus")  # Rwanda's outline
    status = driver.find_element(By.ID, "country-map-status").text
    assert status.startswith(data["text"])
    caption = driver.find_element(By.ID, "country-map-caption").text
    assert caption.startswith("Illustrative data:") and "Uppsala Conflict Data Program" in caption
    assert "Violence against civilians" in driver.find_element(By.ID, "country-map-legend").text
    deadliest = driver.find_element(By.CSS_SELECTOR, f"#country-map circle[data-id='{data['points'][-1]['id']}']")
    assert hover(driver, deadliest, "country-map") == data["points"][-1]["title"]
    assert_offline_and_clean(driver, demo_url)
    show_map(driver, "event-map-section")
    ActionChains(driver).move_to_element(deadliest).perform()
    screenshot(driver, "map-country")

    # the date filter: the marks are the API's for the window, and the URL keeps it
    start = driver.find_element(By.ID, "country-map-from")
    start.send_keys("1994-04-10")
    driver.find_element(By.CSS_SELECTOR, "#country-map-filter button[type=submit]").click()
    wait_ready(driver)
    window = api(demo_url, "/api/v1/maps/countries/RWA/events?from=1994-04-10")
    assert 0 < window["shown"] < data["shown"]
    assert [c["id"] for c in circles(driver)] == [p["id"] for p in window["points"]]
    assert "map_from=1994-04-10" in driver.current_url
    load(driver, driver.current_url)  # reloading the filtered URL draws the same window
    assert len(circles(driver)) == window["shown"]
    assert_offline_and_clean(driver, demo_url)


@pytest.mark.parametrize(("query", "message"), [
    ("map_from=1994-13-45", 'from="1994-13-45" is not a date like 1994-04-06'),
    ("map_from=1994-05-01&map_to=1994-04-01", "from=1994-05-01 is after to=1994-04-01"),
    ("map_to=1066-10-14", "to=1066-10-14 is before 1900-01-01"),
])
def test_country_map_names_bad_dates(driver: Any, demo_url: str, query: str, message: str) -> None:
    load(driver, demo_url + f"/countries/RWA?{query}")
    error = driver.find_element(By.ID, "country-map-error")
    assert error.is_displayed() and message in error.text, error.text
    assert circles(driver) == [] and driver.find_element(By.ID, "country-map").get_attribute("data-ready") == "error"
    assert "No map drawn" in driver.find_element(By.ID, "country-map-status").text
    assert_offline_and_clean(driver, demo_url)


def test_country_map_with_many_events_draws_grid_cells_and_alerts(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/countries/SYR")
    data = api(demo_url, "/api/v1/maps/countries/SYR/events")
    assert data["mode"] == "grid" and data["located"] > data["cap"] >= data["shown"]
    assert len(circles(driver)) == data["shown"]
    box = driver.find_element(By.ID, "country-map")
    assert box.get_attribute("data-mode") == "grid"
    located_alerts = [a for a in data["alerts"] if a["lat"] is not None]
    assert len(driver.find_elements(By.CSS_SELECTOR, "#country-map path.alert-mark")) == len(located_alerts) > 0
    newest = driver.find_element(By.CSS_SELECTOR, f"#country-map path.alert-mark[data-id='{located_alerts[0]['id']}']")
    assert hover(driver, newest, "country-map").startswith("Alert ")
    assert "grid cells of" in driver.find_element(By.ID, "country-map-status").text
    assert_offline_and_clean(driver, demo_url)
    show_map(driver, "event-map-section")
    screenshot(driver, "map-country-grid")
