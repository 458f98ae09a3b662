"""Transitions of return registrations and the eligibility decision."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor import clock
from corridor.accounts.models import Party
from corridor.audit import services as audit
from corridor.crossings.models import BatchMember
from corridor.crossings.signals import returnee_called
from corridor.exceptions import DomainError, TransitionNotAllowed
from corridor.people.models import Person
from corridor.returns.models import (
    CallOutcome,
    EligibilityRule,
    ReturnCall,
    ReturnRegistration,
    ReturnStatus,
)

# Registrations whose eligibility may be decided (again, under the rule now in force).
DECIDABLE_STATUSES = frozenset(
    {ReturnStatus.REGISTERED, ReturnStatus.ELIGIBLE, ReturnStatus.INELIGIBLE}
)
# Returnees a returns officer calls: on a return batch's list, not yet at the crossing.
CALLABLE_STATUSES = frozenset({ReturnStatus.LISTED, ReturnStatus.CLEARED, ReturnStatus.CALLED})


def decide(
    rule: EligibilityRule, territory: str | None, departure_date: datetime.date
) -> tuple[bool, str]:
    """Apply an eligibility rule to one person's residence and departure date, with the reason."""
    if territory != rule.residence_territory:
        return False, _("not a resident of %(territory)s (rule %(rule)s)") % {
            "territory": rule.residence_territory,
            "rule": rule.code,
        }
    if departure_date < rule.left_on_or_after:
        return False, _("left on %(left)s, before %(cutoff)s (rule %(rule)s)") % {
            "left": departure_date.isoformat(),
            "cutoff": rule.left_on_or_after.isoformat(),
            "rule": rule.code,
        }
    return True, _("resident of %(territory)s who left on or after %(cutoff)s (rule %(rule)s)") % {
        "territory": rule.residence_territory,
        "cutoff": rule.left_on_or_after.isoformat(),
        "rule": rule.code,
    }


def reason_for_reader(registration: ReturnRegistration) -> str:
    """The reason for a registration's decision, in the reader's language.

    The reason is stored in the language of whoever decided; it is given again in the reader's
    language when the rule applied to the same facts still gives the same decision, and as it
    was stored otherwise (the person's residence may have changed since).
    """
    rule = registration.eligibility_rule
    if rule is None:
        return registration.eligibility_reason
    residence = registration.person.residence
    eligible, reason = decide(
        rule, residence.territory if residence else None, registration.departure_date
    )
    if eligible == (registration.status != ReturnStatus.INELIGIBLE):
        return reason
    return registration.eligibility_reason


def rule_in_force() -> EligibilityRule:
    rule = EligibilityRule.objects.filter(active=True).first()
    if rule is None:
        raise DomainError(_("No eligibility rule is in force; an administrator must set one."))
    return rule


