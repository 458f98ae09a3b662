"""Two coordinators acting at the same moment, each through their own database connection.

Only PostgreSQL can show this: SQLite takes the write lock at BEGIN, so its writers never overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from corridor.accounts.models import User
from corridor.cases import services as case_services
from corridor.cases.models import Case
from corridor.crossings import services
from corridor.crossings.models import Batch, BatchMember, BatchStatus, CrossingDay, Direction
from corridor.exceptions import AlreadyOnActiveBatch, QuotaExceeded
from tests.factories import CompanionFactory, PersonFactory
from tests.helpers import CROSSING_DATE, CROSSING_TIME, PLANNING_TIME, audit_actions
from tests.journeys import Planner

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            f"concurrency needs PostgreSQL's row locks; this run uses {connection.vendor} "
            "(set CORRIDOR_DATABASE_URL to a PostgreSQL database)"
        )


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` at once, one thread and one connection each; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                results[index] = call()
        except Exception as exc:  # the test inspects what each call raised
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a racing call never finished"
    return results


def _confirm(plan: Planner, batch: Batch) -> Callable[[], Batch]:
    return lambda: services.confirm_batch(
        Batch.objects.get(pk=batch.pk), party=plan.authority, actor=plan.coordinator
    )


def test_two_confirmations_at_once_never_exceed_the_quota(
    plan: Planner, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out = 3
    crossing_day.save()
    first = plan.cleared(plan.case(companions=1))
    second = plan.cleared(plan.case(companions=1))

    results = _race(_confirm(plan, first), _confirm(plan, second))

    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    confirmed = [r for r in results if isinstance(r, Batch)]
    assert (len(confirmed), len(refused)) == (1, 1), results
    assert "over the quota of 3" in str(refused[0])
    assert Batch.objects.filter(status=BatchStatus.CONFIRMED).count() == 1
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 2


def test_two_confirmations_at_once_that_fit_together_both_succeed(
    plan: Planner, crossing_day: CrossingDay
) -> None:
    crossing_day.quota_out = 4
    crossing_day.save()
    first = plan.cleared(plan.case(companions=1))
    second = plan.cleared(plan.case(companions=1))

    results = _race(_confirm(plan, first), _confirm(plan, second))

    assert all(isinstance(r, Batch) for r in results), results
    assert services.seats_taken(plan.crossing, CROSSING_DATE, Direction.OUT) == 4


def _add(plan: Planner, batch: Batch, case_pk: int) -> Callable[[], object]:
    return lambda: services.add_case_to_batch(
        Batch.objects.get(pk=batch.pk), Case.objects.get(pk=case_pk), actor=plan.coordinator
    )


def test_the_same_case_added_to_two_batches_at_once_lands_on_one(plan: Planner) -> None:
    case = plan.case(companions=1)
    first, second = plan.batch(), plan.batch()

    results = _race(_add(plan, first, case.pk), _add(plan, second, case.pk))

    assert sum(isinstance(r, AlreadyOnActiveBatch) for r in results) == 1, results
    assert sum(isinstance(r, list) for r in results) == 1, results
    assert BatchMember.objects.filter(person=case.patient, active=True).count() == 1
    assert BatchMember.objects.filter(active=True).count() == 2


def test_a_companion_shared_by_two_cases_listed_at_once_lands_on_one_batch(
    plan: Planner,
) -> None:
    shared = PersonFactory()
    one, other = plan.case(), plan.case()
    CompanionFactory(case=one, person=shared)
    CompanionFactory(case=other, person=shared)
    first, second = plan.batch(), plan.batch()

    results = _race(_add(plan, first, one.pk), _add(plan, second, other.pk))

    assert sum(isinstance(r, AlreadyOnActiveBatch) for r in results) == 1, results
    assert BatchMember.objects.filter(person=shared, active=True).count() == 1


def test_batches_created_at_once_get_distinct_numbers(plan: Planner, coordinator: User) -> None:
    def create() -> Batch:
        return services.create_batch(
            plan.crossing, Direction.OUT, CROSSING_DATE, actor=coordinator, at=PLANNING_TIME
        )

    results = _race(create, create, create)

    assert all(isinstance(r, Batch) for r in results), results
    assert sorted(r.number for r in results) == [1, 2, 3]


def test_two_officers_scanning_the_same_person_at_once_check_them_in_once(
    plan: Planner,
) -> None:
    batch = plan.confirmed(plan.case())
    member = batch.members.get()

    def scan() -> BatchMember:
        return services.check_in_member(
            BatchMember.objects.get(pk=member.pk), actor=plan.coordinator, via="code"
        )

    results = _race(scan, scan)

    assert all(isinstance(r, BatchMember) for r in results), results
    assert results[0].checked_in_at == results[1].checked_in_at is not None
    assert audit_actions(member).count("member.checked_in") == 1


def _locked_tables(call: Callable[[], Any]) -> list[str]:
    """The tables whose rows `call` locks (SELECT ... FOR UPDATE), in the order it locks them."""
    with CaptureQueriesContext(connection) as captured:
        call()
    tables = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            tables.append(sql.split(" FROM ", 1)[1].split()[0].strip('"'))
    return tables


@pytest.mark.parametrize(
    "transition",
    [
        lambda member, actor: services.mark_member_crossed(member, actor=actor, at=CROSSING_TIME),
        lambda member, actor: services.mark_member_turned_back(
            member, actor=actor, reason="papers", at=CROSSING_TIME
        ),
        lambda member, actor: services.mark_member_no_show(member, actor=actor, at=CROSSING_TIME),
        lambda member, actor: services.check_in_member(member, actor=actor, at=CROSSING_TIME),
    ],
    ids=["crossed", "turned_back", "no_show", "checked_in"],
)
def test_every_member_transition_locks_the_batch_before_the_member(
    plan: Planner, transition: Callable[[BatchMember, User], Any]
) -> None:
    batch = plan.confirmed(plan.case())
    member = batch.members.get()

    tables = _locked_tables(lambda: transition(member, plan.coordinator))

    assert tables[:2] == ["crossings_batch", "crossings_batchmember"], tables


def test_a_check_in_and_a_crossing_of_the_same_person_at_once_never_deadlock(
    plan: Planner,
) -> None:
    batch = plan.confirmed(plan.case())
    member = batch.members.get()

    results = _race(
        lambda: services.check_in_member(
            BatchMember.objects.get(pk=member.pk), actor=plan.coordinator, at=CROSSING_TIME
        ),
        lambda: services.mark_member_crossed(
            BatchMember.objects.get(pk=member.pk), actor=plan.coordinator, at=CROSSING_TIME
        ),
    )

    # Whichever goes second may be refused (crossed people are no longer checked in), but
    # neither dies of a deadlock: both take the batch before the member.
    assert not any(isinstance(r, DatabaseError) for r in results), results
    assert any(isinstance(r, BatchMember) for r in results), results
    member.refresh_from_db()
    assert member.outcome == "crossed"


@pytest.mark.parametrize(
    "close",
    [
        lambda case, actor: case_services.record_death(case, actor=actor, at=CROSSING_TIME),
        lambda case, actor: case_services.withdraw_case(
            case, actor=actor, reason="went abroad another way", at=CROSSING_TIME
        ),
    ],
    ids=["death", "withdrawal"],
)
def test_closing_a_case_on_a_batch_locks_the_batch_before_the_case(
    plan: Planner, close: Callable[[Case, User], Any]
) -> None:
    case = plan.case(companions=1)
    plan.confirmed(case)

    tables = _locked_tables(lambda: close(case, plan.coordinator))

    assert tables[0] == "crossings_batch", tables
    assert tables.index("crossings_batch") < tables.index("cases_case"), tables
