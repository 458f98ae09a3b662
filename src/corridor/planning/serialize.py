"""Reading and writing planning problem files (JSON; schema in problem.schema.json)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from corridor.planning.problem import (
    Acceptance,
    BedCapacity,
    Candidate,
    Companion,
    Crossing,
    CrossingDay,
    Listing,
    Problem,
)
from corridor.planning.rules import Rules, Tier, Weights
from corridor.planning.vocabulary import Clearance, Direction, Mobility

FORMAT = "corridor.planning.problem/1"
T = TypeVar("T")


class ProblemError(ValueError):
    """A problem file that cannot be read; the message names the faulty field."""


def schema() -> dict[str, Any]:
    """The JSON Schema of problem files, as shipped with the package."""
    text = resources.files("corridor.planning").joinpath("problem.schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


class _Reader:
    """Typed access to one JSON object, with errors that name the field's path."""

    def __init__(self, data: object, path: str, allowed: set[str]) -> None:
        if not isinstance(data, dict):
            raise ProblemError(f"{path}: expected an object")
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ProblemError(f"{path}: unknown field {unknown[0]!r}")
        self.data: dict[str, Any] = data
        self.path = path

    def _check(self, key: str, value: object, kind: type[T]) -> T:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind in (int, float) and isinstance(value, bool)):
            raise ProblemError(f"{self.path}.{key}: expected {kind.__name__}")
        return value

    def req(self, key: str, kind: type[T]) -> T:
        """The required field `key`, of type `kind`."""
        if self.data.get(key) is None:
            raise ProblemError(f"{self.path}.{key}: required")
        return self._check(key, self.data[key], kind)

    def opt(self, key: str, kind: type[T], default: T) -> T:
        """The optional field `key`, or `default` when missing or null."""
        if self.data.get(key) is None:
            return default
        return self._check(key, self.data[key], kind)

    def maybe(self, key: str, kind: type[T]) -> T | None:
        """The optional field `key`, or None."""
        if self.data.get(key) is None:
            return None
        return self._check(key, self.data[key], kind)

    def parse(self, key: str, parser: Callable[[str], T], default: T | None = None) -> T:
        """The string field `key` turned into a value by `parser` (required without a default)."""
        raw = self.maybe(key, str)
        if raw is None:
            if default is None:
                raise ProblemError(f"{self.path}.{key}: required")
            return default
        try:
            return parser(raw)
        except ValueError as error:
            raise ProblemError(f"{self.path}.{key}: {error}") from None

    def items(self, key: str) -> list[tuple[str, Any]]:
        """The elements of the list field `key`, each with its path."""
        values = self.opt(key, list, [])
        return [(f"{self.path}.{key}[{index}]", value) for index, value in enumerate(values)]


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _tier(path: str, data: object) -> Tier:
    reader = _Reader(data, path, {"code", "rank", "name_en", "name_ar"})
    code = reader.req("code", str)
    return Tier(
        code=code,
        rank=reader.req("rank", int),
        name_en=reader.opt("name_en", str, code),
        name_ar=reader.opt("name_ar", str, code),
    )


def _weights(data: object, defaults: Weights) -> Weights:
    reader = _Reader(data, "rules.weights", set(Weights.__dataclass_fields__))
    urgency = reader.opt("urgency", dict, dict(defaults.urgency))
    for code, points in urgency.items():
        if not isinstance(points, int | float) or isinstance(points, bool):
            raise ProblemError(f"rules.weights.urgency.{code}: expected a number")
    scalars = [name for name in defaults.names() if not name.startswith("urgency.")]
    return Weights(
        urgency={code: float(points) for code, points in urgency.items()},
        **{name: reader.opt(name, float, defaults.value(name)) for name in scalars},
    )


