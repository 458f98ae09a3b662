"""Lists for a date: eligible returnees put on a day's return batch in the order they registered."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from corridor import clock
from corridor.accounts.models import Facility, Party
from corridor.crossings import services as crossing_services
from corridor.crossings.models import (
    Batch,
    BatchKind,
    BatchMember,
    BatchStatus,
    Crossing,
    Direction,
)
from corridor.exceptions import CrossingDayClosed, DomainError, QuotaExceeded
from corridor.i18n import local_name
from corridor.returns.models import ReturnRegistration

# A postponed batch moves to its new date with its people; a cancelled one holds no seats.
_SEATLESS_STATUSES = frozenset({BatchStatus.CANCELLED})


def return_batches_on(crossing: Crossing, date: datetime.date) -> models.QuerySet[Batch]:
    """The return batches planned for a crossing day, by number."""
    return Batch.objects.filter(
        crossing=crossing, planned_date=date, direction=Direction.IN, kind=BatchKind.RETURN
    ).order_by("number")


def seats_listed(crossing: Crossing, date: datetime.date) -> int:
    """People listed to arrive on a crossing day: on a batch still planned for it, or crossed."""
    return (
        BatchMember.objects.filter(
            crossing_services.SEAT_HOLDING,
            batch__crossing=crossing,
            batch__planned_date=date,
            batch__direction=Direction.IN,
        )
        .exclude(batch__status__in=_SEATLESS_STATUSES)
        .count()
    )


def next_to_list(registered_with: Party) -> models.QuerySet[ReturnRegistration]:
    """A party's eligible returnees not travelling on any batch, first registered first."""
    return (
        ReturnRegistration.objects.eligible()
        .filter(registered_with=registered_with)
        .exclude(person__batch_memberships__active=True)
        .order_by("registered_on", "pk")
    )


@dataclass(frozen=True)
class BuiltList:
    batch: Batch
    members: list[BatchMember]
    asked: int


def _editable_batch(crossing: Crossing, date: datetime.date) -> Batch | None:
    return (
        return_batches_on(crossing, date)
        .filter(status__in=crossing_services.EDITABLE_STATUSES)
        .first()
    )


def build_return_list(
    crossing: Crossing,
    date: datetime.date,
    *,
    registered_with: Party,
    count: int,
    actor: Any,
    assembly_point: Facility | None = None,
    at: datetime.datetime | None = None,
) -> BuiltList:
    """List up to `count` of a party's next eligible returnees on the date's return batch.

    The batch is the date's return batch whose list may still change, or a new draft one; the
    count is cut to the seats the day's arrival quota has left.
    """
    if count < 1:
        raise DomainError(_("Say how many people to list: at least 1."))
    if date < clock.today():
        raise DomainError(
            _("%(date)s is in the past: lists are built for today or a later date.")
            % {"date": date.isoformat()}
        )
    if Direction.IN not in crossing.directions:
        raise DomainError(
            _("%(crossing)s does not allow arrivals.") % {"crossing": local_name(crossing)}
        )
    with transaction.atomic():
        # The day's row is the lock that keeps two officers from overfilling its quota.
        day = crossing_services.crossing_day(crossing, date, lock=True)
        if not day.is_open:
            raise CrossingDayClosed(
                _("%(crossing)s is closed on %(date)s.")
                % {"crossing": local_name(crossing), "date": date.isoformat()}
            )
        listed = seats_listed(crossing, date)
        free = day.quota_in - listed
        if free <= 0:
            raise QuotaExceeded(
                _(
                    "No seats are left for arrivals at %(crossing)s on %(date)s: the quota is "
                    "%(quota)s and %(listed)s people are already listed."
                )
                % {
                    "crossing": local_name(crossing),
                    "date": date.isoformat(),
                    "quota": day.quota_in,
                    "listed": listed,
                }
            )
        chosen = list(next_to_list(registered_with).select_related("person")[: min(count, free)])
        if not chosen:
            raise DomainError(
                _("No eligible returnee of %(party)s is waiting to be listed.")
                % {"party": local_name(registered_with)}
            )
        batch = _editable_batch(crossing, date) or crossing_services.create_batch(
            crossing,
            Direction.IN,
            date,
            actor=actor,
            kind=BatchKind.RETURN,
            assembly_point=assembly_point,
            at=at,
        )
        members = [
            crossing_services.add_returnee_to_batch(batch, registration, actor=actor, at=at)
            for registration in chosen
        ]
    return BuiltList(batch=batch, members=members, asked=count)


def last_assembly_point(crossing: Crossing) -> Facility | None:
    """Where the crossing's latest return batch assembled, as the default for the next one."""
    batch = (
        Batch.objects.filter(crossing=crossing, kind=BatchKind.RETURN, assembly_point__isnull=False)
        .select_related("assembly_point")
        .order_by("-planned_date", "-number")
        .first()
    )
    return batch.assembly_point if batch is not None else None
