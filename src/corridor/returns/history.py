"""A return registration's history, read from the audit log: what happened, when, by whom."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from corridor.audit.models import AuditEvent
from corridor.crossings.models import Clearance, Outcome
from corridor.returns.models import CallOutcome, ReturnRegistration

MAX_EVENTS = 200

# Audit actions as the returns officer says them.
LABELS: dict[str, Promise] = {
    "return.registered": _("Registered"),
    "return.eligible": _("Decided eligible"),
    "return.ineligible": _("Decided not eligible"),
    "return.listed": _("Listed on a return batch"),
    "return.cleared": _("Cleared to cross"),
    "return.called": _("Called to the crossing (message queued)"),
    "return.crossed": _("Crossed"),
    "return.turned_back": _("Turned back"),
    "return.call_recorded": _("Call recorded"),
    "return.phone_read": _("Phone number shown"),
    "batch.member_added": _("Put on a batch"),
    "member.clearance": _("Clearance answer"),
    "member.checked_in": _("Checked in at the assembly point"),
    "member.ended": _("Taken off the batch"),
}


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    who: str
    what: str
    detail: str


def _detail(event: AuditEvent) -> str:
    data: dict[str, Any] = event.data or {}
    if event.action == "return.call_recorded" and data.get("outcome") in CallOutcome.values:
        return str(CallOutcome(data["outcome"]).label)
    if event.action == "member.clearance" and data.get("to") in Clearance.values:
        return str(Clearance(data["to"]).label)
    if event.action == "member.ended" and data.get("outcome") in Outcome.values:
        return str(Outcome(data["outcome"]).label)
    return ""


def registration_history(
    registration: ReturnRegistration, member_ids: Iterable[int]
) -> list[Entry]:
    """Events about the registration and its places on batches, oldest first."""
    about = models.Q(
        object_type=ReturnRegistration._meta.label_lower, object_id=str(registration.pk)
    )
    members = [str(pk) for pk in member_ids]
    if members:
        about |= models.Q(object_type="crossings.batchmember", object_id__in=members)
    events = (
        AuditEvent.objects.filter(about).select_related("actor").order_by("-sequence")[:MAX_EVENTS]
    )
    return [
        Entry(
            at=event.at,
            who=event.actor.get_username() if event.actor else "",
            what=str(LABELS.get(event.action, event.action)),
            detail=_detail(event),
        )
        for event in reversed(list(events))
    ]
