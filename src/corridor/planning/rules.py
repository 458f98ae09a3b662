"""Weights and rules of the planner, versioned so a past plan can still be explained."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from corridor.planning.vocabulary import Clearance


@dataclass(frozen=True)
class Tier:
    """An urgency tier: `rank` 1 is the most urgent; names are shown in explanations."""

    code: str
    rank: int
    name_en: str
    name_ar: str


DEFAULT_TIERS = (
    Tier("critical", 1, "critical", "حرجة"),
    Tier("urgent", 2, "urgent", "عاجلة"),
    Tier("stable", 3, "stable", "مستقرة"),
)


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Weights:
    """Points that make up a candidate's priority score (see docs/planning.md).

    A stable case outranks a new case of a tier `p` points above it after `p / waiting_per_day`
    days: that is the aging that keeps anyone from waiting forever.
    """

    urgency: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"critical": 1000.0, "urgent": 500.0, "stable": 0.0})
    )
    waiting_per_day: float = 0.5
    child: float = 150.0
    elderly: float = 50.0
    deterioration: float = 300.0
    bump: float = 60.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "urgency", _frozen(self.urgency))

    def names(self) -> tuple[str, ...]:
        """Every weight's dotted name, urgency tiers first, in a stable order."""
        scalars = ("waiting_per_day", "child", "elderly", "deterioration", "bump")
        return (*(f"urgency.{code}" for code in self.urgency), *scalars)

    def value(self, name: str) -> float:
        """The value of the weight called `name` (as listed by `names`)."""
        if name.startswith("urgency."):
            return self.urgency[name.removeprefix("urgency.")]
        result: float = getattr(self, name)
        return result

    def with_value(self, name: str, value: float) -> Weights:
        """A copy of these weights with the weight called `name` set to `value`."""
        if name.startswith("urgency."):
            urgency = dict(self.urgency)
            urgency[name.removeprefix("urgency.")] = value
            return replace(self, urgency=urgency)
        if name not in self.names():
            raise KeyError(name)
        changes: dict[str, Any] = {name: value}
        return replace(self, **changes)


LISTABLE_BY_DEFAULT = frozenset({Clearance.CLEARED, Clearance.PENDING, Clearance.NOT_ASKED})


@dataclass(frozen=True)
class Rules:
    """Everything that decides a plan besides the data; `version` is recorded on every plan.

    `listable_companion_clearances` are the clearance states in which a companion may be put on
    a list: the crossing authority clears each person after the list is submitted, so by default
    a companion not yet asked may be listed, and a refused one never is. A child patient needs
    at least one adult companion in one of these states (and is dropped when the last one is
    refused); set it to `{cleared}` to list children only with an adult already cleared.
    """

    version: str = "2026-02-default"
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    weights: Weights = field(default_factory=Weights)
    child_age: int = 18
    elderly_age: int = 65
    max_companions: int = 2
    listable_companion_clearances: frozenset[Clearance] = LISTABLE_BY_DEFAULT
    # The objective values a case at 2 ** (score / value_doubling_points): a case this many
    # points ahead is worth twice as much, so no mix of lower cases using the same seats beats a
    # case log2(1 + max_companions) doublings ahead of them.
    value_doubling_points: float = 50.0
    # Seats on each day's standby list, as a share of the day's quota.
    standby_share: float = 0.75
    # In re-planning, keeping a case (not yet told its date) on its day is worth this share of
    # its value: a newcomer must be clearly ahead to take the seat.
    keep_bonus: float = 0.5
    # Pre-selection keeps ranked cases until they would fill this many times the free seats.
    preselect_factor: float = 2.0

    def __post_init__(self) -> None:
        codes = [tier.code for tier in self.tiers]
        if len(set(codes)) != len(codes) or not codes:
            raise ValueError("urgency tiers must be a non-empty list of distinct codes")
        if self.max_companions < 0:
            raise ValueError("max_companions cannot be negative")
        if self.value_doubling_points <= 0:
            raise ValueError("value_doubling_points must be positive")

    def tier(self, code: str) -> Tier:
        """The tier called `code`; an unknown code ranks after every known tier."""
        for tier in self.tiers:
            if tier.code == code:
                return tier
        return Tier(code, max(t.rank for t in self.tiers) + 1, code, code)
