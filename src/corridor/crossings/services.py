"""Transitions of batches and their members, coordination events and the crossing log.

Each function checks its guard, changes the rows and writes the audit event in one transaction,
locking the rows it counts so that two coordinators acting at once cannot break a quota.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor import clock
from corridor.accounts.models import Facility, Party
from corridor.audit import services as audit
from corridor.cases import services as case_services
from corridor.cases.models import (
    ACTIVE_COMPANION_STATUSES,
    Case,
    CaseStatus,
    CompanionStatus,
)
from corridor.crossings.models import (
    QUOTA_HOLDING_STATUSES,
    Batch,
    BatchKind,
    BatchMember,
    BatchStatus,
    Clearance,
    CoordinationEvent,
    CoordinationEventKind,
    Crossing,
    CrossingDay,
    MemberRole,
    Movement,
    MovementOutcome,
    Outcome,
)
from corridor.crossings.signals import coordination_recorded, member_cleared, member_listed
from corridor.exceptions import (
    AlreadyOnActiveBatch,
    CrossingDayClosed,
    DomainError,
    NotCleared,
    QuotaExceeded,
    TransitionNotAllowed,
)
from corridor.people.models import Person
from corridor.returns import services as return_services
from corridor.returns.models import ReturnRegistration

# Members who hold (or used) a seat against the quota: not yet ended, or crossed.
SEAT_HOLDING = models.Q(active=True) | models.Q(outcome=Outcome.CROSSED)

_BATCH_MOVES: dict[str, frozenset[str]] = {
    BatchStatus.SUBMITTED: frozenset({BatchStatus.DRAFT, BatchStatus.POSTPONED}),
    BatchStatus.CONFIRMED: frozenset(
        {
            BatchStatus.SUBMITTED,
            BatchStatus.PARTLY_CLEARED,
            BatchStatus.CLEARED,
            BatchStatus.POSTPONED,
        }
    ),
    BatchStatus.CANCELLED: frozenset(
        {
            BatchStatus.SUBMITTED,
            BatchStatus.PARTLY_CLEARED,
            BatchStatus.CLEARED,
            BatchStatus.CONFIRMED,
            BatchStatus.SUSPENDED,
            BatchStatus.RESUMED,
            BatchStatus.POSTPONED,
        }
    ),
    BatchStatus.SUSPENDED: frozenset({BatchStatus.CONFIRMED, BatchStatus.RESUMED}),
    # A postponed batch resumes when the authority takes up its coordination on the new date.
    BatchStatus.RESUMED: frozenset({BatchStatus.SUSPENDED, BatchStatus.POSTPONED}),
    # A postponed batch may be postponed again: batches flip several times before they go.
    BatchStatus.POSTPONED: frozenset(
        {
            BatchStatus.CANCELLED,
            BatchStatus.SUSPENDED,
            BatchStatus.CONFIRMED,
            BatchStatus.RESUMED,
            BatchStatus.POSTPONED,
        }
    ),
    BatchStatus.DEPARTED: frozenset({BatchStatus.CONFIRMED, BatchStatus.RESUMED}),
    BatchStatus.CROSSED: frozenset({BatchStatus.DEPARTED}),
    BatchStatus.CLOSED: frozenset(
        {BatchStatus.DEPARTED, BatchStatus.CROSSED, BatchStatus.CANCELLED}
    ),
}
# Batches whose list may still change.
EDITABLE_STATUSES = frozenset({BatchStatus.DRAFT, BatchStatus.SUBMITTED, BatchStatus.POSTPONED})
# Batches on which clearance answers may be recorded.
CLEARING_STATUSES = frozenset(
    {
        BatchStatus.SUBMITTED,
        BatchStatus.PARTLY_CLEARED,
        BatchStatus.CLEARED,
        BatchStatus.POSTPONED,
        BatchStatus.CONFIRMED,
        BatchStatus.RESUMED,
    }
)
# Batches whose members may be marked at the crossing.
TRAVELLING_STATUSES = frozenset(
    {BatchStatus.CONFIRMED, BatchStatus.RESUMED, BatchStatus.DEPARTED, BatchStatus.CROSSED}
)
# Batches whose people may be checked in at the assembly point: the list has gone out and the
# batch has not left (people gather before coordination is confirmed, and wait through a
# suspension).
CHECK_IN_STATUSES = CLEARING_STATUSES | {BatchStatus.SUSPENDED}


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or clock.now()


def _lock_batch(batch: Batch) -> Batch:
    return Batch.objects.select_for_update().get(pk=batch.pk)


def may_move(batch: Batch, target: str) -> bool:
    """True when a batch in its current status may be moved to `target` (other guards aside)."""
    return batch.status in _BATCH_MOVES[target]


def _move_batch(
    batch: Batch,
    target: str,
    *,
    actor: Any,
    at: datetime.datetime,
    allowed_from: Iterable[str] | None = None,
    data: dict[str, Any] | None = None,
) -> Batch:
    """Check the batch may move to `target` (it is already locked), move it and audit the move."""
    allowed = frozenset(allowed_from) if allowed_from is not None else _BATCH_MOVES[target]
    if batch.status not in allowed:
        raise TransitionNotAllowed(
            _("Batch %(number)s") % {"number": batch.number}, batch.status, target, allowed
        )
    previous = batch.status
    batch.status = target
    batch.status_changed_at = at
    batch.save(update_fields=["status", "status_changed_at"])
    audit.record(
        f"batch.{target}", batch, actor=actor, data={"from": previous, "to": target, **(data or {})}
    )
    return batch


def _event(
    batch: Batch,
    kind: str,
    party: Party,
    *,
    actor: Any,
    at: datetime.datetime,
    reason: str = "",
    no_reason_given: bool = False,
    relayed_by: Party | None = None,
    relayed_to: Party | None = None,
    previous_date: datetime.date | None = None,
    new_date: datetime.date | None = None,
) -> CoordinationEvent:
    return CoordinationEvent.objects.create(
        batch=batch,
        kind=kind,
        party=party,
        relayed_by=relayed_by,
        relayed_to=relayed_to,
        reason=reason,
        no_reason_given=no_reason_given,
        previous_date=previous_date,
        new_date=new_date,
        at=at,
        recorded_by=actor,
    )


def _announce(event: CoordinationEvent) -> None:
    """Tell listeners (the planner) about a stopped or moved batch once the change is saved."""
    transaction.on_commit(lambda: coordination_recorded.send(sender=CoordinationEvent, event=event))


def _announce_member(signal: Signal, member: BatchMember) -> None:
    """Tell listeners (messages to people) about a listed or cleared person once it is saved."""
    transaction.on_commit(lambda: signal.send(sender=BatchMember, member=member))


def _require_reason(reason: str, no_reason_given: bool) -> None:
    if no_reason_given and reason.strip():
        raise DomainError(_("Give a reason or tick 'no reason given', not both."))
    if not no_reason_given and not reason.strip():
        raise DomainError(
            _("A reason is required; if the party gave none, record 'no reason given'.")
        )


def crossing_day(crossing: Crossing, date: datetime.date, *, lock: bool = False) -> CrossingDay:
    """The crossing day for `date`, or a clear error when the calendar has none."""
    queryset = CrossingDay.objects.select_for_update() if lock else CrossingDay.objects.all()
    try:
        return queryset.get(crossing=crossing, date=date)
    except CrossingDay.DoesNotExist:
        raise CrossingDayClosed(
            _("%(crossing)s has no crossing day on %(date)s in its calendar.")
            % {"crossing": crossing.name_en, "date": date.isoformat()}
        ) from None


def _require_open(crossing: Crossing, day: CrossingDay) -> None:
    if not day.is_open:
        raise CrossingDayClosed(
            _("%(crossing)s is closed on %(date)s.")
            % {"crossing": crossing.name_en, "date": day.date.isoformat()}
        )


def seats_taken(
    crossing: Crossing,
    date: datetime.date,
    direction: str,
    *,
    exclude_batch: Batch | None = None,
    count_companions: bool = True,
) -> int:
    """People holding seats against the quota of a crossing day in one direction."""
    members = BatchMember.objects.filter(
        SEAT_HOLDING,
        batch__crossing=crossing,
        batch__planned_date=date,
        batch__direction=direction,
        batch__status__in=QUOTA_HOLDING_STATUSES,
    )
    if exclude_batch is not None:
        members = members.exclude(batch=exclude_batch)
    if not count_companions:
        members = members.exclude(role=MemberRole.COMPANION)
    return members.count()


def create_batch(
    crossing: Crossing,
    direction: str,
    planned_date: datetime.date,
    *,
    actor: Any,
    kind: str = BatchKind.EVACUATION,
    assembly_point: Facility | None = None,
    number: int | None = None,
    at: datetime.datetime | None = None,
) -> Batch:
    """Start a draft batch; its number follows the last one of the crossing and direction."""
    now = _now(at)
    allowed = crossing.directions
    if direction not in allowed:
        raise DomainError(
            _("%(crossing)s does not allow the direction '%(direction)s'.")
            % {"crossing": crossing.name_en, "direction": direction}
        )
    with transaction.atomic():
        if number is None:
            # Django drops FOR UPDATE from an aggregate, so the crossing's row is the lock that
            # serialises numbering.
            Crossing.objects.select_for_update().get(pk=crossing.pk)
            last = Batch.objects.filter(
                crossing=crossing, direction=direction, kind=kind
            ).aggregate(models.Max("number"))["number__max"]
            number = (last or 0) + 1
        batch = Batch.objects.create(
            number=number,
            kind=kind,
            crossing=crossing,
            direction=direction,
            planned_date=planned_date,
            first_planned_date=planned_date,
            assembly_point=assembly_point,
            status=BatchStatus.DRAFT,
            status_changed_at=now,
            created_at=now,
        )
        audit.record(
            "batch.created",
            batch,
            actor=actor,
            data={"number": number, "date": planned_date, "direction": direction},
        )
        return batch


def _add_member(
    batch: Batch,
    person: Person,
    role: str,
    *,
    actor: Any,
    case: Case | None = None,
    companion: Any = None,
    return_registration: ReturnRegistration | None = None,
    at: datetime.datetime | None = None,
) -> BatchMember:
    existing = (
        BatchMember.objects.filter(person=person, active=True).select_related("batch").first()
    )
    if existing is not None:
        raise AlreadyOnActiveBatch(
            _("%(person)s is already on batch %(number)s (%(date)s).")
            % {
                "person": person.name_ar,
                "number": existing.batch.number,
                "date": existing.batch.planned_date.isoformat(),
            }
        )
    seat = (batch.members.aggregate(models.Max("seat"))["seat__max"] or 0) + 1
    try:
        with transaction.atomic():
            member = BatchMember.objects.create(
                batch=batch,
                person=person,
                role=role,
                case=case,
                companion=companion,
                return_registration=return_registration,
                seat=seat,
            )
    except IntegrityError as exc:
        # Another transaction put the same person on a batch between our check and insert.
        raise AlreadyOnActiveBatch(
            _("%(person)s is already on an active batch.") % {"person": person.name_ar}
        ) from exc
    audit.record(
        "batch.member_added",
        member,
        actor=actor,
        # The business time, which differs from the audit's own time when recorded afterwards.
        data={"batch": batch.pk, "person": person.pk, "role": role, "seat": seat, "at": at},
    )
    return member


def _require_editable(batch: Batch) -> None:
    if batch.status not in EDITABLE_STATUSES:
        raise TransitionNotAllowed(
            _("The list of batch %(number)s") % {"number": batch.number},
            batch.status,
            "edited",
            EDITABLE_STATUSES,
        )


def add_case_to_batch(
    batch: Batch, case: Case, *, actor: Any, at: datetime.datetime | None = None
) -> list[BatchMember]:
    """Put a waiting case on a batch: the patient, then their active companions, in seat order."""
    now = _now(at)
    with transaction.atomic():
        batch = _lock_batch(batch)
        _require_editable(batch)
        if batch.kind != BatchKind.EVACUATION:
            raise DomainError(_("Only evacuation batches carry patients."))
        case_services.mark_listed(case, actor=actor, at=now)
        members = [
            _add_member(batch, case.patient, MemberRole.PATIENT, actor=actor, case=case, at=now)
        ]
        for companion in case.companions.filter(
            status__in=ACTIVE_COMPANION_STATUSES
        ).select_related("person"):
            members.append(
                _add_member(
                    batch,
                    companion.person,
                    MemberRole.COMPANION,
                    actor=actor,
                    case=case,
                    companion=companion,
                    at=now,
                )
            )
        for member in members:
            _announce_member(member_listed, member)
        return members


def add_returnee_to_batch(
    batch: Batch,
    registration: ReturnRegistration,
    *,
    actor: Any,
    at: datetime.datetime | None = None,
) -> BatchMember:
    """Put an eligible returnee on a return batch."""
    with transaction.atomic():
        batch = _lock_batch(batch)
        _require_editable(batch)
        if batch.kind != BatchKind.RETURN:
            raise DomainError(_("Only return batches carry returnees."))
        return_services.mark_listed(registration, actor=actor, at=at)
        member = _add_member(
            batch,
            registration.person,
            MemberRole.RETURNEE,
            actor=actor,
            return_registration=registration,
            at=_now(at),
        )
        _announce_member(member_listed, member)
        return member


def submit_batch(
    batch: Batch,
    *,
    party: Party,
    actor: Any,
    at: datetime.datetime | None = None,
) -> Batch:
    """Send the batch's name list to the authorities, at least the lead time ahead."""
    now = _now(at)
    lead = datetime.timedelta(hours=settings.CORRIDOR_LIST_LEAD_HOURS)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if locked.status == BatchStatus.SUBMITTED:
            batch.refresh_from_db()
            return batch
        departure = datetime.datetime.combine(
            locked.planned_date, locked.crossing.opens_at, tzinfo=timezone.get_current_timezone()
        )
        if departure - now < lead:
            raise DomainError(
                _(
                    "The list for batch %(number)s must be submitted at least %(hours)s hours "
                    "before the crossing opens on %(date)s."
                )
                % {
                    "number": locked.number,
                    "hours": settings.CORRIDOR_LIST_LEAD_HOURS,
                    "date": locked.planned_date.isoformat(),
                }
            )
        if not locked.members.filter(active=True).exists():
            raise DomainError(_("Batch %(number)s has nobody on it.") % {"number": locked.number})
        _move_batch(locked, BatchStatus.SUBMITTED, actor=actor, at=now)
        _event(locked, CoordinationEventKind.SUBMITTED, party, actor=actor, at=now)
    batch.refresh_from_db()
    return batch


