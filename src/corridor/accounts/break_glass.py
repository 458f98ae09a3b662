"""Breaking the glass: time-limited access to one record outside routine scope, with a reason."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts import policy
from corridor.accounts.models import BreakGlassGrant, User
from corridor.audit import services as audit
from corridor.exceptions import DomainError

MINIMUM_REASON_LENGTH = 15


def break_glass(
    user: User,
    action: str,
    obj: models.Model,
    *,
    reason: str,
    at: datetime.datetime | None = None,
) -> BreakGlassGrant:
    """Open one record to `user` for a limited time; the reason goes to the auditors' review."""
    if not policy.may_break_glass(user, action):
        raise DomainError(_("Your role cannot break the glass for this kind of record."))
    reason = reason.strip()
    if len(reason) < MINIMUM_REASON_LENGTH:
        raise DomainError(
            _("State the reason in at least %(n)s characters; auditors will read it.")
            % {"n": MINIMUM_REASON_LENGTH}
        )
    now = at or timezone.now()
    minutes: int = settings.CORRIDOR_BREAK_GLASS_MINUTES
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=user,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            reason=reason,
            granted_at=now,
            expires_at=now + datetime.timedelta(minutes=minutes),
        )
        audit.record(
            "breakglass.granted",
            obj,
            actor=user,
            data={"action": action, "reason": reason, "minutes": minutes, "grant": grant.pk},
        )
    return grant


def review_grant(grant: BreakGlassGrant, *, reviewer: Any) -> BreakGlassGrant:
    """An auditor marks a break-the-glass access as reviewed."""
    with transaction.atomic():
        locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.reviewed_at is not None:
            return locked
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = reviewer
        locked.save(update_fields=["reviewed_at", "reviewed_by"])
        audit.record("breakglass.reviewed", locked, actor=reviewer)
    return locked
