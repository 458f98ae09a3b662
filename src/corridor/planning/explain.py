"""Turn placements into a plan: day lists in seat order, standby lists, and an explanation each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corridor.planning.packing import Capacity, Destinations, Placement
from corridor.planning.prepared import Case, Prepared, Unit
from corridor.planning.reasons import ParamValue, Reason, ReasonCode, sentence
from corridor.planning.result import (
    DayPlan,
    Explanation,
    Member,
    Plan,
    Role,
    SolveStats,
    StandbyEntry,
    Status,
)

StandbyLists = Mapping[int, Sequence[tuple[Unit, Destinations]]]


def build_plan(
    prepared: Prepared,
    placements: Mapping[int, Placement],
    capacity: Capacity,
    standby: StandbyLists,
    stats: SolveStats,
    kept: frozenset[int] = frozenset(),
    stuck: Mapping[int, int] | None = None,
) -> Plan:
    """The plan of `placements`, with its standby lists and every candidate's explanation."""
    problem = prepared.problem
    by_day: dict[int, list[int]] = {}
    for unit_index, placement in placements.items():
        by_day.setdefault(placement.day, []).append(unit_index)
    seat_of: dict[int, int] = {}
    days = []
    for day_index, day in enumerate(problem.days):
        members: list[Member] = []
        stretchers = 0
        for unit_index in sorted(by_day.get(day_index, []), key=lambda u: prepared.units[u].rank):
            unit = prepared.units[unit_index]
            stretchers += unit.stretchers
            for case_index in unit.cases:
                case = prepared.cases[case_index]
                party = placements[unit_index].destinations[case_index]
                seat_of[case_index] = len(members) + 1
                people = [(case.candidate.id, Role.PATIENT)]
                people += [(person, Role.COMPANION) for person in case.travellers]
                for person, role in people:
                    members.append(Member(len(members) + 1, person, case.candidate.id, role, party))
        entries = []
        for position, (unit, destinations) in enumerate(standby.get(day_index, ()), start=1):
            for case_index in unit.cases:
                case = prepared.cases[case_index]
                entries.append(
                    StandbyEntry(
                        position=position,
                        case_id=case.candidate.id,
                        person_ids=(case.candidate.id, *case.travellers),
                        destination=destinations[case_index],
                    )
                )
        days.append(
            DayPlan(
                date=day.date,
                open=day.open,
                listable=prepared.listable[day_index],
                quota=day.quota(problem.direction),
                stretcher_places=day.stretcher_places if day.open else 0,
                stretchers_used=stretchers,
                members=tuple(members),
                standby=tuple(entries),
            )
        )
    explanations = explain(prepared, placements, capacity, standby, seat_of, kept, stuck or {})
    return Plan(
        planned_at=problem.planned_at,
        rules_version=problem.rules.version,
        crossing=problem.crossing.code,
        direction=problem.direction.value,
        days=tuple(days),
        explanations=explanations,
        stats=stats,
    )