def _refresh_clearance_status(batch: Batch, *, actor: Any, at: datetime.datetime) -> None:
    """After an answer, move a submitted batch to partly or fully cleared."""
    if batch.status not in {
        BatchStatus.SUBMITTED,
        BatchStatus.PARTLY_CLEARED,
        BatchStatus.CLEARED,
    }:
        return
    active = batch.members.filter(active=True)
    cleared = active.filter(clearance=Clearance.CLEARED, needs_reconfirmation=False).count()
    total = active.count()
    if total and cleared == total:
        target = BatchStatus.CLEARED
    elif cleared:
        target = BatchStatus.PARTLY_CLEARED
    else:
        return
    if batch.status != target:
        _move_batch(
            batch,
            target,
            actor=actor,
            at=at,
            allowed_from={BatchStatus.SUBMITTED, BatchStatus.PARTLY_CLEARED, BatchStatus.CLEARED},
        )


def record_clearance(
    member: BatchMember,
    result: str,
    *,
    party: Party,
    actor: Any,
    at: datetime.datetime | None = None,
) -> BatchMember:
    """Record one party's answer for one person: cleared, refused or no answer.

    A refusal ends the person's place on the batch; a refused patient takes their companions
    off with them and goes back to the waiting list.
    """
    if result not in {Clearance.CLEARED, Clearance.REFUSED, Clearance.NO_ANSWER}:
        raise DomainError(
            _("Unknown clearance answer %(value)r: use cleared, refused or no_answer.")
            % {"value": result}
        )
    now = _now(at)
    with transaction.atomic():
        batch = _lock_batch(member.batch)
        member = BatchMember.objects.select_for_update().get(pk=member.pk)
        if batch.status not in CLEARING_STATUSES:
            raise TransitionNotAllowed(
                _("Clearance on batch %(number)s") % {"number": batch.number},
                batch.status,
                result,
                CLEARING_STATUSES,
            )
        if not member.active:
            raise DomainError(
                _("%(person)s is no longer on this batch (%(outcome)s).")
                % {"person": member.person.name_ar, "outcome": member.get_outcome_display()}
            )
        previous = member.clearance
        member.clearance = result
        member.clearance_party = party
        member.clearance_at = now
        member.needs_reconfirmation = False
        member.save(
            update_fields=["clearance", "clearance_party", "clearance_at", "needs_reconfirmation"]
        )
        audit.record(
            "member.clearance",
            member,
            actor=actor,
            data={"from": previous, "to": result, "party": party.code, "batch": batch.pk},
        )
        if result == Clearance.REFUSED:
            _on_refusal(member, actor=actor, at=now)
        elif result == Clearance.CLEARED:
            _announce_member(member_cleared, member)
            if member.role == MemberRole.PATIENT and member.case is not None:
                case_services.mark_cleared(member.case, actor=actor, at=now)
            elif member.role == MemberRole.COMPANION and member.companion is not None:
                if member.companion.status == CompanionStatus.PROPOSED:
                    case_services.confirm_companion(member.companion, actor=actor, at=now)
            elif member.role == MemberRole.RETURNEE and member.return_registration is not None:
                return_services.mark_cleared(member.return_registration, actor=actor, at=now)
        _refresh_clearance_status(batch, actor=actor, at=now)
        member.refresh_from_db()
        return member


