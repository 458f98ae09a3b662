"""What the batch page shows, read in the same number of queries whatever the batch's size.

The manifest's identity columns come from the MANIFEST profile (the printed manifest and the
check-in screen show the same fields); which actions appear is asked of the policy (may this
role?) and of the services (may this batch move there from its current status?).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from corridor.accounts import policy
from corridor.accounts.models import Party
from corridor.crossings import services
from corridor.crossings.forms import (
    ANSWER_CHOICES,
    ClearanceAnswersForm,
    ClearanceResultsForm,
    ConfirmForm,
    CoordinationForm,
    CoordinationKind,
    PostponeForm,
    SubmitForm,
)
from corridor.crossings.models import (
    QUOTA_HOLDING_STATUSES,
    Batch,
    BatchMember,
    BatchStatus,
    Clearance,
    CoordinationEvent,
    CoordinationEventKind,
    MemberRole,
    Outcome,
)
from corridor.exceptions import CrossingDayClosed
from corridor.i18n import local_name
from corridor.interop.clearance_results import ClearanceResultsReport
from corridor.plans.models import PlanProposal, StandbyEntry
from corridor.profiles import MANIFEST

# Coordination events after which the planner proposes a re-plan.
REPLANNED_AFTER = frozenset(
    {
        CoordinationEventKind.CANCELLED,
        CoordinationEventKind.SUSPENDED,
        CoordinationEventKind.POSTPONED,
    }
)
CHANGE_KINDS = {
    "moved": _("Moved to another day"),
    "entered": _("Now in the plan"),
    "left": _("No longer in the plan"),
}
REPLAN_ROWS = 60  # the rest is on the plan page


def person_name(person: Any) -> str:
    """A person's name in the reader's script when it is known, else in the other."""
    arabic = (translation.get_language() or "").startswith("ar")
    first, second = (
        (person.name_ar, person.name_latin) if arabic else (person.name_latin, person.name_ar)
    )
    return str(first or second)


@dataclass
class Line:
    """One place on the manifest, with what the reader may do about it."""

    member: BatchMember
    values: dict[str, Any]
    may_answer: bool = False
    may_mark: bool = False
    may_cross: bool = False

    @property
    def key(self) -> str:
        """Names this place's forms when an error is shown beside them."""
        return f"member-{self.member.pk}"


@dataclass
class Actions:
    """The actions shown: those the user's role may take in the batch's current status."""

    submit: bool = False
    confirm: bool = False
    coordination: list[str] = field(default_factory=list)
    postpone: bool = False
    depart: bool = False
    close: bool = False
    release: bool = False
    clearances: bool = False
    outcomes: bool = False

    @property
    def any_batch_action(self) -> bool:
        return any(
            (
                self.submit,
                self.confirm,
                self.coordination,
                self.postpone,
                self.depart,
                self.close,
                self.release,
                self.clearances,
            )
        )


def available_actions(user: Any, batch: Batch) -> Actions:
    """What `user` may do on `batch` now, by role and by the batch's status."""
    actions = Actions()
    if policy.allows(user, policy.BATCH_MANAGE):
        actions.submit = services.may_move(batch, BatchStatus.SUBMITTED)
        actions.confirm = services.may_move(batch, BatchStatus.CONFIRMED)
        actions.coordination = [
            kind
            for kind, target in (
                (CoordinationKind.CANCEL, BatchStatus.CANCELLED),
                (CoordinationKind.SUSPEND, BatchStatus.SUSPENDED),
                (CoordinationKind.RESUME, BatchStatus.RESUMED),
            )
            if services.may_move(batch, target)
        ]
        actions.postpone = services.may_move(batch, BatchStatus.POSTPONED)
        actions.depart = services.may_move(batch, BatchStatus.DEPARTED)
        actions.release = batch.status == BatchStatus.CANCELLED
        actions.close = services.may_move(batch, BatchStatus.CLOSED) and not actions.release
    if policy.allows(user, policy.CLEARANCE_RECORD):
        actions.clearances = batch.status in services.CLEARING_STATUSES
    if policy.allows(user, policy.MOVEMENT_RECORD):
        actions.outcomes = batch.status in services.TRAVELLING_STATUSES
    return actions


