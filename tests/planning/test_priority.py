"""The priority score: urgency, aging, age, deterioration and bumps, and a stable ranking."""

from __future__ import annotations

import datetime

from corridor.planning import Rules, Weights, plan, score
from tests.planning.builders import FAST, PLANNED_AT, case, day, problem

TODAY = PLANNED_AT.date()
RULES = Rules()


def test_a_critical_case_outranks_an_urgent_one_of_the_same_wait() -> None:
    assert score(case(urgency="critical"), RULES, TODAY) > score(
        case(urgency="urgent"), RULES, TODAY
    )


def test_waiting_ages_a_stable_case_past_a_new_urgent_one_so_nobody_waits_forever() -> None:
    weights = RULES.weights
    overtakes_after = int(weights.urgency["urgent"] / weights.waiting_per_day) + 1
    old_stable = case(urgency="stable", waited=overtakes_after)
    new_urgent = case(urgency="urgent", waited=0)
    assert score(old_stable, RULES, TODAY) > score(new_urgent, RULES, TODAY)


def test_children_elderly_deterioration_and_bumps_each_add_their_points() -> None:
    base = score(case(age=40), RULES, TODAY)
    w = RULES.weights
    assert score(case(age=5), RULES, TODAY) - base == w.child
    assert score(case(age=70), RULES, TODAY) - base == w.elderly
    assert score(case(deteriorating=True), RULES, TODAY) - base == w.deterioration
    assert score(case(bump_count=2), RULES, TODAY) - base == 2 * w.bump


def test_an_unknown_tier_scores_no_urgency_points_and_ranks_last() -> None:
    assert score(case(urgency="unheard-of", waited=0), RULES, TODAY) == 0.0
    assert RULES.tier("unheard-of").rank == 4


def test_equal_scores_go_to_the_earlier_referral_then_the_id() -> None:
    first = case("B", waited=50)
    second = case("A", waited=50)
    third = case("C", waited=50, registered_on=TODAY - datetime.timedelta(days=60))
    result = plan(problem([first, second, third], [day(0, quota=3)]), FAST)
    assert result.days[0].case_ids() == ("C", "A", "B")


def test_the_ranking_does_not_depend_on_the_order_of_the_waiting_list() -> None:
    cases = [case(f"P{i}", waited=i % 4, age=10 + i) for i in range(12)]
    forward = plan(problem(cases, [day(0, quota=5)]), FAST)
    backward = plan(problem(cases[::-1], [day(0, quota=5)]), FAST)
    assert forward.days == backward.days


def test_weights_can_be_changed_one_by_name() -> None:
    weights = Weights().with_value("urgency.urgent", 10.0).with_value("child", 0.0)
    assert weights.urgency["urgent"] == 10.0 and weights.child == 0.0
    assert weights.value("waiting_per_day") == Weights().waiting_per_day