@dataclass
class ClearanceAnswers:
    """What recording several answers at once did, seat by seat."""

    recorded: list[BatchMember] = field(default_factory=list)
    unchanged: list[BatchMember] = field(default_factory=list)
    # Ended by an earlier answer of the same call: companions of a refused patient.
    left: list[BatchMember] = field(default_factory=list)


def record_clearances(
    batch: Batch,
    answers: Mapping[int, str],
    *,
    party: Party,
    actor: Any,
    at: datetime.datetime | None = None,
) -> ClearanceAnswers:
    """Record one party's answers for several people on a batch (by place id), all or none.

    Answers are taken in seat order, so a refused patient's companions, who leave with them,
    are reported as having left rather than refused as stale.
    """
    outcome = ClearanceAnswers()
    with transaction.atomic():
        locked = _lock_batch(batch)
        members = list(
            BatchMember.objects.filter(batch=locked, pk__in=list(answers))
            .select_related("person")
            .order_by("seat", "pk")
        )
        missing = set(answers) - {m.pk for m in members}
        if missing:
            raise DomainError(
                _("Some of the answers are for people who are not on batch %(number)s.")
                % {"number": locked.number}
            )
        for member in members:
            was_active = member.active
            member.refresh_from_db()
            result = answers[member.pk]
            if was_active and not member.active:
                outcome.left.append(member)
            elif (
                member.clearance == result
                and member.clearance_party_id == party.pk
                and not member.needs_reconfirmation
            ):
                outcome.unchanged.append(member)
            else:
                outcome.recorded.append(
                    record_clearance(member, result, party=party, actor=actor, at=at)
                )
    return outcome


