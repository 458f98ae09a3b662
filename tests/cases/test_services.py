from __future__ import annotations

import datetime

import pytest
from pytest_django import Settings

from corridor.accounts.models import Party, User
from corridor.cases import services
from corridor.cases.models import (
    Case,
    CaseStatus,
    CompanionStatus,
    DestinationOffer,
    OfferStatus,
    Relationship,
    UrgencyChange,
)
from corridor.crossings.models import BatchMember, Outcome
from corridor.exceptions import CompanionLimitReached, DomainError, TransitionNotAllowed
from tests.factories import CaseFactory, CompanionFactory, PersonFactory, UrgencyTierFactory
from tests.helpers import (
    CROSSING_DATE,
    PLANNING_TIME,
    at_local,
    audit_actions,
    last_audit,
    utc_moment_on_local_date,
)
from tests.journeys import Planner


@pytest.fixture
def registered_case(db: None) -> Case:
    return CaseFactory(status=CaseStatus.REGISTERED)


@pytest.fixture
def case_under_review(db: None) -> Case:
    return CaseFactory(status=CaseStatus.UNDER_REVIEW)


def test_starting_review_sends_a_registered_case_to_the_committee(
    registered_case: Case, coordinator: User
) -> None:
    services.start_review(registered_case, actor=coordinator)

    assert registered_case.status == CaseStatus.UNDER_REVIEW
    event = last_audit(registered_case)
    assert event.action == "case.under_review"
    assert event.data["from"] == CaseStatus.REGISTERED
    assert event.actor_id == coordinator.pk


def test_approving_records_who_approved_and_when(
    case_under_review: Case, coordinator: User
) -> None:
    services.approve_case(case_under_review, actor=coordinator, at=PLANNING_TIME)

    assert case_under_review.status == CaseStatus.APPROVED
    assert case_under_review.approved_by == coordinator
    assert case_under_review.approved_at == PLANNING_TIME
    assert case_under_review.status_changed_at == PLANNING_TIME
    assert audit_actions(case_under_review) == ["case.approved"]


def test_approving_with_an_urgency_sets_it_and_keeps_the_history(
    case_under_review: Case, coordinator: User
) -> None:
    before = case_under_review.urgency
    critical = UrgencyTierFactory(code="critical", rank=0)

    services.approve_case(case_under_review, actor=coordinator, urgency=critical)

    assert case_under_review.urgency == critical
    change = UrgencyChange.objects.get(case=case_under_review)
    assert (change.previous, change.new, change.changed_by) == (before, critical, coordinator)
    assert audit_actions(case_under_review) == ["case.urgency_changed", "case.approved"]


def test_rejecting_a_case_needs_a_reason(case_under_review: Case, coordinator: User) -> None:
    with pytest.raises(DomainError, match="reason is required"):
        services.reject_case(case_under_review, actor=coordinator, reason="  ")

    case_under_review.refresh_from_db()
    assert case_under_review.status == CaseStatus.UNDER_REVIEW
    assert audit_actions(case_under_review) == []


def test_rejecting_a_case_records_the_reason(case_under_review: Case, coordinator: User) -> None:
    services.reject_case(case_under_review, actor=coordinator, reason="treatable locally")

    assert case_under_review.status == CaseStatus.NOT_APPROVED
    assert case_under_review.status_reason == "treatable locally"
    event = last_audit(case_under_review)
    assert event.action == "case.not_approved"
    assert event.data["reason"] == "treatable locally"


def test_a_transition_from_the_wrong_state_names_the_current_state(
    registered_case: Case, coordinator: User
) -> None:
    with pytest.raises(TransitionNotAllowed) as raised:
        services.approve_case(registered_case, actor=coordinator)

    assert raised.value.current == CaseStatus.REGISTERED
    assert "'registered'" in str(raised.value)
    assert "under_review" in str(raised.value)
    registered_case.refresh_from_db()
    assert registered_case.status == CaseStatus.REGISTERED
    assert registered_case.approved_by is None


def test_a_transition_to_the_state_a_case_is_in_changes_nothing(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.UNDER_REVIEW)
    services.start_review(case, actor=coordinator)

    assert case.status == CaseStatus.UNDER_REVIEW
    assert audit_actions(case) == []