def _rules(data: object) -> Rules:
    defaults = Rules()
    reader = _Reader(data, "rules", set(Rules.__dataclass_fields__))
    tiers = tuple(_tier(path, value) for path, value in reader.items("tiers"))
    weights = defaults.weights
    if reader.data.get("weights") is not None:
        weights = _weights(reader.data["weights"], defaults.weights)
    clearances = reader.maybe("listable_companion_clearances", list)
    try:
        listable = (
            frozenset(Clearance(c) for c in clearances)
            if clearances is not None
            else defaults.listable_companion_clearances
        )
        return Rules(
            version=reader.opt("version", str, defaults.version),
            tiers=tiers or defaults.tiers,
            weights=weights,
            child_age=reader.opt("child_age", int, defaults.child_age),
            elderly_age=reader.opt("elderly_age", int, defaults.elderly_age),
            max_companions=reader.opt("max_companions", int, defaults.max_companions),
            listable_companion_clearances=listable,
            value_doubling_points=reader.opt(
                "value_doubling_points", float, defaults.value_doubling_points
            ),
            standby_share=reader.opt("standby_share", float, defaults.standby_share),
            keep_bonus=reader.opt("keep_bonus", float, defaults.keep_bonus),
            preselect_factor=reader.opt("preselect_factor", float, defaults.preselect_factor),
        )
    except ProblemError:
        raise
    except ValueError as error:
        raise ProblemError(f"rules: {error}") from None


def _companion(path: str, data: object) -> Companion:
    reader = _Reader(data, path, {"id", "clearance", "adult"})
    return Companion(
        id=reader.req("id", str),
        clearance=reader.parse("clearance", Clearance, Clearance.NOT_ASKED),
        adult=reader.opt("adult", bool, True),
    )


def _acceptance(path: str, data: object) -> Acceptance:
    reader = _Reader(data, path, {"party", "available_from"})
    return Acceptance(reader.req("party", str), reader.parse("available_from", _date))


def _candidate(path: str, data: object) -> Candidate:
    r = _Reader(data, path, set(Candidate.__dataclass_fields__))
    case_id, urgency, category = r.req("id", str), r.req("urgency", str), r.req("category", str)
    companions = tuple(_companion(p, value) for p, value in r.items("companions"))
    acceptances = tuple(_acceptance(p, value) for p, value in r.items("acceptances"))
    listed = None
    if r.data.get("listed") is not None:
        entry = _Reader(r.data["listed"], f"{path}.listed", {"date", "batch", "told_date"})
        listed = Listing(
            date=entry.parse("date", _date),
            batch=entry.opt("batch", str, ""),
            told_date=entry.opt("told_date", bool, False),
        )
    age = r.req("age", int)
    if age < 0:
        raise ProblemError(f"{path}.age: cannot be negative")
    return Candidate(
        id=case_id,
        urgency=urgency,
        category=category,
        referral_date=r.parse("referral_date", _date),
        registered_on=r.parse("registered_on", _date),
        age=age,
        mobility=r.parse("mobility", Mobility, Mobility.SEATED),
        companions=companions,
        acceptances=acceptances,
        family_group=r.maybe("family_group", str),
        patient_clearance=r.parse("patient_clearance", Clearance, Clearance.NOT_ASKED),
        deteriorating=r.opt("deteriorating", bool, False),
        bump_count=r.opt("bump_count", int, 0),
        listed=listed,
    )


def candidate_from_dict(data: object) -> Candidate:
    """One candidate from parsed JSON data."""
    return _candidate("candidate", data)


def problem_from_dict(data: Mapping[str, Any]) -> Problem:
    """A problem from parsed JSON data; raises ProblemError naming the first faulty field."""
    fields = {
        "format",
        "planned_at",
        "crossing",
        "direction",
        "days",
        "candidates",
        "beds",
        "rules",
    }
    top = _Reader(dict(data), "problem", fields)
    if top.opt("format", str, FORMAT) != FORMAT:
        raise ProblemError(f"problem.format: expected {FORMAT!r}")
    crossing = Crossing()
    if "crossing" in top.data:
        c = _Reader(top.data["crossing"], "crossing", {"code", "opens_at", "lead_time_hours"})
        crossing = Crossing(
            code=c.opt("code", str, crossing.code),
            opens_at=c.parse("opens_at", datetime.time.fromisoformat, crossing.opens_at),
            lead_time_hours=c.opt("lead_time_hours", int, crossing.lead_time_hours),
        )
    days = []
    for path, value in top.items("days"):
        d = _Reader(value, path, set(CrossingDay.__dataclass_fields__))
        days.append(
            CrossingDay(
                date=d.parse("date", _date),
                open=d.opt("open", bool, True),
                quota_out=d.opt("quota_out", int, 0),
                quota_in=d.opt("quota_in", int, 0),
                stretcher_places=d.opt("stretcher_places", int, 0),
            )
        )
    beds = []
    for path, value in top.items("beds"):
        b = _Reader(value, path, {"party", "category", "date", "beds"})
        beds.append(
            BedCapacity(
                party=b.req("party", str),
                category=b.req("category", str),
                date=b.parse("date", _date),
                beds=b.req("beds", int),
            )
        )
    try:
        return Problem(
            planned_at=top.parse("planned_at", datetime.datetime.fromisoformat),
            days=tuple(days),
            candidates=tuple(_candidate(path, value) for path, value in top.items("candidates")),
            beds=tuple(beds),
            crossing=crossing,
            direction=top.parse("direction", Direction, Direction.OUT),
            rules=_rules(top.data["rules"]) if "rules" in top.data else Rules(),
        )
    except ProblemError:
        raise
    except ValueError as error:
        raise ProblemError(f"problem: {error}") from None