def _release_companions(patient: BatchMember, *, actor: Any, at: datetime.datetime) -> None:
    """Companions travel only with their patient: when the patient's place ends, theirs does."""
    for companion_member in patient.batch.members.filter(
        case=patient.case, role=MemberRole.COMPANION, active=True
    ):
        end_membership(companion_member, Outcome.WITHDRAWN, actor=actor, at=at)


def _on_refusal(member: BatchMember, *, actor: Any, at: datetime.datetime) -> None:
    end_membership(member, Outcome.REFUSED, actor=actor, at=at)
    if member.role == MemberRole.PATIENT and member.case is not None:
        _release_companions(member, actor=actor, at=at)
        case_services.requeue_case(member.case, actor=actor, reason=_("refused clearance"), at=at)
    elif member.role == MemberRole.COMPANION and member.companion is not None:
        case_services.refuse_companion(member.companion, actor=actor, at=at)
    elif member.role == MemberRole.RETURNEE and member.return_registration is not None:
        return_services.mark_refused(member.return_registration, actor=actor, at=at)


def end_membership(
    member: BatchMember, outcome: str, *, actor: Any, at: datetime.datetime | None = None
) -> BatchMember:
    """End a person's place on a batch with an outcome; the row stays, as history."""
    if outcome in {Outcome.NONE, Outcome.CROSSED}:
        raise DomainError(_("Use mark_member_crossed to record a crossing."))
    with transaction.atomic():
        locked = BatchMember.objects.select_for_update().get(pk=member.pk)
        if not locked.active:
            return locked
        locked.active = False
        locked.outcome = outcome
        locked.outcome_at = _now(at)
        locked.save(update_fields=["active", "outcome", "outcome_at"])
        audit.record(
            "member.ended", locked, actor=actor, data={"outcome": outcome, "batch": locked.batch_id}
        )
        member.refresh_from_db()
        return member