def _forms(
    request: HttpRequest, batch: Batch, actions: Actions, bound: dict[str, Any]
) -> dict[str, Any]:
    """The action forms, unbound with sensible defaults, or as the user just filled them."""
    needs_parties = (
        actions.submit
        or actions.confirm
        or bool(actions.coordination)
        or actions.postpone
        or actions.clearances
    )
    if not needs_parties:
        return {}
    parties: list[Party] = list(Party.objects.order_by("name_en"))
    own = getattr(request.user, "party_id", None)
    authority = batch.crossing.operated_by_id
    built: dict[str, Any] = {}

    def form(key: str, cls: Any, initial: dict[str, Any], **kwargs: Any) -> None:
        if key in bound:
            built[key] = bound[key]
        else:
            built[key] = cls(prefix=key, parties=parties, initial=initial, **kwargs)

    if actions.submit:
        form("submit", SubmitForm, {"party": own})
    if actions.confirm:
        form("confirm", ConfirmForm, {"party": authority, "relayed_by": own})
    if actions.coordination:
        form(
            "coordination",
            CoordinationForm,
            {"party": authority, "relayed_by": own},
            kinds=actions.coordination,
        )
    if actions.postpone:
        next_day = batch.planned_date + datetime.timedelta(days=1)
        form("postpone", PostponeForm, {"party": own, "new_date": next_day.isoformat()})
    if actions.clearances:
        form("clearances", ClearanceAnswersForm, {"party": authority})
        form("results", ClearanceResultsForm, {"party": authority})
    return built


def _lines(batch: Batch, actions: Actions) -> list[Line]:
    members = list(
        batch.members.select_related("person", "clearance_party", "case").order_by("seat", "pk")
    )
    for member in members:
        member.batch = batch  # the profile reads the batch's date; no query per row
    rows = MANIFEST.rows(members)
    columns = {c.key: c for c in MANIFEST.columns}
    lines = []
    for member, row in zip(members, rows, strict=True):
        values = {key: columns[key].display(value) for key, value in row.items()}
        lines.append(
            Line(
                member,
                values,
                may_answer=actions.clearances and member.active,
                may_mark=actions.outcomes and member.active,
                may_cross=actions.outcomes and member.active and member.cleared_to_travel,
            )
        )
    return lines


def _counts(members: list[BatchMember]) -> dict[str, int]:
    active = [m for m in members if m.active]
    return {
        "on_batch": len(active),
        "cleared": sum(m.cleared_to_travel for m in active),
        "reconfirm": sum(m.needs_reconfirmation for m in active),
        "refused": sum(m.outcome == Outcome.REFUSED for m in members),
        "no_answer": sum(m.clearance == Clearance.NO_ANSWER for m in active),
        "pending": sum(m.clearance == Clearance.PENDING for m in active),
        "checked_in": sum(m.checked_in_at is not None for m in active),
        "crossed": sum(m.outcome == Outcome.CROSSED for m in members),
        "turned_back": sum(m.outcome == Outcome.TURNED_BACK for m in members),
        "no_show": sum(m.outcome == Outcome.NO_SHOW for m in members),
    }


def _quota(batch: Batch, members: list[BatchMember]) -> dict[str, Any] | None:
    """Seats taken on the batch's day and direction against the quota, and this batch's share."""
    try:
        day = services.crossing_day(batch.crossing, batch.planned_date)
    except CrossingDayClosed:
        return None
    taken = services.seats_taken(
        batch.crossing,
        batch.planned_date,
        batch.direction,
        count_companions=day.companions_count_in_quota,
    )
    mine = sum(
        1
        for m in members
        if (m.active or m.outcome == Outcome.CROSSED)
        and (day.companions_count_in_quota or m.role != MemberRole.COMPANION)
    )
    return {
        "day": day,
        "taken": taken,
        "quota": day.quota(batch.direction),
        "mine": mine,
        "holds": batch.status in QUOTA_HOLDING_STATUSES,
    }


