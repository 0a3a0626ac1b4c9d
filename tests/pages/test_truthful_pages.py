"""Watch-list and country pages that tell the truth, in headless Chromium: Myanmar under a monitored
heading, a legend for levels, trends and changes, a useful page for a country with no assessment
(France), 404 pages with search boxes, and bad dates that the page names instead of a blank view."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from selenium.webdriver.common.by import By

from tests.pages.conftest import assert_offline_and_clean, load, requested_urls, screenshot, wait_ready


def _body(drv: Any) -> str:
    return str(drv.find_element(By.TAG_NAME, "body").text)


def _sections(drv: Any) -> dict[str, str]:
    """Heading of each watch-list region → the text of its table."""
    return {s.find_element(By.TAG_NAME, "h2").text: s.find_element(By.TAG_NAME, "table").text
            for s in drv.find_elements(By.CSS_SELECTOR, "section.region")}


def test_watchlist_heading_and_legend(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/")
    sections = _sections(driver)
    monitored_elsewhere = sections.get("Monitored, outside the four regions", "")
    assert "Myanmar" in monitored_elsewhere  # monitored (the API says so), not "not on the monitored list"
    assert "Myanmar" not in sections.get("Assessed, not on the monitored list", "")
    legend = driver.find_element(By.ID, "watch-legend")
    assert legend.is_displayed()
    for expected in ("Risk level", "3 · high", "0 · none", "not assessed", "▲ rising", "► stable", "▼ falling",
                     "↑ 2→3", "EWP score (rank)"):
        assert expected in legend.text, expected
    assert "↑" in monitored_elsewhere or any("↑" in t for t in sections.values())  # a change badge is shown
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "watchlist")


def test_country_without_assessment_is_useful(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/countries/FRA")
    body = _body(driver)
    assert "Loading…" not in body
    assert body.count("no assessment") + body.count("No assessment") == 1  # one empty-state message
    assert "France has no assessment yet" in body
    assert "Actors operating in France" in body and "Government of France" in body
    assert "No actors" not in body
    assert "no score for France in the loaded editions" in body  # the demo EWP files do not score France
    assert "No events loaded for this country" in body
    assert "No events loaded for this country, so it has no monthly series and no alerts" in body
    for absent in ("Risk factors across assessments", "Potential perpetrators", "Anticipated triggers",
                   "Early warning: monthly", "No indicator recorded", "No source cited yet"):
        assert absent not in body, absent
    link = driver.find_element(By.LINK_TEXT, "Government of France").get_attribute("href")
    assert link.endswith("/explorer?actor=actor/france-government")
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "country-unassessed", full=True)


def test_country_with_an_ewp_score_but_no_assessment_shows_it(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/countries/AGO")  # monitored (Great Lakes), scored by the demo EWP file
    body = _body(driver)
    assert "Angola has no assessment yet" in body and "Loading…" not in body
    kpi = driver.find_elements(By.CSS_SELECTOR, ".kpi")[2].text
    assert "EWP SCORE" in kpi.upper() and "%" in kpi and "rank" in kpi


def test_unknown_country_and_actor_give_a_404_page_with_search(driver: Any, demo_url: str) -> None:
    for path, box, value in (("/countries/ZZZ", "nf-country", "ZZZ"),
                             ("/explorer?actor=actor/no-such-actor", "nf-actor", "no-such-actor"),
                             ("/viz/actor/no-such-actor", "nf-actor", "no-such-actor")):
        load(driver, demo_url + path)
        assert "Not found" in _body(driver)
        search = driver.find_element(By.ID, box)
        assert search.get_attribute("value") == value
    search = driver.find_element(By.ID, "nf-country")
    search.clear()
    search.send_keys("rwanda")
    search.submit()
    driver.implicitly_wait(0)
    assert driver.current_url.endswith("/countries/RWA")
    assert "Risk factors across assessments" in _body(driver)


def test_bad_dates_are_named_on_the_page(driver: Any, demo_url: str) -> None:
    for path, message in (("/countries/RWA?as_of=1994-13-45", "as_of='1994-13-45' is not a date like 1994-04-06"),
                          ("/countries/RWA?as_of=1066-10-14", "as_of=1066-10-14 is outside 1900-01-01"),
                          ("/?as_of=yesterday", "as_of='yesterday' is not a date"),
                          ("/viz/country/RWA?as_of=2999-01-01", "as_of=2999-01-01 is outside"),
                          ("/explorer?actor=actor/far&from=soon", "from='soon' is not a date")):
        load(driver, demo_url + path)
        body = _body(driver)
        assert message in body, (path, body[:300])
        assert "showing the latest data" in body
    load(driver, demo_url + "/countries/RWA?as_of=1994-03-01")  # honoured: only the January assessment
    columns = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table.matrix thead th.date")]
    assert len(columns) == 1 and columns[0].startswith("1994-01"), columns
    load(driver, demo_url + "/countries/RWA")
    assert len(driver.find_elements(By.CSS_SELECTOR, "table.matrix thead th.date")) == 2


def test_the_as_of_field_reloads_the_page_as_of_a_day_and_links_carry_it(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/")
    field = driver.find_element(By.CSS_SELECTOR, "form.asof input[name=as_of]")
    driver.execute_script("arguments[0].value = '2017-01-01'", field)  # a date input takes no typed text headless
    field.submit()
    wait_ready(driver)
    assert driver.current_url.endswith("/?as_of=2017-01-01")
    assert "as of 2017-01-01" in driver.find_element(By.TAG_NAME, "h1").text
    driver.find_element(By.CSS_SELECTOR, 'section.region table.watch a[href="/countries/SYR?as_of=2017-01-01"]').click()
    wait_ready(driver)
    assert driver.current_url.endswith("/countries/SYR?as_of=2017-01-01")
    body = _body(driver)
    assert "Shown as of 2017-01-01" in body and "Loading…" not in body
    assert driver.find_element(By.CSS_SELECTOR, "form.asof input[name=as_of]").get_attribute("value") == "2017-01-01"
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "country-as-of")
    driver.find_element(By.LINK_TEXT, "latest data").click()
    wait_ready(driver)
    assert driver.current_url.endswith("/countries/SYR") and "Shown as of" not in _body(driver)


def test_not_found_page_screenshot(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/countries/ZZZ")
    assert driver.find_element(By.ID, "nf-country").is_displayed()
    assert driver.find_element(By.ID, "nf-actor").is_displayed()
    host = urlparse(demo_url).hostname
    assert all(urlparse(u).hostname == host for u in requested_urls(driver) if u.startswith("http"))
    screenshot(driver, "not-found")