def _require_seats(batch: Batch, day: CrossingDay) -> int:
    """The seats `batch` needs on `day` (whose row is locked), if they fit within its quota."""
    seat_holders = batch.members.filter(SEAT_HOLDING)
    if not seat_holders.exists():
        raise DomainError(_("Batch %(number)s has nobody on it.") % {"number": batch.number})
    if not day.companions_count_in_quota:
        seat_holders = seat_holders.exclude(role=MemberRole.COMPANION)
    mine = seat_holders.count()
    taken = seats_taken(
        batch.crossing,
        batch.planned_date,
        batch.direction,
        exclude_batch=batch,
        count_companions=day.companions_count_in_quota,
    )
    quota = day.quota(batch.direction)
    if taken + mine > quota:
        raise QuotaExceeded(
            _(
                "Confirming batch %(number)s would put %(total)s people through "
                "%(crossing)s on %(date)s, over the quota of %(quota)s (%(taken)s already "
                "confirmed)."
            )
            % {
                "number": batch.number,
                "total": taken + mine,
                "crossing": batch.crossing.name_en,
                "date": batch.planned_date.isoformat(),
                "quota": quota,
                "taken": taken,
            }
        )
    return mine


def confirm_batch(
    batch: Batch,
    *,
    party: Party,
    actor: Any,
    relayed_by: Party | None = None,
    at: datetime.datetime | None = None,
) -> Batch:
    """Record that coordination is confirmed, never letting the day's quota be exceeded.

    The crossing day's row is locked first, so two confirmations for the same day are counted
    one after the other, whichever process makes them.
    """
    now = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        day = crossing_day(locked.crossing, locked.planned_date, lock=True)
        locked = _lock_batch(batch)
        if locked.status == BatchStatus.CONFIRMED:
            return locked
        _require_open(locked.crossing, day)
        if locked.members.filter(active=True, needs_reconfirmation=True).exists():
            raise NotCleared(
                _("Batch %(number)s has clearances still to be re-confirmed for its new date.")
                % {"number": locked.number}
            )
        mine = _require_seats(locked, day)
        _move_batch(locked, BatchStatus.CONFIRMED, actor=actor, at=now, data={"seats": mine})
        _event(
            locked,
            CoordinationEventKind.CONFIRMED,
            party,
            actor=actor,
            at=now,
            relayed_by=relayed_by,
        )
    batch.refresh_from_db()
    return batch


def _coordination_stop(
    batch: Batch,
    target: str,
    kind: str,
    *,
    party: Party,
    actor: Any,
    reason: str,
    no_reason_given: bool,
    relayed_by: Party | None,
    relayed_to: Party | None,
    at: datetime.datetime | None,
) -> Batch:
    _require_reason(reason, no_reason_given)
    now = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if locked.status == target:
            # Already stopped: the same decision relayed twice is recorded once.
            batch.refresh_from_db()
            return batch
        _move_batch(
            locked,
            target,
            actor=actor,
            at=now,
            data={"party": party.code, "reason": reason, "no_reason_given": no_reason_given},
        )
        event = _event(
            locked,
            kind,
            party,
            actor=actor,
            at=now,
            reason=reason,
            no_reason_given=no_reason_given,
            relayed_by=relayed_by,
            relayed_to=relayed_to,
        )
        _announce(event)
    batch.refresh_from_db()
    return batch


def cancel_batch(
    batch: Batch,
    *,
    party: Party,
    actor: Any,
    reason: str = "",
    no_reason_given: bool = False,
    relayed_by: Party | None = None,
    relayed_to: Party | None = None,
    at: datetime.datetime | None = None,
) -> Batch:
    """A party cancelled coordination for the batch (a reason, or explicitly none given)."""
    return _coordination_stop(
        batch,
        BatchStatus.CANCELLED,
        CoordinationEventKind.CANCELLED,
        party=party,
        actor=actor,
        reason=reason,
        no_reason_given=no_reason_given,
        relayed_by=relayed_by,
        relayed_to=relayed_to,
        at=at,
    )


