"""The three listing policies and the planner's score computed on arrays."""

from __future__ import annotations

import datetime

import numpy as np

from corridor.planning import Rules, scores
from corridor.simulation import CorridorPlanner, FirstComeFirstServed, StrictUrgency, draw_world
from corridor.simulation.policies import DayView, first_fit, to_problem
from tests.simulation.helpers import small


def _view(day: int = 5) -> DayView:
    world = draw_world(small(), 11)
    eligible = np.flatnonzero((world.referral_day < day) & (world.accepted_day <= day))
    active = np.arange(2)[None, :] < world.companions[:, None]
    seats = 1 + active.sum(axis=1)
    bumps = np.zeros(world.cases, dtype=np.int64)
    bumps[eligible[:5]] = 2
    return DayView(world, day, eligible, seats, active, world.tier_on(day), bumps)


def test_the_planner_policy_scores_cases_exactly_as_the_planner_does() -> None:
    view = _view()
    rules = Rules()
    problem = to_problem(view, view.eligible.tolist(), rules)
    expected = scores(problem.candidates, rules, problem.planned_at.date())
    assert np.allclose(CorridorPlanner(rules).scores(view), expected)


def test_first_come_first_served_lists_the_earliest_referrals() -> None:
    view = _view()
    main, standby = FirstComeFirstServed().lists(view)
    referral = view.world.referral_day
    assert standby == []
    assert referral[main[0]] == referral[view.eligible].min()


def test_strict_urgency_lists_the_most_urgent_tier_first() -> None:
    view = _view()
    main, _ = StrictUrgency().lists(view)
    tiers = view.tier[main]
    assert list(tiers) == sorted(tiers)


def test_every_list_fits_the_quota_stretchers_and_beds() -> None:
    view = _view()
    world = view.world
    for policy in (FirstComeFirstServed(), StrictUrgency(), CorridorPlanner()):
        main, standby = policy.lists(view)
        assert view.seats[main].sum() <= world.parameters.quota_out
        assert world.stretcher[main].sum() <= world.parameters.stretcher_places
        counts = np.bincount(world.category[main], minlength=len(world.categories))
        assert (counts <= world.beds[view.day]).all()
        assert not set(main) & set(standby)


def test_only_the_planner_keeps_a_standby_list() -> None:
    main, standby = CorridorPlanner().lists(_view())
    assert main and standby


def test_first_fit_skips_a_case_that_does_not_fit_and_takes_a_smaller_one() -> None:
    view = _view()
    order = view.eligible.tolist()
    chosen = first_fit(view, order)
    assert view.seats[chosen].sum() <= view.world.parameters.quota_out
    assert chosen == sorted(chosen, key=order.index)


def test_the_day_view_dates_day_zero_as_the_first_day() -> None:
    assert _view(0).date() == datetime.date(2026, 2, 2)