def load_problem(source: str | Path | Mapping[str, Any]) -> Problem:
    """A problem from a JSON file path or from already parsed data."""
    if isinstance(source, Mapping):
        return problem_from_dict(source)
    try:
        data = json.loads(Path(source).read_text("utf-8"))
    except json.JSONDecodeError as error:
        raise ProblemError(f"{source}: not JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise ProblemError(f"{source}: expected a JSON object")
    return problem_from_dict(data)


def rules_to_dict(rules: Rules) -> dict[str, Any]:
    """The rules as JSON-ready data."""
    w = rules.weights
    return {
        "version": rules.version,
        "tiers": [
            {"code": t.code, "rank": t.rank, "name_en": t.name_en, "name_ar": t.name_ar}
            for t in rules.tiers
        ],
        "weights": {
            "urgency": dict(w.urgency),
            **{name: w.value(name) for name in w.names() if not name.startswith("urgency.")},
        },
        "child_age": rules.child_age,
        "elderly_age": rules.elderly_age,
        "max_companions": rules.max_companions,
        "listable_companion_clearances": sorted(
            c.value for c in rules.listable_companion_clearances
        ),
        "value_doubling_points": rules.value_doubling_points,
        "standby_share": rules.standby_share,
        "keep_bonus": rules.keep_bonus,
        "preselect_factor": rules.preselect_factor,
    }


def candidate_to_dict(c: Candidate) -> dict[str, Any]:
    """One candidate as JSON-ready data."""
    return {
        "id": c.id,
        "urgency": c.urgency,
        "category": c.category,
        "referral_date": c.referral_date.isoformat(),
        "registered_on": c.registered_on.isoformat(),
        "age": c.age,
        "mobility": c.mobility.value,
        "companions": [
            {"id": m.id, "clearance": m.clearance.value, "adult": m.adult} for m in c.companions
        ],
        "acceptances": [
            {"party": a.party, "available_from": a.available_from.isoformat()}
            for a in c.acceptances
        ],
        "family_group": c.family_group,
        "patient_clearance": c.patient_clearance.value,
        "deteriorating": c.deteriorating,
        "bump_count": c.bump_count,
        "listed": None
        if c.listed is None
        else {
            "date": c.listed.date.isoformat(),
            "batch": c.listed.batch,
            "told_date": c.listed.told_date,
        },
    }


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The problem as JSON-ready data that `load_problem` reads back unchanged."""
    return {
        "format": FORMAT,
        "planned_at": problem.planned_at.isoformat(),
        "crossing": {
            "code": problem.crossing.code,
            "opens_at": problem.crossing.opens_at.isoformat(timespec="minutes"),
            "lead_time_hours": problem.crossing.lead_time_hours,
        },
        "direction": problem.direction.value,
        "days": [
            {
                "date": d.date.isoformat(),
                "open": d.open,
                "quota_out": d.quota_out,
                "quota_in": d.quota_in,
                "stretcher_places": d.stretcher_places,
            }
            for d in problem.days
        ],
        "candidates": [candidate_to_dict(c) for c in problem.candidates],
        "beds": [
            {"party": b.party, "category": b.category, "date": b.date.isoformat(), "beds": b.beds}
            for b in problem.beds
        ],
        "rules": rules_to_dict(problem.rules),
    }


def dump_problem(problem: Problem, path: str | Path) -> None:
    """Write `problem` to a JSON file."""
    text = json.dumps(problem_to_dict(problem), ensure_ascii=False, indent=1)
    Path(path).write_text(text + "\n", "utf-8")
