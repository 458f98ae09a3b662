from __future__ import annotations

import datetime

import pytest

from corridor.accounts.models import Party, User
from corridor.exceptions import DomainError, TransitionNotAllowed
from corridor.returns import services
from corridor.returns.models import EligibilityRule, ReturnRegistration, ReturnStatus
from tests.factories import (
    EligibilityRuleFactory,
    GovernorateFactory,
    PersonFactory,
    ReturnRegistrationFactory,
)
from tests.helpers import CROSSING_DATE, at_local, last_audit, utc_moment_on_local_date

CUTOFF = datetime.date(2023, 10, 7)


@pytest.fixture
def rule(db: None) -> EligibilityRule:
    return EligibilityRuleFactory(
        code="gaza-after-oct-2023", residence_territory="gaza-strip", left_on_or_after=CUTOFF
    )


def _registration(
    left_on: datetime.date, territory: str | None = "gaza-strip"
) -> ReturnRegistration:
    residence = GovernorateFactory(territory=territory) if territory else None
    return ReturnRegistrationFactory(
        person=PersonFactory(residence=residence), departure_date=left_on
    )


def test_registering_a_return_is_audited(coordinator: User, who: Party) -> None:
    person = PersonFactory()
    registered_at = at_local(CROSSING_DATE, 12)

    registration = services.register_return(
        person,
        registered_with=who,
        current_location="Cairo",
        departure_date=datetime.date(2024, 1, 5),
        actor=coordinator,
        at=registered_at,
    )

    assert registration.status == ReturnStatus.REGISTERED
    assert (registration.registered_on, registration.status_changed_at) == (
        CROSSING_DATE,
        registered_at,
    )
    assert last_audit(registration).action == "return.registered"


def test_the_registration_date_defaults_to_the_local_date(coordinator: User, who: Party) -> None:
    registered_at = utc_moment_on_local_date(CROSSING_DATE)

    registration = services.register_return(
        PersonFactory(),
        registered_with=who,
        current_location="Cairo",
        departure_date=datetime.date(2024, 1, 5),
        actor=coordinator,
        at=registered_at,
    )

    assert registration.registered_on == CROSSING_DATE


def test_a_gaza_resident_who_left_after_the_cutoff_is_eligible(
    rule: EligibilityRule, coordinator: User
) -> None:
    registration = _registration(CUTOFF + datetime.timedelta(days=100))

    services.decide_eligibility(registration, actor=coordinator)

    assert registration.status == ReturnStatus.ELIGIBLE
    assert registration.eligibility_rule == rule
    assert "gaza-after-oct-2023" in registration.eligibility_reason
    event = last_audit(registration)
    assert (event.action, event.data["from"]) == ("return.eligible", ReturnStatus.REGISTERED)
    assert ReturnRegistration.objects.eligible().get() == registration


def test_leaving_on_the_cutoff_day_counts_as_after(
    rule: EligibilityRule, coordinator: User
) -> None:
    registration = _registration(CUTOFF)

    services.decide_eligibility(registration, actor=coordinator)

    assert registration.status == ReturnStatus.ELIGIBLE


def test_a_resident_who_left_before_the_cutoff_is_ineligible_by_the_rule(
    rule: EligibilityRule, coordinator: User
) -> None:
    registration = _registration(CUTOFF - datetime.timedelta(days=1))

    services.decide_eligibility(registration, actor=coordinator)

    assert registration.status == ReturnStatus.INELIGIBLE
    assert registration.eligibility_reason == (
        "left on 2023-10-06, before 2023-10-07 (rule gaza-after-oct-2023)"
    )
    assert last_audit(registration).action == "return.ineligible"


@pytest.mark.parametrize("territory", ["west-bank", None])
def test_a_non_resident_is_ineligible(
    rule: EligibilityRule, coordinator: User, territory: str | None
) -> None:
    registration = _registration(CUTOFF + datetime.timedelta(days=100), territory=territory)

    services.decide_eligibility(registration, actor=coordinator)

    assert registration.status == ReturnStatus.INELIGIBLE
    assert "not a resident of gaza-strip" in registration.eligibility_reason


def test_the_rule_is_data_so_changing_it_changes_the_decision(
    rule: EligibilityRule, coordinator: User
) -> None:
    registration = _registration(datetime.date(2024, 3, 1))
    services.decide_eligibility(registration, actor=coordinator)
    assert registration.status == ReturnStatus.ELIGIBLE

    rule.left_on_or_after = datetime.date(2024, 6, 1)
    rule.save()
    services.decide_eligibility(registration, actor=coordinator)

    assert registration.status == ReturnStatus.INELIGIBLE
    assert "before 2024-06-01" in registration.eligibility_reason


def test_an_inactive_rule_is_not_in_force(rule: EligibilityRule, coordinator: User) -> None:
    rule.active = False
    rule.save()

    with pytest.raises(DomainError, match="No eligibility rule is in force"):
        services.decide_eligibility(_registration(CUTOFF), actor=coordinator)


def test_no_rule_in_force_means_no_decision(db: None, coordinator: User) -> None:
    registration = _registration(CUTOFF)

    with pytest.raises(DomainError, match="No eligibility rule is in force"):
        services.decide_eligibility(registration, actor=coordinator)

    registration.refresh_from_db()
    assert registration.status == ReturnStatus.REGISTERED


def test_a_rule_may_be_given_instead_of_the_one_in_force(
    rule: EligibilityRule, coordinator: User
) -> None:
    strict = EligibilityRuleFactory(active=False, left_on_or_after=datetime.date(2025, 1, 1))
    registration = _registration(datetime.date(2024, 3, 1))

    services.decide_eligibility(registration, actor=coordinator, rule=strict)

    assert (registration.status, registration.eligibility_rule) == (
        ReturnStatus.INELIGIBLE,
        strict,
    )


def test_only_eligible_returnees_are_listed(rule: EligibilityRule, coordinator: User) -> None:
    registration = _registration(CUTOFF - datetime.timedelta(days=1))
    services.decide_eligibility(registration, actor=coordinator)

    with pytest.raises(TransitionNotAllowed, match="'ineligible'"):
        services.mark_listed(registration, actor=coordinator)


def test_a_refused_returnee_stays_eligible(rule: EligibilityRule, coordinator: User) -> None:
    registration = _registration(CUTOFF)
    services.decide_eligibility(registration, actor=coordinator)
    services.mark_listed(registration, actor=coordinator)

    services.mark_refused(registration, actor=coordinator)

    assert registration.status == ReturnStatus.ELIGIBLE
    assert last_audit(registration).data == {
        "from": ReturnStatus.LISTED,
        "to": ReturnStatus.ELIGIBLE,
    }


def test_a_call_with_an_unknown_outcome_is_refused(coordinator: User, who: Party) -> None:
    registration = ReturnRegistrationFactory(registered_with=who, status=ReturnStatus.LISTED)

    with pytest.raises(DomainError, match="not an outcome of a call"):
        services.record_call(registration, "voicemail", actor=coordinator)

    assert not registration.calls.exists()
