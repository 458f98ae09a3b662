from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from pytest_django import Settings

from corridor.accounts.models import Party, User
from corridor.audit.models import AuditEvent
from corridor.cases import services as case_services
from corridor.cases.models import Case, CaseStatus, Companion, CompanionStatus
from corridor.crossings import services
from corridor.crossings.models import (
    Batch,
    BatchMember,
    BatchStatus,
    Clearance,
    CoordinationEvent,
    CoordinationEventKind,
    Crossing,
    CrossingDay,
    DayStatus,
    Direction,
    MemberRole,
    Movement,
    MovementOutcome,
    Outcome,
)
from corridor.exceptions import (
    AlreadyOnActiveBatch,
    CrossingDayClosed,
    DomainError,
    NotCleared,
    QuotaExceeded,
    TransitionNotAllowed,
)
from corridor.returns import services as return_services
from corridor.returns.models import ReturnStatus
from tests.factories import (
    CaseFactory,
    CompanionFactory,
    CrossingDayFactory,
    CrossingFactory,
    EligibilityRuleFactory,
    PersonFactory,
    ReturnRegistrationFactory,
)
from tests.helpers import (
    CROSSING_DATE,
    CROSSING_TIME,
    PLANNING_TIME,
    at_local,
    audit_actions,
    last_audit,
)
from tests.journeys import Planner

NEXT_DATE = CROSSING_DATE + datetime.timedelta(days=2)


def _members(batch: Batch) -> list[BatchMember]:
    return list(batch.members.order_by("seat"))


def _patient(batch: Batch) -> BatchMember:
    return batch.members.get(role=MemberRole.PATIENT)


def _companion(batch: Batch) -> BatchMember:
    return batch.members.get(role=MemberRole.COMPANION)


def _events(batch: Batch) -> list[str]:
    return list(batch.coordination_events.order_by("id").values_list("kind", flat=True))


@pytest.fixture
def next_day(crossing: Crossing) -> CrossingDay:
    return CrossingDayFactory(crossing=crossing, date=NEXT_DATE, quota_out=10)


# Creating batches


def test_batches_are_numbered_in_turn_for_each_crossing_and_direction(
    crossing: Crossing, coordinator: User
) -> None:
    other_crossing = CrossingFactory()

    def create(on: Crossing, direction: str) -> Batch:
        return services.create_batch(
            on, direction, CROSSING_DATE, actor=coordinator, at=PLANNING_TIME
        )

    numbers = [
        create(crossing, Direction.OUT).number,
        create(crossing, Direction.OUT).number,
        create(crossing, Direction.IN).number,
        create(other_crossing, Direction.OUT).number,
        create(crossing, Direction.OUT).number,
    ]

    assert numbers == [1, 2, 1, 1, 3]


def test_a_new_batch_is_a_draft_that_remembers_its_first_date(
    crossing: Crossing, coordinator: User
) -> None:
    batch = services.create_batch(
        crossing, Direction.OUT, CROSSING_DATE, actor=coordinator, at=PLANNING_TIME
    )

    assert batch.status == BatchStatus.DRAFT
    assert batch.planned_date == batch.first_planned_date == CROSSING_DATE
    assert batch.created_at == batch.status_changed_at == PLANNING_TIME
    event = last_audit(batch)
    assert (event.action, event.data["number"], event.actor_id) == (
        "batch.created",
        1,
        coordinator.pk,
    )


def test_a_batch_cannot_go_in_a_direction_the_crossing_does_not_allow(
    coordinator: User,
) -> None:
    exit_only = CrossingFactory(allows_in=False)

    with pytest.raises(DomainError, match="does not allow the direction 'in'"):
        services.create_batch(exit_only, Direction.IN, CROSSING_DATE, actor=coordinator)

    assert not Batch.objects.exists()


# Listing cases


def test_adding_a_case_seats_the_patient_then_the_companions_in_order(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=2)
    batch = plan.batch()

    added = services.add_case_to_batch(batch, case, actor=coordinator, at=PLANNING_TIME)

    companions = list(case.companions.order_by("pk"))
    assert [(m.seat, m.role, m.person) for m in _members(batch)] == [
        (1, MemberRole.PATIENT, case.patient),
        (2, MemberRole.COMPANION, companions[0].person),
        (3, MemberRole.COMPANION, companions[1].person),
    ]
    assert added == _members(batch)
    assert all(m.active and m.clearance == Clearance.PENDING for m in added)
    case.refresh_from_db()
    assert case.status == CaseStatus.LISTED
    assert last_audit(case).action == "case.listed"
    assert all(audit_actions(m) == ["batch.member_added"] for m in added)


def test_a_second_case_takes_the_next_seats(plan: Planner) -> None:
    first, second = plan.case(companions=1), plan.case()

    batch = plan.batch(first, second)

    assert [(m.seat, m.case) for m in _members(batch)] == [(1, first), (2, first), (3, second)]


def test_companions_no_longer_travelling_are_not_seated(plan: Planner) -> None:
    case = plan.case()
    CompanionFactory(case=case, status=CompanionStatus.REFUSED)
    travelling = CompanionFactory(case=case, status=CompanionStatus.CONFIRMED)

    batch = plan.batch(case)

    assert [m.person for m in _members(batch)] == [case.patient, travelling.person]


def test_a_person_is_on_at_most_one_active_batch(plan: Planner, coordinator: User) -> None:
    case = plan.case()
    plan.batch(case)
    second = plan.batch()

    with pytest.raises(AlreadyOnActiveBatch, match="already on batch 1"):
        services.add_case_to_batch(second, case, actor=coordinator)

    assert not second.members.exists()


def test_a_companion_already_on_another_batch_keeps_the_whole_case_off(
    plan: Planner, coordinator: User
) -> None:
    shared = PersonFactory()
    first, second = plan.case(), plan.case()
    CompanionFactory(case=first, person=shared)
    CompanionFactory(case=second, person=shared)
    plan.batch(first)
    other = plan.batch()

    with pytest.raises(AlreadyOnActiveBatch):
        services.add_case_to_batch(other, second, actor=coordinator)

    second.refresh_from_db()
    assert second.status == CaseStatus.APPROVED
    assert not other.members.exists()


