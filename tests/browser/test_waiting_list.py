"""The waiting list in a real browser: a search that updates the rows in place, pages, phones."""

from __future__ import annotations

import re

from corridor.cases.models import Case
from tests.browser.conftest import PHONE


def _waiting_patient() -> Case:
    return Case.objects.waiting().select_related("patient").order_by("pk")[10]


def test_a_coordinator_searches_a_name_spelled_another_way_and_the_rows_change_in_place(visit):
    case = _waiting_patient()
    given = case.patient.given_name_ar
    # The same name as a hurried typist writes it: taa marbuta as haa, no hamza on the alef.
    typed = given.replace("ة", "ه").replace("أ", "ا").replace("إ", "ا")
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")
    page = coordinator.open("/cases/")
    page.evaluate("window.stillTheSamePage = true")
    total = page.locator("#waiting-count").inner_text()

    page.locator("#id_q").fill(f"{typed} {case.patient.family_name_ar}")
    page.wait_for_url(re.compile(r"[?&]q="))
    page.locator("#waiting-count").filter(has_not_text=total).wait_for()

    assert page.evaluate("window.stillTheSamePage") is True  # no full reload
    assert page.locator("td.reference", has_text=case.reference).count() == 1
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("waiting-list-search")


def test_the_pager_and_the_filters_update_the_rows_in_place(visit):
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")
    page = coordinator.open("/cases/")
    page.evaluate("window.stillTheSamePage = true")
    first = page.locator("td.reference").first.inner_text()

    page.locator(".pager").get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=2"))
    page.locator("td.reference").first.filter(has_not_text=first).wait_for()
    page.locator("summary", has_text="Filters and sorting").click()
    page.locator("#id_age").select_option("child")
    page.wait_for_url(re.compile(r"age=child"))
    page.locator(".pager", has_text="Page 1 of").or_(
        page.locator("#waiting-count")
    ).first.wait_for()

    assert page.evaluate("window.stillTheSamePage") is True
    assert "Page 2" not in page.locator("#waiting-results").inner_text()
    assert page.locator("td.age .child").count() == page.locator("td.age").count() > 0


def test_on_a_phone_in_arabic_each_case_is_a_card_and_nothing_is_wider_than_the_screen(visit):
    coordinator = visit("coordinator", viewport=PHONE)
    coordinator.sign_in("coordinator")
    coordinator.switch_language("ar")
    page = coordinator.open("/cases/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert not coordinator.overflows()
    cell = page.locator("td.reference").first
    assert cell.evaluate("cell => getComputedStyle(cell).display") == "grid"
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("waiting-list")


def test_a_receiving_liaison_sees_references_without_names(visit):
    liaison = visit("liaison")
    liaison.sign_in("liaison")
    liaison.switch_language("en")
    page = liaison.open("/cases/")

    assert page.locator("label[for=id_q]").inner_text() == "Case reference"
    assert page.locator("td.name").count() == 0
    assert page.locator("td.reference").count() > 0
    assert liaison.accessibility_violations() == []
    liaison.screenshot("waiting-list")
