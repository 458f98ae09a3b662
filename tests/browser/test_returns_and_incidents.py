"""The returns and incident pages in a real browser: the embassy's returns officer lists Friday's
returnees and calls them on a phone in Arabic; a crossing officer records a protection incident
and starts its review on a laptop."""

from __future__ import annotations

import re

from corridor.audit.models import AuditEvent
from corridor.crossings.models import Batch, BatchKind, BatchMember, Incident, IncidentStatus
from corridor.returns.models import ReturnCall, ReturnStatus
from tests.browser.conftest import PHONE


def test_a_returns_officer_lists_fridays_returnees_and_calls_one_on_a_phone(visit):
    officer = visit("returns", viewport=PHONE)
    officer.sign_in("returns")
    officer.switch_language("en")
    page = officer.open("/returns/")
    page.get_by_label("Eligibility").select_option("ineligible")
    page.wait_for_url(re.compile(r"eligibility=ineligible"))
    assert page.locator("td.reason").first.inner_text().startswith(("left on", "not a resident"))
    assert not officer.overflows()
    assert officer.accessibility_violations() == []
    officer.screenshot("returns")

    page = officer.open("/returns/lists/?date=2026-02-06")
    page.get_by_label("How many people to list").fill("6")
    page.get_by_role("button", name="List the next eligible returnees").click()
    page.wait_for_selector("text=6 people listed on return batch")
    batch = Batch.objects.get(kind=BatchKind.RETURN, planned_date="2026-02-06")
    assert batch.members.count() == 6
    assert not officer.overflows()
    assert officer.accessibility_violations() == []
    officer.screenshot("returns-list")

    first = BatchMember.objects.filter(batch=batch).order_by("seat").first()
    officer.switch_language("ar")
    page.locator(f'a[href^="/returns/{first.return_registration_id}/call/"]').click()
    page.wait_for_url(re.compile(r"/call/"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert not officer.overflows()
    assert officer.accessibility_violations() == []
    officer.screenshot("returns-call")
    page.locator("input[value=no_answer]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/returns/lists/"))
    call = ReturnCall.objects.get()
    assert (call.outcome, call.registration_id) == ("no_answer", first.return_registration_id)
    assert AuditEvent.objects.filter(action="return.phone_read").count() == 1
    first.return_registration.refresh_from_db()
    assert first.return_registration.status == ReturnStatus.LISTED

    page = officer.open(f"/returns/{first.return_registration_id}/")
    assert not officer.overflows()
    assert officer.accessibility_violations() == []
    officer.screenshot("returns-registration")


def test_a_crossing_officer_records_an_incident_and_puts_it_under_review(visit):
    named = BatchMember.objects.filter(batch__kind=BatchKind.RETURN).order_by("pk").first()
    monitor = visit("crossing")
    monitor.sign_in("crossing")
    monitor.switch_language("en")
    page = monitor.open("/crossing/incidents/")
    page.get_by_role("link", name="Record an incident").click()
    page.get_by_label("Date").fill("2026-02-04")
    page.get_by_label("Place").fill("Hall on the far side")
    page.get_by_label("Kind").select_option("interrogation")
    page.get_by_label("Severity").select_option("high")
    page.get_by_label("ID numbers of the people involved").fill(named.person.national_id)
    page.get_by_role("button", name="Check the ID numbers").click()
    page.wait_for_selector(f"#people-found >> text={named.person.national_id}")
    assert page.get_by_label("Place").input_value() == "Hall on the far side"
    assert monitor.accessibility_violations() == []
    monitor.screenshot("incident-form")
    page.get_by_label("What happened").fill("Questioned for three hours about relatives.")
    page.get_by_role("button", name="Record the incident").click()
    page.wait_for_url(re.compile(r"/crossing/incidents/\d+/$"))
    incident = Incident.objects.get()
    assert list(incident.people.all()) == [named.person]

    page.get_by_label("Move to").select_option("under_review")
    page.get_by_label("Note").fill("Asked the returnee's family for their account.")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_selector("text=The incident is now: Under review.")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.UNDER_REVIEW
    assert (
        AuditEvent.objects.filter(action="incident.read", object_id=str(incident.pk)).count() == 2
    )
    assert monitor.accessibility_violations() == []
    monitor.screenshot("incident")
