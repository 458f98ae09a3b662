"""Simulation parameters: defaults and sources in parameters.json, every one overridable."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from importlib import resources
from types import MappingProxyType
from typing import Any

TIERS = ("critical", "urgent", "stable")


@dataclass(frozen=True)
class Parameters:
    """Everything that drives one simulated corridor; see parameters.json for each source."""

    days: int
    first_day: datetime.date
    initial_waiting: int
    initial_tier_shares: Mapping[str, float]
    initial_referral_span_days: int
    initial_accepted_share: float
    referrals_per_day: float
    referral_tier_shares: Mapping[str, float]
    acceptance_delay_days: float
    child_share: float
    companion_shares_adult: tuple[float, float, float]
    companion_shares_child: tuple[float, float, float]
    stretcher_share: float
    critical_stretcher_share: float
    category_shares: Mapping[str, float]
    quota_out: int
    stretcher_places: int
    open_probability: float
    cancellation_probability: float
    refusal_probability: float
    no_answer_probability: float
    no_show_probability: float
    death_hazard_per_day: Mapping[str, float]
    escalation_per_day: Mapping[str, float]
    deteriorating_days: int
    beds_per_day: float
    replacement_days: int
    planner_candidates: int
    planner_solver: str

    def __post_init__(self) -> None:
        for name in (
            "initial_tier_shares",
            "referral_tier_shares",
            "category_shares",
            "death_hazard_per_day",
            "escalation_per_day",
        ):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        for name in ("initial_tier_shares", "referral_tier_shares"):
            if set(getattr(self, name)) != set(TIERS):
                raise ValueError(f"{name} must give a share for each of {', '.join(TIERS)}")
        if self.planner_solver not in ("greedy", "cp-sat"):
            raise ValueError("planner_solver must be 'greedy' or 'cp-sat'")

    def with_overrides(self, overrides: Mapping[str, Any]) -> Parameters:
        """A copy with some parameters replaced (values as in parameters.json)."""
        known = {field.name for field in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown simulation parameter {unknown[0]!r}")
        return replace(self, **{name: _coerce(name, value) for name, value in overrides.items()})


def _coerce(name: str, value: Any) -> Any:
    if name == "first_day" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if name.startswith("companion_shares") and isinstance(value, list):
        return tuple(float(v) for v in value)
    return value


def documented() -> dict[str, dict[str, Any]]:
    """Each default parameter with its value, unit and source, as written in parameters.json."""
    text = resources.files("corridor.simulation").joinpath("parameters.json").read_text("utf-8")
    data: dict[str, dict[str, Any]] = json.loads(text)["parameters"]
    return data


def default_parameters(**overrides: Any) -> Parameters:
    """The February 2026 defaults from parameters.json, with any keyword overrides applied."""
    values = {name: _coerce(name, entry["value"]) for name, entry in documented().items()}
    values.update({name: _coerce(name, value) for name, value in overrides.items()})
    known = {field.name for field in fields(Parameters)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown simulation parameter {unknown[0]!r}")
    return Parameters(**values)
