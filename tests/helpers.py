"""Small helpers shared by the tests: local times, reading the audit log, authenticator codes."""

from __future__ import annotations

import datetime
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.db import models
from django.utils import timezone

from corridor.audit.models import AuditEvent

# The day the batches of most tests are planned for (a Tuesday, Gaza is on UTC+2 in February).
CROSSING_DATE = datetime.date(2026, 2, 10)


def at_local(day: datetime.date, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """An aware datetime on `day` at `hour:minute` in the project's time zone."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def utc_moment_on_local_date(day: datetime.date) -> datetime.datetime:
    """A UTC datetime whose local date is `day` while its UTC date is not."""
    offset = at_local(day).utcoffset()
    if not offset:
        pytest.skip("needs a project time zone away from UTC")
    local = at_local(day, 0, 30) if offset > datetime.timedelta(0) else at_local(day, 23, 30)
    moment = local.astimezone(datetime.UTC)
    assert moment.date() != day
    return moment


# Two days ahead of the crossing: comfortably inside the list lead time.
PLANNING_TIME = at_local(CROSSING_DATE - datetime.timedelta(days=2), 10)
# On the crossing day itself, after the crossing opens.
CROSSING_TIME = at_local(CROSSING_DATE, 11)


def audit_actions(obj: models.Model) -> list[str]:
    """The actions recorded in the audit log about `obj`, oldest first."""
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


def last_audit(obj: models.Model) -> AuditEvent:
    """The most recent audit event about `obj`."""
    event = (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("sequence")
        .last()
    )
    assert event is not None, f"no audit event about {obj!r}"
    return event


def totp_code(secret: str) -> str:
    """The code an authenticator app holding `secret` shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
