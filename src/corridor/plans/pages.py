"""What the plan pages show: proposals, a plan day by day, and what changed since the last one.

A stored plan explains every candidate on the waiting list (megabytes of JSON); a page reads the
explanations of the cases it shows only, and of the plan it compares against only the days.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from corridor import planning
from corridor.accounts import policy
from corridor.accounts.models import Party
from corridor.cases.models import Case
from corridor.crossings.models import Batch, BatchKind, Direction
from corridor.i18n import local_name
from corridor.planning.reasons import sentence
from corridor.plans.adapter import rules
from corridor.plans.models import PlanProposal, ProposalStatus

# Proposals made because something happened, not because a coordinator asked for one.
REQUESTED = "requested"


def _day(value: str | datetime.date) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _short(value: str | datetime.date) -> str:
    return formats.date_format(_day(value), "j F")


def trigger_text(trigger: dict[str, Any]) -> str:
    """Why a proposal was made, in the reader's language."""
    kind = trigger.get("type", REQUESTED)
    if kind == REQUESTED:
        return _("Asked for by a coordinator")
    if kind == "batch_cancelled":
        return _("Re-plan: the batch of %(date)s was cancelled or suspended") % {
            "date": _short(trigger["date"])
        }
    if kind == "batch_postponed":
        return _("Re-plan: the batch of %(date)s was postponed to %(to)s") % {
            "date": _short(trigger["date"]),
            "to": _short(trigger["to"]),
        }
    if kind == "crossing_day_closed":
        return _("Re-plan: the crossing is closed on %(date)s") % {"date": _short(trigger["date"])}
    return _("Re-plan after an event (%(event)s)") % {"event": kind}


def is_replan(proposal: PlanProposal) -> bool:
    """True when an event, not a coordinator, asked for this proposal."""
    return bool(proposal.trigger.get("type", REQUESTED) != REQUESTED)


@dataclass
class HeldBack:
    case: str
    date: datetime.date
    note: str


def held_back(proposal: PlanProposal) -> list[HeldBack]:
    """The cases a coordinator took off a day of this plan (or of the proposals it adjusts)."""
    return [
        HeldBack(e["case_id"], _day(e["date"]), e.get("note", ""))
        for e in proposal.trigger.get("held_back", [])
    ]


@dataclass
class ProposalRow:
    proposal: PlanProposal
    last_day: datetime.date
    why: str
    held_back: int
    pending_replan: bool


def proposal_rows(proposals: list[PlanProposal]) -> list[ProposalRow]:
    """The list page's rows: each proposal with why it was made; pending re-plans flagged."""
    return [
        ProposalRow(
            proposal=p,
            last_day=p.first_day + datetime.timedelta(days=p.days - 1),
            why=trigger_text(p.trigger),
            held_back=len(p.trigger.get("held_back", [])),
            pending_replan=p.status == ProposalStatus.PROPOSED and is_replan(p),
        )
        for p in proposals
    ]


@dataclass
class CaseRow:
    """A case on a day's list (position = the patient's seat) or on its standby list."""

    position: int
    reference: str
    url: str
    urgency: str
    urgency_code: str
    people: int
    destination: str
    explanation: str
    on_batch: bool = False


@dataclass
class DayView:
    date: datetime.date
    open: bool
    listable: bool
    quota: int
    seats_used: int
    stretcher_places: int
    stretchers_used: int
    cases: list[CaseRow] = field(default_factory=list)
    standby: list[CaseRow] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(0, self.quota - self.seats_used)

    @property
    def movable(self) -> list[CaseRow]:
        """Cases a coordinator may take off this day in the plan: those not on a batch yet."""
        return [case for case in self.cases if not case.on_batch]


@dataclass
class ChangeRow:
    reference: str
    url: str
    kind: str  # "entered", "left", "moved", "destination"
    label: str
    before: datetime.date | None
    after: datetime.date | None
    reason: str


@dataclass
class ProposalPage:
    proposal: PlanProposal
    crossing: str
    why: str
    pending_replan: bool
    held_back: list[HeldBack]
    days: list[DayView]
    compared_with: PlanProposal | None
    changes: list[ChangeRow]
    adjusted: PlanProposal | None
    adjustment: list[ChangeRow]
    stats: dict[str, Any]
    last_day: datetime.date


def _arabic() -> bool:
    return (translation.get_language() or "").startswith("ar")


@dataclass
class Explained:
    text: str
    on_batch: bool


# Reason parameters that name a receiving party by its code.
PARTY_PARAMS = frozenset({"party", "from_party", "to_party"})


