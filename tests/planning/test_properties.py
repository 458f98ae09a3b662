"""Property tests: for random problems every plan and re-plan keeps every rule, explains all."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.planning import (
    Acceptance,
    BatchCancelled,
    BatchPostponed,
    BedCapacity,
    BedWithdrawn,
    Candidate,
    CaseHeldBack,
    CaseWithdrawn,
    Clearance,
    Companion,
    CrossingDay,
    CrossingDayClosed,
    Event,
    Listing,
    Mobility,
    NewCase,
    Options,
    PersonRefused,
    Plan,
    Problem,
    ReasonCode,
    Rules,
    plan,
    replan,
)
from tests.planning.builders import FIRST_DAY
from tests.planning.checks import assert_honours_constraints

PARTIES = ("a", "b")
CATEGORIES = ("trauma", "cancer")
OPTIONS = (Options(time_limit=0.3, workers=1), Options(solver="greedy"))
PROPERTIES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _date(offset: int) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=offset)


@st.composite
def candidates(draw: st.DrawFn, number: int, horizon: int) -> Candidate:
    """One random case, sometimes a child, in a family group, or already listed."""
    case_id = f"P{number}"
    companions = tuple(
        Companion(
            f"{case_id}-c{index}",
            draw(st.sampled_from(list(Clearance))),
            draw(st.booleans()),
        )
        for index in range(draw(st.integers(0, 3)))
    )
    acceptances = tuple(
        Acceptance(party, _date(draw(st.integers(-2, horizon + 1))))
        for party in draw(st.lists(st.sampled_from(PARTIES), max_size=2, unique=True))
    )
    family = draw(st.sampled_from([None, None, None, "g1", "g2"]))
    listed = None
    if family is None and draw(st.integers(0, 4)) == 0:
        listed = Listing(_date(draw(st.integers(0, horizon))), "B", draw(st.booleans()))
    referral = _date(-draw(st.integers(2, 900)))
    return Candidate(
        id=case_id,
        urgency=draw(st.sampled_from(["critical", "urgent", "stable"])),
        category=draw(st.sampled_from(CATEGORIES)),
        referral_date=referral,
        registered_on=referral,
        age=draw(st.integers(0, 90)),
        mobility=draw(st.sampled_from(list(Mobility))),
        companions=companions,
        acceptances=acceptances,
        family_group=family,
        patient_clearance=draw(st.sampled_from(list(Clearance))),
        deteriorating=draw(st.booleans()),
        bump_count=draw(st.integers(0, 2)),
        listed=listed,
    )


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """A small random problem: a few days, a dozen cases, some limited beds, varied rules."""
    horizon = draw(st.integers(1, 4))
    days = tuple(
        CrossingDay(
            _date(offset),
            open=draw(st.integers(0, 4)) > 0,
            quota_out=draw(st.integers(0, 9)),
            quota_in=0,
            stretcher_places=draw(st.integers(0, 2)),
        )
        for offset in range(horizon)
    )
    count = draw(st.integers(0, 12))
    cases = tuple(draw(candidates(number, horizon)) for number in range(count))
    beds = tuple(
        BedCapacity(party, category, _date(offset), draw(st.integers(0, 2)))
        for party in PARTIES
        for category in CATEGORIES
        if draw(st.integers(0, 2)) == 0
        for offset in range(horizon)
    )
    # Around the list deadline of the first day, so some days are already submitted.
    hours = draw(st.integers(-36, 20))
    planned_at = datetime.datetime.combine(_date(-1), datetime.time(9)) + datetime.timedelta(
        hours=hours
    )
    rules = draw(
        st.sampled_from(
            [
                Rules(),
                Rules(max_companions=1, standby_share=1.0),
                Rules(listable_companion_clearances=frozenset({Clearance.CLEARED})),
            ]
        )
    )
    return Problem(planned_at, days, cases, beds, rules=rules)


@PROPERTIES
@given(problems(), st.sampled_from(OPTIONS))
def test_every_plan_honours_every_rule_and_explains_every_candidate(
    problem: Problem, options: Options
) -> None:
    result = plan(problem, options)
    assert_honours_constraints(problem, result)
    assert Plan.from_dict(result.to_dict()) == result


@st.composite
def events(draw: st.DrawFn, problem: Problem, previous: Plan) -> Event:
    """An event that touches the previous plan where it can."""
    dates = [day.date for day in problem.days]
    people = [m.person_id for day in previous.days for m in day.members] or ["nobody"]
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return BatchCancelled(draw(st.sampled_from(dates)))
    if kind == 1:
        return BatchPostponed(draw(st.sampled_from(dates)), draw(st.sampled_from(dates)))
    if kind == 2:
        return CrossingDayClosed(draw(st.sampled_from(dates)))
    if kind == 3:
        return PersonRefused(draw(st.sampled_from(people)))
    if kind == 4:
        new = draw(candidates(99, len(dates)))
        return NewCase(Candidate(**{**new.__dict__, "urgency": "critical", "listed": None}))
    if kind == 5:
        return BedWithdrawn(
            draw(st.sampled_from(PARTIES)),
            draw(st.sampled_from(CATEGORIES)),
            draw(st.sampled_from(dates)),
            draw(st.integers(0, 1)),
        )
    if kind == 7:
        planned = [c for day in previous.days for c in day.case_ids()] or ["x"]
        return CaseHeldBack(draw(st.sampled_from(planned)), draw(st.sampled_from(dates)), "note")
    return CaseWithdrawn(draw(st.sampled_from([c.id for c in problem.candidates] or ["x"])))


@PROPERTIES
@given(st.data(), problems(), st.sampled_from(OPTIONS))
def test_every_re_plan_honours_every_rule_and_explains_every_change(
    data: st.DataObject, problem: Problem, options: Options
) -> None:
    previous = plan(problem, options)
    event = data.draw(events(problem, previous))
    result = replan(problem, previous, event, options)
    assert_honours_constraints(result.problem, result.plan, replanned=True)
    for change in result.changes:
        assert change.text_en and change.text_ar
        if change.told_date:
            # Cases told their date move only because of the event or a more urgent case.
            assert change.reason.code is not ReasonCode.REPLANNED, change
    submitted = [d for d in result.plan.days if not d.listable]
    for day in submitted:
        before = set(previous.day(day.date).case_ids())
        for case_id in set(day.case_ids()) - before:
            standby = {entry.case_id for entry in previous.day(day.date).standby}
            moved_in = isinstance(event, BatchPostponed) and event.to == day.date
            assert case_id in standby or moved_in, f"{case_id} added to a submitted list"
