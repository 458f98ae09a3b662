"""The reports page in a real browser: charts that read on a phone, in English and in Arabic."""

from __future__ import annotations

from tests.browser.conftest import PHONE


def _first_and_last_day_x(page) -> tuple[float, float]:
    """Where the first and the last day's departures are drawn, on the screen."""
    bars = page.locator("#departures_arrivals-heading ~ .chart-and-table rect.bar")
    first, last = bars.nth(0).bounding_box(), bars.nth(bars.count() - 2).bounding_box()
    assert first and last
    return first["x"], last["x"]


def test_a_coordinator_reads_the_week_in_figures_and_charts(visit):
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")
    page = coordinator.open("/reports/")
    assert page.locator("h1").inner_text() == "Reports"
    assert page.locator("input[name=from]").input_value() == "2026-01-30"
    assert page.locator("input[name=to]").input_value() == "2026-02-05"
    assert page.locator("svg.chart-svg[role=img]").count() == 6
    figures = page.locator("section", has_text="The day and the period in figures")
    assert "Cancellations, suspensions, postponements: no reason given" in figures.inner_text()
    first, last = _first_and_last_day_x(page)
    assert first < last
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("reports")

    page.locator("input[name=from]").fill("2026-02-02")
    page.locator("input[name=to]").fill("2026-02-04")
    page.get_by_role("button", name="Show the period").click()
    page.wait_for_load_state()
    assert "from=2026-02-02" in page.url
    assert page.locator("#departures_arrivals-heading ~ .chart-and-table tbody tr").count() == 3


def test_an_analyst_reads_the_reports_right_to_left_on_a_phone(visit):
    analyst = visit("analyst", viewport=PHONE)
    analyst.sign_in("analyst")
    analyst.switch_language("ar")
    page = analyst.open("/reports/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    first, last = _first_and_last_day_x(page)
    assert first > last  # time runs from the right
    assert "<5" in page.locator("#figures-heading ~ .chart-and-table").inner_text()
    # The page is no wider than the phone; wide tables and charts scroll inside their frames.
    assert not analyst.overflows()
    frame = page.locator("figure.chart").first.bounding_box()
    assert frame and frame["width"] <= PHONE["width"]
    assert analyst.accessibility_violations() == []
    analyst.screenshot("reports")
