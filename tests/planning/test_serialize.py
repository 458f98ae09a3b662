"""Problem files: JSON in and out, errors that name the field, and the shipped JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corridor.planning import (
    ProblemError,
    dump_problem,
    load_problem,
    plan,
    problem_to_dict,
    schema,
)
from corridor.planning.rules import Rules, Weights
from corridor.planning.synthetic import generate_problem
from tests.planning.builders import FAST, case, companion, day, listed_case, problem


def _validate(value: Any, rule: dict[str, Any], root: dict[str, Any], path: str = "$") -> None:
    """The subset of JSON Schema the problem schema uses, enough to hold the writer to it."""
    if "$ref" in rule:
        rule = root["$defs"][rule["$ref"].rsplit("/", 1)[1]]
    if "oneOf" in rule:
        errors = []
        for option in rule["oneOf"]:
            try:
                _validate(value, option, root, path)
            except AssertionError as error:
                errors.append(error)
        assert len(errors) == len(rule["oneOf"]) - 1, f"{path}: matches not exactly one"
        return
    if "const" in rule:
        assert value == rule["const"], path
    if "enum" in rule:
        assert value in rule["enum"], f"{path}: {value!r} not in {rule['enum']}"
    kinds = rule.get("type")
    if kinds is not None:
        names = kinds if isinstance(kinds, list) else [kinds]
        python = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
        ok = any(
            isinstance(value, python[name])
            if name in python
            else isinstance(value, int) and not isinstance(value, bool)
            if name == "integer"
            else isinstance(value, int | float) and not isinstance(value, bool)
            for name in names
        )
        assert ok, f"{path}: {value!r} is not {kinds}"
    if isinstance(value, dict):
        properties = rule.get("properties", {})
        for name in rule.get("required", []):
            assert name in value, f"{path}: missing {name}"
        for name, item in value.items():
            if name in properties:
                _validate(item, properties[name], root, f"{path}.{name}")
            elif isinstance(rule.get("additionalProperties"), dict):
                _validate(item, rule["additionalProperties"], root, f"{path}.{name}")
            else:
                assert rule.get("additionalProperties", True), f"{path}: unexpected {name}"
    if isinstance(value, list) and "items" in rule:
        for index, item in enumerate(value):
            _validate(item, rule["items"], root, f"{path}[{index}]")
    if "minimum" in rule:
        assert value >= rule["minimum"], path


def test_a_problem_survives_a_round_trip_through_a_file(tmp_path: Path) -> None:
    given = generate_problem(60, days=4, seed=3, rules=Rules(version="round-trip"))
    path = tmp_path / "problem.json"
    dump_problem(given, path)
    assert load_problem(path) == given


def test_every_written_problem_matches_the_shipped_schema() -> None:
    given = problem([listed_case(), case("K", age=5, companions=(companion("K-c0"),))])
    _validate(problem_to_dict(given), schema(), schema())
    _validate(problem_to_dict(generate_problem(40, seed=1)), schema(), schema())


def test_the_schema_knows_every_field_the_reader_accepts() -> None:
    root = schema()
    candidate = root["$defs"]["candidate"]["properties"]
    assert set(candidate) == set(problem_to_dict(problem([case()]))["candidates"][0])
    assert set(root["$defs"]["weights"]["properties"]) == {
        "urgency",
        *(n for n in Weights().names() if not n.startswith("urgency.")),
    }


def test_a_minimal_file_fills_in_the_defaults() -> None:
    data = {
        "planned_at": "2026-02-03T08:00:00",
        "days": [{"date": "2026-02-05", "quota_out": 3, "stretcher_places": 1}],
        "candidates": [
            {
                "id": "EV-1",
                "urgency": "critical",
                "category": "cancer",
                "referral_date": "2025-11-01",
                "registered_on": "2025-11-02",
                "age": 7,
                "companions": [{"id": "EV-1-c1"}],
                "acceptances": [{"party": "recv-uae", "available_from": "2026-02-01"}],
            }
        ],
    }
    loaded = load_problem(data)
    assert loaded.rules == Rules()
    result = plan(loaded, FAST)
    assert [m.person_id for m in result.days[0].members] == ["EV-1", "EV-1-c1"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"days": [{"open": True}]}, "problem.days[0].date: required"),
        ({"candidates": [{"id": "X"}]}, "problem.candidates[0].urgency: required"),
        ({"surprise": 1}, "problem: unknown field 'surprise'"),
        ({"planned_at": "yesterday"}, "problem.planned_at: Invalid isoformat string"),
        ({"rules": {"max_companions": "two"}}, "rules.max_companions: expected int"),
        ({"direction": "sideways"}, "problem.direction: 'sideways' is not a valid Direction"),
    ],
)
def test_a_bad_file_is_refused_with_the_field_named(change: dict[str, Any], message: str) -> None:
    data: dict[str, Any] = {"planned_at": "2026-02-03T08:00:00", "days": [], "candidates": []}
    data.update(change)
    with pytest.raises(ProblemError) as error:
        load_problem(data)
    assert str(error.value).startswith(message)


def test_a_file_that_is_not_json_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", "utf-8")
    with pytest.raises(ProblemError, match="not JSON"):
        load_problem(path)


def test_the_schema_file_is_valid_json_with_a_draft() -> None:
    text = Path(__file__).parents[2].joinpath("src/corridor/planning/problem.schema.json")
    assert json.loads(text.read_text("utf-8"))["$schema"].endswith("2020-12/schema")
    assert day(0).quota_out == 10
