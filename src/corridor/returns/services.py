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
from corridor.crossings.signals import returnee_called
from corridor.exceptions import DomainError, TransitionNotAllowed
from corridor.people.models import Person
from corridor.returns.models import EligibilityRule, ReturnRegistration, ReturnStatus


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
        {ReturnStatus.REGISTERED, ReturnStatus.ELIGIBLE, ReturnStatus.INELIGIBLE},
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
