"""The weights check reports weights that change no ranking on the waiting list."""

from __future__ import annotations

from corridor.planning import Rules, WeightFinding, Weights, WeightStatus, check_weights
from tests.planning.builders import case, problem


def _status(findings: tuple[WeightFinding, ...], name: str) -> WeightStatus:
    return next(f.status for f in findings if f.name == name)


def test_the_bump_weight_is_inert_when_nobody_was_ever_bumped() -> None:
    people = [("critical", 5, 30), ("stable", 100, 8), ("urgent", 20, 70), ("stable", 300, 40)]
    cases = [case(urgency=urgency, waited=waited, age=age) for urgency, waited, age in people]
    findings = check_weights(problem(cases))
    assert _status(findings, "bump") is WeightStatus.INERT
    assert _status(findings, "urgency.critical") is WeightStatus.EFFECTIVE
    assert _status(findings, "child") is WeightStatus.EFFECTIVE
    inert = next(f for f in findings if f.name == "bump")
    assert inert.message == "bump = 60 changes no ranking on this waiting list (4 candidates)"


def test_a_weight_too_small_to_reorder_anyone_is_inert() -> None:
    rules = Rules(weights=Weights(elderly=0.001))
    cases = [case(urgency="urgent", age=70, waited=10), case(urgency="critical", age=30, waited=10)]
    assert _status(check_weights(problem(cases, rules=rules)), "elderly") is WeightStatus.INERT


def test_a_zero_weight_is_reported_as_zero() -> None:
    findings = check_weights(problem([case(), case(urgency="critical")]))
    assert _status(findings, "urgency.stable") is WeightStatus.ZERO


def test_every_weight_is_checked_once() -> None:
    findings = check_weights(problem([case()]))
    assert [f.name for f in findings] == list(Weights().names())
