"""The timeline of a case: every event about it, from each source that records one, in time order.

Each source is read with one query (or comes from rows the case page has already read), so the
number of queries does not grow with the number of events. Reading the clinical summary is an
access, not an event of the case: those reads are in the audit log, not on the timeline.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from corridor.audit.models import AuditEvent
from corridor.cases.models import (
    Case,
    CaseStatus,
    Companion,
    CompanionStatus,
    DestinationOffer,
    OfferStatus,
    UrgencyChange,
)
from corridor.crossings.models import BatchMember, Clearance, CoordinationEvent, Movement, Outcome
from corridor.i18n import local_name
from corridor.notify.models import Message
from corridor.people.models import Person

# Audit actions another source already shows with its own time, or that are not case events.
COVERED_ELSEWHERE = (
    "case.approved",  # the case's approval fields
    "case.urgency_changed",  # the urgency history
    "case.clinical_read",  # an access, kept in the audit log
    "member.clearance",  # the batch membership
    "member.checked_in",
    "member.ended",
    "permission.refused",
)

CLEARANCE_KINDS: dict[str, str] = {Clearance.CLEARED: "clearance", Clearance.REFUSED: "refusal"}


@dataclass(frozen=True)
class Entry:
    """One event on the timeline: when, what (a short title and detail), and who recorded it."""

    at: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    who: str = ""
    date_only: bool = False


def person_name(person: Person) -> str:
    """A person's name as the reader's language writes it best."""
    arabic = (translation.get_language() or "").startswith("ar")
    return person.name_ar if arabic or not person.name_latin else person.name_latin


def day(value: datetime.date) -> str:
    """A date as the reader's language writes it."""
    return date_format(value, "j M Y")