def suspend_batch(
    batch: Batch,
    *,
    party: Party,
    actor: Any,
    reason: str = "",
    no_reason_given: bool = False,
    relayed_by: Party | None = None,
    relayed_to: Party | None = None,
    at: datetime.datetime | None = None,
) -> Batch:
    """A party suspended coordination for the batch; it may resume the same day."""
    return _coordination_stop(
        batch,
        BatchStatus.SUSPENDED,
        CoordinationEventKind.SUSPENDED,
        party=party,
        actor=actor,
        reason=reason,
        no_reason_given=no_reason_given,
        relayed_by=relayed_by,
        relayed_to=relayed_to,
        at=at,
    )


def resume_batch(
    batch: Batch,
    *,
    party: Party,
    actor: Any,
    relayed_by: Party | None = None,
    at: datetime.datetime | None = None,
) -> Batch:
    """Coordination resumed after a suspension or a postponement, if the seats are still free.

    A suspended batch holds no seats, so another batch may have taken them meanwhile. For a
    postponed batch, the party taking up the same list on its new date re-confirms the
    clearances it had given itself; anyone else stays as they were, to be re-confirmed.
    """
    now = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if locked.status == BatchStatus.RESUMED:
            batch.refresh_from_db()
            return batch
        data: dict[str, Any] = {"party": party.code}
        if locked.status in (BatchStatus.SUSPENDED, BatchStatus.POSTPONED):
            day = crossing_day(locked.crossing, locked.planned_date, lock=True)
            locked = _lock_batch(batch)
            if locked.status == BatchStatus.POSTPONED:
                _require_open(locked.crossing, day)
                # Only the party that gave a clearance can stand by it on the new date.
                data["reconfirmed"] = locked.members.filter(
                    active=True,
                    needs_reconfirmation=True,
                    clearance=Clearance.CLEARED,
                    clearance_party=party,
                ).update(needs_reconfirmation=False)
            data["seats"] = _require_seats(locked, day)
        _move_batch(locked, BatchStatus.RESUMED, actor=actor, at=now, data=data)
        _event(
            locked, CoordinationEventKind.RESUMED, party, actor=actor, at=now, relayed_by=relayed_by
        )
    batch.refresh_from_db()
    return batch


def postpone_batch(
    batch: Batch,
    new_date: datetime.date,
    *,
    party: Party,
    actor: Any,
    reason: str = "",
    no_reason_given: bool = False,
    at: datetime.datetime | None = None,
) -> Batch:
    """Move a cancelled or suspended batch, with all its members, to a new date.

    Every member's clearance is kept but marked for re-confirmation; the history keeps both
    dates and the reason.
    """
    _require_reason(reason, no_reason_given)
    now = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if locked.status == BatchStatus.POSTPONED and locked.planned_date == new_date:
            batch.refresh_from_db()
            return batch
        if new_date <= locked.planned_date:
            raise DomainError(
                _("A batch can only be postponed to a later date than %(date)s.")
                % {"date": locked.planned_date.isoformat()}
            )
        new_day = crossing_day(locked.crossing, new_date)
        if not new_day.is_open:
            raise CrossingDayClosed(
                _("%(crossing)s is closed on %(date)s; choose another date.")
                % {"crossing": locked.crossing.name_en, "date": new_date.isoformat()}
            )
        previous_date = locked.planned_date
        _move_batch(
            locked,
            BatchStatus.POSTPONED,
            actor=actor,
            at=now,
            data={"from_date": previous_date, "to_date": new_date, "reason": reason},
        )
        locked.planned_date = new_date
        locked.save(update_fields=["planned_date"])
        locked.members.filter(active=True).update(needs_reconfirmation=True)
        postponed = _event(
            locked,
            CoordinationEventKind.POSTPONED,
            party,
            actor=actor,
            at=now,
            reason=reason,
            no_reason_given=no_reason_given,
            previous_date=previous_date,
            new_date=new_date,
        )
        _announce(postponed)
    batch.refresh_from_db()
    return batch


def depart_batch(batch: Batch, *, actor: Any, at: datetime.datetime | None = None) -> Batch:
    """The batch left its assembly point for the crossing."""
    now = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if locked.status in (BatchStatus.DEPARTED, BatchStatus.CROSSED):
            batch.refresh_from_db()
            return batch
        day = crossing_day(locked.crossing, locked.planned_date)
        _require_open(locked.crossing, day)
        _move_batch(locked, BatchStatus.DEPARTED, actor=actor, at=now)
    batch.refresh_from_db()
    return batch


