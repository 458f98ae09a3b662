"""The batch page: its manifest, events and standby list, and each action it offers, through the
test client as a coordinator and as a crossing officer would use them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from corridor.accounts.models import Party, Role, User
from corridor.audit.models import AuditEvent
from corridor.cases.models import Case
from corridor.crossings import services
from corridor.crossings.models import (
    Batch,
    BatchStatus,
    Clearance,
    CoordinationEventKind,
    Crossing,
    CrossingDay,
    Movement,
    MovementOutcome,
    Outcome,
)
from corridor.plans.models import PlanProposal, StandbyEntry
from tests.factories import CrossingDayFactory, CrossingFactory, UserFactory
from tests.helpers import CROSSING_DATE, PLANNING_TIME, last_audit
from tests.journeys import Planner

pytestmark = pytest.mark.django_db

Committed = Callable[[], AbstractContextManager[Any]]
NEXT_DAY = CROSSING_DATE + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _crossing_date_is_today(settings: Settings) -> None:
    # The crossing officer's batches are today's and tomorrow's, on Corridor's clock.
    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Committed:
    """A context in which the after-commit hooks of the services run, as in production."""

    def run() -> AbstractContextManager[Any]:
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def officer(crossing: Crossing) -> User:
    return UserFactory(username="officer", roles=[Role.CROSSING_OFFICER], crossing=crossing)


def signed_in(client: Client, user: User) -> Client:
    """`client` signed in as `user`, who reads English."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    return client


@pytest.fixture
def as_coordinator(client: Client, coordinator: User) -> Client:
    return signed_in(client, coordinator)


@pytest.fixture
def as_officer(client: Client, officer: User) -> Client:
    return signed_in(client, officer)


def page_url(batch: Batch) -> str:
    return reverse("crossings:manifest", args=[batch.pk])


def action_url(name: str, batch: Batch) -> str:
    return reverse(f"crossings:{name}", args=[batch.pk])


def outcome_url(batch: Batch, member: Any) -> str:
    return reverse("crossings:member_outcome", args=[batch.pk, member.pk])


def text(response: Any) -> str:
    return response.content.decode()


def national_ids(batch: Batch) -> list[str]:
    return list(batch.members.order_by("seat").values_list("person__national_id", flat=True))


def with_ids(plan: Planner, count: int, companions: int = 0) -> list[Case]:
    cases = [plan.case(companions=companions) for _ in range(count)]
    serial = 400000000
    for case in cases:
        people = [case.patient, *(c.person for c in case.companions.all())]
        for person in people:
            serial += 1
            person.national_id = str(serial)
            person.save()
    return cases


# The page and who may see it


def test_the_coordinator_sees_the_manifest_in_seat_order_with_clearance_and_events(
    as_coordinator: Client, plan: Planner
) -> None:
    batch = plan.confirmed(*with_ids(plan, 2, companions=1))
    first, second, third, fourth = batch.members.order_by("seat").select_related("person")

    page = text(as_coordinator.get(page_url(batch)))

    positions = [page.index(m.person.national_id) for m in (first, second, third, fourth)]
    assert positions == sorted(positions), "the manifest is in seat order"
    assert first.person.name_ar in page and first.person.name_latin in page
    assert "Crossing Authority" in page  # who cleared them
    assert "Coordination confirmed" in page and "List submitted" in page
    assert "Rafah" in page and "Out (departures)" in page
    assert "4 of 10 seats taken that day" in page
    assert "this batch holds 4 seats" in page


def test_the_batch_page_shows_a_postponement_with_both_dates(
    as_coordinator: Client, plan: Planner, crossing: Crossing, crossing_authority: Party
) -> None:
    CrossingDayFactory(crossing=crossing, date=NEXT_DAY)
    batch = plan.confirmed(*with_ids(plan, 1))
    services.postpone_batch(
        batch, NEXT_DAY, party=crossing_authority, no_reason_given=True, actor=None
    )

    page = text(as_coordinator.get(page_url(batch)))

    assert "First planned date" in page
    assert "Tuesday 10 February 2026" in page and "Wednesday 11 February 2026" in page
    assert "no reason given" in page
    assert "To be re-confirmed" in page


