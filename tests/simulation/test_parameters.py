"""Simulation parameters: documented defaults from the February 2026 figures, all overridable."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from corridor.simulation import Parameters, default_parameters, documented


def test_every_parameter_is_documented_with_a_unit_and_a_source() -> None:
    entries = documented()
    assert set(entries) == {field.name for field in dataclasses.fields(Parameters)}
    for name, entry in entries.items():
        assert entry["unit"] and entry["source"], name


def test_the_defaults_are_the_rafah_figures_of_february_2026() -> None:
    parameters = default_parameters()
    assert parameters.first_day == datetime.date(2026, 2, 2)
    assert parameters.quota_out == 50
    assert parameters.initial_waiting == 22_000


def test_any_parameter_can_be_overridden() -> None:
    parameters = default_parameters(days=30, refusal_probability=0.3)
    assert parameters.days == 30 and parameters.refusal_probability == 0.3
    again = parameters.with_overrides(
        {"first_day": "2026-03-01", "companion_shares_adult": [1, 0, 0]}
    )
    assert again.first_day == datetime.date(2026, 3, 1)
    assert again.companion_shares_adult == (1.0, 0.0, 0.0)


def test_an_unknown_parameter_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown simulation parameter 'quota'"):
        default_parameters(quota=10)
    with pytest.raises(ValueError, match="share for each of critical, urgent, stable"):
        default_parameters(referral_tier_shares={"critical": 1.0})
