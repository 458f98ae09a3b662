"""`replan`: absorb an event with as little change as possible, and say who moved and why."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, replace
from enum import StrEnum

from corridor.planning.events import Effects, Event, apply_event
from corridor.planning.explain import build_plan
from corridor.planning.packing import Capacity, Destinations, Placement, standby_lists
from corridor.planning.planner import Options, collector_paused, optimise
from corridor.planning.prepared import Prepared, Unit, prepare
from corridor.planning.problem import Problem
from corridor.planning.reasons import Reason, ReasonCode, sentence
from corridor.planning.result import Plan, Status
from corridor.planning.solver import Stability


class ChangeKind(StrEnum):
    """How a case's place changed between two plans."""

    MOVED = "moved"
    ENTERED = "entered"
    LEFT = "left"


@dataclass(frozen=True)
class Change:
    """One case whose day or destination changed, with the reason as data and in words."""

    case_id: str
    kind: ChangeKind
    before: datetime.date | None
    after: datetime.date | None
    destination_before: str | None
    destination_after: str | None
    told_date: bool
    reason: Reason
    text_en: str
    text_ar: str


@dataclass(frozen=True)
class Replan:
    """The new plan after an event, the problem it was made from, and the diff."""

    event: Event
    problem: Problem
    plan: Plan
    changes: tuple[Change, ...]
    bumped: tuple[str, ...]

    def change(self, case_id: str) -> Change | None:
        """The change of `case_id`, or None when it kept its day and destination."""
        return next((c for c in self.changes if c.case_id == case_id), None)


def replan(
    problem: Problem, previous: Plan, event: Event, options: Options | None = None
) -> Replan:
    """Re-plan `problem` after `event`, keeping `previous` wherever the event allows.

    Lists already submitted (days inside the lead time) keep their members and take freed
    seats only from their own standby list; cases told their date keep it unless a case of a
    more urgent tier needs the seat; other cases stay put unless clearly outranked.
    """
    with collector_paused():
        return _replan(problem, previous, event, options)


def _replan(problem: Problem, previous: Plan, event: Event, options: Options | None) -> Replan:
    started = time.perf_counter()
    options = options or Options(time_limit=0.3)
    changed, effects = apply_event(problem, event, previous)
    prepared = prepare(changed)
    day_of = {date: index for index, date in enumerate(prepared.dates)}
    before = previous.assignments()

    pinned: dict[int, int] = {}
    told: dict[int, int] = {}
    keep: dict[int, tuple[int, int]] = {}
    for case_id, (date, _) in before.items():
        index = prepared.case_by_id.get(case_id)
        if index is None or case_id in effects.removed or date not in day_of:
            continue
        unit = prepared.units[prepared.cases[index].unit]
        target = effects.moved_to.get(case_id, date)
        if target not in day_of:
            continue
        day = day_of[target]
        if not unit.eligible or not changed.days[day].open:
            continue
        if case_id in effects.moved_to or not prepared.listable[day]:
            pinned[unit.index] = day
            continue
        listed = prepared.cases[index].candidate.listed
        if listed is not None and listed.told_date and listed.date == date:
            told[unit.index] = day
        value = prepared.unit_value(unit, day)
        # Told cases weigh more: moving them is the churn people notice.
        factor = 4 if unit.index in told else 1
        keep[unit.index] = (day, round(changed.rules.keep_bonus * value * factor))

    freed = _fill_from_standby(prepared, previous, pinned)
    tier_ranks = {tier.code: tier.rank for tier in changed.rules.tiers}
    unknown = max(tier_ranks.values()) + 1
    tier_rank = {
        unit.index: min(
            tier_ranks.get(prepared.cases[i].candidate.urgency, unknown) for i in unit.cases
        )
        for unit in prepared.units
        if unit.eligible
    }
    stability = Stability(keep_bonus=keep, told=told, tier_rank=tier_rank)
    preferred = {unit: day for unit, (day, _) in keep.items()}
    placements, capacity, stats, _ = optimise(prepared, pinned, options, preferred, stability)
    _keep_destinations(prepared, placements, capacity, before, day_of)
    standby = standby_lists(prepared, capacity, placements)
    standby.update(_previous_standby(prepared, previous, placements))
    plan = build_plan(prepared, placements, capacity, standby, stats)
    plan = replace(plan, stats=replace(plan.stats, seconds=round(time.perf_counter() - started, 4)))
    changes, displaced = _diff(prepared, previous, plan, effects, freed, told)
    bumped = tuple(sorted(effects.bumped | displaced))
    return Replan(event, changed, plan, changes, bumped)