def test_a_crossing_officer_sees_todays_batch_and_only_the_outcome_buttons(
    as_officer: Client, plan: Planner
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))

    response = as_officer.get(page_url(batch))
    page = text(response)

    assert response.status_code == 200
    assert national_ids(batch)[0] in page
    assert 'value="crossed"' in page and 'value="no_show"' in page
    for coordinator_only in ("Submit the list", "Record a coordination event", "Standby list"):
        assert coordinator_only not in page
    assert 'form="clearances-form"' not in page
    assert "Re-plan" not in page


def test_a_crossing_officer_gets_404_for_a_batch_of_another_day_or_crossing(
    as_officer: Client, plan: Planner, crossing: Crossing
) -> None:
    later = plan.confirmed(*with_ids(plan, 1))
    later.planned_date = CROSSING_DATE + datetime.timedelta(days=3)
    later.save()
    elsewhere = Batch.objects.create(
        number=9,
        crossing=CrossingFactory(code="kerem"),
        direction="out",
        planned_date=CROSSING_DATE,
        first_planned_date=CROSSING_DATE,
        status_changed_at=PLANNING_TIME,
        created_at=PLANNING_TIME,
    )
    member = later.members.get()

    assert as_officer.get(page_url(later)).status_code == 404
    assert as_officer.get(page_url(elsewhere)).status_code == 404
    refused = as_officer.post(outcome_url(later, member), {"outcome": "crossed"})
    assert refused.status_code == 404
    member.refresh_from_db()
    assert member.outcome == Outcome.NONE


@pytest.mark.parametrize("cast_member", ["liaison", "outsider"])
def test_roles_without_batch_access_are_refused_every_page_and_action(
    client: Client, plan: Planner, cast_member: str, request: pytest.FixtureRequest
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))
    member = batch.members.get()
    client.force_login(request.getfixturevalue(cast_member))

    assert client.get(page_url(batch)).status_code == 403
    for name in (
        "batch_submit",
        "batch_confirm",
        "batch_coordination",
        "batch_postpone",
        "batch_depart",
        "batch_close",
        "batch_release",
        "batch_clearances",
        "batch_clearance_results",
    ):
        assert client.post(action_url(name, batch)).status_code == 403, name
    assert client.post(outcome_url(batch, member), {"outcome": "no_show"}).status_code == 403