def _days_and_stats(proposal_id: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A stored plan's days (a few hundred people) and solver figures, read in the database."""
    table = PlanProposal._meta.db_table
    if connection.vendor == "sqlite":
        # One JSON path call with two paths: the plan is parsed once, not once per path.
        sql = f"SELECT json_extract(plan, '$.days', '$.stats') FROM {table} WHERE id = %s"
    else:
        sql = (
            f"SELECT jsonb_build_array(plan -> 'days', plan -> 'stats') FROM {table} WHERE id = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [proposal_id])
        row = cursor.fetchone()
    parts = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    return parts[0], parts[1] or {}


def _explanations(proposal_id: int, wanted: set[str]) -> dict[str, dict[str, Any]]:
    """The stored explanations of the `wanted` cases, picked out by the database.

    Decoding a whole plan in Python takes most of a second on a full waiting list; the
    database reads the array in place and sends back the few explanations a page shows.
    """
    if not wanted:
        return {}
    table = PlanProposal._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT e FROM {table} p, jsonb_array_elements(p.plan -> 'explanations') e "
            "WHERE p.id = %s AND e ->> 'case_id' = ANY(%s)"
        )
        params: list[Any] = [proposal_id, sorted(wanted)]
    else:
        marks = ", ".join(["%s"] * len(wanted))
        sql = (
            f"SELECT e.value FROM {table} p, json_each(p.plan, '$.explanations') e "
            f"WHERE p.id = %s AND json_extract(e.value, '$.case_id') IN ({marks})"
        )
        params = [proposal_id, *sorted(wanted)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [row[0] for row in cursor.fetchall()]
    found = [json.loads(row) if isinstance(row, str) else row for row in rows]
    return {e["case_id"]: e for e in found}


def _explain(
    found: dict[str, dict[str, Any]], parties: dict[str, str], rules: planning.Rules
) -> dict[str, Explained]:
    """Each explanation in the reader's language, naming receiving parties, not their codes."""
    language = "ar" if _arabic() else "en"
    words: dict[tuple[Any, ...], str] = {}
    result = {}
    for reference, data in found.items():
        reasons = tuple(
            planning.Reason(
                planning.ReasonCode(r["code"]),
                {k: parties.get(v, v) if k in PARTY_PARAMS else v for k, v in r["params"].items()},
            )
            for r in data["reasons"]
        )
        key = tuple((r.code, tuple(r.params.items())) for r in reasons)
        if key not in words:
            words[key] = sentence(reasons, rules, language)
        on_batch = any(r.code is planning.ReasonCode.KEPT_ON_BATCH for r in reasons)
        result[reference] = Explained(words[key], on_batch)
    return result


def _assignments(days: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    return {
        m["case_id"]: (day["date"], m["destination"])
        for day in days
        for m in day["members"]
        if m["role"] == "patient"
    }


def compared_with(proposal: PlanProposal) -> PlanProposal | None:
    """The accepted plan this proposal would replace (or, once decided, the one it replaced)."""
    accepted = PlanProposal.objects.filter(crossing_id=proposal.crossing_id).exclude(pk=proposal.pk)
    if proposal.status == ProposalStatus.PROPOSED:
        accepted = accepted.filter(status=ProposalStatus.ACCEPTED)
    else:
        accepted = accepted.filter(accepted_at__lte=proposal.created_at)
    return accepted.defer("plan").order_by("-accepted_at", "-pk").first()


def _stored_changes(changes: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None, str]]:
    key = "text_ar" if _arabic() else "text_en"
    return [(c["case"], c["before"], c["after"], c[key]) for c in changes]


def _compare(
    before_days: list[dict[str, Any]], plan: dict[str, Any]
) -> list[tuple[str, str | None, str | None, str]]:
    """Cases whose day or destination differs from the earlier plan.

    The reason is left empty here: it is the case's explanation in the new plan, filled in later.

    A case the earlier plan put on a day this plan does not cover is left out when it is no
    longer planned: it went, or its day passed.
    """
    horizon = {day["date"] for day in plan["days"]}
    before = _assignments(before_days)
    after = _assignments(plan["days"])
    found: list[tuple[str, tuple[str, str] | None, tuple[str, str] | None]] = []
    for reference in sorted(set(before) | set(after)):
        old, new = before.get(reference), after.get(reference)
        if old == new or (new is None and old is not None and old[0] not in horizon):
            continue
        found.append((reference, old, new))
    return [
        (reference, old[0] if old else None, new[0] if new else None, "")
        for reference, old, new in found
    ]


def _change_rows(
    found: list[tuple[str, str | None, str | None, str]], links: dict[str, str]
) -> list[ChangeRow]:
    labels = {
        "entered": _("Added"),
        "left": _("Removed"),
        "moved": _("Moved"),
        "destination": _("New destination"),
    }
    rows = []
    for reference, before, after, reason in found:
        if before and after:
            kind = "destination" if before == after else "moved"
        else:
            kind = "entered" if after else "left"
        rows.append(
            ChangeRow(
                reference=reference,
                url=links.get(reference, ""),
                kind=kind,
                label=str(labels[kind]),
                before=_day(before) if before else None,
                after=_day(after) if after else None,
                reason=reason,
            )
        )
    return rows


def proposal_page(proposal: PlanProposal, user: Any) -> ProposalPage:
    """Everything the page of one proposal shows, in a fixed number of queries."""
    days_data, stats = _days_and_stats(proposal.pk)
    plan: dict[str, Any] = {"days": days_data, "stats": stats}
    base = compared_with(proposal)
    if base is not None and proposal.base_id == base.pk and proposal.changes:
        found = _stored_changes(proposal.changes)  # the re-plan's own diff, with the event's words
    elif base is not None:
        found = _compare(_days_and_stats(base.pk)[0], plan)
    else:
        found = []
    adjusted = None
    adjustment: list[tuple[str, str | None, str | None, str]] = []
    if (
        proposal.trigger.get("held_back")
        and proposal.base_id
        and proposal.base_id != getattr(base, "pk", None)
    ):
        adjusted = PlanProposal.objects.defer("plan").get(pk=proposal.base_id)
        adjustment = _stored_changes(proposal.changes)

    shown: set[str] = set()
    for day in plan["days"]:
        shown.update(m["case_id"] for m in day["members"] if m["role"] == "patient")
        shown.update(s["case_id"] for s in day["standby"])
    explanations = _explanations(proposal.pk, shown | {c[0] for c in found if not c[3]})
    references = shown | {c[0] for c in found} | {c[0] for c in adjustment}
    cases: dict[str, dict[str, Any]] = {
        row["reference"]: dict(row)
        for row in Case.objects.filter(reference__in=references).values(
            "reference", "urgency__code", "urgency__name_en", "urgency__name_ar"
        )
    }
    may_open = policy.allows(user, policy.CASE_VIEW)
    links = {
        reference: reverse("cases:detail", args=[reference]) if may_open else ""
        for reference in cases
    }
    codes = {
        value
        for e in explanations.values()
        for r in e["reasons"]
        for key, value in r["params"].items()
        if key in PARTY_PARAMS
    }
    codes |= {m["destination"] for d in plan["days"] for m in [*d["members"], *d["standby"]]}
    parties = {p.code: local_name(p) for p in Party.objects.filter(code__in=codes)}
    words = _explain(explanations, parties, rules())
    gone = _("no longer waiting for this plan: crossed, withdrawn, or on a batch outside it")
    found = [
        (ref, before, after, reason or (words[ref].text if ref in words else gone))
        for ref, before, after, reason in found
    ]
    batches: dict[datetime.date, list[Batch]] = {}
    if proposal.status == ProposalStatus.ACCEPTED:
        first = proposal.first_day
        for batch in policy.scope(user, policy.BATCH_VIEW, Batch.objects.all()).filter(
            crossing_id=proposal.crossing_id,
            direction=Direction.OUT,
            kind=BatchKind.EVACUATION,
            planned_date__range=(first, first + datetime.timedelta(days=proposal.days - 1)),
        ):
            batches.setdefault(batch.planned_date, []).append(batch)

    def row(position: int, reference: str, people: int, destination: str) -> CaseRow:
        case: dict[str, Any] = cases.get(reference) or {}
        urgency = str(case.get("urgency__name_ar" if _arabic() else "urgency__name_en") or "")
        return CaseRow(
            position=position,
            reference=reference,
            url=links.get(reference, ""),
            urgency=urgency,
            urgency_code=case.get("urgency__code") or "",
            people=people,
            destination=parties.get(destination, destination),
            explanation=words[reference].text if reference in words else "",
            on_batch=reference in words and words[reference].on_batch,
        )

    days = []
    for day in plan["days"]:
        date = _day(day["date"])
        view = DayView(
            date=date,
            open=day["open"],
            listable=day["listable"],
            quota=day["quota"],
            seats_used=day["seats_used"],
            stretcher_places=day["stretcher_places"],
            stretchers_used=day["stretchers_used"],
            batches=batches.get(date, []),
        )
        people: dict[str, int] = {}
        for member in day["members"]:
            people[member["case_id"]] = people.get(member["case_id"], 0) + 1
        for member in day["members"]:
            if member["role"] == "patient":
                view.cases.append(
                    row(
                        member["seat"],
                        member["case_id"],
                        people[member["case_id"]],
                        member["destination"],
                    )
                )
        for entry in day["standby"]:
            view.standby.append(
                row(
                    entry["position"],
                    entry["case_id"],
                    len(entry["person_ids"]),
                    entry["destination"],
                )
            )
        days.append(view)
    return ProposalPage(
        proposal=proposal,
        crossing=local_name(proposal.crossing),
        why=trigger_text(proposal.trigger),
        pending_replan=proposal.status == ProposalStatus.PROPOSED and is_replan(proposal),
        held_back=held_back(proposal),
        days=days,
        compared_with=base,
        changes=_change_rows(found, links),
        adjusted=adjusted,
        adjustment=_change_rows(adjustment, links),
        stats=plan.get("stats", {}),
        last_day=proposal.first_day + datetime.timedelta(days=proposal.days - 1),
    )