def check_in_member(
    member: BatchMember,
    *,
    actor: Any,
    at: datetime.datetime | None = None,
    uncleared_ok: bool = False,
    via: str = "",
) -> BatchMember:
    """The person arrived at the assembly point.

    Someone not cleared to travel is checked in only with `uncleared_ok`, once the officer has
    seen the warning: their arrival is worth recording, but the list of arrivals must never be
    mistaken for the list of people cleared to board.
    """
    with transaction.atomic():
        batch = _lock_batch(member.batch)
        locked = BatchMember.objects.select_for_update().select_related("person").get(pk=member.pk)
        if locked.checked_in_at is not None:
            member.refresh_from_db()
            return member
        if not locked.active:
            raise DomainError(
                _("%(person)s is no longer on this batch (%(outcome)s).")
                % {"person": locked.person, "outcome": locked.get_outcome_display()}
            )
        if batch.status not in CHECK_IN_STATUSES:
            raise DomainError(
                _("Batch %(number)s is %(status)s: nobody can be checked in to it now.")
                % {"number": batch.number, "status": batch.get_status_display()}
            )
        if not locked.cleared_to_travel and not uncleared_ok:
            raise NotCleared(
                _("%(person)s is not cleared to travel (%(clearance)s).")
                % {"person": locked.person, "clearance": _clearance_text(locked)}
            )
        locked.checked_in_at = _now(at)
        locked.save(update_fields=["checked_in_at"])
        audit.record(
            "member.checked_in",
            locked,
            actor=actor,
            data={
                "batch": batch.pk,
                "cleared": locked.cleared_to_travel,
                "clearance": locked.clearance,
                "via": via,
            },
        )
    member.refresh_from_db()
    return member


def _clearance_text(member: BatchMember) -> str:
    if member.clearance == Clearance.CLEARED and member.needs_reconfirmation:
        return _("clearance to be re-confirmed for the new date")
    return member.get_clearance_display()


def _lock_batch_then_member(member: BatchMember) -> tuple[Batch, BatchMember]:
    """Lock the member's batch, then the member: every member transition takes them in this
    order (as check-in and clearances do), so two transitions never wait on each other."""
    batch = Batch.objects.select_for_update().get(pk=member.batch_id)
    return batch, BatchMember.objects.select_for_update().get(pk=member.pk)


def _require_travelling(
    member: BatchMember, batch: Batch, action: str, *, on: datetime.date
) -> tuple[Batch, CrossingDay]:
    """Check that the (locked) batch travels on `on`, an open day, and the member is on it."""
    if batch.status not in TRAVELLING_STATUSES:
        raise TransitionNotAllowed(
            _("Batch %(number)s") % {"number": batch.number},
            batch.status,
            action,
            TRAVELLING_STATUSES,
        )
    if on != batch.planned_date:
        # An outcome is what happened at the crossing on the batch's day, never ahead of it.
        raise DomainError(
            _("Batch %(number)s travels on %(date)s: nothing can be recorded for it on %(on)s.")
            % {
                "number": batch.number,
                "date": batch.planned_date.isoformat(),
                "on": on.isoformat(),
            }
        )
    day = crossing_day(batch.crossing, batch.planned_date)
    _require_open(batch.crossing, day)
    if not member.active:
        raise DomainError(
            _("%(person)s is no longer on this batch (%(outcome)s).")
            % {"person": member.person.name_ar, "outcome": member.get_outcome_display()}
        )
    return batch, day


def _write_movement(
    member: BatchMember, batch: Batch, outcome: str, *, actor: Any, at: datetime.datetime, note: str
) -> Movement:
    movement = Movement.objects.create(
        crossing=batch.crossing,
        person=member.person,
        direction=batch.direction,
        at=at,
        date=batch.planned_date,
        batch=batch,
        outcome=outcome,
        recorded_by=actor,
        note=note[:300],
    )
    audit.record(
        f"movement.{outcome}",
        movement,
        actor=actor,
        data={"person": member.person_id, "batch": batch.pk, "direction": batch.direction},
    )
    return movement


def _require_cleared_adult_for_child(
    member: BatchMember, batch: Batch, *, on: datetime.date
) -> None:
    """A child patient never crosses without an adult companion who is cleared and travelling."""
    limit: int = settings.CORRIDOR_CHILD_AGE_LIMIT
    if not member.person.is_child_on(on, limit):
        return
    companions = batch.members.filter(
        case=member.case,
        role=MemberRole.COMPANION,
        clearance=Clearance.CLEARED,
        needs_reconfirmation=False,
    ).filter(models.Q(active=True) | models.Q(outcome=Outcome.CROSSED))
    if not any(not c.person.is_child_on(on, limit) for c in companions.select_related("person")):
        raise DomainError(
            _("%(person)s is a child and cannot cross without a cleared adult companion.")
            % {"person": member.person.name_ar}
        )


