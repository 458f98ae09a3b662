"""The plan page and the crossing log in a real browser: a coordinator plans, adjusts and accepts
on a laptop; a crossing officer records people at the gate on a phone, in Arabic."""

from __future__ import annotations

import re

from corridor.accounts.models import Party
from corridor.crossings import services
from corridor.crossings.models import Batch, BatchKind, BatchStatus, Clearance, MemberRole, Movement
from corridor.plans.models import PlanProposal, ProposalStatus
from tests.browser.conftest import PHONE


def test_a_coordinator_runs_the_planner_takes_a_case_off_a_day_and_accepts(visit):
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")
    page = coordinator.open("/plans/")
    page.fill("#id_first_day", "2026-02-07")
    page.fill("#id_days", "3")
    page.get_by_role("button", name="Plan these days").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    proposal = PlanProposal.objects.filter(trigger__type="requested").latest("pk")
    assert page.url.endswith(f"/plans/{proposal.pk}/")
    assert page.get_by_role("heading", name="Saturday 7 February").is_visible()
    assert not coordinator.overflows()
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("plan")

    day = page.locator(
        "section.plan-day", has=page.get_by_role("heading", name="Saturday 7 February")
    )
    held = day.locator("select[name=case]").input_value()
    day.get_by_label("Reason").fill("not fit to travel on Saturday")
    day.get_by_role("button", name="Take off this day and re-plan").click()
    page.wait_for_url(lambda url: not url.endswith(f"/plans/{proposal.pk}/"))
    adjusted = PlanProposal.objects.get(base=proposal)
    changes = page.locator(
        "section", has=page.get_by_role("heading", name="What the adjustment changed")
    )
    assert (
        "taken off 7 Feb by the coordinator: not fit to travel on Saturday" in changes.inner_text()
    )
    assert held in changes.inner_text()

    page.get_by_role("button", name="Accept: make draft batches").click()
    page.wait_for_selector("text=Plan accepted:")
    adjusted.refresh_from_db()
    assert adjusted.status == ProposalStatus.ACCEPTED
    drafts = Batch.objects.filter(status=BatchStatus.DRAFT, planned_date__gte="2026-02-07")
    assert drafts.exists()
    for batch in drafts:
        assert page.locator(f'a[href="/crossing/batches/{batch.pk}/"]').count() == 1
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("plan-accepted")


def test_a_crossing_officer_records_people_at_the_gate_on_a_phone_in_arabic(visit):
    batch = Batch.objects.get(kind=BatchKind.EVACUATION, status=BatchStatus.POSTPONED)
    authority = Party.objects.get(code="crossing-authority")
    # Batch 3 goes on Thursday after all: clearances re-confirmed, coordination confirmed.
    for member in batch.members.filter(active=True):
        services.record_clearance(member, Clearance.CLEARED, party=authority, actor=None)
    services.confirm_batch(batch, party=authority, actor=None)
    patient = batch.members.filter(role=MemberRole.PATIENT, active=True).order_by("seat").first()
    companion = batch.members.filter(case=patient.case, role=MemberRole.COMPANION).first()

    logged = Movement.objects.count()  # batches 1 and 2 crossed earlier in the week
    officer = visit("crossing", viewport=PHONE)
    officer.sign_in("crossing")
    officer.switch_language("ar")
    page = officer.open("/crossing/log/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.wait_for_function("document.activeElement && document.activeElement.name === 'lookup'")

    if companion is not None:
        # The companion comes first to the gate: the rules say no, and the page says why.
        page.keyboard.type(companion.person.national_id)
        page.keyboard.press("Enter")
        page.locator(".traveller").wait_for()
        page.locator("button.crossed").click()
        page.locator(".quick-entry .error").wait_for()
        assert Movement.objects.count() == logged
        page.locator("#id_lookup").fill("")
        page.locator("#id_lookup").focus()

    page.keyboard.type(patient.person.national_id)
    page.keyboard.press("Enter")
    page.locator(".traveller", has_text=patient.person.name_ar).wait_for()
    assert officer.accessibility_violations() == []
    officer.screenshot("gate-found")
    page.locator("button.crossed").click()
    page.locator(".quick-entry .notice").wait_for()
    assert Movement.objects.count() == logged + 1
    assert Movement.objects.latest("pk").person_id == patient.person_id
    today = page.locator("#log-table tr.today").first
    assert re.search(r"\b1\b", today.locator("td.strong").inner_text())
    page.wait_for_function(
        "document.activeElement && document.activeElement.name === 'lookup'"
    )  # ready for the next one
    assert not officer.overflows()
    assert officer.accessibility_violations() == []
    officer.screenshot("gate-crossed")
