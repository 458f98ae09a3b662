"""The crossing log: movements per day and direction against plan, quota and the agreed figure,
and the quick entry at the gate, where the services decide and a refusal shows its reason."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corridor.accounts.models import Role, User
from corridor.audit.models import AuditEvent
from corridor.cases.models import CaseStatus
from corridor.crossings import services
from corridor.crossings.check_in import check_in_code
from corridor.crossings.log import crossing_log
from corridor.crossings.models import (
    Batch,
    BatchMember,
    Clearance,
    Crossing,
    CrossingDay,
    DayStatus,
    MemberRole,
    Movement,
    MovementOutcome,
    Outcome,
)
from tests.factories import (
    CompanionFactory,
    CrossingDayFactory,
    CrossingFactory,
    PersonFactory,
    UserFactory,
)
from tests.helpers import CROSSING_DATE, at_local, last_audit
from tests.journeys import Planner

TOMORROW = CROSSING_DATE + datetime.timedelta(days=1)
LOG = "/crossing/log/"


@pytest.fixture(autouse=True)
def _demo_clock(settings) -> None:
    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE  # "today" at the gate is the crossing day


@pytest.fixture
def officer(crossing: Crossing) -> User:
    return UserFactory(username="officer", roles=[Role.CROSSING_OFFICER], crossing=crossing)


def signed_in(user: User) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def text(response: HttpResponse) -> str:
    return html.unescape(response.content.decode())


def person(national_id: str, **fields: object):
    return PersonFactory(national_id=national_id, **fields)


def patient(batch: Batch) -> BatchMember:
    return batch.members.get(role=MemberRole.PATIENT)


def companion(batch: Batch) -> BatchMember:
    return batch.members.get(role=MemberRole.COMPANION)


def test_the_log_is_for_coordinators_and_crossing_officers(
    plan: Planner, coordinator, officer, liaison, outsider
):
    analyst = UserFactory(username="analyst", roles=[Role.ANALYST])
    batch = plan.confirmed(plan.case(patient=person("900000011")))
    member = patient(batch)
    for user in (coordinator, officer):
        page = signed_in(user).get(LOG)
        assert page.status_code == 200 and "Record at the gate" in text(page)
        assert f'href="{LOG}"' in text(page), "the navigation offers the log"
    for user in (liaison, analyst, outsider):
        assert signed_in(user).get(LOG).status_code == 403
        assert f'href="{LOG}"' not in text(signed_in(user).get("/"))
        posts = {
            f"{LOG}find": {"lookup": "900000011"},
            f"{LOG}members/{member.pk}/crossed": {},
            f"{LOG}members/{member.pk}/turned-back": {"reason": "x"},
        }
        for path, data in posts.items():
            response = signed_in(user).post(path, data)
            assert response.status_code == 403 and "900000011" not in text(response)
    anonymous = Client().get(LOG)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert not Movement.objects.exists()


def _crossing_day_story(plan: Planner, coordinator: User) -> dict[str, Batch]:
    """On the crossing day: one confirmed batch whose people cross, turn back or do not come."""
    day = CrossingDay.objects.get(crossing=plan.crossing, date=CROSSING_DATE)
    day.agreed_quota_out = 8
    day.save()
    first = plan.case(companions=1, patient=person("900000021"))
    second = plan.case(patient=person("900000022"))
    third = plan.case(patient=person("900000023"))
    batch = plan.confirmed(first, second, third)
    at = at_local(CROSSING_DATE, 11)
    services.mark_member_crossed(
        batch.members.get(case=first, role=MemberRole.PATIENT), actor=coordinator, at=at
    )
    services.mark_member_crossed(
        batch.members.get(role=MemberRole.COMPANION), actor=coordinator, at=at
    )
    services.mark_member_turned_back(
        batch.members.get(case=second, role=MemberRole.PATIENT), actor=coordinator, at=at
    )
    services.mark_member_no_show(
        batch.members.get(case=third, role=MemberRole.PATIENT), actor=coordinator, at=at
    )
    # A list for tomorrow that is only submitted: not yet planned against the quota.
    plan.submitted(plan.case(), date=TOMORROW)
    return {"today": batch}


def test_the_logs_figures_are_the_movements_planned_against_quota_and_agreed(
    plan: Planner, coordinator, crossing
):
    CrossingDayFactory(crossing=crossing, date=TOMORROW, quota_out=12, quota_in=6)
    _crossing_day_story(plan, coordinator)
    log = crossing_log(coordinator, CROSSING_DATE, TOMORROW)
    rows = {(r.date, r.direction): r for r in log.rows}
    out = rows[CROSSING_DATE, "out"]
    assert (out.quota, out.agreed, out.planned) == (10, 8, 4)
    assert (out.crossed, out.turned_back, out.no_show) == (2, 1, 1)
    assert (out.crossed_of_quota, out.crossed_of_agreed) == (20, 25)
    assert Movement.objects.filter(date=CROSSING_DATE, outcome="crossed").count() == out.crossed
    arrivals = rows[CROSSING_DATE, "in"]
    assert (arrivals.quota, arrivals.planned, arrivals.crossed) == (10, 0, 0)
    tomorrow = rows[TOMORROW, "out"]
    assert (tomorrow.quota, tomorrow.agreed, tomorrow.planned, tomorrow.crossed) == (12, None, 0, 0)
    assert [r.date for r in log.rows] == [TOMORROW, TOMORROW, CROSSING_DATE, CROSSING_DATE]
    totals = dict(log.totals)
    assert (totals["Out (departures)"].quota, totals["Out (departures)"].crossed) == (22, 2)

    page = text(
        signed_in(coordinator).get(LOG, {"date_from": "2026-02-10", "date_to": "2026-02-11"})
    )
    row = re.search(r'<tr class="today day-open">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)
    assert [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells] == [
        "Tue 10 Feb today", "Out (departures)", "Open", "10", "8", "4", "2", "1", "1", "20%", "25%",
    ]  # fmt: skip
    assert "—" in page, "no agreed figure for tomorrow"


def test_the_log_filters_by_date_range_and_names_a_bad_range(plan: Planner, coordinator, crossing):
    CrossingDayFactory(crossing=crossing, date=CROSSING_DATE - datetime.timedelta(days=20))
    client = signed_in(coordinator)
    default = text(client.get(LOG))
    assert "Tue 10 Feb" in default and "Wed 21 Jan" not in default
    wide = text(client.get(LOG, {"date_from": "2026-01-20", "date_to": "2026-02-10"}))
    assert "Wed 21 Jan" in wide
    backwards = client.get(LOG, {"date_from": "2026-02-10", "date_to": "2026-02-01"})
    assert backwards.status_code == 400
    assert "To: The end of the range is before its start." in text(backwards)
    too_long = client.get(LOG, {"date_from": "2025-01-01", "date_to": "2026-02-10"})
    assert too_long.status_code == 400 and "Show at most 92 days at once." in text(too_long)
    not_a_date = client.get(LOG, {"date_from": "Thursday"})
    assert not_a_date.status_code == 400 and "From: Enter a valid date." in text(not_a_date)
    partial = client.get(
        LOG, {"date_from": "2026-01-20", "date_to": "2026-02-10"}, HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="log-table",
    )  # fmt: skip
    assert partial.status_code == 200
    assert text(partial).startswith('<div id="log-table">') and "<html" not in text(partial)


def test_a_crossing_officer_sees_today_and_tomorrow_at_their_own_crossing_only(
    plan: Planner, officer, crossing
):
    CrossingDayFactory(crossing=crossing, date=CROSSING_DATE - datetime.timedelta(days=2))
    elsewhere = CrossingFactory(code="kerem-shalom", name_en="Kerem Shalom")
    CrossingDayFactory(crossing=elsewhere, date=CROSSING_DATE)
    log = crossing_log(officer, CROSSING_DATE - datetime.timedelta(days=5), TOMORROW)
    assert {(r.crossing, r.date) for r in log.rows} == {(crossing.name_en, CROSSING_DATE)}
    page = text(signed_in(officer).get(LOG))
    assert "Kerem Shalom" not in page and "Sun 8 Feb" not in page


def test_the_quick_entry_finds_a_traveller_and_marks_them_crossed(plan: Planner, officer):
    batch = plan.confirmed(plan.case(patient=person("900000031", name_latin="Amal Saleh")))
    client = signed_in(officer)
    found = client.post(f"{LOG}find", {"lookup": " 900 000 031 "})
    assert found.status_code == 200
    page = text(found)
    assert "Amal Saleh" in page and "Cleared to travel" in page
    member = patient(batch)
    assert f'action="{LOG}members/{member.pk}/crossed"' in page
    assert 'name="lookup"' in page and "autofocus" not in page, "the officer acts on the card"

    response = client.post(
        f"{LOG}members/{member.pk}/crossed", {"date_from": "2026-02-04", "date_to": "2026-02-11"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LOG}?date_from=2026-02-04&date_to=2026-02-11"
    movement = Movement.objects.get()
    assert (movement.person, movement.outcome, movement.recorded_by, movement.date) == (
        member.person, MovementOutcome.CROSSED, officer, CROSSING_DATE,
    )  # fmt: skip
    assert last_audit(movement).action == "movement.crossed"
    assert last_audit(movement).actor == officer
    member.refresh_from_db()
    assert (member.active, member.outcome) == (False, Outcome.CROSSED)
    after = text(client.get(response["Location"]))
    assert f"Recorded: {member.person.name_ar} crossed." in after


def test_the_quick_entry_with_htmx_stays_on_the_panel_and_refreshes_the_figures(
    plan: Planner, officer
):
    batch = plan.confirmed(plan.case(companions=1, patient=person("900000041")))
    client = signed_in(officer)
    htmx = {"HTTP_HX_REQUEST": "true"}
    found = text(client.post(f"{LOG}find", {"lookup": "900000041"}, **htmx))
    assert "<html" not in found and "Crossed" in found
    response = client.post(f"{LOG}members/{patient(batch).pk}/crossed", **htmx)
    assert response.status_code == 200
    panel = text(response)
    assert "Recorded:" in panel and "crossed." in panel
    assert 'id="log-table" hx-swap-oob="true"' in panel
    row = re.search(r'<tr class="today day-open">(.*?)</tr>', panel, re.S)
    assert row is not None and '<td class="num strong">1</td>' in row.group(1)
    assert "autofocus" in panel, "ready for the next scan"
    assert Movement.objects.count() == 1


def test_the_quick_entry_marks_a_person_turned_back_with_the_reason(plan: Planner, officer):
    case = plan.case(companions=1, patient=person("900000051"))
    batch = plan.confirmed(case)
    client = signed_in(officer)
    response = client.post(
        f"{LOG}members/{patient(batch).pk}/turned-back", {"reason": "papers not accepted"}
    )
    assert response.status_code == 302
    movement = Movement.objects.get()
    assert (movement.outcome, movement.note, movement.recorded_by) == (
        MovementOutcome.TURNED_BACK, "papers not accepted", officer,
    )  # fmt: skip
    assert last_audit(movement).action == "movement.turned_back"
    case.refresh_from_db()
    assert case.status == CaseStatus.TURNED_BACK
    assert not companion(batch).active, "the companion does not travel alone"
    assert "was turned back." in text(client.get(response["Location"]))


def test_a_refused_crossing_shows_the_reason_and_records_nothing(
    plan: Planner, officer, coordinator
):
    client = signed_in(officer)
    # Not cleared: the authority never answered for this patient.
    unanswered = plan.submitted(plan.case(patient=person("900000061")))
    services.record_clearance(
        patient(unanswered), Clearance.NO_ANSWER, party=plan.authority, actor=coordinator
    )
    plan.confirm(unanswered)
    found = text(client.post(f"{LOG}find", {"lookup": "900000061"}))
    assert "Not cleared to travel: No answer" in found
    response = client.post(f"{LOG}members/{patient(unanswered).pk}/crossed")
    assert response.status_code == 400
    assert "is not cleared (No answer) and cannot cross." in text(response)
    htmx = client.post(f"{LOG}members/{patient(unanswered).pk}/crossed", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 400 and "cannot cross" in text(htmx) and "<html" not in text(htmx)

    # A child whose only adult companion was refused.
    child = person("900000062", date_of_birth=CROSSING_DATE - datetime.timedelta(days=365 * 7))
    case = plan.case(patient=child)
    CompanionFactory(case=case, person=PersonFactory(date_of_birth=datetime.date(1988, 1, 1)))
    alone = plan.submitted(case)
    services.record_clearance(
        patient(alone), Clearance.CLEARED, party=plan.authority, actor=coordinator
    )
    services.record_clearance(
        companion(alone), Clearance.REFUSED, party=plan.authority, actor=coordinator
    )
    plan.confirm(alone)
    response = client.post(f"{LOG}members/{patient(alone).pk}/crossed")
    assert response.status_code == 400
    assert "is a child and cannot cross without a cleared adult companion" in text(response)

    # A batch whose coordination is not confirmed is not travelling.
    waiting = plan.cleared(plan.case(patient=person("900000063")))
    response = client.post(f"{LOG}members/{patient(waiting).pk}/crossed")
    assert response.status_code == 409 and "cannot go from 'cleared'" in text(response)

    # Nobody crosses on a day the crossing is closed.
    CrossingDay.objects.filter(date=CROSSING_DATE).update(status=DayStatus.CLOSED)
    closed = client.post(f"{LOG}members/{patient(unanswered).pk}/turned-back", {"reason": "x"})
    assert closed.status_code == 400 and "is closed on 2026-02-10" in text(closed)
    assert not Movement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="movement.").exists()


def test_an_unknown_or_absent_id_says_so(plan: Planner, officer, crossing):
    client = signed_in(officer)
    unknown = client.post(f"{LOG}find", {"lookup": "123456789"})
    assert unknown.status_code == 404
    assert "Nobody with ID number 123456789 is on a batch crossing here today." in text(unknown)
    empty = client.post(f"{LOG}find", {"lookup": "  "})
    assert empty.status_code == 400 and "Scan a check-in code or type an ID number." in text(empty)
    CrossingDayFactory(crossing=crossing, date=TOMORROW)
    plan.confirmed(plan.case(patient=person("900000071")), date=TOMORROW)
    tomorrow = client.post(f"{LOG}find", {"lookup": "900000071"}, HTTP_HX_REQUEST="true")
    assert tomorrow.status_code == 404 and "Nobody with ID number 900000071" in text(tomorrow)
    elsewhere = UserFactory(
        username="officer2", roles=[Role.CROSSING_OFFICER], crossing=CrossingFactory(code="erez")
    )
    plan.confirmed(plan.case(patient=person("900000072")))
    assert signed_in(elsewhere).post(f"{LOG}find", {"lookup": "900000072"}).status_code == 404


def test_a_scanned_check_in_code_finds_the_person_and_a_forged_one_is_refused(
    plan: Planner, officer
):
    batch = plan.confirmed(plan.case(patient=person("900000081", name_latin="Rami Odeh")))
    code = check_in_code(patient(batch))
    client = signed_in(officer)
    assert "Rami Odeh" in text(client.post(f"{LOG}find", {"lookup": code}))
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    refused = client.post(f"{LOG}find", {"lookup": forged})
    assert refused.status_code == 404 and "This check-in code is not valid" in text(refused)
    assert "Rami Odeh" not in text(refused)


def test_marking_a_person_not_on_todays_batches_is_not_found_and_audited(
    plan: Planner, officer, crossing
):
    CrossingDayFactory(crossing=crossing, date=TOMORROW)
    later = plan.confirmed(plan.case(patient=person("900000091")), date=TOMORROW)
    response = signed_in(officer).post(f"{LOG}members/{patient(later).pk}/crossed")
    assert response.status_code == 404
    refusal = AuditEvent.objects.filter(action="permission.refused").last()
    assert refusal is not None and refusal.actor == officer
    assert not Movement.objects.exists()


def test_the_log_takes_the_same_number_of_queries_for_a_few_or_many_days(
    plan: Planner, coordinator, crossing
):
    def queries(client: Client, **params: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(LOG, params).status_code == 200
        return len(context.captured_queries)

    _crossing_day_story(plan, coordinator)
    client = signed_in(coordinator)
    few = queries(client, date_from="2026-02-08", date_to="2026-02-10")
    for offset in range(1, 31):
        CrossingDayFactory(crossing=crossing, date=CROSSING_DATE - datetime.timedelta(days=offset))
    many = queries(client, date_from="2026-01-08", date_to="2026-02-10")
    # session, user, roles, two-factor check, the days, movements, planned seats, the crossings
    # of the filter, the session saved: fixed, whatever the number of days
    assert few == many == 11
