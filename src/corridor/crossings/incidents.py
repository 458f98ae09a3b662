"""Protection incidents: recording one, and its review from open to closed.

The narrative and the review notes are encrypted at rest and never go into the audit log, which
records who did what to which incident and nothing of what it says.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from corridor import clock
from corridor.audit import services as audit
from corridor.crossings.models import (
    BatchMember,
    Crossing,
    Incident,
    IncidentKind,
    IncidentReview,
    IncidentSeverity,
    IncidentStatus,
    Movement,
)
from corridor.exceptions import DomainError, TransitionNotAllowed
from corridor.people.models import Person

# Where a review may take an incident from each status (a closed one may be reopened).
REVIEW_MOVES: dict[str, frozenset[str]] = {
    IncidentStatus.OPEN: frozenset({IncidentStatus.UNDER_REVIEW, IncidentStatus.CLOSED}),
    IncidentStatus.UNDER_REVIEW: frozenset({IncidentStatus.OPEN, IncidentStatus.CLOSED}),
    IncidentStatus.CLOSED: frozenset({IncidentStatus.UNDER_REVIEW}),
}


def travellers_at(crossing: Crossing) -> models.QuerySet[Person]:
    """People who were listed on a batch of the crossing or crossed it: those an incident names."""
    return Person.objects.filter(
        models.Exists(
            BatchMember.objects.filter(person=models.OuterRef("pk"), batch__crossing=crossing)
        )
        | models.Exists(Movement.objects.filter(person=models.OuterRef("pk"), crossing=crossing))
    )


# How many days either side of an incident its people may have been on a batch of the crossing.
TRAVEL_WINDOW_DAYS = 3


def travellers_near(
    crossing: Crossing, day: datetime.date, days: int = TRAVEL_WINDOW_DAYS
) -> models.QuerySet[Person]:
    """People on a batch of the crossing, or who crossed it, within `days` days of `day`.

    An incident names its people by ID number; the window keeps that from becoming a way to
    look up anyone who ever travelled through the crossing.
    """
    since, until = day - datetime.timedelta(days=days), day + datetime.timedelta(days=days)
    return Person.objects.filter(
        models.Exists(
            BatchMember.objects.filter(
                person=models.OuterRef("pk"),
                batch__crossing=crossing,
                batch__planned_date__range=(since, until),
            )
        )
        | models.Exists(
            Movement.objects.filter(
                person=models.OuterRef("pk"), crossing=crossing, date__range=(since, until)
            )
        )
    )


def record_incident(
    crossing: Crossing,
    *,
    kind: str,
    occurred_on: datetime.date,
    narrative: str,
    actor: Any,
    severity: str = IncidentSeverity.NOT_ASSESSED,
    place: str = "",
    people: Iterable[Person] = (),
    at: datetime.datetime | None = None,
) -> Incident:
    """Record a protection incident at a crossing, open for review."""
    now = at or clock.now()
    if kind not in IncidentKind.values:
        raise DomainError(_("'%(kind)s' is not a kind of incident.") % {"kind": kind})
    if severity not in IncidentSeverity.values:
        raise DomainError(_("'%(severity)s' is not a severity.") % {"severity": severity})
    if occurred_on > clock.today():
        raise DomainError(
            _("An incident cannot have happened after today (%(date)s).")
            % {"date": occurred_on.isoformat()}
        )
    if not narrative.strip():
        raise DomainError(_("Say what happened: the narrative is empty."))
    involved = list(people)
    with transaction.atomic():
        incident = Incident.objects.create(
            crossing=crossing,
            kind=kind,
            occurred_on=occurred_on,
            place=place.strip()[:200],
            severity=severity,
            narrative=narrative.strip(),
            status=IncidentStatus.OPEN,
            status_changed_at=now,
            recorded_by=actor if getattr(actor, "pk", None) else None,
            recorded_at=now,
        )
        incident.people.set(involved)
        audit.record(
            "incident.recorded",
            incident,
            actor=actor,
            data={
                "crossing": crossing.pk,
                "kind": kind,
                "severity": severity,
                "occurred_on": occurred_on,
                "people": sorted(person.pk for person in involved),
            },
        )
    return incident


def review_incident(
    incident: Incident,
    status: str,
    *,
    actor: Any,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Incident:
    """Move an incident under review, back to open, closed (with a note) or reopened."""
    now = at or clock.now()
    note = note.strip()
    if status == IncidentStatus.CLOSED and not note:
        raise DomainError(_("Say why the incident is closed: a note is needed to close it."))
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.status == status and not note:
            return locked
        allowed = REVIEW_MOVES.get(locked.status, frozenset())
        if locked.status != status and status not in allowed:
            raise TransitionNotAllowed(_("Incident"), locked.status, status, allowed)
        previous = locked.status
        IncidentReview.objects.create(
            incident=locked,
            from_status=previous,
            to_status=status,
            note=note,
            reviewed_by=actor if getattr(actor, "pk", None) else None,
            at=now,
        )
        locked.status = status
        locked.status_changed_at = now
        locked.save(update_fields=["status", "status_changed_at"])
        audit.record(
            "incident.reviewed",
            locked,
            actor=actor,
            data={"from": previous, "to": status, "note": bool(note)},
        )
    incident.refresh_from_db()
    return incident
