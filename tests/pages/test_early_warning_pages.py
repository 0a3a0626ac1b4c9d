"""Early warning in the pages (headless Chromium, demo store with the real UCDP GED events of Syria):
the watch-list's review column and the dashboard's series charts and alert list."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.pages.conftest import assert_offline_and_clean, load, screenshot

pytestmark = pytest.mark.browser


def text(drv: Any) -> str:
    return str(drv.find_element(By.TAG_NAME, "body").text)


def test_watchlist_puts_countries_with_new_alerts_first(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/")
    due = driver.find_elements(By.CSS_SELECTOR, "#due tbody tr")
    names = [row.find_element(By.TAG_NAME, "th").text for row in due]
    assert names[0] == "Syrian Arab Republic" and "Kosovo" in names
    assert "retrospective" in due[0].text
    body = text(driver)
    assert "Due for review: alerts newer than the latest assessment" in body
    # retrospective case studies are not "overdue by 30 years"
    assert "years overdue" not in body
    cells = driver.find_elements(By.CSS_SELECTOR, "td.alerts-cell a")
    assert any("new" in c.text for c in cells)
    middle_east = driver.find_element(By.XPATH, "//section[h2[contains(., 'Middle East')]]")
    first = middle_east.find_element(By.CSS_SELECTOR, "tbody tr th").text
    assert first.startswith("Syrian Arab Republic")  # due for review, strongest alerts: first in its region
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "watchlist-alerts")


def test_dashboard_charts_baseline_and_alerts(driver: Any, demo_url: str) -> None:
    load(driver, demo_url + "/countries/SYR#early-warning")
    section = driver.find_element(By.ID, "early-warning")
    assert "16,566 events from 2016-01-01 to 2019-11-30 (47 months)" in section.text
    charts = section.find_elements(By.CSS_SELECTOR, "svg.series-chart")
    assert len(charts) >= 3
    assert section.find_elements(By.CSS_SELECTOR, "svg.series-chart polygon.band")
    markers = section.find_elements(By.CSS_SELECTOR, "svg.series-chart .alert-marker")
    assert markers
    rows = section.find_elements(By.CSS_SELECTOR, "table.alerts tr.alert-row")
    assert len(rows) == 30
    ghouta = [r for r in rows if r.text.startswith("2018-02 surge Rif Dimashq")]
    assert ghouta and "negative-binomial" in ghouta[0].text
    assert ghouta[0].find_elements(By.CSS_SELECTOR, "ul.evidence li")
    driver.execute_script("document.getElementById('early-warning').scrollIntoView()")
    assert_offline_and_clean(driver, demo_url)
    screenshot(driver, "early-warning")
