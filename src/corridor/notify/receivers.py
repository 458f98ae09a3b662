"""Listeners that queue messages once a listing, clearance, call or coordination event is saved."""

from __future__ import annotations

from typing import Any

from corridor.crossings.models import BatchMember, CoordinationEvent
from corridor.notify import services
from corridor.returns.models import ReturnRegistration


def on_member_listed(sender: Any, member: BatchMember, **kwargs: Any) -> None:
    services.queue_listed(member)


def on_member_cleared(sender: Any, member: BatchMember, **kwargs: Any) -> None:
    services.queue_cleared(member)


def on_returnee_called(sender: Any, registration: ReturnRegistration, **kwargs: Any) -> None:
    services.queue_called(registration)


def on_coordination_recorded(sender: Any, event: CoordinationEvent, **kwargs: Any) -> None:
    services.queue_for_event(event)


def connect() -> None:
    from corridor.crossings import signals

    signals.member_listed.connect(on_member_listed, dispatch_uid="notify.listed")
    signals.member_cleared.connect(on_member_cleared, dispatch_uid="notify.cleared")
    signals.returnee_called.connect(on_returnee_called, dispatch_uid="notify.called")
    signals.coordination_recorded.connect(
        on_coordination_recorded, dispatch_uid="notify.coordination"
    )
