"""Lists for a date: who is put on a return batch, in which order, and what stops a list."""

from __future__ import annotations

import datetime

import pytest

from corridor.accounts.models import Party, PartyKind, User
from corridor.crossings import services as crossing_services
from corridor.crossings.models import (
    BatchKind,
    BatchStatus,
    Crossing,
    CrossingDay,
    DayStatus,
    Direction,
)
from corridor.exceptions import CrossingDayClosed, DomainError, QuotaExceeded
from corridor.returns import lists
from corridor.returns.models import ReturnRegistration, ReturnStatus
from tests.factories import (
    CaseFactory,
    CrossingDayFactory,
    PartyFactory,
    ReturnRegistrationFactory,
)
from tests.helpers import CROSSING_DATE

DAY = CROSSING_DATE


@pytest.fixture(autouse=True)
def _demo_clock(settings) -> None:
    settings.CORRIDOR_DEMO_DATE = DAY - datetime.timedelta(days=2)


@pytest.fixture
def embassy(db: None) -> Party:
    return PartyFactory(code="embassy", kind=PartyKind.EMBASSY)


@pytest.fixture
def day(crossing: Crossing) -> CrossingDay:
    return CrossingDayFactory(crossing=crossing, date=DAY, quota_in=4)


def _eligible(embassy: Party, registered_on: datetime.date, **fields: object) -> ReturnRegistration:
    return ReturnRegistrationFactory(
        registered_with=embassy,
        registered_on=registered_on,
        status=ReturnStatus.ELIGIBLE,
        **fields,
    )


def test_someone_already_travelling_as_a_patient_is_passed_over(
    embassy: Party, crossing: Crossing, day: CrossingDay, coordinator: User
) -> None:
    patient_case = CaseFactory()
    first = _eligible(embassy, datetime.date(2025, 11, 1), person=patient_case.patient)
    second = _eligible(embassy, datetime.date(2025, 11, 2))
    batch = crossing_services.create_batch(crossing, Direction.OUT, DAY, actor=coordinator)
    crossing_services.add_case_to_batch(batch, patient_case, actor=coordinator)

    built = lists.build_return_list(
        crossing, DAY, registered_with=embassy, count=2, actor=coordinator
    )

    assert [m.return_registration_id for m in built.members] == [second.pk]
    first.refresh_from_db()
    assert first.status == ReturnStatus.ELIGIBLE


def test_a_cancelled_batch_frees_its_seats_and_a_postponed_one_keeps_them_on_its_new_date(
    embassy: Party, crossing: Crossing, day: CrossingDay, coordinator: User
) -> None:
    for index in range(6):
        _eligible(embassy, datetime.date(2025, 11, 1) + datetime.timedelta(days=index))
    lists.build_return_list(crossing, DAY, registered_with=embassy, count=3, actor=coordinator)
    assert lists.seats_listed(crossing, DAY) == 3

    cancelled = lists.return_batches_on(crossing, DAY).get()
    type(cancelled).objects.filter(pk=cancelled.pk).update(status=BatchStatus.CANCELLED)

    assert lists.seats_listed(crossing, DAY) == 0
    type(cancelled).objects.filter(pk=cancelled.pk).update(status=BatchStatus.POSTPONED)
    assert lists.seats_listed(crossing, DAY) == 3


def test_a_closed_day_or_a_crossing_without_arrivals_lists_no_one(
    embassy: Party, crossing: Crossing, day: CrossingDay, coordinator: User
) -> None:
    _eligible(embassy, datetime.date(2025, 11, 1))
    CrossingDay.objects.filter(pk=day.pk).update(status=DayStatus.CLOSED)

    with pytest.raises(CrossingDayClosed):
        lists.build_return_list(crossing, DAY, registered_with=embassy, count=1, actor=None)
    Crossing.objects.filter(pk=crossing.pk).update(allows_in=False)
    crossing.refresh_from_db()
    with pytest.raises(DomainError, match="does not allow arrivals"):
        lists.build_return_list(crossing, DAY, registered_with=embassy, count=1, actor=None)
    assert not ReturnRegistration.objects.filter(status=ReturnStatus.LISTED).exists()


def test_a_full_day_and_a_party_with_no_one_waiting_are_told_apart(
    embassy: Party, crossing: Crossing, day: CrossingDay, coordinator: User
) -> None:
    with pytest.raises(DomainError, match="No eligible returnee"):
        lists.build_return_list(crossing, DAY, registered_with=embassy, count=1, actor=None)
    for index in range(4):
        _eligible(embassy, datetime.date(2025, 11, 1) + datetime.timedelta(days=index))
    lists.build_return_list(crossing, DAY, registered_with=embassy, count=9, actor=None)
    _eligible(embassy, datetime.date(2025, 12, 1))

    with pytest.raises(QuotaExceeded, match="quota is 4 and 4 people are already listed"):
        lists.build_return_list(crossing, DAY, registered_with=embassy, count=1, actor=None)
    batch = lists.return_batches_on(crossing, DAY).get()
    assert (batch.kind, batch.members.count()) == (BatchKind.RETURN, 4)
