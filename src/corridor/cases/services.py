"""Transitions of evacuation cases, companions and destination offers.

Each function checks its guard, changes the rows and writes the audit event in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor import clock
from corridor.accounts.models import Party
from corridor.audit import services as audit
from corridor.cases.models import (
    ACTIVE_COMPANION_STATUSES,
    CLOSED_STATUSES,
    WAITING_STATUSES,
    Case,
    CaseStatus,
    Companion,
    CompanionStatus,
    DestinationOffer,
    OfferStatus,
    UrgencyChange,
    UrgencyTier,
)
from corridor.exceptions import CompanionLimitReached, DomainError, TransitionNotAllowed
from corridor.people.models import Person

OPEN_STATUSES = frozenset(CaseStatus.values) - CLOSED_STATUSES


def _move(
    case: Case,
    target: str,
    allowed_from: Iterable[str],
    *,
    actor: Any,
    reason: str = "",
    at: datetime.datetime | None = None,
    action: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Case:
    """Lock the case, check it may move to `target`, move it and audit the move."""
    allowed = frozenset(allowed_from)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == target:
        case.refresh_from_db()
        return case
    if locked.status not in allowed:
        raise TransitionNotAllowed(
            _("Case %(ref)s") % {"ref": locked.reference}, locked.status, target, allowed
        )
    previous = locked.status
    locked.status = target
    locked.status_changed_at = at or clock.now()
    locked.status_reason = reason[:300]
    fields = ["status", "status_changed_at", "status_reason"]
    for name, value in (extra or {}).items():
        setattr(locked, name, value)
        fields.append(name)
    locked.save(update_fields=fields)
    audit.record(
        action or f"case.{target}",
        locked,
        actor=actor,
        # The business time, which differs from the audit's own time when recorded afterwards.
        data={"from": previous, "to": target, "reason": reason, "at": locked.status_changed_at},
    )
    case.refresh_from_db()
    return case


def start_review(case: Case, *, actor: Any = None) -> Case:
    """Send a registered case (or one whose condition changed) to the review committee."""
    with transaction.atomic():
        return _move(
            case,
            CaseStatus.UNDER_REVIEW,
            {CaseStatus.REGISTERED},
            actor=actor,
        )


def approve_case(
    case: Case,
    *,
    actor: Any,
    urgency: UrgencyTier | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Approve a case for treatment abroad (Form No. 1), optionally setting its urgency."""
    now = at or clock.now()
    with transaction.atomic():
        if urgency is not None and urgency.pk != case.urgency_id:
            set_urgency(case, urgency, actor=actor, reason=_("set at approval"), at=now)
        return _move(
            case,
            CaseStatus.APPROVED,
            {CaseStatus.UNDER_REVIEW},
            actor=actor,
            at=now,
            extra={"approved_at": now, "approved_by": actor},
        )


def reject_case(case: Case, *, actor: Any, reason: str) -> Case:
    """Record that the review committee did not approve the case."""
    if not reason.strip():
        raise DomainError(_("A reason is required to reject a case."))
    with transaction.atomic():
        return _move(
            case, CaseStatus.NOT_APPROVED, {CaseStatus.UNDER_REVIEW}, actor=actor, reason=reason
        )


def request_re_review(case: Case, *, actor: Any, reason: str) -> Case:
    """The patient's condition changed: the case goes back to the review committee."""
    with transaction.atomic():
        return _move(
            case,
            CaseStatus.UNDER_REVIEW,
            OPEN_STATUSES - {CaseStatus.UNDER_REVIEW, CaseStatus.CROSSED, CaseStatus.LISTED},
            actor=actor,
            reason=reason,
            action="case.re_review",
        )