def test_the_database_refuses_a_second_active_membership(plan: Planner) -> None:
    case = plan.case()
    plan.batch(case)
    other = plan.batch()

    with pytest.raises(IntegrityError), transaction.atomic():
        BatchMember.objects.create(
            batch=other, person=case.patient, role=MemberRole.PATIENT, case=case, seat=1
        )


def test_an_ended_membership_lets_the_person_travel_on_another_batch(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case()
    first = plan.submitted(case)
    services.record_clearance(
        _patient(first), Clearance.REFUSED, party=plan.authority, actor=coordinator
    )

    second = plan.batch(case)

    assert _patient(second).person == case.patient
    assert BatchMember.objects.filter(person=case.patient).count() == 2


def test_only_waiting_cases_can_be_listed(plan: Planner, coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.UNDER_REVIEW)
    batch = plan.batch()

    with pytest.raises(TransitionNotAllowed, match="'under_review'"):
        services.add_case_to_batch(batch, case, actor=coordinator)

    assert not batch.members.exists()


def test_the_list_of_a_confirmed_batch_cannot_change(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case())

    with pytest.raises(TransitionNotAllowed, match="'confirmed'"):
        services.add_case_to_batch(batch, plan.case(), actor=coordinator)


# Submitting the list


def test_submitting_a_list_records_the_coordination_event(
    plan: Planner, coordinator: User, who: Party
) -> None:
    batch = plan.batch(plan.case())

    services.submit_batch(batch, party=who, actor=coordinator, at=PLANNING_TIME)

    assert batch.status == BatchStatus.SUBMITTED
    assert batch.status_changed_at == PLANNING_TIME
    assert last_audit(batch).action == "batch.submitted"
    event = batch.coordination_events.get()
    assert (event.kind, event.party, event.recorded_by, event.at) == (
        CoordinationEventKind.SUBMITTED,
        who,
        coordinator,
        PLANNING_TIME,
    )


def test_a_list_submitted_exactly_the_lead_time_ahead_is_accepted(
    plan: Planner, coordinator: User, who: Party
) -> None:
    batch = plan.batch(plan.case())
    opens = at_local(CROSSING_DATE, plan.crossing.opens_at.hour, plan.crossing.opens_at.minute)

    services.submit_batch(
        batch, party=who, actor=coordinator, at=opens - datetime.timedelta(hours=24)
    )

    assert batch.status == BatchStatus.SUBMITTED


def test_a_list_submitted_inside_the_lead_time_is_refused(
    plan: Planner, coordinator: User, who: Party
) -> None:
    batch = plan.batch(plan.case())
    opens = at_local(CROSSING_DATE, plan.crossing.opens_at.hour, plan.crossing.opens_at.minute)
    late = opens - datetime.timedelta(hours=24) + datetime.timedelta(minutes=1)

    with pytest.raises(DomainError, match="at least 24 hours before the crossing opens"):
        services.submit_batch(batch, party=who, actor=coordinator, at=late)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT
    assert not batch.coordination_events.exists()


def test_the_lead_time_follows_the_setting(
    plan: Planner, coordinator: User, who: Party, settings: Settings
) -> None:
    settings.CORRIDOR_LIST_LEAD_HOURS = 72
    batch = plan.batch(plan.case())

    with pytest.raises(DomainError, match="at least 72 hours"):
        services.submit_batch(batch, party=who, actor=coordinator, at=PLANNING_TIME)


def test_an_empty_list_cannot_be_submitted(plan: Planner, coordinator: User, who: Party) -> None:
    batch = plan.batch()

    with pytest.raises(DomainError, match="nobody on it"):
        services.submit_batch(batch, party=who, actor=coordinator, at=PLANNING_TIME)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT


# Clearances


def test_clearing_people_moves_the_batch_to_partly_then_fully_cleared(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=1)
    batch = plan.submitted(case)
    patient, companion = _members(batch)

    services.record_clearance(patient, Clearance.CLEARED, party=plan.authority, actor=coordinator)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PARTLY_CLEARED

    services.record_clearance(
        companion, Clearance.CLEARED, party=plan.authority, actor=coordinator, at=PLANNING_TIME
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CLEARED

    companion.refresh_from_db()
    assert (companion.clearance, companion.clearance_party, companion.clearance_at) == (
        Clearance.CLEARED,
        plan.authority,
        PLANNING_TIME,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLEARED
    assert Companion.objects.get(person=companion.person).status == CompanionStatus.CONFIRMED
    assert audit_actions(batch)[-2:] == ["batch.partly_cleared", "batch.cleared"]
    event = last_audit(companion)
    assert (event.action, event.data["to"], event.data["party"]) == (
        "member.clearance",
        Clearance.CLEARED,
        plan.authority.code,
    )


def test_no_answer_is_recorded_but_clears_nobody(plan: Planner, coordinator: User) -> None:
    batch = plan.submitted(plan.case())

    member = services.record_clearance(
        _patient(batch), Clearance.NO_ANSWER, party=plan.authority, actor=coordinator
    )

    batch.refresh_from_db()
    assert (member.clearance, member.active) == (Clearance.NO_ANSWER, True)
    assert batch.status == BatchStatus.SUBMITTED


def test_an_unknown_clearance_answer_is_refused(plan: Planner, coordinator: User) -> None:
    batch = plan.submitted(plan.case())

    with pytest.raises(DomainError, match="Unknown clearance answer 'maybe'"):
        services.record_clearance(_patient(batch), "maybe", party=plan.authority, actor=coordinator)


def test_clearances_wait_until_the_list_is_submitted(plan: Planner, coordinator: User) -> None:
    batch = plan.batch(plan.case())

    with pytest.raises(TransitionNotAllowed, match="'draft'"):
        services.record_clearance(
            _patient(batch), Clearance.CLEARED, party=plan.authority, actor=coordinator
        )


def test_a_refused_patient_leaves_with_their_companions_and_goes_back_to_the_queue(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=2)
    batch = plan.submitted(case)
    patient = _patient(batch)

    services.record_clearance(
        patient, Clearance.REFUSED, party=plan.authority, actor=coordinator, at=PLANNING_TIME
    )

    assert [(m.role, m.active, m.outcome) for m in _members(batch)] == [
        (MemberRole.PATIENT, False, Outcome.REFUSED),
        (MemberRole.COMPANION, False, Outcome.WITHDRAWN),
        (MemberRole.COMPANION, False, Outcome.WITHDRAWN),
    ]
    assert all(m.outcome_at == PLANNING_TIME for m in _members(batch))
    case.refresh_from_db()
    assert (case.status, case.status_reason) == (CaseStatus.REQUEUED, "refused clearance")
    assert last_audit(case).action == "case.requeued"
    assert audit_actions(patient) == ["batch.member_added", "member.clearance", "member.ended"]


def test_a_refused_companion_leaves_alone(plan: Planner, coordinator: User) -> None:
    case = plan.case(companions=1)
    batch = plan.submitted(case)

    services.record_clearance(
        _companion(batch), Clearance.REFUSED, party=plan.authority, actor=coordinator
    )

    companion = batch.members.get(role=MemberRole.COMPANION)
    assert (companion.active, companion.outcome) == (False, Outcome.REFUSED)
    assert companion.companion.status == CompanionStatus.REFUSED
    assert _patient(batch).active
    case.refresh_from_db()
    assert case.status == CaseStatus.LISTED


def test_a_refused_member_cannot_be_answered_again(plan: Planner, coordinator: User) -> None:
    batch = plan.submitted(plan.case(companions=1))
    companion = _companion(batch)
    services.record_clearance(companion, Clearance.REFUSED, party=plan.authority, actor=coordinator)

    with pytest.raises(DomainError, match="no longer on this batch"):
        services.record_clearance(
            companion, Clearance.CLEARED, party=plan.authority, actor=coordinator
        )


# Confirming coordination and the quota


def test_confirming_records_who_confirmed_and_through_whom(
    plan: Planner, coordinator: User, who: Party
) -> None:
    batch = plan.cleared(plan.case(companions=1))

    services.confirm_batch(
        batch, party=plan.authority, actor=coordinator, relayed_by=who, at=PLANNING_TIME
    )

    assert batch.status == BatchStatus.CONFIRMED
    event = last_audit(batch)
    assert (event.action, event.data["seats"]) == ("batch.confirmed", 2)
    confirmation = batch.coordination_events.get(kind=CoordinationEventKind.CONFIRMED)
    assert (confirmation.party, confirmation.relayed_by, confirmation.at) == (
        plan.authority,
        who,
        PLANNING_TIME,
    )
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 2


def test_confirming_never_exceeds_the_quota(
    plan: Planner, coordinator: User, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out = 4
    crossing_day.save()
    plan.confirmed(plan.case(companions=2))
    second = plan.cleared(plan.case(companions=1))

    with pytest.raises(QuotaExceeded) as raised:
        plan.confirm(second)

    assert "over the quota of 4" in str(raised.value)
    assert "(3 already confirmed)" in str(raised.value)
    second.refresh_from_db()
    assert second.status == BatchStatus.CLEARED
    assert not second.coordination_events.filter(kind=CoordinationEventKind.CONFIRMED).exists()
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 3


def test_a_batch_that_fills_the_quota_exactly_is_confirmed(
    plan: Planner, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out = 4
    crossing_day.save()
    plan.confirmed(plan.case(companions=2))

    second = plan.confirmed(plan.case())

    assert second.status == BatchStatus.CONFIRMED
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 4


def test_refused_members_do_not_count_against_the_quota(
    plan: Planner, coordinator: User, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out = 2
    crossing_day.save()
    batch = plan.submitted(plan.case(companions=2))
    services.record_clearance(
        _members(batch)[2], Clearance.REFUSED, party=plan.authority, actor=coordinator
    )
    plan.clear_everyone(batch)

    plan.confirm(batch)

    assert batch.status == BatchStatus.CONFIRMED
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 2


def test_each_direction_has_its_own_quota(
    plan: Planner, coordinator: User, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out, crossing_day.quota_in = 1, 0
    crossing_day.save()

    plan.confirmed(plan.case())

    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 1
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.IN) == 0


def test_a_cancelled_batch_gives_its_seats_back(
    plan: Planner, coordinator: User, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out = 2
    crossing_day.save()
    first = plan.confirmed(plan.case(companions=1))
    services.cancel_batch(first, party=plan.authority, actor=coordinator, no_reason_given=True)

    second = plan.confirmed(plan.case(companions=1))

    assert second.status == BatchStatus.CONFIRMED


def test_a_closed_day_refuses_confirmation(
    plan: Planner, coordinator: User, crossing_day: CrossingDay
) -> None:
    batch = plan.cleared(plan.case())
    crossing_day.status = DayStatus.CLOSED
    crossing_day.save()

    with pytest.raises(CrossingDayClosed, match="is closed on 2026-02-10"):
        plan.confirm(batch)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.CLEARED


def test_a_day_missing_from_the_calendar_refuses_confirmation(plan: Planner) -> None:
    batch = plan.cleared(plan.case(), date=NEXT_DATE)

    with pytest.raises(CrossingDayClosed, match="no crossing day on"):
        plan.confirm(batch)


def test_confirming_a_confirmed_batch_changes_nothing(plan: Planner) -> None:
    batch = plan.confirmed(plan.case())
    before = audit_actions(batch)

    plan.confirm(batch)

    assert audit_actions(batch) == before
    assert _events(batch).count(CoordinationEventKind.CONFIRMED) == 1


# Cancelling, suspending and resuming


def test_cancelling_records_the_party_the_reason_and_the_relay(
    plan: Planner, coordinator: User, who: Party, receiving_hospital: Party
) -> None:
    case = plan.case(companions=1)
    batch = plan.confirmed(case)

    services.cancel_batch(
        batch,
        party=plan.authority,
        actor=coordinator,
        reason="security situation",
        relayed_by=who,
        relayed_to=receiving_hospital,
        at=PLANNING_TIME,
    )

    assert batch.status == BatchStatus.CANCELLED
    event = batch.coordination_events.get(kind=CoordinationEventKind.CANCELLED)
    assert (event.party, event.reason, event.relayed_by, event.relayed_to) == (
        plan.authority,
        "security situation",
        who,
        receiving_hospital,
    )
    audit = last_audit(batch)
    assert (audit.action, audit.data["reason"], audit.data["party"]) == (
        "batch.cancelled",
        "security situation",
        plan.authority.code,
    )
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 0
    # The people stay on the batch, so it can be postponed with them.
    assert all(m.active for m in _members(batch))


def test_cancelling_may_record_that_no_reason_was_given(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case())

    services.cancel_batch(batch, party=plan.authority, actor=coordinator, no_reason_given=True)

    event = batch.coordination_events.get(kind=CoordinationEventKind.CANCELLED)
    assert (event.reason, event.no_reason_given, event.reason_text) == ("", True, "no reason given")


@pytest.mark.parametrize(
    ("reason", "no_reason_given", "message"),
    [("", False, "A reason is required"), ("closed", True, "not both")],
)
def test_cancelling_needs_a_reason_or_no_reason_given_but_not_both(
    plan: Planner, coordinator: User, reason: str, no_reason_given: bool, message: str
) -> None:
    batch = plan.confirmed(plan.case())

    with pytest.raises(DomainError, match=message):
        services.cancel_batch(
            batch,
            party=plan.authority,
            actor=coordinator,
            reason=reason,
            no_reason_given=no_reason_given,
        )

    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED


def test_the_database_refuses_a_reason_marked_as_not_given(plan: Planner) -> None:
    batch = plan.confirmed(plan.case())

    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinationEvent.objects.create(
            batch=batch,
            kind=CoordinationEventKind.CANCELLED,
            party=plan.authority,
            reason="closed",
            no_reason_given=True,
            at=PLANNING_TIME,
        )


def test_a_draft_batch_cannot_be_cancelled(plan: Planner, coordinator: User) -> None:
    batch = plan.batch(plan.case())

    with pytest.raises(TransitionNotAllowed, match="'draft'"):
        services.cancel_batch(batch, party=plan.authority, actor=coordinator, reason="x")


def test_a_suspended_batch_resumes_the_same_day(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case())
    suspended_at, resumed_at = at_local(CROSSING_DATE, 8), at_local(CROSSING_DATE, 10)

    services.suspend_batch(
        batch, party=plan.authority, actor=coordinator, reason="shelling", at=suspended_at
    )
    assert batch.status == BatchStatus.SUSPENDED
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 0

    services.resume_batch(batch, party=plan.authority, actor=coordinator, at=resumed_at)

    assert batch.status == BatchStatus.RESUMED
    assert batch.planned_date == CROSSING_DATE
    assert _events(batch)[-2:] == [CoordinationEventKind.SUSPENDED, CoordinationEventKind.RESUMED]
    assert audit_actions(batch)[-2:] == ["batch.suspended", "batch.resumed"]
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 1


def test_resuming_never_exceeds_the_quota(
    plan: Planner, coordinator: User, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out = 2
    crossing_day.save()
    first = plan.confirmed(plan.case(companions=1))
    services.suspend_batch(first, party=plan.authority, actor=coordinator, reason="shelling")
    plan.confirmed(plan.case(companions=1))

    with pytest.raises(QuotaExceeded, match="over the quota of 2"):
        services.resume_batch(first, party=plan.authority, actor=coordinator)

    first.refresh_from_db()
    assert first.status == BatchStatus.SUSPENDED
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 2


def test_only_a_suspended_or_postponed_batch_resumes(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case())

    with pytest.raises(TransitionNotAllowed, match="'confirmed'"):
        services.resume_batch(batch, party=plan.authority, actor=coordinator)


def test_resuming_a_postponed_batch_reconfirms_the_clearances_given_and_holds_its_seats(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case(companions=1), plan.case())
    refused = _members(batch)[-1]
    services.record_clearance(
        refused, Clearance.REFUSED, party=plan.authority, actor=coordinator, at=PLANNING_TIME
    )
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, no_reason_given=True)
    services.postpone_batch(batch, NEXT_DATE, party=plan.authority, actor=coordinator, reason="x")
    assert services.seats_taken(plan.crossing, NEXT_DATE, Direction.OUT) == 0

    services.resume_batch(batch, party=plan.authority, actor=coordinator)

    assert batch.status == BatchStatus.RESUMED
    members = {m.pk: m for m in BatchMember.objects.filter(batch=batch)}
    assert not any(m.needs_reconfirmation for m in members.values() if m.active)
    assert members[refused.pk].clearance == Clearance.REFUSED and not members[refused.pk].active
    assert services.seats_taken(plan.crossing, NEXT_DATE, Direction.OUT) == 2
    assert _events(batch)[-1] == CoordinationEventKind.RESUMED
    event = AuditEvent.objects.filter(action="batch.resumed", object_id=str(batch.pk)).get()
    assert event.data["reconfirmed"] == 2
    crossed = services.mark_member_crossed(
        _members(batch)[0], actor=coordinator, at=at_local(NEXT_DATE, 11)
    )
    assert crossed.outcome == "crossed"


def test_resuming_by_another_party_reconfirms_no_clearance(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case())
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, reason="closure")
    services.postpone_batch(batch, NEXT_DATE, party=plan.authority, actor=coordinator, reason="x")

    services.resume_batch(batch, party=plan.coordinating_party, actor=coordinator)

    assert batch.status == BatchStatus.RESUMED
    assert all(m.needs_reconfirmation for m in _members(batch))
    with pytest.raises(NotCleared):
        services.mark_member_crossed(
            _members(batch)[0], actor=coordinator, at=at_local(NEXT_DATE, 11)
        )


def test_a_postponed_batch_resumes_only_within_the_quota_of_its_new_day(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    next_day.quota_out = 1
    next_day.save()
    batch = plan.confirmed(plan.case(companions=1))
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, reason="closure")
    services.postpone_batch(batch, NEXT_DATE, party=plan.authority, actor=coordinator, reason="x")

    with pytest.raises(QuotaExceeded):
        services.resume_batch(batch, party=plan.authority, actor=coordinator)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.POSTPONED


# Postponing


def test_postponing_moves_the_batch_and_everyone_on_it_to_the_new_date(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case(companions=1), plan.case())
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, reason="closure")

    services.postpone_batch(
        batch,
        NEXT_DATE,
        party=plan.authority,
        actor=coordinator,
        reason="crossing closed for the day",
        at=PLANNING_TIME,
    )

    assert batch.status == BatchStatus.POSTPONED
    assert (batch.planned_date, batch.first_planned_date) == (NEXT_DATE, CROSSING_DATE)
    members = _members(batch)
    assert len(members) == 3
    assert all(m.active and m.needs_reconfirmation for m in members)
    assert all(m.clearance == Clearance.CLEARED for m in members)
    event = batch.coordination_events.get(kind=CoordinationEventKind.POSTPONED)
    assert (event.previous_date, event.new_date, event.reason, event.party) == (
        CROSSING_DATE,
        NEXT_DATE,
        "crossing closed for the day",
        plan.authority,
    )
    audit = last_audit(batch)
    assert (audit.action, audit.data["from_date"], audit.data["to_date"]) == (
        "batch.postponed",
        CROSSING_DATE.isoformat(),
        NEXT_DATE.isoformat(),
    )


def test_postponing_keeps_members_in_seat_order(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case(companions=2), plan.case(companions=1))
    before = [(m.seat, m.person_id, m.role) for m in _members(batch)]

    services.postpone_batch(
        batch, NEXT_DATE, party=plan.authority, actor=coordinator, no_reason_given=True
    )

    assert [(m.seat, m.person_id, m.role) for m in _members(batch)] == before


def test_a_batch_is_only_postponed_to_a_later_date(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case())

    with pytest.raises(DomainError, match="later date than 2026-02-10"):
        services.postpone_batch(
            batch, CROSSING_DATE, party=plan.authority, actor=coordinator, reason="x"
        )


def test_a_batch_is_not_postponed_to_a_day_missing_from_the_calendar(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.confirmed(plan.case())

    with pytest.raises(CrossingDayClosed):
        services.postpone_batch(
            batch, NEXT_DATE, party=plan.authority, actor=coordinator, reason="x"
        )

    batch.refresh_from_db()
    assert (batch.status, batch.planned_date) == (BatchStatus.CONFIRMED, CROSSING_DATE)


def test_a_draft_batch_is_not_postponed(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    batch = plan.batch(plan.case())

    with pytest.raises(TransitionNotAllowed, match="'draft'"):
        services.postpone_batch(
            batch, NEXT_DATE, party=plan.authority, actor=coordinator, reason="x"
        )


def test_a_postponed_batch_is_confirmed_only_after_clearances_are_reconfirmed(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case(companions=1))
    services.postpone_batch(batch, NEXT_DATE, party=plan.authority, actor=coordinator, reason="x")

    with pytest.raises(NotCleared, match="re-confirmed"):
        plan.confirm(batch)

    plan.clear_everyone(batch)
    plan.confirm(batch)

    assert batch.status == BatchStatus.CONFIRMED
    assert not batch.members.filter(needs_reconfirmation=True).exists()
    assert services.seats_taken(plan.crossing, NEXT_DATE, Direction.OUT) == 2
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 0
    assert _events(batch)[-2:] == [CoordinationEventKind.POSTPONED, CoordinationEventKind.CONFIRMED]


def test_a_member_awaiting_reconfirmation_cannot_cross(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case())
    services.postpone_batch(batch, NEXT_DATE, party=plan.authority, actor=coordinator, reason="x")
    BatchMember.objects.filter(batch=batch).update(clearance=Clearance.CLEARED)
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.CONFIRMED)

    with pytest.raises(NotCleared):
        services.mark_member_crossed(_patient(batch), actor=coordinator, at=at_local(NEXT_DATE, 11))


# At the crossing


def test_a_cleared_patient_crosses_on_an_open_day(plan: Planner, coordinator: User) -> None:
    case = plan.case(companions=1)
    batch = plan.confirmed(case)
    patient = _patient(batch)

    services.mark_member_crossed(patient, actor=coordinator, at=CROSSING_TIME)

    patient.refresh_from_db()
    assert (patient.active, patient.outcome, patient.outcome_at) == (
        False,
        Outcome.CROSSED,
        CROSSING_TIME,
    )
    movement = Movement.objects.get(person=case.patient)
    assert (
        movement.crossing,
        movement.direction,
        movement.date,
        movement.at,
        movement.batch,
        movement.outcome,
        movement.recorded_by,
    ) == (
        plan.crossing,
        Direction.OUT,
        CROSSING_DATE,
        CROSSING_TIME,
        batch,
        MovementOutcome.CROSSED,
        coordinator,
    )
    assert last_audit(movement).action == "movement.crossed"
    case.refresh_from_db()
    assert case.status == CaseStatus.CROSSED
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CROSSED
    assert audit_actions(batch)[-2:] == ["batch.departed", "batch.crossed"]
    # A person who crossed keeps the seat they used.
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 2


def test_a_companion_crosses_after_their_patient(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case(companions=1))
    services.mark_member_crossed(_patient(batch), actor=coordinator, at=CROSSING_TIME)

    companion = services.mark_member_crossed(_companion(batch), actor=coordinator, at=CROSSING_TIME)

    assert companion.outcome == Outcome.CROSSED
    assert Movement.objects.filter(batch=batch, outcome=MovementOutcome.CROSSED).count() == 2


def test_a_companion_cannot_cross_before_their_patient(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case(companions=1))

    with pytest.raises(DomainError, match="cannot cross before or without their patient"):
        services.mark_member_crossed(_companion(batch), actor=coordinator, at=CROSSING_TIME)

    assert _companion(batch).active
    assert not Movement.objects.exists()


def test_nobody_crosses_on_a_closed_day(
    plan: Planner, coordinator: User, crossing_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case())
    crossing_day.status = DayStatus.CLOSED
    crossing_day.save()

    with pytest.raises(CrossingDayClosed):
        services.mark_member_crossed(_patient(batch), actor=coordinator, at=CROSSING_TIME)

    assert _patient(batch).active
    assert not Movement.objects.exists()


def test_nobody_crosses_without_clearance(plan: Planner, coordinator: User) -> None:
    batch = plan.submitted(plan.case(companions=1))
    services.record_clearance(
        _companion(batch), Clearance.CLEARED, party=plan.authority, actor=coordinator
    )
    plan.confirm(batch)

    with pytest.raises(NotCleared, match="is not cleared"):
        services.mark_member_crossed(_patient(batch), actor=coordinator, at=CROSSING_TIME)

    assert not Movement.objects.exists()


def test_nobody_crosses_from_a_batch_without_confirmed_coordination(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.cleared(plan.case())

    with pytest.raises(TransitionNotAllowed, match="'cleared'"):
        services.mark_member_crossed(_patient(batch), actor=coordinator, at=CROSSING_TIME)


def test_when_the_patient_dies_the_companions_place_ends_too(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=1)
    batch = plan.confirmed(case)

    case_services.record_death(case, actor=coordinator)

    companion = _companion(batch)
    assert (companion.active, companion.outcome) == (False, Outcome.WITHDRAWN)
    assert _patient(batch).outcome == Outcome.DIED
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 0
    with pytest.raises(DomainError, match="no longer on this batch"):
        services.mark_member_crossed(companion, actor=coordinator, at=CROSSING_TIME)


def test_a_patient_turned_back_is_logged_and_their_companions_released(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=1)
    batch = plan.confirmed(case)

    services.mark_member_turned_back(
        _patient(batch), actor=coordinator, reason="papers not accepted", at=CROSSING_TIME
    )

    movement = Movement.objects.get()
    assert (movement.person, movement.outcome, movement.note, movement.at) == (
        case.patient,
        MovementOutcome.TURNED_BACK,
        "papers not accepted",
        CROSSING_TIME,
    )
    assert last_audit(movement).action == "movement.turned_back"
    assert [(m.active, m.outcome) for m in _members(batch)] == [
        (False, Outcome.TURNED_BACK),
        (False, Outcome.WITHDRAWN),
    ]
    case.refresh_from_db()
    assert (case.status, case.status_reason) == (CaseStatus.TURNED_BACK, "papers not accepted")

    # Back on the waiting list, the case can be listed again with its companion.
    case_services.requeue_case(case, actor=coordinator, reason="turned back")
    again = plan.batch(case)
    assert again.members.count() == 2


def test_a_patient_who_does_not_come_is_requeued_with_their_companions_released(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=1)
    batch = plan.confirmed(case)

    services.mark_member_no_show(_patient(batch), actor=coordinator, at=CROSSING_TIME)

    assert [(m.active, m.outcome) for m in _members(batch)] == [
        (False, Outcome.NO_SHOW),
        (False, Outcome.WITHDRAWN),
    ]
    case.refresh_from_db()
    assert (case.status, case.status_reason) == (CaseStatus.REQUEUED, "did not come")
    assert plan.batch(case).members.count() == 2


def test_checking_in_records_the_arrival_once(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case())
    arrived = at_local(CROSSING_DATE, 6)

    services.check_in_member(_patient(batch), actor=coordinator, at=arrived)
    member = services.check_in_member(_patient(batch), actor=coordinator)

    assert member.checked_in_at == arrived
    assert audit_actions(member).count("member.checked_in") == 1


def test_checking_in_audits_the_batch_the_clearance_and_how_the_person_was_named(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.confirmed(plan.case())

    member = services.check_in_member(_patient(batch), actor=coordinator, via="code")

    event = last_audit(member)
    assert (event.action, event.actor, event.data) == (
        "member.checked_in",
        coordinator,
        {"batch": batch.pk, "cleared": True, "clearance": Clearance.CLEARED, "via": "code"},
    )


def test_a_person_not_cleared_is_checked_in_only_once_the_officer_saw_the_warning(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.submitted(plan.case())

    with pytest.raises(NotCleared, match="not cleared to travel \\(Not yet answered\\)"):
        services.check_in_member(_patient(batch), actor=coordinator)
    assert _patient(batch).checked_in_at is None
    assert "member.checked_in" not in audit_actions(_patient(batch))

    member = services.check_in_member(_patient(batch), actor=coordinator, uncleared_ok=True)

    assert member.checked_in_at is not None
    assert last_audit(member).data["cleared"] is False


def test_a_clearance_awaiting_reconfirmation_is_not_cleared_for_check_in(
    plan: Planner, coordinator: User, next_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case())
    services.postpone_batch(
        batch, NEXT_DATE, party=plan.authority, actor=coordinator, no_reason_given=True
    )

    with pytest.raises(NotCleared, match="re-confirmed"):
        services.check_in_member(_patient(batch), actor=coordinator)


@pytest.mark.parametrize("stage", ["draft", "departed"])
def test_nobody_is_checked_in_to_a_batch_not_yet_sent_or_already_gone(
    plan: Planner, coordinator: User, stage: str
) -> None:
    case = plan.case()
    if stage == "draft":
        batch = plan.batch(case)
    else:
        batch = services.depart_batch(plan.confirmed(case), actor=coordinator, at=CROSSING_TIME)

    with pytest.raises(DomainError, match="nobody can be checked in"):
        services.check_in_member(_patient(batch), actor=coordinator, uncleared_ok=True)
    assert _patient(batch).checked_in_at is None


def test_someone_whose_place_ended_is_not_checked_in(plan: Planner, coordinator: User) -> None:
    batch = plan.submitted(plan.case())
    services.record_clearance(
        _patient(batch), Clearance.REFUSED, party=plan.authority, actor=coordinator
    )

    with pytest.raises(DomainError, match="no longer on this batch \\(Refused clearance\\)"):
        services.check_in_member(_patient(batch), actor=coordinator, uncleared_ok=True)


def test_a_batch_departs_only_on_an_open_day(
    plan: Planner, coordinator: User, crossing_day: CrossingDay
) -> None:
    batch = plan.confirmed(plan.case())
    crossing_day.status = DayStatus.CLOSED
    crossing_day.save()

    with pytest.raises(CrossingDayClosed):
        services.depart_batch(batch, actor=coordinator)

    crossing_day.status = DayStatus.RESTRICTED
    crossing_day.save()
    services.depart_batch(batch, actor=coordinator, at=CROSSING_TIME)

    assert batch.status == BatchStatus.DEPARTED
    assert last_audit(batch).action == "batch.departed"


# Closing


def test_a_batch_closes_only_once_everyone_on_it_has_an_outcome(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.confirmed(plan.case(companions=1))
    services.mark_member_crossed(_patient(batch), actor=coordinator, at=CROSSING_TIME)
    waiting = _companion(batch)

    with pytest.raises(DomainError, match="1 people without an outcome") as raised:
        services.close_batch(batch, actor=coordinator)
    assert waiting.person.name_ar in str(raised.value)

    services.mark_member_crossed(waiting, actor=coordinator, at=CROSSING_TIME)
    services.close_batch(batch, actor=coordinator)

    assert batch.status == BatchStatus.CLOSED
    assert last_audit(batch).action == "batch.closed"


def test_a_cancelled_batch_closes_once_its_people_are_released(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.confirmed(plan.case(companions=1))
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, reason="closure")
    with pytest.raises(DomainError, match="without an outcome"):
        services.close_batch(batch, actor=coordinator)

    for member in _members(batch):
        services.end_membership(member, Outcome.WITHDRAWN, actor=coordinator)
    services.close_batch(batch, actor=coordinator)

    assert batch.status == BatchStatus.CLOSED


def test_a_crossing_is_not_recorded_by_ending_a_membership(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.confirmed(plan.case())

    with pytest.raises(DomainError, match="mark_member_crossed"):
        services.end_membership(_patient(batch), Outcome.CROSSED, actor=coordinator)


def test_nothing_is_deleted_by_cancelling_withdrawing_refusing_or_dying(
    plan: Planner, coordinator: User
) -> None:
    dies, withdraws, refused = (plan.case(companions=1) for _ in range(3))
    batch = plan.confirmed(dies, withdraws, refused)
    counts_before = (
        Case.objects.count(),
        Companion.objects.count(),
        BatchMember.objects.count(),
        Batch.objects.count(),
    )

    case_services.record_death(dies, actor=coordinator)
    case_services.withdraw_case(withdraws, actor=coordinator, reason="changed their mind")
    services.record_clearance(
        batch.members.get(case=refused, role=MemberRole.PATIENT),
        Clearance.REFUSED,
        party=plan.authority,
        actor=coordinator,
    )
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, no_reason_given=True)

    assert (
        Case.objects.count(),
        Companion.objects.count(),
        BatchMember.objects.count(),
        Batch.objects.count(),
    ) == counts_before
    assert not batch.members.filter(active=True).exists()
    assert {c.status for c in Case.objects.all()} == {
        CaseStatus.DIED,
        CaseStatus.WITHDRAWN,
        CaseStatus.REQUEUED,
    }


# Returnees


def test_a_returnee_is_listed_cleared_and_crosses_in(
    crossing: Crossing, crossing_day: CrossingDay, coordinator: User, crossing_authority: Party
) -> None:
    EligibilityRuleFactory()
    registration = return_services.decide_eligibility(
        ReturnRegistrationFactory(), actor=coordinator
    )
    batch = services.create_batch(
        crossing, Direction.IN, CROSSING_DATE, actor=coordinator, kind="return", at=PLANNING_TIME
    )

    member = services.add_returnee_to_batch(batch, registration, actor=coordinator)
    services.submit_batch(batch, party=crossing_authority, actor=coordinator, at=PLANNING_TIME)
    services.record_clearance(
        member, Clearance.CLEARED, party=crossing_authority, actor=coordinator
    )
    services.confirm_batch(batch, party=crossing_authority, actor=coordinator)
    services.mark_member_crossed(member, actor=coordinator, at=CROSSING_TIME)

    registration.refresh_from_db()
    assert registration.status == ReturnStatus.CROSSED
    assert Movement.objects.get().direction == Direction.IN
    assert services.seats_taken(crossing, CROSSING_DATE, Direction.IN) == 1


def test_an_evacuation_batch_does_not_carry_returnees(plan: Planner, coordinator: User) -> None:
    EligibilityRuleFactory()
    registration = return_services.decide_eligibility(
        ReturnRegistrationFactory(), actor=coordinator
    )

    with pytest.raises(DomainError, match="Only return batches"):
        services.add_returnee_to_batch(plan.batch(), registration, actor=coordinator)


def test_companions_do_not_count_against_a_quota_that_counts_patients_only(
    plan: Planner, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out = 2
    crossing_day.companions_count_in_quota = False
    crossing_day.save()
    plan.confirmed(plan.case(companions=2))

    second = plan.confirmed(plan.case(companions=1))

    assert second.status == BatchStatus.CONFIRMED
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 5
    assert (
        services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT, count_companions=False)
        == 2
    )
    with pytest.raises(QuotaExceeded):
        plan.confirmed(plan.case())


def test_a_batch_cannot_be_postponed_to_a_closed_day(
    plan: Planner, coordinator: User, crossing: Crossing
) -> None:
    closed = CrossingDayFactory(crossing=crossing, date=NEXT_DATE, status="closed")
    batch = plan.confirmed(plan.case())
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, no_reason_given=True)

    with pytest.raises(CrossingDayClosed, match="closed on"):
        services.postpone_batch(
            batch, closed.date, party=plan.coordinating_party, actor=coordinator, reason="x"
        )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    assert batch.planned_date == CROSSING_DATE


def test_a_child_never_crosses_without_a_cleared_adult_companion(
    plan: Planner, coordinator: User
) -> None:
    child = PersonFactory(date_of_birth=CROSSING_DATE - datetime.timedelta(days=365 * 7))
    case = plan.case(patient=child)
    CompanionFactory(case=case, person=PersonFactory(date_of_birth=datetime.date(1988, 1, 1)))
    batch = plan.submitted(case)
    services.record_clearance(
        _patient(batch), Clearance.CLEARED, party=plan.authority, actor=coordinator
    )
    services.record_clearance(
        _companion(batch), Clearance.REFUSED, party=plan.authority, actor=coordinator
    )
    plan.confirm(batch)

    with pytest.raises(DomainError, match="is a child and cannot cross without a cleared adult"):
        services.mark_member_crossed(
            _patient(batch), actor=coordinator, at=at_local(CROSSING_DATE, 10)
        )
    assert not Movement.objects.exists()


def test_a_child_with_a_cleared_adult_companion_crosses(plan: Planner, coordinator: User) -> None:
    child = PersonFactory(date_of_birth=CROSSING_DATE - datetime.timedelta(days=365 * 7))
    case = plan.case(patient=child)
    CompanionFactory(case=case, person=PersonFactory(date_of_birth=datetime.date(1988, 1, 1)))
    batch = plan.confirmed(case)

    services.mark_member_crossed(_patient(batch), actor=coordinator, at=at_local(CROSSING_DATE, 10))
    services.mark_member_crossed(
        _companion(batch), actor=coordinator, at=at_local(CROSSING_DATE, 10, 5)
    )

    assert Movement.objects.count() == 2


def test_the_admin_cannot_lower_a_quota_below_the_seats_confirmed(
    plan: Planner, crossing_day: CrossingDay
) -> None:
    from corridor.crossings.admin import CrossingDayForm

    plan.confirmed(plan.case(companions=2))
    data = {
        "crossing": crossing_day.crossing_id,
        "date": crossing_day.date,
        "status": "open",
        "quota_out": 2,
        "quota_in": 10,
        "quota_source": "",
        "notes": "",
    }
    form = CrossingDayForm(data, instance=crossing_day)
    assert not form.is_valid()
    assert "3 people are already confirmed" in str(form.errors["quota_out"])
    form = CrossingDayForm({**data, "quota_out": 3}, instance=crossing_day)
    assert form.is_valid(), form.errors


def test_stopping_a_batch_twice_records_the_decision_once(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case())
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, no_reason_given=True)
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, no_reason_given=True)

    assert _events(batch).count("cancelled") == 1
    assert batch.status == BatchStatus.CANCELLED


def test_a_postponed_batch_can_be_postponed_again(
    plan: Planner, coordinator: User, crossing: Crossing
) -> None:
    later = CrossingDayFactory(crossing=crossing, date=NEXT_DATE + datetime.timedelta(days=1))
    CrossingDayFactory(crossing=crossing, date=NEXT_DATE)
    batch = plan.confirmed(plan.case())
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, no_reason_given=True)
    services.postpone_batch(
        batch, NEXT_DATE, party=plan.coordinating_party, actor=coordinator, reason="Thursday"
    )
    services.postpone_batch(
        batch, NEXT_DATE, party=plan.coordinating_party, actor=coordinator, reason="Thursday"
    )
    services.postpone_batch(
        batch, later.date, party=plan.coordinating_party, actor=coordinator, no_reason_given=True
    )

    assert batch.planned_date == later.date
    assert batch.first_planned_date == CROSSING_DATE
    assert _events(batch).count("postponed") == 2


def test_releasing_a_cancelled_batch_requeues_its_cases_with_a_bump(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=1)
    batch = plan.confirmed(case)
    services.cancel_batch(batch, party=plan.authority, actor=coordinator, no_reason_given=True)

    services.release_cancelled_batch(batch, actor=coordinator)

    case.refresh_from_db()
    assert batch.status == BatchStatus.CLOSED
    assert (case.status, case.bump_count) == (CaseStatus.REQUEUED, 1)
    assert not batch.members.filter(active=True).exists()
    assert set(batch.members.values_list("outcome", flat=True)) == {"withdrawn"}
    # the people can be listed again
    again = plan.batch(case)
    assert again.members.count() == 2


def test_several_answers_are_recorded_in_seat_order_all_or_none(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.submitted(plan.case(companions=1), plan.case())
    patient, companion, other = batch.members.order_by("seat")

    outcome = services.record_clearances(
        batch,
        {other.pk: Clearance.CLEARED, companion.pk: Clearance.CLEARED, patient.pk: "refused"},
        party=plan.authority,
        actor=coordinator,
    )

    assert [m.pk for m in outcome.recorded] == [patient.pk, other.pk]
    assert [m.pk for m in outcome.left] == [companion.pk]  # left with the refused patient
    companion.refresh_from_db()
    assert (companion.outcome, companion.clearance) == (Outcome.WITHDRAWN, Clearance.PENDING)
    again = services.record_clearances(
        batch, {other.pk: Clearance.CLEARED}, party=plan.authority, actor=coordinator
    )
    assert [m.pk for m in again.unchanged] == [other.pk] and not again.recorded
    # An answer for someone no longer on the batch refuses the whole call: nothing is written.
    fresh = plan.submitted(plan.case(), plan.case())
    first, second = fresh.members.order_by("seat")
    services.end_membership(second, Outcome.WITHDRAWN, actor=coordinator)
    with pytest.raises(DomainError, match="no longer on this batch"):
        services.record_clearances(
            fresh,
            {first.pk: Clearance.CLEARED, second.pk: Clearance.CLEARED},
            party=plan.authority,
            actor=coordinator,
        )
    first.refresh_from_db()
    assert first.clearance == Clearance.PENDING
    with pytest.raises(DomainError, match="not on batch"):
        services.record_clearances(
            fresh, {other.pk: Clearance.CLEARED}, party=plan.authority, actor=coordinator
        )


def test_nobody_is_marked_crossed_ahead_of_the_batchs_day(plan: Planner, coordinator: User) -> None:
    batch = plan.confirmed(plan.case())
    the_day_before = at_local(CROSSING_DATE - datetime.timedelta(days=1), 11)

    with pytest.raises(DomainError, match="travels on 2026-02-10"):
        services.mark_member_crossed(_patient(batch), actor=coordinator, at=the_day_before)
    assert not Movement.objects.exists()