def test_a_crossing_officer_may_not_move_a_batch_or_record_clearances(
    as_officer: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.submitted(*with_ids(plan, 1))
    member = batch.members.get()

    confirm = as_officer.post(
        action_url("batch_confirm", batch), {"confirm-party": crossing_authority.pk}
    )
    answers = as_officer.post(
        action_url("batch_clearances", batch),
        {"clearances-party": crossing_authority.pk, f"answer-{member.pk}": "cleared"},
    )

    assert confirm.status_code == 403 and answers.status_code == 403
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUBMITTED


def test_the_actions_follow_the_batch_status(as_coordinator: Client, plan: Planner) -> None:
    draft = plan.batch(*with_ids(plan, 1))
    page = text(as_coordinator.get(page_url(draft)))
    assert "Submit the list" in page
    assert "Confirm coordination" not in page and "Postpone to a date" not in page

    confirmed = plan.confirmed(*with_ids(plan, 1))
    page = text(as_coordinator.get(page_url(confirmed)))
    assert "Submit the list" not in page
    assert "Postpone to a date" in page and "The batch has left for the crossing" in page
    assert 'value="cancel"' in page and 'value="suspend"' in page
    assert 'value="resume"' not in page


# Moving the batch along


def test_submitting_the_list_moves_the_batch_and_records_who_submitted_it(
    as_coordinator: Client, plan: Planner, who: Party
) -> None:
    batch = plan.batch(*with_ids(plan, 1), date=CROSSING_DATE + datetime.timedelta(days=3))

    response = as_coordinator.post(action_url("batch_submit", batch), {"submit-party": who.pk})

    assert response.status_code == 302 and response["Location"].startswith(page_url(batch))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUBMITTED
    event = batch.coordination_events.get()
    assert (event.kind, event.party, event.recorded_by.username) == (
        CoordinationEventKind.SUBMITTED,
        who,
        "coordinator",
    )
    assert last_audit(batch).action == "batch.submitted"
    assert "is submitted" in text(as_coordinator.get(page_url(batch)))


def test_confirming_records_the_deciding_and_relaying_parties(
    as_coordinator: Client, plan: Planner, who: Party, crossing_authority: Party
) -> None:
    batch = plan.cleared(*with_ids(plan, 2))

    response = as_coordinator.post(
        action_url("batch_confirm", batch),
        {"confirm-party": crossing_authority.pk, "confirm-relayed_by": who.pk},
    )

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED
    event = batch.coordination_events.get(kind=CoordinationEventKind.CONFIRMED)
    assert (event.party, event.relayed_by) == (crossing_authority, who)
    audit = last_audit(batch)
    assert audit.action == "batch.confirmed" and audit.data["seats"] == 2


def test_a_cancellation_with_no_reason_given_is_recorded_as_such(
    as_coordinator: Client, plan: Planner, who: Party, crossing_authority: Party
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))

    response = as_coordinator.post(
        action_url("batch_coordination", batch),
        {
            "coordination-kind": "cancel",
            "coordination-party": crossing_authority.pk,
            "coordination-relayed_by": who.pk,
            "coordination-no_reason_given": "on",
        },
    )

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    event = batch.coordination_events.get(kind=CoordinationEventKind.CANCELLED)
    assert event.no_reason_given and event.reason == ""
    assert (event.party, event.relayed_by) == (crossing_authority, who)
    audit = last_audit(batch)
    assert audit.action == "batch.cancelled" and audit.data["no_reason_given"] is True
    page = text(as_coordinator.get(page_url(batch)))
    assert "no reason given" in page
    assert "Return its people to the waiting lists" in page


def test_a_stop_without_a_reason_or_the_box_is_refused_and_nothing_changes(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))

    response = as_coordinator.post(
        action_url("batch_coordination", batch),
        {"coordination-kind": "suspend", "coordination-party": crossing_authority.pk},
    )

    assert response.status_code == 400
    assert "A reason is required; if the party gave none, record" in text(response)
    assert "<details open>" in text(response) or "<details open" in text(response)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED
    assert not batch.coordination_events.filter(kind=CoordinationEventKind.SUSPENDED).exists()


def test_a_suspension_with_its_reason_then_a_resumption(
    as_coordinator: Client, plan: Planner, who: Party, crossing_authority: Party
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))
    url = action_url("batch_coordination", batch)

    as_coordinator.post(
        url,
        {
            "coordination-kind": "suspend",
            "coordination-party": crossing_authority.pk,
            "coordination-reason": "Security incident near the gate",
        },
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUSPENDED
    page = text(as_coordinator.get(page_url(batch)))
    assert "Security incident near the gate" in page and 'value="resume"' in page

    as_coordinator.post(
        url,
        {
            "coordination-kind": "resume",
            "coordination-party": crossing_authority.pk,
            "coordination-relayed_by": who.pk,
        },
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RESUMED
    kinds = list(batch.coordination_events.values_list("kind", flat=True))
    assert kinds[-2:] == [CoordinationEventKind.SUSPENDED, CoordinationEventKind.RESUMED]
    assert last_audit(batch).action == "batch.resumed"


def test_a_refused_transition_shows_the_services_reason_with_a_409(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))

    response = as_coordinator.post(
        action_url("batch_coordination", batch),
        {"coordination-kind": "resume", "coordination-party": crossing_authority.pk},
    )

    assert response.status_code == 409
    assert "cannot go from &#x27;confirmed&#x27; to &#x27;resumed&#x27;" in text(response)
    assert 'role="alert"' in text(response)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED


def test_an_htmx_action_answers_with_the_batch_section_even_when_refused(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))
    url = action_url("batch_coordination", batch)
    headers = {"HX-Request": "true"}

    refused = as_coordinator.post(
        url,
        {"coordination-kind": "resume", "coordination-party": crossing_authority.pk},
        headers=headers,
    )
    done = as_coordinator.post(
        url,
        {
            "coordination-kind": "suspend",
            "coordination-party": crossing_authority.pk,
            "coordination-reason": "Gate closed for an hour",
        },
        headers=headers,
    )

    assert refused.status_code == 409 and "cannot go from" in text(refused)
    assert done.status_code == 200
    for response in (refused, done):
        assert text(response).startswith('<div id="batch"') and "<html" not in text(response)
    assert "is recorded as suspended" in text(done)
    assert "Gate closed for an hour" in text(done)