def explain(
    prepared: Prepared,
    placements: Mapping[int, Placement],
    capacity: Capacity,
    standby: StandbyLists,
    seat_of: Mapping[int, int],
    kept: frozenset[int] = frozenset(),
    stuck: Mapping[int, int] | None = None,
) -> tuple[Explanation, ...]:
    """One explanation per candidate, in the problem's order."""
    problem = prepared.problem
    rules = problem.rules
    standby_of: dict[int, tuple[int, int]] = {}
    for day in sorted(standby):
        for position, (unit, _) in enumerate(standby[day], start=1):
            standby_of.setdefault(unit.index, (day, position))
    ahead: dict[str, int] = {tier.code: 0 for tier in rules.tiers}
    other = 0
    # Many cases share the same words ("no destination has accepted this case yet").
    texts: dict[tuple[object, ...], tuple[str, str]] = {}
    explanations: list[Explanation | None] = [None] * len(prepared.cases)
    for case in prepared.ranked_cases():
        unit = prepared.units[case.unit]
        placement = placements.get(unit.index)
        reasons: list[Reason]
        date = None
        destination = None
        if placement is not None:
            date = prepared.dates[placement.day]
            destination = placement.destinations[case.index]
            status = Status.PLANNED
            reasons = [
                Reason(
                    ReasonCode.PLANNED,
                    {
                        "date": date.isoformat(),
                        "seat": seat_of[case.index],
                        "party": destination,
                        "rank": case.rank,
                    },
                )
            ]
            if unit.index in kept:
                reasons.append(Reason(ReasonCode.KEPT_ON_BATCH, {"date": date.isoformat()}))
        elif not unit.eligible:
            status = Status.INELIGIBLE
            reasons = list(case.blockers) or _group_blocked(prepared, unit, case)
        elif stuck and unit.index in stuck:
            status = Status.WAITING
            date = prepared.dates[stuck[unit.index]]
            reasons = [Reason(ReasonCode.BATCH_NEEDS_REPLAN, {"date": date.isoformat()})]
        else:
            reasons = [_why_not(prepared, unit, case, capacity, ahead, other)]
            status = Status.WAITING
            if unit.index in standby_of:
                day, position = standby_of[unit.index]
                date = prepared.dates[day]
                status = Status.STANDBY
                reasons.insert(
                    0, Reason(ReasonCode.STANDBY, {"date": date.isoformat(), "position": position})
                )
            if len(unit.cases) > 1:
                group = case.candidate.family_group or ""
                reasons.append(Reason(ReasonCode.FAMILY_GROUP_WAITING, {"group": group}))
        reasons.extend(case.notes)
        if case.eligible and unit.eligible:
            tier = case.candidate.urgency
            if tier in ahead:
                ahead[tier] += 1
            else:
                other += 1
        key = tuple((reason.code, tuple(reason.params.items())) for reason in reasons)
        words = texts.get(key)
        if words is None:
            words = texts[key] = (
                sentence(tuple(reasons), rules, "en"),
                sentence(tuple(reasons), rules, "ar"),
            )
        explanations[case.index] = Explanation(
            case_id=case.candidate.id,
            status=status,
            date=date,
            destination=destination,
            rank=case.rank,
            score=round(case.score, 3),
            reasons=tuple(reasons),
            text_en=words[0],
            text_ar=words[1],
        )
    return tuple(e for e in explanations if e is not None)


def _group_blocked(prepared: Prepared, unit: Unit, case: Case) -> list[Reason]:
    blocked = [prepared.cases[i] for i in unit.cases if not prepared.cases[i].eligible]
    member = blocked[0].candidate.id if blocked else ""
    params = {"group": case.candidate.family_group or "", "member": member}
    return [Reason(ReasonCode.FAMILY_MEMBER_CANNOT_TRAVEL, params)]


def _why_not(
    prepared: Prepared,
    unit: Unit,
    case: Case,
    capacity: Capacity,
    ahead: Mapping[str, int],
    other: int,
) -> Reason:
    """The main reason an eligible case is not planned: the first limit it runs into."""
    problem = prepared.problem
    listable = [day for day, ok in enumerate(prepared.listable) if ok]
    if not listable:
        return Reason(ReasonCode.NO_LISTABLE_DAY, {"hours": problem.crossing.lead_time_hours})
    earliest = max(prepared.cases[i].earliest for i in unit.cases)
    days = [day for day in listable if prepared.dates[day] >= earliest]
    if not days:
        blocking = max((prepared.cases[i] for i in unit.cases), key=lambda c: c.earliest)
        return Reason(
            ReasonCode.NO_BED_BEFORE,
            {"category": blocking.candidate.category, "date": blocking.earliest.isoformat()},
        )
    seats = capacity.seats
    free = max(seats[day] for day in days)
    if free >= unit.seats:
        seat_days = [day for day in days if seats[day] >= unit.seats]
        if all(capacity.stretchers[day] < unit.stretchers for day in seat_days):
            return Reason(ReasonCode.NO_STRETCHER_PLACE)
        if all(capacity.destinations(unit, day) is None for day in seat_days):
            return Reason(ReasonCode.BEDS_TAKEN, {"category": case.candidate.category})
    elif free > 0:
        return Reason(ReasonCode.NO_SEATS, {"seats": unit.seats, "free": free})
    params: dict[str, ParamValue] = {f"ahead_{tier}": count for tier, count in ahead.items()}
    params["ahead"] = sum(ahead.values()) + other
    params["ahead_other"] = other
    params["rank"] = case.rank
    return Reason(ReasonCode.OUTRANKED, params)
