"""Messages are queued on each of the five events, once, in Arabic, with no clinical text."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.utils import timezone

from corridor.accounts.models import Party, User
from corridor.cases.models import Case, ClinicalCategory
from corridor.crossings import services as crossing_services
from corridor.crossings.models import Batch, Clearance, Crossing, CrossingDay, Direction
from corridor.notify.models import Message, MessageKind, MessageStatus
from corridor.notify.services import deliver_due
from corridor.returns import services as return_services
from tests.factories import (
    CrossingDayFactory,
    EligibilityRuleFactory,
    FacilityFactory,
    ReturnRegistrationFactory,
)
from tests.helpers import CROSSING_DATE, PLANNING_TIME
from tests.journeys import Planner

Committed = Callable[[], AbstractContextManager[Any]]
ARABIC_LETTERS = set("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
CLINICAL_WORDS = ["trauma", "cancer", "dialysis", "diagnosis", "إصابة", "سرطان", "غسيل"]


def _assert_plain_arabic(message: Message, case: Case | None = None) -> None:
    assert message.language == "ar"
    assert message.status == MessageStatus.QUEUED
    assert set(message.body) & ARABIC_LETTERS
    body = message.body.lower()
    for word in CLINICAL_WORDS:
        assert word.lower() not in body
    if case is not None:
        assert case.get_clinical_category_display().lower() not in body
        if case.clinical_summary:
            assert case.clinical_summary not in message.body


def _case(plan: Planner, companions: int = 0) -> Case:
    return plan.case(
        companions=companions,
        clinical_category=ClinicalCategory.TRAUMA,
        clinical_summary="Open fracture of the femur",
    )


def test_listing_a_case_queues_one_arabic_message_per_person(
    plan: Planner, committed: Committed
) -> None:
    case = _case(plan, companions=1)

    with committed():
        batch = plan.batch(case)

    messages = list(Message.objects.order_by("pk"))
    assert [m.kind for m in messages] == [MessageKind.LISTED, MessageKind.LISTED]
    assert {m.person_id for m in messages} == {m.person_id for m in batch.members.all()}
    assert all(m.case == case and m.batch == batch for m in messages)
    for message in messages:
        _assert_plain_arabic(message, case)
        assert CROSSING_DATE.isoformat() in message.body


def test_clearing_tells_when_where_what_to_bring_and_who_is_cleared_with_them(
    plan: Planner, committed: Committed
) -> None:
    case = _case(plan, companions=1)
    batch = plan.submitted(case)
    batch.assembly_point = FacilityFactory(name_ar="مستشفى الأوروبي", name_en="European Hospital")
    batch.save(update_fields=["assembly_point"])

    with committed():
        plan.clear_everyone(batch)

    messages = Message.objects.filter(kind=MessageKind.CLEARED).order_by("pk")
    assert messages.count() == 2
    patient_message = messages.get(person=case.patient)
    companion = case.companions.get().person
    _assert_plain_arabic(patient_message, case)
    assert "مستشفى الأوروبي" in patient_message.body
    assert "09:00" in patient_message.body
    assert CROSSING_DATE.isoformat() in patient_message.body
    # The companion was cleared second: their message names the patient cleared with them.
    assert case.patient.name_ar in messages.get(person=companion).body


def test_postponing_and_cancelling_tell_everyone_on_the_batch(
    plan: Planner, coordinator: User, crossing: Crossing, committed: Committed
) -> None:
    new_date = CROSSING_DATE + datetime.timedelta(days=7)
    CrossingDayFactory(crossing=crossing, date=new_date, quota_out=10)
    case = _case(plan, companions=1)
    batch = plan.confirmed(case)

    with committed():
        crossing_services.cancel_batch(
            batch, party=plan.authority, actor=coordinator, reason="closure", at=PLANNING_TIME
        )
        crossing_services.postpone_batch(
            batch,
            new_date,
            party=plan.authority,
            actor=coordinator,
            reason="closure",
            at=PLANNING_TIME,
        )

    cancelled = Message.objects.filter(kind=MessageKind.CANCELLED)
    postponed = Message.objects.filter(kind=MessageKind.POSTPONED)
    assert cancelled.count() == postponed.count() == 2
    for message in [*cancelled, *postponed]:
        _assert_plain_arabic(message, case)
    assert all(new_date.isoformat() in m.body for m in postponed)
    assert all(CROSSING_DATE.isoformat() in m.body for m in postponed)


def test_suspending_a_batch_tells_nobody(
    plan: Planner, coordinator: User, committed: Committed
) -> None:
    batch = plan.confirmed(_case(plan))

    with committed():
        crossing_services.suspend_batch(
            batch, party=plan.authority, actor=coordinator, no_reason_given=True, at=PLANNING_TIME
        )

    assert not Message.objects.exists()


def _cleared_returnee(crossing: Crossing, coordinator: User, authority: Party) -> tuple[Batch, Any]:
    EligibilityRuleFactory()
    registration = return_services.decide_eligibility(
        ReturnRegistrationFactory(), actor=coordinator
    )
    batch = crossing_services.create_batch(
        crossing, Direction.IN, CROSSING_DATE, actor=coordinator, kind="return", at=PLANNING_TIME
    )
    member = crossing_services.add_returnee_to_batch(batch, registration, actor=coordinator)
    crossing_services.submit_batch(batch, party=authority, actor=coordinator, at=PLANNING_TIME)
    crossing_services.record_clearance(
        member, Clearance.CLEARED, party=authority, actor=coordinator
    )
    registration.refresh_from_db()
    return batch, registration


def test_a_returnee_is_told_when_listed_cleared_and_called(
    crossing: Crossing,
    crossing_day: CrossingDay,
    coordinator: User,
    crossing_authority: Party,
    committed: Committed,
) -> None:
    with committed():
        batch, registration = _cleared_returnee(crossing, coordinator, crossing_authority)
        return_services.call_returnee(registration, actor=coordinator)
        # Calling again is a no-op and queues nothing more.
        return_services.call_returnee(registration, actor=coordinator)

    messages = Message.objects.order_by("pk")
    assert [m.kind for m in messages] == [
        MessageKind.LISTED,
        MessageKind.CLEARED,
        MessageKind.CALLED,
    ]
    assert all(m.return_registration == registration and m.case is None for m in messages)
    for message in messages:
        _assert_plain_arabic(message)


def test_the_message_language_follows_the_setting(
    plan: Planner, committed: Committed, settings: Any
) -> None:
    settings.CORRIDOR_MESSAGE_LANGUAGE = "en"

    with committed():
        plan.batch(_case(plan))

    message = Message.objects.get()
    assert message.language == "en"
    assert message.body.startswith("Corridor: You are on the list")


def test_the_same_event_never_queues_twice(plan: Planner, committed: Committed) -> None:
    from corridor.notify.services import queue_cleared, queue_listed

    case = _case(plan)
    with committed():
        batch = plan.cleared(case)
    member = batch.members.get()

    queue_listed(member)
    queue_cleared(member)

    assert Message.objects.filter(kind=MessageKind.LISTED).count() == 1
    assert Message.objects.filter(kind=MessageKind.CLEARED).count() == 1


def test_without_commit_nothing_is_queued(plan: Planner) -> None:
    plan.batch(_case(plan))

    assert not Message.objects.exists()


def test_delivery_marks_messages_sent_and_never_sends_them_again(
    plan: Planner, committed: Committed, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _case(plan)
    case.patient.phone = "+970599000001"
    case.patient.save()
    with committed():
        plan.batch(case)
    now = timezone.now()

    first = deliver_due(now)
    second = deliver_due(now + datetime.timedelta(hours=1))

    assert (first.sent, second.sent) == (1, 0)
    message = Message.objects.get()
    assert (message.status, message.attempts, message.sent_at) == (MessageStatus.SENT, 1, now)
    assert capsys.readouterr().out.count("+970599000001") == 1


def test_a_person_without_a_phone_fails_once_and_is_not_retried(
    plan: Planner, committed: Committed
) -> None:
    with committed():
        plan.batch(_case(plan))
    now = timezone.now()

    report = deliver_due(now)

    message = Message.objects.get()
    assert report.failed == 1
    assert (message.status, message.next_attempt_at, message.last_error) == (
        MessageStatus.FAILED,
        None,
        "no phone number",
    )
    assert deliver_due(now + datetime.timedelta(days=1)).failed == 0