def test_postponing_moves_the_batch_and_keeps_both_dates(
    as_coordinator: Client, plan: Planner, crossing: Crossing, who: Party
) -> None:
    CrossingDayFactory(crossing=crossing, date=NEXT_DAY)
    batch = plan.confirmed(*with_ids(plan, 1))

    response = as_coordinator.post(
        action_url("batch_postpone", batch),
        {
            "postpone-new_date": NEXT_DAY.isoformat(),
            "postpone-party": who.pk,
            "postpone-reason": "Hoping to leave tomorrow",
        },
    )

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.planned_date, batch.first_planned_date) == (
        BatchStatus.POSTPONED,
        NEXT_DAY,
        CROSSING_DATE,
    )
    event = batch.coordination_events.get(kind=CoordinationEventKind.POSTPONED)
    assert (event.previous_date, event.new_date, event.reason) == (
        CROSSING_DATE,
        NEXT_DAY,
        "Hoping to leave tomorrow",
    )
    assert batch.members.get().needs_reconfirmation
    assert last_audit(batch).action == "batch.postponed"


def test_postponing_to_a_day_the_crossing_is_shut_is_refused_with_the_reason(
    as_coordinator: Client, plan: Planner, crossing: Crossing, who: Party
) -> None:
    CrossingDayFactory(crossing=crossing, date=NEXT_DAY, status="closed")
    batch = plan.confirmed(*with_ids(plan, 1))

    response = as_coordinator.post(
        action_url("batch_postpone", batch),
        {
            "postpone-new_date": NEXT_DAY.isoformat(),
            "postpone-party": who.pk,
            "postpone-no_reason_given": "on",
        },
    )

    assert response.status_code == 400
    assert "is closed on 2026-02-11; choose another date" in text(response)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED


def test_a_form_with_a_bad_date_names_the_field(
    as_coordinator: Client, plan: Planner, who: Party
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))

    response = as_coordinator.post(
        action_url("batch_postpone", batch),
        {"postpone-new_date": "next thursday", "postpone-party": who.pk},
    )

    assert response.status_code == 400
    assert "Enter a valid date." in text(response)
    assert 'id="id_postpone-new_date"' in text(response)


# Clearances