def _keep_destinations(
    prepared: Prepared,
    placements: dict[int, Placement],
    capacity: Capacity,
    before: dict[str, tuple[datetime.date, str]],
    day_of: dict[datetime.date, int],
) -> None:
    """Give cases left on their day their previous destination back wherever it still fits.

    Destinations are not in the objective, so the model may send a case kept on its day to
    another receiving party with the same value; that is churn the event did not cause.
    """
    for unit_index in sorted(placements, key=lambda index: prepared.units[index].rank):
        placement = placements[unit_index]
        date = prepared.dates[placement.day]
        wanted = dict(placement.destinations)
        for index in prepared.units[unit_index].cases:
            case = prepared.cases[index]
            old = before.get(case.candidate.id)
            if old is None or day_of.get(old[0]) != placement.day:
                continue
            if any(o.party == old[1] and o.available_from <= date for o in case.options):
                wanted[index] = old[1]
        if wanted == dict(placement.destinations):
            continue
        unit = prepared.units[unit_index]
        capacity.take(unit, placement.day, placement.destinations, sign=-1)
        if capacity.fits(unit, placement.day, wanted):
            capacity.take(unit, placement.day, wanted)
            placements[unit_index] = Placement(placement.day, wanted)
        else:
            capacity.take(unit, placement.day, placement.destinations)


def _fill_from_standby(prepared: Prepared, previous: Plan, pinned: dict[int, int]) -> set[str]:
    """Fill seats freed on submitted lists from their standby lists, in position order."""
    capacity = Capacity(prepared)
    for unit_index, day in pinned.items():
        unit = prepared.units[unit_index]
        destinations = capacity.destinations(unit, day, ignore_seats=True)
        if destinations is not None:
            capacity.take(unit, day, destinations)
    entered: set[str] = set()
    for day_index, date in enumerate(prepared.dates):
        if prepared.listable[day_index] or not prepared.problem.days[day_index].open:
            continue
        try:
            standby = previous.day(date).standby
        except KeyError:
            continue
        for entry in standby:
            index = prepared.case_by_id.get(entry.case_id)
            if index is None:
                continue
            unit = prepared.units[prepared.cases[index].unit]
            if unit.index in pinned or not unit.eligible:
                continue
            destinations = capacity.destinations(unit, day_index)
            if destinations is None:
                continue
            capacity.take(unit, day_index, destinations)
            pinned[unit.index] = day_index
            entered.update(prepared.cases[i].candidate.id for i in unit.cases)
    return entered


def _previous_standby(
    prepared: Prepared, previous: Plan, placements: dict[int, Placement]
) -> dict[int, list[tuple[Unit, Destinations]]]:
    """Submitted lists keep what is left of their standby lists."""
    lists: dict[int, list[tuple[Unit, Destinations]]] = {}
    for day_index, date in enumerate(prepared.dates):
        if prepared.listable[day_index]:
            continue
        try:
            day = previous.day(date)
        except KeyError:
            continue
        kept: list[tuple[Unit, Destinations]] = []
        seen: set[int] = set()
        for entry in day.standby:
            index = prepared.case_by_id.get(entry.case_id)
            if index is None:
                continue
            unit = prepared.units[prepared.cases[index].unit]
            if unit.index in placements or unit.index in seen or not unit.eligible:
                continue
            seen.add(unit.index)
            kept.append((unit, {i: entry.destination for i in unit.cases}))
        lists[day_index] = kept
    return lists


def _diff(
    prepared: Prepared,
    previous: Plan,
    plan: Plan,
    effects: Effects,
    freed: set[str],
    told: dict[int, int],
) -> tuple[tuple[Change, ...], frozenset[str]]:
    """Who moved, entered and left between `previous` and `plan`, and why."""
    rules = prepared.problem.rules
    dates = set(prepared.dates)
    before = {k: v for k, v in previous.assignments().items() if v[0] in dates}
    after = plan.assignments()
    told_ids = {prepared.cases[i].candidate.id for unit in told for i in prepared.units[unit].cases}
    entering = [
        (case_id, date)
        for case_id, (date, _) in after.items()
        if before.get(case_id, (None,))[0] != date and case_id in prepared.case_by_id
    ]
    changes: list[Change] = []
    displaced: set[str] = set()
    for case_id in sorted(set(before) | set(after)):
        old, new = before.get(case_id), after.get(case_id)
        if old == new:
            continue
        kind = ChangeKind.MOVED if old and new else ChangeKind.ENTERED if new else ChangeKind.LEFT
        reason = _reason(case_id, kind, old, new, effects, freed, plan)
        if old and _lost_bed(prepared, case_id, old, effects):
            reason = effects.reason
        # A told case taken off its day, whether it left the plan or moved to another day,
        # was displaced by a more urgent case that entered the day: say so, and bump it.
        off_day = old is not None and (new is None or new[0] != old[0])
        if off_day and case_id in told_ids and case_id not in effects.removed:
            urgent = _more_urgent(prepared, case_id, entering, old)
            if urgent:
                reason = Reason(ReasonCode.DISPLACED_BY_MORE_URGENT, {"case": urgent})
                displaced.add(case_id)
        changes.append(
            Change(
                case_id=case_id,
                kind=kind,
                before=old[0] if old else None,
                after=new[0] if new else None,
                destination_before=old[1] if old else None,
                destination_after=new[1] if new else None,
                told_date=case_id in told_ids,
                reason=reason,
                text_en=sentence((reason,), rules, "en"),
                text_ar=sentence((reason,), rules, "ar"),
            )
        )
    return tuple(changes), frozenset(displaced)


def _reason(
    case_id: str,
    kind: ChangeKind,
    old: tuple[datetime.date, str] | None,
    new: tuple[datetime.date, str] | None,
    effects: Effects,
    freed: set[str],
    plan: Plan,
) -> Reason:
    """The reason for one change: the event when it caused it, else the re-plan itself."""
    if case_id in effects.removed:
        return effects.removed[case_id]
    if case_id in effects.moved_to or (kind is ChangeKind.LEFT and effects.reason.code in {
        ReasonCode.BATCH_CANCELLED, ReasonCode.DAY_CLOSED} and old
        and old[0].isoformat() == effects.reason.params.get("date")):  # fmt: skip
        return effects.reason
    if case_id in freed and new:
        return Reason(ReasonCode.SEAT_FREED, {"date": new[0].isoformat()})
    if effects.new_case == case_id:
        return effects.reason
    if old and new and old[0] == new[0]:
        # Same day, another receiving party: say so rather than "6 Feb -> 6 Feb".
        return Reason(
            ReasonCode.DESTINATION_CHANGED,
            {
                "date": new[0].isoformat(),
                "from_party": old[1],
                "to_party": new[1],
                "event": effects.reason.code.value,
            },
        )
    explanation = plan.explanation(case_id)
    if kind is ChangeKind.LEFT and explanation.status is Status.INELIGIBLE:
        return explanation.reasons[0]
    label = {Status.STANDBY: "standby", Status.WAITING: "waiting", Status.INELIGIBLE: "waiting"}
    return Reason(
        ReasonCode.REPLANNED,
        {
            "before": old[0].isoformat() if old else "waiting",
            "after": new[0].isoformat() if new else label.get(explanation.status, "waiting"),
            "event": effects.reason.code.value,
        },
    )


def _lost_bed(
    prepared: Prepared, case_id: str, old: tuple[datetime.date, str], effects: Effects
) -> bool:
    """True when the event withdrew the bed this case had on its day."""
    params = effects.reason.params
    index = prepared.case_by_id.get(case_id)
    return (
        effects.reason.code is ReasonCode.BED_WITHDRAWN
        and index is not None
        and params.get("party") == old[1]
        and params.get("date") == old[0].isoformat()
        and params.get("category") == prepared.cases[index].candidate.category
    )


def _more_urgent(
    prepared: Prepared,
    case_id: str,
    entering: list[tuple[str, datetime.date]],
    old: tuple[datetime.date, str] | None,
) -> str | None:
    """A case of a more urgent tier that entered the day `case_id` left, if any."""
    rules = prepared.problem.rules
    index = prepared.case_by_id.get(case_id)
    if index is None or old is None:
        return None
    rank = rules.tier(prepared.cases[index].candidate.urgency).rank
    for other, date in entering:
        candidate = prepared.cases[prepared.case_by_id[other]].candidate
        if date == old[0] and rules.tier(candidate.urgency).rank < rank:
            return other
    return None