def set_urgency(
    case: Case,
    tier: UrgencyTier,
    *,
    actor: Any,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> UrgencyChange | None:
    """Change a case's urgency tier, keeping the history of who changed it and why."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status in CLOSED_STATUSES:
            raise TransitionNotAllowed(
                _("Urgency of case %(ref)s") % {"ref": locked.reference},
                locked.status,
                tier.code,
            )
        if locked.urgency_id == tier.pk:
            return None
        change = UrgencyChange.objects.create(
            case=locked,
            previous_id=locked.urgency_id,
            new=tier,
            changed_at=at or clock.now(),
            changed_by=actor,
            reason=reason,
        )
        locked.urgency = tier
        locked.save(update_fields=["urgency"])
        audit.record(
            "case.urgency_changed",
            locked,
            actor=actor,
            data={
                "from": change.previous.code if change.previous else None,
                "to": tier.code,
                "reason": reason,
            },
        )
    case.refresh_from_db()
    return change


def offer_case(
    case: Case, party: Party, *, actor: Any, on: datetime.date | None = None
) -> DestinationOffer:
    """Offer an approved case to a receiving party."""
    with transaction.atomic():
        if case.status != CaseStatus.ACCEPTED:
            # A case already accepted somewhere may still be offered to a second destination.
            _move(
                case,
                CaseStatus.OFFERED,
                {CaseStatus.APPROVED, CaseStatus.REQUEUED, CaseStatus.OFFERED},
                actor=actor,
            )
        open_offer = DestinationOffer.objects.filter(
            case=case,
            receiving_party=party,
            status__in=[OfferStatus.OFFERED, OfferStatus.ACCEPTED],
        ).first()
        if open_offer is not None:
            return open_offer
        offer = DestinationOffer.objects.create(
            case=case,
            receiving_party=party,
            offered_on=on or clock.today(),
            status=OfferStatus.OFFERED,
        )
        audit.record(
            "offer.offered", offer, actor=actor, data={"case": case.reference, "party": party.code}
        )
        return offer


def accept_offer(
    offer: DestinationOffer,
    *,
    actor: Any,
    available_from: datetime.date | None = None,
    on: datetime.date | None = None,
) -> DestinationOffer:
    """The receiving party accepts the case, with the date from which it has a bed."""
    with transaction.atomic():
        locked = DestinationOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.status == OfferStatus.ACCEPTED:
            return locked
        if locked.status != OfferStatus.OFFERED:
            raise TransitionNotAllowed(
                _("Offer"), locked.status, OfferStatus.ACCEPTED, {OfferStatus.OFFERED}
            )
        locked.status = OfferStatus.ACCEPTED
        locked.answered_on = on or clock.today()
        locked.available_from = available_from
        locked.save(update_fields=["status", "answered_on", "available_from"])
        audit.record("offer.accepted", locked, actor=actor, data={"case": locked.case.reference})
        if locked.case.status in {CaseStatus.OFFERED, CaseStatus.APPROVED, CaseStatus.REQUEUED}:
            _move(locked.case, CaseStatus.ACCEPTED, WAITING_STATUSES, actor=actor)
        return locked


def decline_offer(
    offer: DestinationOffer, *, actor: Any, reason: str = "", on: datetime.date | None = None
) -> DestinationOffer:
    """The receiving party declines the case; the case stays on the waiting list."""
    with transaction.atomic():
        locked = DestinationOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.status == OfferStatus.DECLINED:
            return locked
        if locked.status != OfferStatus.OFFERED:
            raise TransitionNotAllowed(
                _("Offer"), locked.status, OfferStatus.DECLINED, {OfferStatus.OFFERED}
            )
        locked.status = OfferStatus.DECLINED
        locked.answered_on = on or clock.today()
        locked.note = reason[:300]
        locked.save(update_fields=["status", "answered_on", "note"])
        audit.record("offer.declined", locked, actor=actor, data={"reason": reason})
        return locked


def _end_memberships(case: Case, outcome: str, *, actor: Any, at: datetime.datetime) -> int:
    """End the active batch memberships of a case's patient and companions.

    `outcome` is the patient's; companions are withdrawn with them (they did not die).
    """
    from corridor.crossings.models import MemberRole, Outcome
    from corridor.crossings.services import end_membership

    ended = 0
    for member in case.batch_memberships.filter(active=True).select_related("batch"):
        member_outcome = outcome if member.role == MemberRole.PATIENT else Outcome.WITHDRAWN
        end_membership(member, member_outcome, actor=actor, at=at)
        ended += 1
    return ended


def _lock_batches_of(case: Case) -> None:
    """Lock the batches the case's people are on, before the case: the crossing's services lock
    a batch, then its member, then the case, and one order everywhere means no deadlock."""
    from corridor.crossings.models import Batch, BatchMember

    on = BatchMember.objects.filter(case=case, active=True).values("batch_id")
    list(Batch.objects.select_for_update().filter(pk__in=on).order_by("pk").values_list("pk"))


def record_death(
    case: Case, *, actor: Any, on: datetime.date | None = None, at: datetime.datetime | None = None
) -> Case:
    """The patient died while waiting: the case closes and any batch places are released."""
    now = at or clock.now()
    with transaction.atomic():
        _lock_batches_of(case)
        case = _move(
            case,
            CaseStatus.DIED,
            OPEN_STATUSES - {CaseStatus.CROSSED},
            actor=actor,
            at=now,
            reason=_("died on %(date)s") % {"date": (on or timezone.localdate(now)).isoformat()},
        )
        _end_memberships(case, "died", actor=actor, at=now)
        return case


def withdraw_case(
    case: Case, *, actor: Any, reason: str, at: datetime.datetime | None = None
) -> Case:
    """The patient or the referring party withdraws the case; batch places are released."""
    now = at or clock.now()
    with transaction.atomic():
        _lock_batches_of(case)
        case = _move(
            case,
            CaseStatus.WITHDRAWN,
            OPEN_STATUSES - {CaseStatus.CROSSED},
            actor=actor,
            at=now,
            reason=reason,
        )
        _end_memberships(case, "withdrawn", actor=actor, at=now)
        return case


def record_bump(case: Case, *, actor: Any, reason: str) -> Case:
    """A case lost its planned seat to an event: it keeps its seniority, and the bump counts."""
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(bump_count=models.F("bump_count") + 1)
        audit.record("case.bumped", case, actor=actor, data={"reason": reason})
    case.refresh_from_db()
    return case


def requeue_case(
    case: Case,
    *,
    actor: Any,
    reason: str,
    bumped: bool = False,
    at: datetime.datetime | None = None,
) -> Case:
    """Put a case back on the waiting list after a cancellation, refusal or turn-back.

    A case bumped off a batch keeps its seniority and counts the bump in its favour.
    """
    with transaction.atomic():
        # Counted from the locked row, not the caller's copy, so no bump is lost.
        extra = {"bump_count": models.F("bump_count") + 1} if bumped else None
        return _move(
            case,
            CaseStatus.REQUEUED,
            {CaseStatus.LISTED, CaseStatus.CLEARED, CaseStatus.TURNED_BACK},
            actor=actor,
            reason=reason,
            at=at,
            extra=extra,
        )


def mark_listed(case: Case, *, actor: Any, at: datetime.datetime | None = None) -> Case:
    """The case's patient was put on a batch."""
    with transaction.atomic():
        return _move(case, CaseStatus.LISTED, WAITING_STATUSES, actor=actor, at=at)


def mark_cleared(case: Case, *, actor: Any, at: datetime.datetime | None = None) -> Case:
    with transaction.atomic():
        return _move(case, CaseStatus.CLEARED, {CaseStatus.LISTED}, actor=actor, at=at)


def mark_crossed(case: Case, *, actor: Any, at: datetime.datetime | None = None) -> Case:
    with transaction.atomic():
        return _move(
            case, CaseStatus.CROSSED, {CaseStatus.LISTED, CaseStatus.CLEARED}, actor=actor, at=at
        )


def mark_turned_back(
    case: Case, *, actor: Any, reason: str = "", at: datetime.datetime | None = None
) -> Case:
    with transaction.atomic():
        return _move(
            case,
            CaseStatus.TURNED_BACK,
            {CaseStatus.LISTED, CaseStatus.CLEARED},
            actor=actor,
            reason=reason,
            at=at,
        )


def mark_admitted(case: Case, *, actor: Any, at: datetime.datetime | None = None) -> Case:
    """The patient was handed over and admitted by the receiving hospital."""
    with transaction.atomic():
        return _move(case, CaseStatus.ADMITTED, {CaseStatus.CROSSED}, actor=actor, at=at)


def add_companion(
    case: Case,
    person: Person,
    *,
    relationship: str,
    is_guardian: bool = False,
    actor: Any = None,
    replaces: Companion | None = None,
    at: datetime.datetime | None = None,
) -> Companion:
    """Propose a companion for a patient, within the configured limit per case."""
    limit: int = settings.CORRIDOR_MAX_COMPANIONS
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status in CLOSED_STATUSES:
            raise TransitionNotAllowed(
                _("Case %(ref)s") % {"ref": locked.reference}, locked.status, "companion"
            )
        if person.pk == locked.patient_id:
            raise DomainError(_("A patient cannot be their own companion."))
        if replaces is not None and replaces.case_id != locked.pk:
            raise DomainError(
                _("The companion to replace is not a companion of case %(ref)s.")
                % {"ref": locked.reference}
            )
        # A replacement takes the place of the one it replaces, if that one still holds a place.
        active = locked.companions.filter(status__in=ACTIVE_COMPANION_STATUSES)
        if replaces is not None:
            active = active.exclude(pk=replaces.pk)
        if active.count() >= limit:
            raise CompanionLimitReached(
                _("Case %(ref)s already has %(limit)s companions, the most allowed.")
                % {"ref": locked.reference, "limit": limit}
            )
        now = at or clock.now()
        if replaces is not None:
            _set_companion_status(replaces, CompanionStatus.REPLACED, actor=actor, at=now)
        companion = Companion.objects.create(
            case=locked,
            person=person,
            relationship=relationship,
            is_guardian=is_guardian,
            status=CompanionStatus.PROPOSED,
            status_changed_at=now,
            replaces=replaces,
        )
        audit.record(
            "companion.proposed",
            companion,
            actor=actor,
            data={"case": locked.reference, "replaces": replaces.pk if replaces else None},
        )
        return companion


_COMPANION_MOVES: dict[str, frozenset[str]] = {
    CompanionStatus.CONFIRMED: frozenset({CompanionStatus.PROPOSED}),
    CompanionStatus.REFUSED: frozenset({CompanionStatus.PROPOSED, CompanionStatus.CONFIRMED}),
    CompanionStatus.REPLACED: frozenset(
        {CompanionStatus.PROPOSED, CompanionStatus.CONFIRMED, CompanionStatus.REFUSED}
    ),
    CompanionStatus.WITHDRAWN: frozenset({CompanionStatus.PROPOSED, CompanionStatus.CONFIRMED}),
}


def _set_companion_status(
    companion: Companion, target: str, *, actor: Any, at: datetime.datetime
) -> Companion:
    locked = Companion.objects.select_for_update().get(pk=companion.pk)
    if locked.status == target:
        return locked
    allowed = _COMPANION_MOVES[target]
    if locked.status not in allowed:
        raise TransitionNotAllowed(_("Companion"), locked.status, target, allowed)
    previous = locked.status
    locked.status = target
    locked.status_changed_at = at
    locked.save(update_fields=["status", "status_changed_at"])
    audit.record(f"companion.{target}", locked, actor=actor, data={"from": previous, "at": at})
    companion.refresh_from_db()
    return companion


def confirm_companion(
    companion: Companion, *, actor: Any, at: datetime.datetime | None = None
) -> Companion:
    with transaction.atomic():
        return _set_companion_status(
            companion, CompanionStatus.CONFIRMED, actor=actor, at=at or clock.now()
        )


def refuse_companion(
    companion: Companion, *, actor: Any, at: datetime.datetime | None = None
) -> Companion:
    """A companion was refused clearance; they may be replaced or the patient go without them."""
    with transaction.atomic():
        return _set_companion_status(
            companion, CompanionStatus.REFUSED, actor=actor, at=at or clock.now()
        )


def withdraw_companion(
    companion: Companion, *, actor: Any, at: datetime.datetime | None = None
) -> Companion:
    with transaction.atomic():
        return _set_companion_status(
            companion, CompanionStatus.WITHDRAWN, actor=actor, at=at or clock.now()
        )
