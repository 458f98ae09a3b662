"""One function that checks every rule a plan must honour, used by unit and property tests."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from corridor.planning import Clearance, Plan, Problem, Role, Status


def assert_honours_constraints(problem: Problem, plan: Plan, *, replanned: bool = False) -> None:
    """Fail with a precise message when `plan` breaks any rule of `problem`.

    Checked: daily quota and stretcher places; at most `max_companions` companions, never a
    refused one, and a child only with an adult companion; beds per party, category and date;
    destinations accepted by then; family groups whole; new names only on listable days; cases
    already on a batch never moved by `plan`; one explanation, in both languages, per candidate.
    """
    rules = problem.rules
    by_id = {c.id: c for c in problem.candidates}
    days = {d.date: d for d in problem.days}
    assert [d.date for d in plan.days] == [d.date for d in problem.days]
    assert plan.rules_version == rules.version

    placed: dict[str, datetime.date] = {}
    bed_use: Counter[tuple[str, str, datetime.date]] = Counter()
    for day_plan in plan.days:
        day = days[day_plan.date]
        quota = day.quota(problem.direction)
        assert len(day_plan.members) <= quota, f"{day.date}: {len(day_plan.members)} > {quota}"
        assert [m.seat for m in day_plan.members] == list(range(1, len(day_plan.members) + 1))
        stretchers = 0
        travellers: dict[str, list[str]] = defaultdict(list)
        for member in day_plan.members:
            if member.role is Role.PATIENT:
                assert member.case_id not in placed, f"{member.case_id} planned twice"
                placed[member.case_id] = day.date
                candidate = by_id[member.case_id]
                assert candidate.patient_clearance is not Clearance.REFUSED
                stretchers += candidate.mobility.value == "stretcher"
                accepted = [
                    a
                    for a in candidate.acceptances
                    if a.party == member.destination and a.available_from <= day.date
                ]
                assert accepted, f"{member.case_id}: {member.destination} not accepted by then"
                bed_use[member.destination, candidate.category, day.date] += 1
                if not day_plan.listable and not replanned:
                    group = [
                        c
                        for c in problem.candidates
                        if c.id == candidate.id
                        or (candidate.family_group and c.family_group == candidate.family_group)
                    ]
                    assert any(c.listed is not None and c.listed.date == day.date for c in group), (
                        f"{member.case_id} added to the submitted list of {day.date}"
                    )
            else:
                travellers[member.case_id].append(member.person_id)
        assert stretchers <= day.stretcher_places and stretchers == day_plan.stretchers_used
        for case_id, people in travellers.items():
            candidate = by_id[case_id]
            assert placed.get(case_id) == day.date, f"companion of {case_id} without patient"
            assert len(people) <= rules.max_companions
            companions = {c.id: c for c in candidate.companions}
            assert all(companions[p].clearance is not Clearance.REFUSED for p in people)
        for case_id, date in placed.items():
            candidate = by_id[case_id]
            if date == day.date and candidate.age < rules.child_age:
                companions = {c.id: c for c in candidate.companions}
                adults = [p for p in travellers.get(case_id, []) if companions[p].adult]
                assert adults, f"child {case_id} listed without an adult companion"

    limited = {(b.party, b.category) for b in problem.beds}
    capacity: Counter[tuple[str, str, datetime.date]] = Counter()
    for row in problem.beds:
        capacity[row.party, row.category, row.date] += row.beds
    for key, used in bed_use.items():
        if (key[0], key[1]) in limited:
            assert used <= capacity[key], f"beds {key}: {used} > {capacity[key]}"

    groups: dict[str, set[datetime.date | None]] = defaultdict(set)
    for candidate in problem.candidates:
        if candidate.family_group:
            groups[candidate.family_group].add(placed.get(candidate.id))
    for name, dates in groups.items():
        assert len(dates) == 1, f"family group {name} split over {dates}"

    if not replanned:
        for candidate in problem.candidates:
            listed = candidate.listed
            if listed is not None and candidate.id in placed:
                assert placed[candidate.id] == listed.date, f"{candidate.id} moved off its batch"

    explained = Counter(e.case_id for e in plan.explanations)
    assert explained == Counter(c.id for c in problem.candidates)
    for explanation in plan.explanations:
        assert explanation.reasons and explanation.text_en and explanation.text_ar
        planned = explanation.case_id in placed
        assert planned == (explanation.status is Status.PLANNED)
        if planned:
            assert explanation.date == placed[explanation.case_id]

    for day_plan in plan.days:
        for entry in day_plan.standby:
            assert entry.case_id not in placed, f"{entry.case_id} both planned and on standby"
