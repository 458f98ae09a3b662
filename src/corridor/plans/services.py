"""Proposing plans, re-planning after coordination events, and accepting a plan into batches."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor import clock, planning
from corridor.audit import services as audit
from corridor.cases import services as case_services
from corridor.cases.models import WAITING_STATUSES, Case
from corridor.crossings import services as crossing_services
from corridor.crossings.models import (
    Batch,
    BatchKind,
    BatchMember,
    BatchStatus,
    Crossing,
    Direction,
    MemberRole,
)
from corridor.exceptions import DomainError, TransitionNotAllowed
from corridor.plans.adapter import build_problem, change_to_dict
from corridor.plans.models import PlanProposal, ProposalStatus, StandbyEntry

log = logging.getLogger(__name__)


def propose_plan(
    crossing: Crossing,
    first_day: datetime.date,
    days: int | None = None,
    *,
    actor: Any,
    at: datetime.datetime | None = None,
    options: planning.Options | None = None,
) -> PlanProposal:
    """Plan the next days from the database and keep the plan as a proposal to accept."""
    days = days or settings.CORRIDOR_PLAN_DAYS
    now = at or clock.now()
    problem = build_problem(crossing, first_day, days, at=now)
    result = planning.plan(problem, options)
    with transaction.atomic():
        proposal = PlanProposal.objects.create(
            crossing=crossing,
            direction=Direction.OUT,
            first_day=first_day,
            days=days,
            planned_at=problem.planned_at,
            rules_version=result.rules_version,
            plan=result.to_dict(),
            trigger={"type": "requested"},
            created_at=now,
        )
        audit.record(
            "plan.proposed",
            proposal,
            actor=actor,
            data={"first_day": first_day, "days": days, "rules_version": result.rules_version},
        )
    return proposal


def _latest_accepted(crossing: Crossing) -> PlanProposal | None:
    return (
        PlanProposal.objects.filter(crossing=crossing, status=ProposalStatus.ACCEPTED)
        .order_by("-accepted_at", "-pk")
        .first()
    )


def propose_replan(
    crossing: Crossing,
    event: planning.Event,
    *,
    actor: Any,
    at: datetime.datetime | None = None,
) -> PlanProposal:
    """Re-plan after an event, changing the last accepted plan as little as possible."""
    now = at or clock.now()
    base = _latest_accepted(crossing)
    if base is None:
        proposal = propose_plan(crossing, timezone.localtime(now).date(), actor=actor, at=now)
        proposal.trigger = planning.event_to_dict(event)
        proposal.save(update_fields=["trigger"])
        return proposal
    problem = build_problem(crossing, base.first_day, base.days, at=now)
    previous = planning.Plan.from_dict(base.plan)
    result = planning.replan(problem, previous, event)
    with transaction.atomic():
        proposal = PlanProposal.objects.create(
            crossing=crossing,
            direction=Direction.OUT,
            first_day=base.first_day,
            days=base.days,
            planned_at=problem.planned_at,
            rules_version=result.plan.rules_version,
            plan=result.plan.to_dict(),
            trigger={**planning.event_to_dict(event), "bumped": list(result.bumped)},
            changes=[change_to_dict(change) for change in result.changes],
            base=base,
            created_at=now,
        )
        audit.record(
            "plan.replanned",
            proposal,
            actor=actor,
            data={"event": planning.event_to_dict(event), "changes": len(result.changes)},
        )
    return proposal


def _require_proposed(proposal: PlanProposal) -> None:
    if proposal.status != ProposalStatus.PROPOSED:
        raise DomainError(
            _("Plan %(number)s is %(status)s: only a proposed plan can be adjusted or accepted.")
            % {"number": proposal.pk, "status": proposal.get_status_display()}
        )


def hold_back_case(
    proposal: PlanProposal,
    reference: str,
    date: datetime.date,
    *,
    reason: str,
    actor: Any,
    at: datetime.datetime | None = None,
) -> PlanProposal:
    """Take a case off one day of a proposed plan, for the reason given, and re-plan the rest.

    The case may go on a later day. The adjusted proposal is superseded by the new one, which
    keeps every earlier hold-back and the cases the original event bumped.
    """
    now = at or clock.now()
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for taking the case off the day."))
    _require_proposed(proposal)
    previous = planning.Plan.from_dict(proposal.plan)
    try:
        day = previous.day(date)
    except KeyError:
        raise DomainError(
            _("%(date)s is not a day of plan %(number)s.")
            % {"date": date.isoformat(), "number": proposal.pk}
        ) from None
    if reference not in day.case_ids():
        raise DomainError(
            _("Case %(case)s is not on the list of %(date)s in plan %(number)s.")
            % {"case": reference, "date": date.isoformat(), "number": proposal.pk}
        )
    listed = (
        BatchMember.objects.filter(case__reference=reference, role=MemberRole.PATIENT, active=True)
        .select_related("batch")
        .first()
    )
    if listed is not None:
        raise DomainError(
            _(
                "Case %(case)s is already on batch %(batch)s of %(date)s: take it off the batch "
                "on the batch's page."
            )
            % {
                "case": reference,
                "batch": listed.batch.number,
                "date": listed.batch.planned_date.isoformat(),
            }
        )
    held_before = [planning.event_from_dict(e) for e in proposal.trigger.get("held_back", [])]
    event = planning.CaseHeldBack(reference, date, reason)
    problem = build_problem(proposal.crossing, proposal.first_day, proposal.days, at=now)
    for earlier in held_before:
        problem, _effects = planning.apply_event(problem, earlier, previous)
    result = planning.replan(problem, previous, event)
    with transaction.atomic():
        locked = PlanProposal.objects.select_for_update().get(pk=proposal.pk)
        _require_proposed(locked)
        bumped = sorted(set(locked.trigger.get("bumped", [])) | set(result.bumped))
        adjusted = PlanProposal.objects.create(
            crossing=locked.crossing,
            direction=locked.direction,
            first_day=locked.first_day,
            days=locked.days,
            planned_at=problem.planned_at,
            rules_version=result.plan.rules_version,
            plan=result.plan.to_dict(),
            trigger={
                **locked.trigger,
                "held_back": [*locked.trigger.get("held_back", []), planning.event_to_dict(event)],
                "bumped": bumped,
            },
            changes=[change_to_dict(change) for change in result.changes],
            base=locked,
            created_at=now,
        )
        locked.status = ProposalStatus.SUPERSEDED
        locked.save(update_fields=["status"])
        audit.record(
            "plan.adjusted",
            adjusted,
            actor=actor,
            data={
                "adjusts": locked.pk,
                "case": reference,
                "date": date,
                "reason": reason,
                "changes": len(result.changes),
            },
        )
    proposal.refresh_from_db()
    return adjusted


@dataclass
class Accepted:
    """What accepting a plan did: batches made or filled, and cases it could not place."""

    batches: list[Batch] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    standby: int = 0


def _draft_batch(
    crossing: Crossing, date: datetime.date, *, actor: Any, at: datetime.datetime
) -> Batch:
    existing = (
        Batch.objects.filter(
            crossing=crossing,
            direction=Direction.OUT,
            kind=BatchKind.EVACUATION,
            planned_date=date,
            status=BatchStatus.DRAFT,
        )
        .order_by("number")
        .first()
    )
    if existing is not None:
        return existing
    return crossing_services.create_batch(crossing, Direction.OUT, date, actor=actor, at=at)


def accept_plan(
    proposal: PlanProposal, *, actor: Any, at: datetime.datetime | None = None
) -> Accepted:
    """Turn a proposed plan into draft batches with their standby lists.

    Cases already on an active batch stay where they are (moving them is the coordinator's
    call, through postponement or the batch itself); waiting cases are added in seat order.
    """
    now = at or clock.now()
    outcome = Accepted()
    with transaction.atomic():
        locked = PlanProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.PROPOSED:
            raise TransitionNotAllowed(
                _("Plan proposal"), locked.status, ProposalStatus.ACCEPTED, {"proposed"}
            )
        plan = planning.Plan.from_dict(locked.plan)
        references = {case_id for day in plan.days for case_id in day.case_ids()} | {
            entry.case_id for day in plan.days for entry in day.standby
        }
        cases = {c.reference: c for c in Case.objects.filter(reference__in=references)}
        for day in plan.days:
            if not day.listable or not (day.members or day.standby):
                continue
            batch: Batch | None = None
            for reference in day.case_ids():
                case = cases.get(reference)
                if case is None:
                    outcome.skipped[reference] = _("no such case")
                    continue
                if case.status not in WAITING_STATUSES:
                    outcome.kept.append(reference)
                    continue
                batch = batch or _draft_batch(locked.crossing, day.date, actor=actor, at=now)
                try:
                    crossing_services.add_case_to_batch(batch, case, actor=actor, at=now)
                except DomainError as exc:
                    outcome.skipped[reference] = str(exc)
                    continue
                outcome.added.append(reference)
                if batch not in outcome.batches:
                    outcome.batches.append(batch)
            if batch is None:
                continue
            for entry in day.standby:
                standby_case = cases.get(entry.case_id)
                if standby_case is None:
                    continue
                StandbyEntry.objects.get_or_create(
                    batch=batch,
                    case=standby_case,
                    defaults={"position": entry.position, "proposal": locked},
                )
                outcome.standby += 1
        bumped = Case.objects.filter(reference__in=locked.trigger.get("bumped", []))
        for case in bumped.order_by("pk"):
            case_services.record_bump(
                case, actor=actor, reason=str(locked.trigger.get("type", "re-plan"))
            )
        PlanProposal.objects.filter(
            crossing=locked.crossing, status=ProposalStatus.ACCEPTED
        ).update(status=ProposalStatus.SUPERSEDED)
        PlanProposal.objects.filter(
            crossing=locked.crossing,
            status=ProposalStatus.PROPOSED,
            created_at__lt=locked.created_at,
        ).update(status=ProposalStatus.SUPERSEDED)
        locked.status = ProposalStatus.ACCEPTED
        locked.accepted_at = now
        locked.accepted_by = actor
        locked.save(update_fields=["status", "accepted_at", "accepted_by"])
        audit.record(
            "plan.accepted",
            locked,
            actor=actor,
            data={
                "batches": [b.pk for b in outcome.batches],
                "added": len(outcome.added),
                "kept": len(outcome.kept),
                "skipped": outcome.skipped,
                "standby": outcome.standby,
            },
        )
    proposal.refresh_from_db()
    return outcome


def replan_after_coordination(sender: Any, *, event: Any, **kwargs: Any) -> None:
    """Propose a re-plan when a batch of departures is cancelled, suspended or postponed."""
    batch = event.batch
    if batch.kind != BatchKind.EVACUATION or batch.direction != Direction.OUT:
        return
    if event.kind == "postponed" and event.previous_date and event.new_date:
        planning_event: planning.Event = planning.BatchPostponed(
            date=event.previous_date, to=event.new_date
        )
    elif event.kind in ("cancelled", "suspended"):
        planning_event = planning.BatchCancelled(date=batch.planned_date)
    else:
        return
    try:
        # As of the event's own time: a scenario or a late entry re-plans the day it happened.
        propose_replan(batch.crossing, planning_event, actor=event.recorded_by, at=event.at)
    except Exception:  # the coordination event stands even if planning fails; log and go on
        log.exception("re-planning after coordination event %s failed", event.pk)