def mark_member_crossed(
    member: BatchMember, *, actor: Any, at: datetime.datetime | None = None
) -> BatchMember:
    """Record that a cleared person crossed on an open day; writes the crossing log."""
    now = _now(at)
    with transaction.atomic():
        batch, member = _lock_batch_then_member(member)
        batch, _day = _require_travelling(member, batch, "crossed", on=timezone.localdate(now))
        if member.clearance != Clearance.CLEARED or member.needs_reconfirmation:
            raise NotCleared(
                _("%(person)s is not cleared (%(clearance)s) and cannot cross.")
                % {"person": member.person.name_ar, "clearance": member.get_clearance_display()}
            )
        if member.role == MemberRole.COMPANION:
            patient_crossed = batch.members.filter(
                case=member.case, role=MemberRole.PATIENT, outcome=Outcome.CROSSED
            ).exists()
            if not patient_crossed:
                raise DomainError(
                    _("Companion %(person)s cannot cross before or without their patient.")
                    % {"person": member.person.name_ar}
                )
        if member.role == MemberRole.PATIENT:
            _require_cleared_adult_for_child(member, batch, on=timezone.localdate(now))
        member.active = False
        member.outcome = Outcome.CROSSED
        member.outcome_at = now
        member.save(update_fields=["active", "outcome", "outcome_at"])
        _write_movement(member, batch, MovementOutcome.CROSSED, actor=actor, at=now, note="")
        if member.role == MemberRole.PATIENT and member.case is not None:
            case_services.mark_crossed(member.case, actor=actor, at=now)
        elif member.role == MemberRole.RETURNEE and member.return_registration is not None:
            return_services.mark_crossed(member.return_registration, actor=actor, at=now)
        if batch.status in {BatchStatus.CONFIRMED, BatchStatus.RESUMED}:
            _move_batch(batch, BatchStatus.DEPARTED, actor=actor, at=now)
        if batch.status == BatchStatus.DEPARTED:
            _move_batch(batch, BatchStatus.CROSSED, actor=actor, at=now)
        return member


def mark_member_turned_back(
    member: BatchMember, *, actor: Any, reason: str = "", at: datetime.datetime | None = None
) -> BatchMember:
    """Record that a person was turned back at the crossing; writes the crossing log."""
    now = _now(at)
    with transaction.atomic():
        batch, member = _lock_batch_then_member(member)
        batch, _day = _require_travelling(member, batch, "turned_back", on=timezone.localdate(now))
        end_membership(member, Outcome.TURNED_BACK, actor=actor, at=now)
        _write_movement(
            member, batch, MovementOutcome.TURNED_BACK, actor=actor, at=now, note=reason
        )
        if member.role == MemberRole.PATIENT and member.case is not None:
            _release_companions(member, actor=actor, at=now)
            case_services.mark_turned_back(member.case, actor=actor, reason=reason, at=now)
        elif member.role == MemberRole.RETURNEE and member.return_registration is not None:
            return_services.mark_turned_back(member.return_registration, actor=actor, at=now)
        member.refresh_from_db()
        return member


def mark_member_no_show(
    member: BatchMember, *, actor: Any, at: datetime.datetime | None = None
) -> BatchMember:
    """The person did not come; a patient goes back to the waiting list."""
    now = _now(at)
    with transaction.atomic():
        batch, member = _lock_batch_then_member(member)
        _require_travelling(member, batch, "no_show", on=timezone.localdate(now))
        end_membership(member, Outcome.NO_SHOW, actor=actor, at=now)
        if member.role == MemberRole.PATIENT and member.case is not None:
            _release_companions(member, actor=actor, at=now)
            if member.case.status in {CaseStatus.LISTED, CaseStatus.CLEARED}:
                case_services.requeue_case(
                    member.case, actor=actor, reason=_("did not come"), at=now
                )
        member.refresh_from_db()
        return member


def release_cancelled_batch(
    batch: Batch, *, actor: Any, at: datetime.datetime | None = None
) -> Batch:
    """A cancelled batch that will not be postponed: its people go back to the waiting lists.

    Each place ends as withdrawn; each patient's case is re-queued with its seniority and one
    more bump; each returnee is eligible to be listed again. Then the batch closes.
    """
    now = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if locked.status == BatchStatus.CLOSED:
            batch.refresh_from_db()
            return batch
        if locked.status != BatchStatus.CANCELLED:
            raise TransitionNotAllowed(
                _("Batch %(number)s") % {"number": locked.number},
                locked.status,
                "released",
                {BatchStatus.CANCELLED},
            )
        for member in locked.members.filter(active=True).select_related("case"):
            end_membership(member, Outcome.WITHDRAWN, actor=actor, at=now)
            if member.role == MemberRole.PATIENT and member.case is not None:
                case_services.requeue_case(
                    member.case, actor=actor, reason=_("batch cancelled"), bumped=True, at=now
                )
            elif member.role == MemberRole.RETURNEE and member.return_registration is not None:
                return_services.mark_refused(member.return_registration, actor=actor, at=now)
        _move_batch(locked, BatchStatus.CLOSED, actor=actor, at=now, data={"released": True})
    batch.refresh_from_db()
    return batch


def close_batch(batch: Batch, *, actor: Any, at: datetime.datetime | None = None) -> Batch:
    """Close a batch once every person on it has an outcome."""
    now = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if locked.status == BatchStatus.CLOSED:
            batch.refresh_from_db()
            return batch
        open_members = list(locked.members.filter(active=True).select_related("person"))
        if open_members:
            names = ", ".join(m.person.name_ar for m in open_members[:5])
            raise DomainError(
                _("Batch %(number)s still has %(count)s people without an outcome: %(names)s")
                % {"number": locked.number, "count": len(open_members), "names": names}
            )
        _move_batch(locked, BatchStatus.CLOSED, actor=actor, at=now)
    batch.refresh_from_db()
    return batch