def _replan(user: Any, batch: Batch, events: list[CoordinationEvent]) -> dict[str, Any] | None:
    """The re-plan the planner proposed after the batch's last stop or postponement, if any."""
    event = next((e for e in reversed(events) if e.kind in REPLANNED_AFTER), None)
    if event is None:
        return None
    proposals = PlanProposal.objects.filter(crossing=batch.crossing).select_related("base")
    if event.kind == CoordinationEventKind.POSTPONED:
        if event.previous_date is None or event.new_date is None:
            return None
        proposals = proposals.filter(
            trigger__type="batch_postponed",
            trigger__date=event.previous_date.isoformat(),
            trigger__to=event.new_date.isoformat(),
        )
    else:
        # The last stop came after any postponement, so the batch's date is the one it was on.
        proposals = proposals.filter(
            trigger__type="batch_cancelled", trigger__date=batch.planned_date.isoformat()
        )
    proposal = proposals.order_by("-created_at", "-pk").first()
    if proposal is None:
        return {"event": event, "proposal": None}
    arabic = (translation.get_language() or "").startswith("ar")
    changes = [
        {
            "case": change.get("case"),
            "kind": CHANGE_KINDS.get(str(change.get("kind")), change.get("kind")),
            "before": _day(change.get("before")),
            "after": _day(change.get("after")),
            "text": change.get("text_ar" if arabic else "text_en") or change.get("text_en"),
        }
        for change in proposal.changes[:REPLAN_ROWS]
    ]
    url = (
        reverse("plans:detail", args=[proposal.pk])
        if policy.allows(user, policy.PLAN_VIEW)
        else None
    )
    return {
        "event": event,
        "proposal": proposal,
        "changes": changes,
        "more": max(0, len(proposal.changes) - REPLAN_ROWS),
        "bumped": len(proposal.trigger.get("bumped", [])),
        "url": url,
    }


def _day(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _standby(user: Any, batch: Batch) -> list[StandbyEntry] | None:
    """The standby list, for those who may see cases; a crossing officer has no use for it."""
    if not policy.allows(user, policy.CASE_VIEW):
        return None
    return list(
        StandbyEntry.objects.filter(batch=batch)
        .select_related("case__urgency", "case__patient")
        .order_by("position")
    )


def _report_groups(report: ClearanceResultsReport | None) -> list[tuple[Any, list[Any]]]:
    if report is None:
        return []
    groups = [
        (_("Not on this batch"), report.not_on_batch),
        (_("Could not be read"), report.unreadable),
        (_("On the batch but not in the list"), report.missing_from_file),
        (_("Left the batch"), report.left_batch),
    ]
    return [(label, rows) for label, rows in groups if rows]


def batch_context(
    request: HttpRequest,
    batch: Batch,
    *,
    notice: str = "",
    error: str = "",
    error_for: str = "",
    bound: dict[str, Any] | None = None,
    report: ClearanceResultsReport | None = None,
) -> dict[str, Any]:
    """Everything the batch page and its htmx section render."""
    user = request.user
    actions = available_actions(user, batch)
    lines = _lines(batch, actions)
    members = [line.member for line in lines]
    events = list(
        batch.coordination_events.select_related(
            "party", "relayed_by", "relayed_to", "recorded_by"
        ).order_by("at", "pk")
    )
    return {
        "batch": batch,
        "crossing": local_name(batch.crossing),
        "assembly_point": local_name(batch.assembly_point),
        "postponed_from": batch.first_planned_date
        if batch.first_planned_date != batch.planned_date
        else None,
        "quota": _quota(batch, members),
        "lines": lines,
        "counts": _counts(members),
        "events": events,
        "replan": _replan(user, batch, events) if policy.allows(user, policy.CASE_VIEW) else None,
        "standby": _standby(user, batch),
        "show_identity_in_standby": policy.allows(user, policy.CASE_IDENTITY),
        "case_links": policy.allows(user, policy.CASE_VIEW),
        "actions": actions,
        "forms": _forms(request, batch, actions, bound or {}),
        "answer_choices": ANSWER_CHOICES,
        "may_export": policy.allows(user, policy.MANIFEST_EXPORT),
        "may_print": policy.allows(user, policy.MANIFEST_PRINT),
        "may_check_in": policy.allows(user, policy.CHECK_IN)
        and batch.status in services.CHECK_IN_STATUSES,
        "notice": notice,
        "error": error,
        "error_for": error_for,
        "report": report,
        "report_groups": _report_groups(report),
    }