def test_changing_urgency_keeps_every_change_in_the_history(coordinator: User) -> None:
    case = CaseFactory()
    first, urgent, critical = case.urgency, UrgencyTierFactory(), UrgencyTierFactory()

    services.set_urgency(case, urgent, actor=coordinator, reason="worse")
    services.set_urgency(case, critical, actor=coordinator, reason="much worse")

    assert case.urgency == critical
    history = list(UrgencyChange.objects.filter(case=case).order_by("pk"))
    assert [(c.previous, c.new, c.reason) for c in history] == [
        (first, urgent, "worse"),
        (urgent, critical, "much worse"),
    ]
    assert audit_actions(case) == ["case.urgency_changed", "case.urgency_changed"]


def test_setting_the_urgency_a_case_has_changes_nothing(coordinator: User) -> None:
    case = CaseFactory()

    assert services.set_urgency(case, case.urgency, actor=coordinator) is None
    assert not UrgencyChange.objects.filter(case=case).exists()
    assert audit_actions(case) == []


def test_the_urgency_of_a_closed_case_cannot_change(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.WITHDRAWN)

    with pytest.raises(TransitionNotAllowed, match="'withdrawn'"):
        services.set_urgency(case, UrgencyTierFactory(), actor=coordinator)


def test_offering_a_case_opens_an_offer_to_the_receiving_party(
    coordinator: User, receiving_hospital: Party
) -> None:
    case = CaseFactory()

    offer = services.offer_case(case, receiving_hospital, actor=coordinator, on=CROSSING_DATE)

    case.refresh_from_db()
    assert case.status == CaseStatus.OFFERED
    assert (offer.status, offer.receiving_party, offer.offered_on) == (
        OfferStatus.OFFERED,
        receiving_hospital,
        CROSSING_DATE,
    )
    assert audit_actions(case) == ["case.offered"]
    assert audit_actions(offer) == ["offer.offered"]


def test_offering_a_case_twice_to_the_same_party_keeps_one_open_offer(
    coordinator: User, receiving_hospital: Party
) -> None:
    case = CaseFactory()

    first = services.offer_case(case, receiving_hospital, actor=coordinator)
    second = services.offer_case(case, receiving_hospital, actor=coordinator)

    assert first == second
    assert DestinationOffer.objects.filter(case=case).count() == 1


def test_accepting_an_offer_records_the_bed_date_and_accepts_the_case(
    coordinator: User, liaison: User, receiving_hospital: Party
) -> None:
    case = CaseFactory()
    offer = services.offer_case(case, receiving_hospital, actor=coordinator)
    bed_from = CROSSING_DATE + datetime.timedelta(days=3)

    offer = services.accept_offer(offer, actor=liaison, available_from=bed_from, on=CROSSING_DATE)

    case.refresh_from_db()
    assert (offer.status, offer.available_from, offer.answered_on) == (
        OfferStatus.ACCEPTED,
        bed_from,
        CROSSING_DATE,
    )
    assert case.status == CaseStatus.ACCEPTED
    assert audit_actions(offer) == ["offer.offered", "offer.accepted"]
    assert last_audit(case).action == "case.accepted"
    assert last_audit(offer).actor_id == liaison.pk


def test_declining_an_offer_keeps_the_case_on_the_waiting_list(
    coordinator: User, liaison: User, receiving_hospital: Party
) -> None:
    case = CaseFactory()
    offer = services.offer_case(case, receiving_hospital, actor=coordinator)

    offer = services.decline_offer(offer, actor=liaison, reason="no paediatric ICU bed")

    case.refresh_from_db()
    assert (offer.status, offer.note) == (OfferStatus.DECLINED, "no paediatric ICU bed")
    assert case in Case.objects.waiting()
    assert last_audit(offer).action == "offer.declined"


def test_a_declined_offer_cannot_then_be_accepted(
    coordinator: User, liaison: User, receiving_hospital: Party
) -> None:
    offer = services.offer_case(CaseFactory(), receiving_hospital, actor=coordinator)
    services.decline_offer(offer, actor=liaison)

    with pytest.raises(TransitionNotAllowed, match="'declined'"):
        services.accept_offer(offer, actor=liaison)