def test_answers_chosen_person_by_person_are_recorded_for_the_party(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.submitted(*with_ids(plan, 2, companions=1))
    patient, companion, other_patient, other_companion = batch.members.order_by("seat")

    response = as_coordinator.post(
        action_url("batch_clearances", batch),
        {
            "clearances-party": crossing_authority.pk,
            f"answer-{patient.pk}": "cleared",
            f"answer-{companion.pk}": "cleared",
            f"answer-{other_patient.pk}": "refused",
            f"answer-{other_companion.pk}": "cleared",
            f"answer-{batch.pk + 1000}": "",  # an untouched select on another row
        },
    )

    assert response.status_code == 302
    for member in (patient, companion, other_patient, other_companion):
        member.refresh_from_db()
    assert patient.clearance == companion.clearance == Clearance.CLEARED
    assert patient.clearance_party == crossing_authority
    assert other_patient.outcome == Outcome.REFUSED
    # The refused patient's companion left with them; the answer given for them is not applied.
    assert other_companion.outcome == Outcome.WITHDRAWN
    assert other_companion.clearance == Clearance.PENDING
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CLEARED
    assert last_audit(patient).action == "member.clearance"
    page = text(as_coordinator.get(page_url(batch)))
    assert "3 answers recorded." in page
    assert "1 left the batch with the refused patient they accompany." in page


def test_recording_answers_without_choosing_any_says_so(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.submitted(*with_ids(plan, 1))

    response = as_coordinator.post(
        action_url("batch_clearances", batch), {"clearances-party": crossing_authority.pk}
    )

    assert response.status_code == 400
    assert "Choose an answer for at least one person" in text(response)


def test_pasted_answers_are_matched_by_id_and_every_mismatch_is_listed(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.submitted(*with_ids(plan, 3))
    first, second, third = national_ids(batch)
    pasted = "\n".join(
        [
            "ID number, result",
            f"{first}, cleared",
            "499999999, cleared",
            f"{second}; maybe",
            "",
        ]
    )

    response = as_coordinator.post(
        action_url("batch_clearance_results", batch),
        {"results-party": crossing_authority.pk, "results-text": pasted},
    )

    page = text(response)
    assert response.status_code == 200
    members = {m.person.national_id: m for m in batch.members.select_related("person")}
    assert members[first].clearance == Clearance.CLEARED
    assert members[second].clearance == Clearance.PENDING  # nothing guessed
    assert "Not on this batch" in page and "499999999" in page
    assert "Could not be read" in page and "&#x27;maybe&#x27;" in page
    assert "On the batch but not in the list" in page and third in page
    event = AuditEvent.objects.filter(action="batch.clearance_results").get()
    assert event.data["recorded"] == 1 and event.data["source"] == "pasted"


def test_an_uploaded_returned_list_is_read_and_a_check_records_nothing(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.submitted(*with_ids(plan, 2))
    first, second = national_ids(batch)
    csv = f"رقم الهوية,النتيجة\n{first},موافق\n{second},مرفوض\n".encode()

    def upload(**extra: str) -> Any:
        return as_coordinator.post(
            action_url("batch_clearance_results", batch),
            {
                "results-party": crossing_authority.pk,
                "results-file": SimpleUploadedFile("answers.csv", csv, "text/csv"),
                **extra,
            },
        )

    check = upload(**{"results-dry_run": "on"})
    assert check.status_code == 200
    assert "nothing was recorded" in text(check)
    assert not batch.members.exclude(clearance=Clearance.PENDING).exists()

    done = upload()
    assert done.status_code == 200 and "Returned list read" in text(done)
    members = {m.person.national_id: m for m in batch.members.select_related("person")}
    assert members[first].clearance == Clearance.CLEARED
    assert members[second].outcome == Outcome.REFUSED


def test_pasting_and_uploading_at_once_is_refused_and_a_bad_file_named(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.submitted(*with_ids(plan, 1))
    url = action_url("batch_clearance_results", batch)

    both = as_coordinator.post(
        url,
        {
            "results-party": crossing_authority.pk,
            "results-text": "1, cleared",
            "results-file": SimpleUploadedFile("a.csv", b"id,result\n", "text/csv"),
        },
    )
    bad = as_coordinator.post(
        url,
        {
            "results-party": crossing_authority.pk,
            "results-file": SimpleUploadedFile("a.csv", b"name,age\nx,1\n", "text/csv"),
        },
    )

    assert both.status_code == 400 and "one of the two" in text(both)
    assert bad.status_code == 400 and "should name the columns" in text(bad)
    assert not AuditEvent.objects.filter(action="batch.clearance_results").exists()


# At the crossing


def test_marking_people_crossed_writes_the_crossing_log(
    as_officer: Client, plan: Planner, officer: User
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1, companions=1))
    patient, companion = batch.members.order_by("seat")

    for member in (patient, companion):
        response = as_officer.post(outcome_url(batch, member), {"outcome": "crossed"})
        assert response.status_code == 302

    patient.refresh_from_db()
    assert patient.outcome == Outcome.CROSSED and not patient.active
    movements = Movement.objects.filter(batch=batch).order_by("at")
    assert [(m.person_id, m.outcome) for m in movements] == [
        (patient.person_id, MovementOutcome.CROSSED),
        (companion.person_id, MovementOutcome.CROSSED),
    ]
    assert movements[0].recorded_by == officer
    assert last_audit(movements[0]).action == "movement.crossed"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CROSSED


def test_turned_back_keeps_the_reason_and_no_show_writes_no_movement(
    as_coordinator: Client, plan: Planner
) -> None:
    batch = plan.confirmed(*with_ids(plan, 2))
    first, second = batch.members.order_by("seat")

    as_coordinator.post(
        outcome_url(batch, first), {"outcome": "turned_back", "reason": "Papers not accepted"}
    )
    response = as_coordinator.post(
        outcome_url(batch, second), {"outcome": "no_show"}, headers={"HX-Request": "true"}
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.outcome == Outcome.TURNED_BACK
    movement = Movement.objects.get(batch=batch)
    assert (movement.person_id, movement.outcome, movement.note) == (
        first.person_id,
        MovementOutcome.TURNED_BACK,
        "Papers not accepted",
    )
    assert second.outcome == Outcome.NO_SHOW
    assert last_audit(second).action == "member.ended"
    assert response.status_code == 200 and "did not come." in text(response)


def test_marking_a_person_not_cleared_as_crossed_is_refused_beside_their_row(
    as_officer: Client, plan: Planner, crossing: Crossing, crossing_authority: Party
) -> None:
    CrossingDayFactory(crossing=crossing, date=NEXT_DAY)
    batch = plan.confirmed(*with_ids(plan, 1))
    services.suspend_batch(batch, party=crossing_authority, reason="Gate", actor=None)
    services.resume_batch(batch, party=crossing_authority, actor=None)
    member = batch.members.get()
    member.needs_reconfirmation = True
    member.save()

    response = as_officer.post(
        outcome_url(batch, member), {"outcome": "crossed"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 400
    assert "is not cleared" in text(response)
    assert '<p class="error">' in text(response)  # beside the row, not only at the top
    assert not Movement.objects.exists()


def test_an_unknown_outcome_or_a_place_on_another_batch_is_refused(
    as_coordinator: Client, plan: Planner
) -> None:
    batch = plan.confirmed(*with_ids(plan, 1))
    other = plan.batch(*with_ids(plan, 1))
    member = batch.members.get()

    assert as_coordinator.post(outcome_url(batch, member), {"outcome": "flew"}).status_code == 400
    stranger = other.members.get()
    assert (
        as_coordinator.post(outcome_url(batch, stranger), {"outcome": "no_show"}).status_code == 404
    )
    member.refresh_from_db()
    assert member.active


# The re-plan after a postponement


def test_postponing_shows_the_replan_proposal_and_its_diff(
    client: Client, settings: Settings, committed: Committed
) -> None:
    from corridor.plans.services import accept_plan, propose_plan
    from corridor.scenarios import rafah_2026_02

    settings.CORRIDOR_DEMO_DATE = datetime.date(2026, 2, 4)
    rafah_2026_02.load(5, waiting_cases=600, return_registrations=300)
    rafah = Crossing.objects.get(code="rafah")
    as_of = PLANNING_TIME.replace(year=2026, month=2, day=4, hour=13)
    coordinator = UserFactory(roles=[Role.COORDINATOR], party=Party.objects.get(code="who"))
    authority = Party.objects.get(code="crossing-authority")
    proposal = propose_plan(rafah, datetime.date(2026, 2, 5), 7, actor=coordinator, at=as_of)
    batch = accept_plan(proposal, actor=coordinator, at=as_of).batches[0]
    services.submit_batch(batch, party=authority, actor=coordinator, at=as_of)
    for member in batch.members.filter(active=True):
        services.record_clearance(member, "cleared", party=authority, actor=coordinator, at=as_of)
    services.confirm_batch(batch, party=authority, actor=coordinator, at=as_of)
    new_date = batch.planned_date + datetime.timedelta(days=1)
    assert CrossingDay.objects.get(crossing=rafah, date=new_date).is_open
    signed_in(client, coordinator)

    with committed():
        response = client.post(
            action_url("batch_postpone", batch),
            {
                "postpone-new_date": new_date.isoformat(),
                "postpone-party": authority.pk,
                "postpone-no_reason_given": "on",
            },
        )
    assert response.status_code == 302
    page = text(client.get(page_url(batch)))

    replan = PlanProposal.objects.filter(trigger__type="batch_postponed").get()
    assert replan.base_id == proposal.pk and replan.changes
    assert "Re-plan proposed" in page
    on_batch = set(batch.members.values_list("case__reference", flat=True)) - {None}
    moved = [c for c in replan.changes if c["case"] in on_batch]
    assert moved, "the postponed batch's cases are in the diff"
    assert moved[0]["case"] in page and moved[0]["text_en"] in page
    assert f"{len(replan.changes)} cases change place against the accepted plan" in page or (
        f"{len(replan.changes)} case changes place" in page
    )
    # Its standby list is shown too, in order.
    standby = list(
        StandbyEntry.objects.filter(batch=batch)
        .order_by("position")
        .values_list("case__reference", flat=True)
    )
    positions = [page.index(reference) for reference in standby]
    assert positions == sorted(positions)


# Query count


def _queries_for(client: Client, batch: Batch) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(batch))
    assert response.status_code == 200
    return len(queries)


def test_the_batch_page_costs_the_same_queries_for_3_or_30_people(
    as_coordinator: Client, plan: Planner, crossing_day: CrossingDay, crossing_authority: Party
) -> None:
    crossing_day.quota_out = 40
    crossing_day.save()
    small = plan.confirmed(*with_ids(plan, 3))
    large = plan.confirmed(*with_ids(plan, 15, companions=1))
    assert large.members.count() == 30
    for batch in (small, large):
        services.suspend_batch(batch, party=crossing_authority, no_reason_given=True, actor=None)

    assert _queries_for(as_coordinator, small) == _queries_for(as_coordinator, large)
    with CaptureQueriesContext(connection) as queries:
        as_coordinator.get(page_url(large))
    assert len(queries) <= 15, [q["sql"][:120] for q in queries]


def test_answers_pasted_from_a_spreadsheet_or_typed_in_arabic_are_read(
    as_coordinator: Client, plan: Planner, crossing_authority: Party
) -> None:
    batch = plan.submitted(*with_ids(plan, 3))
    first, second, third = national_ids(batch)
    arabic_digits = third.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    pasted = f"{first}\tcleared\n{second}، مرفوض\n{arabic_digits} no answer\n"

    response = as_coordinator.post(
        action_url("batch_clearance_results", batch),
        {"results-party": crossing_authority.pk, "results-text": pasted},
    )

    assert response.status_code == 200
    members = {m.person.national_id: m for m in batch.members.select_related("person")}
    assert members[first].clearance == Clearance.CLEARED
    assert members[second].outcome == Outcome.REFUSED
    assert members[third].clearance == Clearance.NO_ANSWER
    assert "To look at: <strong>0</strong>" in text(response)


def test_the_same_answers_pasted_after_a_postponement_reconfirm_the_clearances(
    as_coordinator: Client, plan: Planner, crossing: Crossing, crossing_authority: Party
) -> None:
    CrossingDayFactory(crossing=crossing, date=NEXT_DAY)
    batch = plan.confirmed(*with_ids(plan, 2))
    services.postpone_batch(
        batch, NEXT_DAY, party=crossing_authority, no_reason_given=True, actor=None
    )
    pasted = "\n".join(f"{n}, cleared" for n in national_ids(batch))

    response = as_coordinator.post(
        action_url("batch_clearance_results", batch),
        {"results-party": crossing_authority.pk, "results-text": pasted},
    )

    assert "Recorded: <strong>2</strong>" in text(response)
    assert not batch.members.filter(needs_reconfirmation=True).exists()
    confirmed = as_coordinator.post(
        action_url("batch_confirm", batch), {"confirm-party": crossing_authority.pk}
    )
    assert confirmed.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED
