"""Settings helpers read lists and per-kind periods from the environment, or fail clearly."""

import pytest

from corridor.env import env_days_by_kind, env_list

DEFAULTS = {"case": 730, "incident": 1095}


def test_a_list_variable_drops_spaces_and_empty_items(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CORRIDOR_TEST_LIST", " a, b ,,c ")

    assert env_list("CORRIDOR_TEST_LIST") == ["a", "b", "c"]
    assert env_list("CORRIDOR_TEST_UNSET") == []


def test_periods_default_and_take_overrides_from_json(monkeypatch: pytest.MonkeyPatch):
    assert env_days_by_kind("CORRIDOR_TEST_DAYS", DEFAULTS) == DEFAULTS

    monkeypatch.setenv("CORRIDOR_TEST_DAYS", '{"incident": 365, "case": null}')

    assert env_days_by_kind("CORRIDOR_TEST_DAYS", DEFAULTS) == {"case": None, "incident": 365}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("365", "must be a JSON object"),
        ("{incident: 1}", "must be a JSON object"),
        ('{"incidents": 1}', "unknown kinds incidents (known: case, incident)"),
        ('{"case": -1}', "case must be a whole number of days or null"),
        ('{"case": "2 years"}', "case must be a whole number of days or null"),
        ('{"case": true}', "case must be a whole number of days or null"),
    ],
)
def test_a_bad_period_variable_is_named_in_the_error(monkeypatch, value, message):
    monkeypatch.setenv("CORRIDOR_TEST_DAYS", value)

    with pytest.raises(ValueError, match="CORRIDOR_TEST_DAYS") as raised:
        env_days_by_kind("CORRIDOR_TEST_DAYS", DEFAULTS)
    assert message in str(raised.value)
