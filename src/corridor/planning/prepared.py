"""A problem prepared for packing: who may travel, with whom, where, and in which order."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from corridor.planning import priority
from corridor.planning.problem import Acceptance, Candidate, Problem
from corridor.planning.reasons import Reason, ReasonCode
from corridor.planning.vocabulary import Clearance, Mobility

CLEARANCE_ORDER = {Clearance.CLEARED: 0, Clearance.PENDING: 1, Clearance.NOT_ASKED: 2}
# Objective values are 2 ** (VALUE_BITS + (score - top score) / doubling), at least 1.
VALUE_BITS = 30


@dataclass(slots=True)
class Case:
    """One candidate as the packer sees it."""

    index: int
    candidate: Candidate
    score: float
    rank: int
    travellers: tuple[str, ...]
    stretcher: bool
    options: tuple[Acceptance, ...]
    blockers: list[Reason] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)
    unit: int = -1
    value: int = 1
    earliest: datetime.date = datetime.date.max
    # True when nothing in the case itself keeps it off a list; set once blockers are known.
    eligible: bool = True

    @property
    def seats(self) -> int:
        """Seats the case takes: the patient and the listed companions."""
        return 1 + len(self.travellers)


@dataclass(slots=True)
class Unit:
    """Cases that travel together (a family group) or a case alone; placed as one."""

    index: int
    cases: tuple[int, ...]
    seats: int
    stretchers: int
    rank: int
    eligible: bool
    pinned: int | None = None


@dataclass
class Prepared:
    """The prepared problem: cases, units in rank order, days and bed limits."""

    problem: Problem
    cases: list[Case]
    units: list[Unit]
    dates: tuple[datetime.date, ...]
    listable: tuple[bool, ...]
    limited_pairs: frozenset[tuple[str, str]]
    beds: dict[tuple[str, str, int], int]
    case_by_id: dict[str, int]

    def day_factor(self, day: int) -> int:
        """How much more a case is worth on an earlier day: 2H on the first day, H+1 on the last."""
        return 2 * len(self.dates) - day

    def unit_value(self, unit: Unit, day: int) -> int:
        """The objective coefficient of placing `unit` on `day`."""
        return sum(self.cases[index].value for index in unit.cases) * self.day_factor(day)

    def ranked_cases(self) -> list[Case]:
        """Every case, highest priority first."""
        ranked: list[Case | None] = [None] * len(self.cases)
        for case in self.cases:
            ranked[case.rank - 1] = case
        return [case for case in ranked if case is not None]


def _choose_companions(
    candidate: Candidate, child: bool, problem: Problem
) -> tuple[tuple[str, ...], list[Reason], list[Reason]]:
    """The companions to list, the reasons that block the case, and notes for its explanation."""
    rules = problem.rules
    blockers: list[Reason] = []
    notes: list[Reason] = []
    if not candidate.companions:
        if child:
            blockers.append(Reason(ReasonCode.CHILD_NEEDS_ADULT))
        return (), blockers, notes
    allowed = rules.listable_companion_clearances
    listable = [c for c in candidate.companions if c.clearance in allowed]
    if len(listable) > 1:
        # Adults first for a child, then those already cleared: they are the surest to travel.
        listable.sort(key=lambda c: (child and not c.adult, CLEARANCE_ORDER.get(c.clearance, 3)))
    chosen = tuple(companion.id for companion in listable[: rules.max_companions])
    refused = [c for c in candidate.companions if c.clearance is Clearance.REFUSED]
    if child and not any(c.adult for c in listable[: rules.max_companions]):
        if any(c.adult for c in refused):
            blockers.append(Reason(ReasonCode.COMPANION_REFUSED_REPLACEMENT_NEEDED))
        else:
            blockers.append(Reason(ReasonCode.CHILD_NEEDS_ADULT))
    if refused and not blockers:
        notes.append(Reason(ReasonCode.COMPANION_DROPPED, {"count": len(refused)}))
    if len(listable) > rules.max_companions:
        notes.append(
            Reason(
                ReasonCode.COMPANIONS_LIMITED,
                {"listed": len(chosen), "proposed": len(listable), "limit": rules.max_companions},
            )
        )
    return chosen, blockers, notes


def prepare(problem: Problem) -> Prepared:
    """Decide each case's eligibility, travellers and options, and group and rank the units."""
    rules = problem.rules
    candidates = problem.candidates
    dates = tuple(day.date for day in problem.days)
    day_of = {date: index for index, date in enumerate(dates)}
    listable = tuple(day.open and problem.is_listable(day.date) for day in problem.days)
    today = problem.planned_at.date()
    score_values = priority.scores(candidates, rules, today)
    order = priority.rank_order(score_values, priority.tie_breaks(candidates))
    ranks = [0] * len(candidates)
    for position, index in enumerate(order.tolist()):
        ranks[index] = position + 1

    cases: list[Case] = []
    for index, candidate in enumerate(candidates):
        child = candidate.age < rules.child_age
        travellers, blockers, notes = _choose_companions(candidate, child, problem)
        listed = candidate.listed
        if listed is not None and listed.date not in day_of and listed.date > today:
            blockers.insert(
                0, Reason(ReasonCode.LISTED_ELSEWHERE, {"date": listed.date.isoformat()})
            )
        if candidate.patient_clearance is Clearance.REFUSED:
            blockers.insert(0, Reason(ReasonCode.PATIENT_REFUSED))
        options = candidate.acceptances
        if len(options) > 1:
            options = tuple(sorted(options, key=lambda a: (a.available_from, a.party)))
        elif not options:
            blockers.append(Reason(ReasonCode.NO_ACCEPTANCE))
        cases.append(
            Case(
                index=index,
                candidate=candidate,
                score=float(score_values[index]),
                rank=ranks[index],
                travellers=travellers,
                stretcher=candidate.mobility is Mobility.STRETCHER,
                options=options,
                blockers=blockers,
                notes=notes,
                earliest=options[0].available_from if options else datetime.date.max,
            )
        )

    groups: dict[str, list[int]] = defaultdict(list)
    for case in cases:
        if case.candidate.family_group:
            groups[case.candidate.family_group].append(case.index)
    for group, members in groups.items():
        blocked = [cases[i] for i in members if cases[i].blockers]
        for i in members:
            if not cases[i].blockers and blocked:
                cases[i].blockers.append(
                    Reason(
                        ReasonCode.FAMILY_MEMBER_CANNOT_TRAVEL,
                        {"group": group, "member": blocked[0].candidate.id},
                    )
                )

    for case in cases:
        case.eligible = not case.blockers
    top = max((case.score for case in cases if case.eligible), default=0.0)
    for case in cases:
        exponent = VALUE_BITS + (case.score - top) / rules.value_doubling_points
        case.value = max(1, round(math.pow(2.0, max(exponent, -1.0))))

    units = _units(cases, order.tolist(), groups, day_of, problem)
    limited_pairs = frozenset((bed.party, bed.category) for bed in problem.beds)
    beds: dict[tuple[str, str, int], int] = {}
    for bed in problem.beds:
        if bed.date in day_of:
            key = (bed.party, bed.category, day_of[bed.date])
            beds[key] = beds.get(key, 0) + max(0, bed.beds)
    return Prepared(
        problem=problem,
        cases=cases,
        units=units,
        dates=dates,
        listable=listable,
        limited_pairs=limited_pairs,
        beds=beds,
        case_by_id={case.candidate.id: case.index for case in cases},
    )