def register_return(
    person: Person,
    *,
    registered_with: Party,
    current_location: str,
    departure_date: datetime.date,
    actor: Any,
    registered_on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> ReturnRegistration:
    """Register a person who asks to return home."""
    now = at or clock.now()
    with transaction.atomic():
        registration = ReturnRegistration.objects.create(
            person=person,
            registered_with=registered_with,
            registered_on=registered_on or timezone.localdate(now),
            current_location=current_location,
            departure_date=departure_date,
            status=ReturnStatus.REGISTERED,
            status_changed_at=now,
        )
        audit.record("return.registered", registration, actor=actor)
        return registration


def _move(
    registration: ReturnRegistration,
    target: str,
    allowed_from: Iterable[str],
    *,
    actor: Any,
    at: datetime.datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> ReturnRegistration:
    allowed = frozenset(allowed_from)
    with transaction.atomic():
        locked = ReturnRegistration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == target and not extra:
            return locked
        if locked.status not in allowed:
            raise TransitionNotAllowed(_("Return registration"), locked.status, target, allowed)
        previous = locked.status
        locked.status = target
        locked.status_changed_at = at or clock.now()
        fields = ["status", "status_changed_at"]
        for name, value in (extra or {}).items():
            setattr(locked, name, value)
            fields.append(name)
        locked.save(update_fields=fields)
        audit.record(
            f"return.{target}",
            locked,
            actor=actor,
            data={"from": previous, "to": target, **{k: str(v) for k, v in (extra or {}).items()}},
        )
    registration.refresh_from_db()
    return registration


def decide_eligibility(
    registration: ReturnRegistration,
    *,
    actor: Any,
    rule: EligibilityRule | None = None,
    at: datetime.datetime | None = None,
) -> ReturnRegistration:
    """Decide whether a registered person may return, recording the rule that decided."""
    rule = rule or rule_in_force()
    residence = registration.person.residence
    eligible, reason = decide(
        rule, residence.territory if residence else None, registration.departure_date
    )
    target = ReturnStatus.ELIGIBLE if eligible else ReturnStatus.INELIGIBLE
    return _move(
        registration,
        target,
        DECIDABLE_STATUSES,
        actor=actor,
        at=at,
        extra={"eligibility_rule": rule, "eligibility_reason": reason[:300]},
    )


def mark_listed(
    registration: ReturnRegistration, *, actor: Any, at: datetime.datetime | None = None
) -> ReturnRegistration:
    return _move(registration, ReturnStatus.LISTED, {ReturnStatus.ELIGIBLE}, actor=actor, at=at)


def mark_cleared(
    registration: ReturnRegistration, *, actor: Any, at: datetime.datetime | None = None
) -> ReturnRegistration:
    return _move(registration, ReturnStatus.CLEARED, {ReturnStatus.LISTED}, actor=actor, at=at)


def mark_refused(
    registration: ReturnRegistration, *, actor: Any, at: datetime.datetime | None = None
) -> ReturnRegistration:
    """Refused clearance: the returnee stays eligible and may be listed again."""
    return _move(
        registration,
        ReturnStatus.ELIGIBLE,
        {ReturnStatus.LISTED, ReturnStatus.CLEARED},
        actor=actor,
        at=at,
    )


def call_returnee(
    registration: ReturnRegistration, *, actor: Any, at: datetime.datetime | None = None
) -> ReturnRegistration:
    """The returnee was called with a date and an assembly point."""
    called = _move(registration, ReturnStatus.CALLED, {ReturnStatus.CLEARED}, actor=actor, at=at)
    transaction.on_commit(
        lambda: returnee_called.send(sender=ReturnRegistration, registration=called)
    )
    return called


def mark_crossed(
    registration: ReturnRegistration, *, actor: Any, at: datetime.datetime | None = None
) -> ReturnRegistration:
    return _move(
        registration,
        ReturnStatus.CROSSED,
        {ReturnStatus.LISTED, ReturnStatus.CLEARED, ReturnStatus.CALLED},
        actor=actor,
        at=at,
    )


def mark_turned_back(
    registration: ReturnRegistration, *, actor: Any, at: datetime.datetime | None = None
) -> ReturnRegistration:
    return _move(
        registration,
        ReturnStatus.TURNED_BACK,
        {ReturnStatus.LISTED, ReturnStatus.CLEARED, ReturnStatus.CALLED},
        actor=actor,
        at=at,
    )


def record_call(
    registration: ReturnRegistration,
    outcome: str,
    *,
    actor: Any,
    note: str = "",
    at: datetime.datetime | None = None,
) -> ReturnCall:
    """Record a call to a listed returnee; a cleared one who confirms is called to the crossing.

    Only a confirmed call to a cleared returnee changes the registration (to called, which
    queues the message with the date and assembly point); every other call is only recorded.
    """
    if outcome not in CallOutcome.values:
        raise DomainError(_("'%(outcome)s' is not an outcome of a call.") % {"outcome": outcome})
    now = at or clock.now()
    with transaction.atomic():
        locked = (
            ReturnRegistration.objects.select_for_update()
            .select_related("person")
            .get(pk=registration.pk)
        )
        member = (
            BatchMember.objects.filter(return_registration=locked, active=True)
            .order_by("-pk")
            .first()
        )
        if locked.status not in CALLABLE_STATUSES or member is None:
            raise DomainError(
                _("%(person)s is on no return list (%(status)s): only listed returnees are called.")
                % {"person": locked.person.name_ar, "status": locked.get_status_display()}
            )
        call = ReturnCall.objects.create(
            registration=locked,
            batch_id=member.batch_id,
            outcome=outcome,
            note=note.strip()[:300],
            called_at=now,
            called_by=actor if getattr(actor, "pk", None) else None,
        )
        # The note stays out of the audit log: it may say things about the person.
        audit.record(
            "return.call_recorded",
            locked,
            actor=actor,
            data={"call": call.pk, "outcome": outcome, "batch": member.batch_id},
        )
        if outcome == CallOutcome.CONFIRMED and locked.status == ReturnStatus.CLEARED:
            call_returnee(locked, actor=actor, at=now)
    registration.refresh_from_db()
    return call