def test_companions_are_limited_to_the_configured_number(coordinator: User) -> None:
    case = CaseFactory()
    for _ in range(2):
        services.add_companion(
            case, PersonFactory(), relationship=Relationship.PARENT, actor=coordinator
        )

    with pytest.raises(CompanionLimitReached, match="already has 2 companions"):
        services.add_companion(
            case, PersonFactory(), relationship=Relationship.SIBLING, actor=coordinator
        )

    assert case.companions.count() == 2


def test_the_companion_limit_follows_the_setting(coordinator: User, settings: Settings) -> None:
    settings.CORRIDOR_MAX_COMPANIONS = 1
    case = CaseFactory()
    services.add_companion(case, PersonFactory(), relationship=Relationship.PARENT)

    with pytest.raises(CompanionLimitReached, match="already has 1 companions"):
        services.add_companion(case, PersonFactory(), relationship=Relationship.PARENT)


def test_proposing_a_companion_is_audited(coordinator: User) -> None:
    case = CaseFactory()

    companion = services.add_companion(
        case,
        PersonFactory(),
        relationship=Relationship.PARENT,
        is_guardian=True,
        actor=coordinator,
        at=PLANNING_TIME,
    )

    assert (companion.status, companion.is_guardian) == (CompanionStatus.PROPOSED, True)
    event = last_audit(companion)
    assert (event.action, event.data["case"]) == ("companion.proposed", case.reference)


def test_a_patient_cannot_be_their_own_companion(coordinator: User) -> None:
    case = CaseFactory()

    with pytest.raises(DomainError, match="own companion"):
        services.add_companion(case, case.patient, relationship=Relationship.OTHER)


def test_replacing_a_companion_keeps_within_the_limit(coordinator: User) -> None:
    case = CaseFactory()
    first, second = CompanionFactory(case=case), CompanionFactory(case=case)

    replacement = services.add_companion(
        case, PersonFactory(), relationship=Relationship.SIBLING, replaces=first, actor=coordinator
    )

    first.refresh_from_db()
    assert first.status == CompanionStatus.REPLACED
    assert replacement.replaces == first
    assert set(case.companions.filter(status=CompanionStatus.PROPOSED)) == {second, replacement}
    assert last_audit(first).action == "companion.replaced"


def test_replacing_a_refused_companion_still_respects_the_limit(coordinator: User) -> None:
    case = CaseFactory()
    refused = CompanionFactory(case=case, status=CompanionStatus.REFUSED)
    CompanionFactory(case=case)
    CompanionFactory(case=case)

    with pytest.raises(CompanionLimitReached):
        services.add_companion(
            case, PersonFactory(), relationship=Relationship.PARENT, replaces=refused
        )

    assert case.companions.filter(status=CompanionStatus.PROPOSED).count() == 2
    refused.refresh_from_db()
    assert refused.status == CompanionStatus.REFUSED


def test_a_companion_of_another_case_cannot_be_replaced(coordinator: User) -> None:
    case, other = CaseFactory(), CompanionFactory()

    with pytest.raises(DomainError, match="not a companion"):
        services.add_companion(
            case, PersonFactory(), relationship=Relationship.PARENT, replaces=other
        )

    other.refresh_from_db()
    assert other.status == CompanionStatus.PROPOSED


def test_confirming_and_refusing_companions_are_audited(coordinator: User) -> None:
    confirmed, refused = CompanionFactory(), CompanionFactory()

    services.confirm_companion(confirmed, actor=coordinator)
    services.refuse_companion(refused, actor=coordinator)

    assert (confirmed.status, refused.status) == (
        CompanionStatus.CONFIRMED,
        CompanionStatus.REFUSED,
    )
    assert last_audit(confirmed).action == "companion.confirmed"
    assert last_audit(refused).action == "companion.refused"


def test_a_refused_companion_cannot_be_confirmed(coordinator: User) -> None:
    companion = CompanionFactory(status=CompanionStatus.REFUSED)

    with pytest.raises(TransitionNotAllowed, match="'refused'"):
        services.confirm_companion(companion, actor=coordinator)


def test_a_patients_death_closes_the_case_and_releases_every_batch_place(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=2)
    batch = plan.submitted(case)
    died_at = at_local(CROSSING_DATE - datetime.timedelta(days=1), 14)

    services.record_death(case, actor=coordinator, at=died_at)

    assert Case.objects.filter(pk=case.pk).exists()
    assert case.status == CaseStatus.DIED
    assert case.status_changed_at == died_at
    assert case.status_reason == f"died on {died_at.date().isoformat()}"
    members = list(BatchMember.objects.filter(batch=batch).order_by("seat"))
    assert len(members) == 3
    assert not any(m.active for m in members)
    assert [m.outcome for m in members] == [Outcome.DIED, Outcome.WITHDRAWN, Outcome.WITHDRAWN]
    assert last_audit(case).action == "case.died"
    assert all(last_audit(m).action == "member.ended" for m in members)