def _units(
    cases: list[Case],
    order: list[int],
    groups: dict[str, list[int]],
    day_of: dict[datetime.date, int],
    problem: Problem,
) -> list[Unit]:
    """Group cases into units, ranked by their best member, and pin units already listed."""
    members_of: list[tuple[int, ...]] = []
    seen: set[int] = set()
    for index in order:
        if index in seen:
            continue
        group = cases[index].candidate.family_group
        if group:
            members = tuple(sorted(groups[group], key=lambda i: cases[i].rank))
            seen.update(members)
        else:
            members = (index,)
        members_of.append(members)
    units: list[Unit] = []
    for position, members in enumerate(members_of):
        pinned_days = []
        for i in members:
            listed = cases[i].candidate.listed
            if listed is not None and listed.date in day_of:
                pinned_days.append(day_of[listed.date])
            cases[i].unit = position
        if len(members) == 1:
            case = cases[members[0]]
            seats, stretchers, eligible = case.seats, int(case.stretcher), case.eligible
        else:
            seats = sum(cases[i].seats for i in members)
            stretchers = sum(cases[i].stretcher for i in members)
            eligible = all(cases[i].eligible for i in members)
        units.append(
            Unit(
                index=position,
                cases=members,
                seats=seats,
                stretchers=stretchers,
                rank=position,
                eligible=eligible,
                pinned=min(pinned_days) if pinned_days else None,
            )
        )
    return units
