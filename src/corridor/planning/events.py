"""Events that call for a re-plan, and what each does to the problem and to the previous plan."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Any

from corridor.planning.problem import BedCapacity, Candidate, CrossingDay, Listing, Problem
from corridor.planning.reasons import Reason, ReasonCode
from corridor.planning.result import Plan
from corridor.planning.serialize import ProblemError, candidate_from_dict, candidate_to_dict
from corridor.planning.vocabulary import Clearance


@dataclass(frozen=True)
class BatchCancelled:
    """The batch of a day was cancelled: its seats are lost and its cases are bumped."""

    date: datetime.date


@dataclass(frozen=True)
class BatchPostponed:
    """The batch of a day was postponed, as a whole, to another day."""

    date: datetime.date
    to: datetime.date


@dataclass(frozen=True)
class CrossingDayClosed:
    """The crossing will not open on a day: every case planned on it is bumped."""

    date: datetime.date


@dataclass(frozen=True)
class PersonRefused:
    """The crossing authority refused one person: a patient (case id) or a companion."""

    person_id: str


@dataclass(frozen=True)
class NewCase:
    """A new case joins the waiting list (typically a critical one)."""

    candidate: Candidate


@dataclass(frozen=True)
class BedWithdrawn:
    """A receiving party now offers only `beds_left` beds of a category on a date."""

    party: str
    category: str
    date: datetime.date
    beds_left: int = 0


@dataclass(frozen=True)
class CaseWithdrawn:
    """A case leaves the waiting list (withdrawn, died, treated locally)."""

    case_id: str


@dataclass(frozen=True)
class CaseHeldBack:
    """The coordinator took a case off a day, with a note why: it may go on a later day only."""

    case_id: str
    date: datetime.date
    note: str = ""


Event = (
    BatchCancelled
    | BatchPostponed
    | CrossingDayClosed
    | PersonRefused
    | NewCase
    | BedWithdrawn
    | CaseWithdrawn
    | CaseHeldBack
)


@dataclass(frozen=True)
class Effects:
    """What an event did: cases it took off their day (with why), bumped, or moved."""

    reason: Reason
    removed: dict[str, Reason] = field(default_factory=dict)
    bumped: frozenset[str] = frozenset()
    moved_to: dict[str, datetime.date] = field(default_factory=dict)
    new_case: str | None = None


def _close(problem: Problem, date: datetime.date) -> tuple[CrossingDay, ...]:
    return tuple(replace(day, open=False) if day.date == date else day for day in problem.days)


def _postponed(listed: Listing | None, to: datetime.date) -> Listing:
    if listed is None:
        return Listing(to)
    return replace(listed, date=to)


def _bump(problem: Problem, ids: set[str]) -> tuple[Candidate, ...]:
    return tuple(
        replace(c, bump_count=c.bump_count + 1, listed=None) if c.id in ids else c
        for c in problem.candidates
    )


def apply_event(problem: Problem, event: Event, previous: Plan) -> tuple[Problem, Effects]:
    """The problem after `event`, and its effects on the cases of `previous`."""
    on_day: dict[datetime.date, set[str]] = {}
    for date, case_ids in ((day.date, day.case_ids()) for day in previous.days):
        on_day[date] = set(case_ids)
    match event:
        case BatchCancelled(date=date) | CrossingDayClosed(date=date):
            code = (
                ReasonCode.BATCH_CANCELLED
                if isinstance(event, BatchCancelled)
                else ReasonCode.DAY_CLOSED
            )
            reason = Reason(code, {"date": date.isoformat()})
            ids = on_day.get(date, set())
            changed = replace(problem, days=_close(problem, date), candidates=_bump(problem, ids))
            return changed, Effects(reason, dict.fromkeys(ids, reason), frozenset(ids))
        case BatchPostponed(date=date, to=to):
            reason = Reason(
                ReasonCode.BATCH_POSTPONED, {"date": date.isoformat(), "to": to.isoformat()}
            )
            ids = on_day.get(date, set())
            candidates = tuple(
                replace(c, listed=_postponed(c.listed, to)) if c.id in ids else c
                for c in problem.candidates
            )
            changed = replace(problem, days=_close(problem, date), candidates=candidates)
            return changed, Effects(reason, moved_to=dict.fromkeys(ids, to))
        case PersonRefused(person_id=person):
            reason = Reason(ReasonCode.PERSON_REFUSED, {"person": person})
            updated: list[Candidate] = []
            removed: dict[str, Reason] = {}
            for c in problem.candidates:
                if c.id == person:
                    c = replace(c, patient_clearance=Clearance.REFUSED)
                    removed[c.id] = reason
                elif any(m.id == person for m in c.companions):
                    companions = tuple(
                        replace(m, clearance=Clearance.REFUSED) if m.id == person else m
                        for m in c.companions
                    )
                    c = replace(c, companions=companions)
                updated.append(c)
            return replace(problem, candidates=tuple(updated)), Effects(reason, removed)
        case NewCase(candidate=new):
            reason = Reason(ReasonCode.NEW_CRITICAL_CASE, {"tier": new.urgency, "case": new.id})
            others = tuple(c for c in problem.candidates if c.id != new.id)
            changed = replace(problem, candidates=(*others, new))
            return changed, Effects(reason, new_case=new.id)
        case BedWithdrawn(party=party, category=category, date=date):
            reason = Reason(
                ReasonCode.BED_WITHDRAWN,
                {"party": party, "category": category, "date": date.isoformat()},
            )
            return replace(problem, beds=_withdraw(problem, event)), Effects(reason)
        case CaseWithdrawn(case_id=case_id):
            reason = Reason(ReasonCode.CASE_WITHDRAWN, {"case": case_id})
            others = tuple(c for c in problem.candidates if c.id != case_id)
            return replace(problem, candidates=others), Effects(reason, {case_id: reason})
        case CaseHeldBack(case_id=case_id, date=date, note=note):
            reason = Reason(ReasonCode.HELD_BACK, {"date": date.isoformat(), "note": note})
            after = date + datetime.timedelta(days=1)
            # A bed accepted from the next day on: the day and any earlier one are out of reach.
            held = tuple(
                replace(
                    c,
                    acceptances=tuple(
                        replace(a, available_from=max(a.available_from, after))
                        for a in c.acceptances
                    ),
                )
                if c.id == case_id
                else c
                for c in problem.candidates
            )
            return replace(problem, candidates=held), Effects(reason, {case_id: reason})
    raise TypeError(f"unknown event {event!r}")


def _withdraw(problem: Problem, event: BedWithdrawn) -> tuple[BedCapacity, ...]:
    """Bed rows with the withdrawn date set to `beds_left`, other dates of the pair unchanged."""
    pair = (event.party, event.category)
    rows = [b for b in problem.beds if (b.party, b.category) == pair]
    others = [b for b in problem.beds if (b.party, b.category) != pair]
    if not rows:
        # The pair was limited only by acceptances: keep every other date as roomy as before.
        roomy = sum(
            1
            for c in problem.candidates
            if c.category == event.category and any(a.party == event.party for a in c.acceptances)
        )
        rows = [BedCapacity(event.party, event.category, d.date, roomy) for d in problem.days]
    kept = [b for b in rows if b.date != event.date]
    withdrawn = BedCapacity(event.party, event.category, event.date, max(0, event.beds_left))
    return (*others, *kept, withdrawn)


def event_to_dict(event: Event) -> dict[str, Any]:
    """An event as JSON-ready data with a `type` field."""
    match event:
        case BatchCancelled(date=date):
            return {"type": "batch_cancelled", "date": date.isoformat()}
        case BatchPostponed(date=date, to=to):
            return {"type": "batch_postponed", "date": date.isoformat(), "to": to.isoformat()}
        case CrossingDayClosed(date=date):
            return {"type": "crossing_day_closed", "date": date.isoformat()}
        case PersonRefused(person_id=person):
            return {"type": "person_refused", "person_id": person}
        case NewCase(candidate=candidate):
            return {"type": "new_case", "candidate": candidate_to_dict(candidate)}
        case BedWithdrawn(party=party, category=category, date=date, beds_left=left):
            return {"type": "bed_withdrawn", "party": party, "category": category,
                    "date": date.isoformat(), "beds_left": left}  # fmt: skip
        case CaseWithdrawn(case_id=case_id):
            return {"type": "case_withdrawn", "case_id": case_id}
        case CaseHeldBack(case_id=case_id, date=date, note=note):
            return {"type": "case_held_back", "case_id": case_id, "date": date.isoformat(),
                    "note": note}  # fmt: skip
    raise TypeError(f"unknown event {event!r}")


def event_from_dict(data: dict[str, Any]) -> Event:
    """An event written by `event_to_dict`, read back."""

    def day(key: str) -> datetime.date:
        """The date in field `key`."""
        return datetime.date.fromisoformat(str(data[key]))

    try:
        kind = data["type"]
        if kind == "batch_cancelled":
            return BatchCancelled(day("date"))
        if kind == "batch_postponed":
            return BatchPostponed(day("date"), day("to"))
        if kind == "crossing_day_closed":
            return CrossingDayClosed(day("date"))
        if kind == "person_refused":
            return PersonRefused(str(data["person_id"]))
        if kind == "new_case":
            return NewCase(candidate_from_dict(data["candidate"]))
        if kind == "bed_withdrawn":
            return BedWithdrawn(
                str(data["party"]), str(data["category"]), day("date"), int(data["beds_left"])
            )
        if kind == "case_withdrawn":
            return CaseWithdrawn(str(data["case_id"]))
        if kind == "case_held_back":
            return CaseHeldBack(str(data["case_id"]), day("date"), str(data.get("note", "")))
    except (KeyError, ValueError, TypeError) as error:
        raise ProblemError(f"event: {error}") from None
    raise ProblemError(f"event.type: unknown {data.get('type')!r}")
