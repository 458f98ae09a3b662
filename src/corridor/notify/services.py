"""Queue messages to people when their crossing changes, and deliver the ones that are due.

Queueing runs after the change that caused it is committed; the dedupe key makes the same event
queue a message once only. Delivery locks each message while sending it, so a message marked sent
is never sent again, and a failed one is retried later with exponential back-off.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation

from corridor.cases.models import Case
from corridor.crossings.models import (
    Batch,
    BatchMember,
    Clearance,
    CoordinationEvent,
    CoordinationEventKind,
    MemberRole,
)
from corridor.i18n import local_name
from corridor.notify import texts
from corridor.notify.backends import DeliveryFailed, Outgoing, get_backend
from corridor.notify.models import Message, MessageKind, MessageStatus
from corridor.people.models import Person
from corridor.returns.models import ReturnRegistration

logger = logging.getLogger(__name__)

EVENT_KINDS = {
    CoordinationEventKind.POSTPONED: MessageKind.POSTPONED,
    CoordinationEventKind.CANCELLED: MessageKind.CANCELLED,
}


def _name(person: Person) -> str:
    arabic = (translation.get_language() or "").startswith("ar")
    return person.name_ar if arabic or not person.name_latin else person.name_latin


def _details(
    member: BatchMember,
    *,
    with_whom: models.QuerySet[BatchMember] | None = None,
    previous_date: datetime.date | None = None,
) -> texts.Details:
    batch = member.batch
    names: tuple[str, ...] = ()
    if with_whom is not None and member.case_id is not None:
        others = with_whom.filter(case_id=member.case_id).exclude(pk=member.pk)
        names = tuple(_name(m.person) for m in others.select_related("person").order_by("seat"))
    return texts.Details(
        crossing=local_name(batch.crossing),
        date=batch.planned_date,
        time=batch.crossing.opens_at,
        place=local_name(batch.assembly_point) or local_name(batch.crossing),
        bring=texts.what_to_bring(patient=member.role == MemberRole.PATIENT),
        travelling_with=names,
        previous_date=previous_date,
    )


def _queue(
    member: BatchMember,
    kind: str,
    dedupe_key: str,
    *,
    cleared_with: bool = False,
    previous_date: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Message:
    language: str = settings.CORRIDOR_MESSAGE_LANGUAGE
    with translation.override(language):
        with_whom = None
        if cleared_with:
            with_whom = member.batch.members.filter(
                models.Q(active=True), clearance=Clearance.CLEARED, needs_reconfirmation=False
            )
        details = _details(member, with_whom=with_whom, previous_date=previous_date)
    now = now or timezone.now()
    message, _created = Message.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "person_id": member.person_id,
            "case_id": member.case_id,
            "return_registration_id": member.return_registration_id,
            "batch_id": member.batch_id,
            "kind": kind,
            "language": language,
            "body": texts.render(kind, details, language),
            "channel": settings.CORRIDOR_MESSAGE_BACKEND,
            "created_at": now,
            "next_attempt_at": now,
        },
    )
    return message


def _member(pk: int) -> BatchMember:
    return BatchMember.objects.select_related(
        "batch__crossing", "batch__assembly_point", "person"
    ).get(pk=pk)


def queue_listed(member: BatchMember) -> Message:
    """Tell a person they are on a batch's list, waiting for clearance."""
    return _queue(_member(member.pk), MessageKind.LISTED, f"listed:member-{member.pk}")


def queue_cleared(member: BatchMember) -> Message:
    """Tell a cleared person when and where to be, and who is cleared with them."""
    fresh = _member(member.pk)
    stamp = fresh.clearance_at.isoformat() if fresh.clearance_at else ""
    return _queue(
        fresh, MessageKind.CLEARED, f"cleared:member-{fresh.pk}:{stamp}", cleared_with=True
    )


def queue_called(registration: ReturnRegistration) -> Message | None:
    """Call a cleared returnee to their assembly point; nothing when they are on no batch."""
    member = (
        BatchMember.objects.filter(return_registration=registration, active=True)
        .order_by("-pk")
        .first()
    )
    if member is None:
        return None
    registration.refresh_from_db(fields=["status_changed_at"])
    key = f"called:registration-{registration.pk}:{registration.status_changed_at.isoformat()}"
    return _queue(_member(member.pk), MessageKind.CALLED, key)


def queue_for_event(event: CoordinationEvent) -> list[Message]:
    """Tell everyone on a postponed or cancelled batch; other coordination events say nothing."""
    kind = EVENT_KINDS.get(event.kind)  # type: ignore[call-overload]
    if kind is None:
        return []
    batch: Batch = event.batch
    messages = []
    for member in batch.members.filter(active=True).order_by("seat"):
        messages.append(
            _queue(
                _member(member.pk),
                kind,
                f"{kind}:event-{event.pk}:person-{member.person_id}",
                previous_date=event.previous_date,
            )
        )
    return messages


def messages_for_case(case: Case) -> models.QuerySet[Message]:
    """The messages sent or queued to a case's patient and companions, oldest first."""
    return Message.objects.filter(case=case).select_related("person").order_by("created_at", "pk")


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _backoff(attempts: int) -> datetime.timedelta:
    base: int = settings.CORRIDOR_MESSAGE_RETRY_SECONDS
    return datetime.timedelta(seconds=base * 2 ** (attempts - 1))


def _deliver_one(pk: int, now: datetime.datetime) -> str | None:
    """Send one message under its row lock; the status it ends in, or None when not due."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=pk)
        if message.status == MessageStatus.SENT or message.next_attempt_at is None:
            return None
        if message.next_attempt_at > now:
            return None
        phone = Person.objects.get(pk=message.person_id).phone
        message.attempts += 1
        try:
            if not phone:
                raise DeliveryFailed("no phone number")
            get_backend(message.channel).send(
                Outgoing(
                    reference=str(message.pk),
                    to=phone,
                    text=message.body,
                    language=message.language,
                    kind=message.kind,
                )
            )
        except DeliveryFailed as exc:
            message.last_error = str(exc)[:300]
            message.status = MessageStatus.FAILED
            max_attempts: int = settings.CORRIDOR_MESSAGE_MAX_ATTEMPTS
            retry = bool(phone) and message.attempts < max_attempts
            message.next_attempt_at = now + _backoff(message.attempts) if retry else None
            logger.warning("message %s failed (attempt %s): %s", pk, message.attempts, exc)
        else:
            message.status = MessageStatus.SENT
            message.sent_at = now
            message.next_attempt_at = None
            message.last_error = ""
        message.save(
            update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"]
        )
        if message.status == MessageStatus.FAILED and message.next_attempt_at is not None:
            return "retrying"
        return str(message.status)


def deliver_due(now: datetime.datetime | None = None, *, limit: int = 500) -> DeliveryReport:
    """Send the messages whose time has come; failures wait longer before each new attempt."""
    now = now or timezone.now()
    due = list(
        Message.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for pk in due:
        outcome = _deliver_one(pk, now)
        if outcome is not None:
            counts[outcome] += 1
    return DeliveryReport(**counts)