def test_the_date_of_death_defaults_to_the_local_date(coordinator: User) -> None:
    case = CaseFactory()

    services.record_death(case, actor=coordinator, at=utc_moment_on_local_date(CROSSING_DATE))

    assert case.status_reason == f"died on {CROSSING_DATE.isoformat()}"


def test_withdrawing_a_case_keeps_it_and_releases_every_batch_place(
    plan: Planner, coordinator: User
) -> None:
    case = plan.case(companions=1)
    batch = plan.submitted(case)

    services.withdraw_case(case, actor=coordinator, reason="family decided to stay")

    assert Case.objects.filter(pk=case.pk, status=CaseStatus.WITHDRAWN).exists()
    assert case.status_reason == "family decided to stay"
    outcomes = list(BatchMember.objects.filter(batch=batch).values_list("active", "outcome"))
    assert outcomes == [(False, Outcome.WITHDRAWN), (False, Outcome.WITHDRAWN)]
    assert last_audit(case).action == "case.withdrawn"


def test_a_case_that_crossed_cannot_be_withdrawn_or_die_waiting(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.CROSSED)

    with pytest.raises(TransitionNotAllowed):
        services.withdraw_case(case, actor=coordinator, reason="late")
    with pytest.raises(TransitionNotAllowed):
        services.record_death(case, actor=coordinator)


def test_requeueing_a_bumped_case_counts_the_bump(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.LISTED)

    services.requeue_case(case, actor=coordinator, reason="batch cancelled", bumped=True)

    assert (case.status, case.bump_count) == (CaseStatus.REQUEUED, 1)
    event = last_audit(case)
    assert (event.action, event.data["reason"]) == ("case.requeued", "batch cancelled")


def test_requeueing_without_a_bump_leaves_the_count(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.TURNED_BACK)

    services.requeue_case(case, actor=coordinator, reason="turned back")

    assert (case.status, case.bump_count) == (CaseStatus.REQUEUED, 0)


def test_bumps_are_counted_from_the_stored_case_not_a_stale_copy(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.LISTED)
    stale = Case.objects.get(pk=case.pk)
    services.requeue_case(case, actor=coordinator, reason="first bump", bumped=True)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.LISTED)

    services.requeue_case(stale, actor=coordinator, reason="second bump", bumped=True)

    assert stale.bump_count == 2


def test_requeueing_a_requeued_case_changes_nothing(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.REQUEUED, bump_count=1)

    services.requeue_case(case, actor=coordinator, reason="again", bumped=True)

    assert case.bump_count == 1
    assert audit_actions(case) == []


def test_a_changed_condition_sends_a_waiting_case_back_to_review(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.ACCEPTED)

    services.request_re_review(case, actor=coordinator, reason="new scan")

    assert case.status == CaseStatus.UNDER_REVIEW
    assert last_audit(case).action == "case.re_review"


def test_a_listed_case_cannot_go_back_to_review(coordinator: User) -> None:
    case = CaseFactory(status=CaseStatus.LISTED)

    with pytest.raises(TransitionNotAllowed, match="'listed'"):
        services.request_re_review(case, actor=coordinator, reason="new scan")


def test_admission_abroad_closes_a_case_that_crossed(liaison: User) -> None:
    case = CaseFactory(status=CaseStatus.CROSSED)

    services.mark_admitted(case, actor=liaison)

    assert case.status == CaseStatus.ADMITTED
    assert case not in Case.objects.open()
    assert last_audit(case).action == "case.admitted"


def test_waiting_and_open_querysets_follow_the_status(db: None) -> None:
    waiting = CaseFactory(status=CaseStatus.REQUEUED)
    listed = CaseFactory(status=CaseStatus.LISTED)
    died = CaseFactory(status=CaseStatus.DIED)

    assert set(Case.objects.waiting()) == {waiting}
    assert set(Case.objects.open()) == {waiting, listed}
    assert died not in Case.objects.open()