def _start_of(value: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        value, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def _user(user: Any) -> str:
    return str(user.get_username()) if user is not None else ""


def _case_entries(case: Case) -> list[Entry]:
    facility = local_name(case.referring_facility)
    entries = [Entry(case.registered_at, "status", _("Registered"), _("Referred by %s") % facility)]
    if case.approved_at is not None:
        entries.append(
            Entry(
                case.approved_at,
                "status",
                _("Approved for treatment abroad (Form No. 1)"),
                who=_user(case.approved_by),
            )
        )
    return entries


def _urgency_entries(changes: Iterable[UrgencyChange]) -> list[Entry]:
    return [
        Entry(
            change.changed_at,
            "urgency",
            _("Urgency: %(from)s → %(to)s")
            % {"from": local_name(change.previous) or "-", "to": local_name(change.new)},
            change.reason,
            _user(change.changed_by),
        )
        for change in changes
    ]


def _offer_entries(offers: Iterable[DestinationOffer]) -> list[Entry]:
    entries = []
    for offer in offers:
        party = local_name(offer.receiving_party)
        entries.append(
            Entry(
                _start_of(offer.offered_on),
                "offer",
                _("Offered to %s") % party,
                date_only=True,
            )
        )
        if offer.answered_on is None:
            continue
        if offer.status == OfferStatus.ACCEPTED:
            detail = (
                _("Bed available from %s") % day(offer.available_from)
                if offer.available_from
                else ""
            )
            title = _("Accepted by %s") % party
        elif offer.status == OfferStatus.DECLINED:
            title, detail = _("Declined by %s") % party, offer.note
        else:
            title, detail = _("Offer to %s withdrawn") % party, offer.note
        entries.append(Entry(_start_of(offer.answered_on), "offer", title, detail, date_only=True))
    return entries


def _membership_entries(members: Iterable[BatchMember]) -> list[Entry]:
    entries = []
    for member in members:
        name = person_name(member.person)
        batch = _("batch %(number)s (%(date)s)") % {
            "number": member.batch.number,
            "date": day(member.batch.planned_date),
        }
        if member.clearance_at is not None and member.clearance != Clearance.PENDING:
            entries.append(
                Entry(
                    member.clearance_at,
                    CLEARANCE_KINDS.get(member.clearance, "clearance"),
                    _("%(person)s: %(clearance)s on %(batch)s")
                    % {
                        "person": name,
                        "clearance": member.get_clearance_display(),
                        "batch": batch,
                    },
                    local_name(member.clearance_party),
                )
            )
        if member.checked_in_at is not None:
            entries.append(
                Entry(
                    member.checked_in_at,
                    "batch",
                    _("%(person)s checked in at the assembly point") % {"person": name},
                    batch,
                )
            )
        if member.outcome_at is not None and member.outcome not in (Outcome.NONE, Outcome.CROSSED):
            entries.append(
                Entry(
                    member.outcome_at,
                    "refusal",
                    _("%(person)s off %(batch)s: %(outcome)s")
                    % {"person": name, "batch": batch, "outcome": member.get_outcome_display()},
                )
            )
    return entries


def _coordination_entries(case: Case) -> list[Entry]:
    batches = BatchMember.objects.filter(case=case).values("batch_id")
    events = CoordinationEvent.objects.filter(batch_id__in=batches).select_related(
        "batch", "party", "relayed_by", "relayed_to", "recorded_by"
    )
    entries = []
    for event in events.order_by("at", "pk"):
        detail = [_("Decided by %s") % local_name(event.party)]
        if event.relayed_by_id:
            detail.append(_("relayed by %s") % local_name(event.relayed_by))
        if event.relayed_to_id:
            detail.append(_("to %s") % local_name(event.relayed_to))
        if event.new_date:
            detail.append(_("new date %s") % day(event.new_date))
        reason = event.reason_text
        entries.append(
            Entry(
                event.at,
                "no-reason-given" if event.no_reason_given else "coordination",
                _("Batch %(number)s: %(kind)s")
                % {"number": event.batch.number, "kind": event.get_kind_display()},
                "; ".join(detail) + (f" — {reason}" if reason else ""),
                _user(event.recorded_by),
            )
        )
    return entries


def _movement_entries(case: Case) -> list[Entry]:
    members = BatchMember.objects.filter(case=case)
    movements = (
        Movement.objects.filter(
            batch_id__in=members.values("batch_id"), person_id__in=members.values("person_id")
        )
        .select_related("crossing", "person", "recorded_by")
        .defer("person__phone")
    )
    return [
        Entry(
            movement.at,
            "movement" if movement.outcome == "crossed" else "refusal",
            _("%(person)s: %(outcome)s at %(crossing)s")
            % {
                "person": person_name(movement.person),
                "outcome": movement.get_outcome_display(),
                "crossing": local_name(movement.crossing),
            },
            movement.note,
            _user(movement.recorded_by),
        )
        for movement in movements.order_by("at", "pk")
    ]


def _message_entries(messages: Iterable[Message]) -> list[Entry]:
    return [
        Entry(
            message.created_at,
            "message",
            _("Message to %(person)s: %(kind)s")
            % {"person": person_name(message.person), "kind": message.get_kind_display()},
            message.get_status_display(),
        )
        for message in messages
    ]


def _audit_time(event: AuditEvent) -> datetime.datetime:
    # Services record the business time when it differs from the moment of writing.
    recorded = event.data.get("at") if isinstance(event.data, dict) else None
    parsed = parse_datetime(recorded) if isinstance(recorded, str) else None
    return parsed or event.at


def _audit_entries(
    case: Case, companions: Sequence[Companion], members: Sequence[BatchMember]
) -> list[Entry]:
    companions_by_id = {str(c.pk): c for c in companions}
    members_by_id = {str(m.pk): m for m in members}
    about = Q(object_type=Case._meta.label_lower, object_id=str(case.pk))
    if companions_by_id:
        about |= Q(object_type=Companion._meta.label_lower, object_id__in=list(companions_by_id))
    if members_by_id:
        about |= Q(object_type=BatchMember._meta.label_lower, object_id__in=list(members_by_id))
    events = (
        AuditEvent.objects.filter(about)
        .exclude(action__in=COVERED_ELSEWHERE)
        .select_related("actor")
        .order_by("sequence")
    )
    statuses = dict(CaseStatus.choices)
    companion_statuses = dict(CompanionStatus.choices)
    entries = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        reason = str(data.get("reason") or "")
        kind, title, detail = "status", "", reason
        if event.object_type == Case._meta.label_lower:
            if event.action == "case.re_review":
                title = _("Sent back for review")
            elif event.action == "case.bumped":
                kind, title = "batch", _("Bumped off a batch: keeps its place in the queue")
            elif event.action == "breakglass.granted":
                kind, title = "access", _("Clinical summary opened by breaking the glass")
            elif event.action == "export.shared":
                kind = "access"
                title = _("Shared with %(recipient)s (%(what)s)") % {
                    "recipient": data.get("recipient") or "-",
                    "what": data.get("what", ""),
                }
                detail = str(data.get("purpose") or "")
            elif event.action.startswith("case."):
                status = str(data.get("to") or event.action.removeprefix("case."))
                title = _("Status: %s") % statuses.get(status, status)
        elif event.object_type == Companion._meta.label_lower:
            companion = companions_by_id[event.object_id]
            status = event.action.removeprefix("companion.")
            kind = "companion"
            title = _("Companion %(person)s: %(status)s") % {
                "person": person_name(companion.person),
                "status": companion_statuses.get(status, status),
            }
        elif event.action == "batch.member_added":
            member = members_by_id[event.object_id]
            kind = "batch"
            title = _("%(person)s listed on batch %(number)s (%(date)s), seat %(seat)s") % {
                "person": person_name(member.person),
                "number": member.batch.number,
                "date": day(member.batch.planned_date),
                "seat": member.seat,
            }
        if not title:
            title = event.action
        entries.append(Entry(_audit_time(event), kind, title, detail, _user(event.actor)))
    return entries


def case_timeline(
    case: Case,
    *,
    companions: Sequence[Companion],
    members: Sequence[BatchMember],
    offers: Sequence[DestinationOffer],
    urgency_changes: Sequence[UrgencyChange],
    messages: Sequence[Message],
) -> list[Entry]:
    """Every event about the case, oldest first (events at the same moment keep source order).

    The rows given must be the case's own, loaded with their related rows (see `cases.page`).
    """
    entries = [
        *_case_entries(case),
        *_urgency_entries(urgency_changes),
        *_offer_entries(offers),
        *_audit_entries(case, companions, members),
        *_membership_entries(members),
        *_coordination_entries(case),
        *_movement_entries(case),
        *_message_entries(messages),
    ]
    return sorted(entries, key=lambda entry: entry.at)
