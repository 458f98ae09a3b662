"""The plan the planner gives back: days with members and standby lists, and explanations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from corridor.planning.reasons import Reason, ReasonCode


class Role(StrEnum):
    """Whether a member of a day's list is the patient or a companion."""

    PATIENT = "patient"
    COMPANION = "companion"


class Status(StrEnum):
    """Where a candidate stands in a plan."""

    PLANNED = "planned"
    STANDBY = "standby"
    WAITING = "waiting"
    INELIGIBLE = "ineligible"


@dataclass(frozen=True)
class Member:
    """One person on a day's list, in seat order, with the case's destination."""

    seat: int
    person_id: str
    case_id: str
    role: Role
    destination: str


@dataclass(frozen=True)
class StandbyEntry:
    """A case ready to take seats freed on a day, with the people it brings."""

    position: int
    case_id: str
    person_ids: tuple[str, ...]
    destination: str


@dataclass(frozen=True)
class DayPlan:
    """One crossing day of a plan: its list in seat order and its standby list."""

    date: datetime.date
    open: bool
    listable: bool
    quota: int
    stretcher_places: int
    stretchers_used: int
    members: tuple[Member, ...]
    standby: tuple[StandbyEntry, ...]

    @property
    def seats_used(self) -> int:
        """How many people (patients and companions) the day's list holds."""
        return len(self.members)

    def case_ids(self) -> tuple[str, ...]:
        """The cases on the day's list, in seat order."""
        return tuple(m.case_id for m in self.members if m.role is Role.PATIENT)


@dataclass(frozen=True)
class Explanation:
    """Why a candidate is planned on a day, on standby, or not yet: as data and in words."""

    case_id: str
    status: Status
    date: datetime.date | None
    destination: str | None
    rank: int | None
    score: float
    reasons: tuple[Reason, ...]
    text_en: str
    text_ar: str

    @property
    def code(self) -> ReasonCode:
        """The main reason's code."""
        return self.reasons[0].code


@dataclass(frozen=True)
class SolveStats:
    """How the plan was found: by which solver, how fast, on how many candidates."""

    solver: str
    status: str
    candidates: int
    eligible: int
    preselected: int
    seconds: float
    time_limit: float
    objective: int
    greedy_objective: int


@dataclass(frozen=True)
class Plan:
    """A plan over the crossing days of a problem, recording the rules version that made it."""

    planned_at: datetime.datetime
    rules_version: str
    crossing: str
    direction: str
    days: tuple[DayPlan, ...]
    explanations: tuple[Explanation, ...]
    stats: SolveStats

    def day(self, date: datetime.date) -> DayPlan:
        """The plan of the crossing day on `date`."""
        for day in self.days:
            if day.date == date:
                return day
        raise KeyError(date)

    def explanation(self, case_id: str) -> Explanation:
        """The explanation of the candidate `case_id`."""
        return self._explanations_by_case[case_id]

    @cached_property
    def _explanations_by_case(self) -> dict[str, Explanation]:
        return {explanation.case_id: explanation for explanation in self.explanations}

    def assignments(self) -> dict[str, tuple[datetime.date, str]]:
        """Each planned case with its day and destination."""
        return {
            member.case_id: (day.date, member.destination)
            for day in self.days
            for member in day.members
            if member.role is Role.PATIENT
        }

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (the `corridor plan --json` output)."""
        return {
            "planned_at": self.planned_at.isoformat(),
            "rules_version": self.rules_version,
            "crossing": self.crossing,
            "direction": self.direction,
            "stats": {name: getattr(self.stats, name) for name in SolveStats.__dataclass_fields__},
            "days": [
                {
                    "date": day.date.isoformat(),
                    "open": day.open,
                    "listable": day.listable,
                    "quota": day.quota,
                    "seats_used": day.seats_used,
                    "stretcher_places": day.stretcher_places,
                    "stretchers_used": day.stretchers_used,
                    "members": [
                        {
                            "seat": m.seat,
                            "person_id": m.person_id,
                            "case_id": m.case_id,
                            "role": m.role.value,
                            "destination": m.destination,
                        }
                        for m in day.members
                    ],
                    "standby": [
                        {
                            "position": s.position,
                            "case_id": s.case_id,
                            "person_ids": list(s.person_ids),
                            "destination": s.destination,
                        }
                        for s in day.standby
                    ],
                }
                for day in self.days
            ],
            "explanations": [explanation_to_dict(e) for e in self.explanations],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """The plan written by `to_dict`, read back (for re-planning from a file)."""
        return cls(
            planned_at=datetime.datetime.fromisoformat(data["planned_at"]),
            rules_version=data["rules_version"],
            crossing=data["crossing"],
            direction=data["direction"],
            stats=SolveStats(**data["stats"]),
            days=tuple(
                DayPlan(
                    date=datetime.date.fromisoformat(day["date"]),
                    open=day["open"],
                    listable=day["listable"],
                    quota=day["quota"],
                    stretcher_places=day["stretcher_places"],
                    stretchers_used=day["stretchers_used"],
                    members=tuple(
                        Member(
                            seat=m["seat"],
                            person_id=m["person_id"],
                            case_id=m["case_id"],
                            role=Role(m["role"]),
                            destination=m["destination"],
                        )
                        for m in day["members"]
                    ),
                    standby=tuple(
                        StandbyEntry(
                            position=s["position"],
                            case_id=s["case_id"],
                            person_ids=tuple(s["person_ids"]),
                            destination=s["destination"],
                        )
                        for s in day["standby"]
                    ),
                )
                for day in data["days"]
            ),
            explanations=tuple(explanation_from_dict(e) for e in data["explanations"]),
        )


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """An explanation as JSON-ready data."""
    return {
        "case_id": explanation.case_id,
        "status": explanation.status.value,
        "date": explanation.date.isoformat() if explanation.date else None,
        "destination": explanation.destination,
        "rank": explanation.rank,
        "score": explanation.score,
        "reasons": [{"code": r.code.value, "params": dict(r.params)} for r in explanation.reasons],
        "text_en": explanation.text_en,
        "text_ar": explanation.text_ar,
    }


def explanation_from_dict(data: dict[str, Any]) -> Explanation:
    """An explanation written by `explanation_to_dict`, read back."""
    return Explanation(
        case_id=data["case_id"],
        status=Status(data["status"]),
        date=datetime.date.fromisoformat(data["date"]) if data["date"] else None,
        destination=data["destination"],
        rank=data["rank"],
        score=data["score"],
        reasons=tuple(Reason(ReasonCode(r["code"]), r["params"]) for r in data["reasons"]),
        text_en=data["text_en"],
        text_ar=data["text_ar"],
    )
