from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.il import idnr

from corridor.people.identity import InvalidPhoneNumber, national_id_warnings, normalise_phone
from tests.factories import PersonFactory

VALID_ID = "039337423"


def _with_wrong_check_digit(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def test_the_example_id_number_is_valid_by_the_check_digit() -> None:
    # Guards the examples below: they mean something only if stdnum agrees.
    assert idnr.is_valid(VALID_ID)
    assert not idnr.is_valid(_with_wrong_check_digit(VALID_ID))


def test_an_id_number_with_a_valid_check_digit_has_no_warning() -> None:
    assert national_id_warnings(VALID_ID) == []


def test_an_empty_id_number_has_no_warning() -> None:
    assert national_id_warnings("") == []


def test_a_bad_check_digit_is_a_warning_not_a_rejection() -> None:
    wrong = _with_wrong_check_digit(VALID_ID)

    warnings = national_id_warnings(wrong)

    assert len(warnings) == 1
    assert "check digit" in warnings[0]
    assert wrong in warnings[0]


@pytest.mark.parametrize("value", ["03933742", "0393374230", "03933742X"])
def test_an_id_number_that_is_not_nine_digits_is_a_warning(value: str) -> None:
    warnings = national_id_warnings(value)

    assert len(warnings) == 1
    assert "9 digits" in warnings[0]


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0599123456", "+970599123456"),
        (" 059-912-3456 ", "+970599123456"),
        ("+970 59 912 3456", "+970599123456"),
        ("+20 100 123 4567", "+201001234567"),
    ],
)
def test_a_phone_number_is_normalised_to_e164(raw: str, e164: str) -> None:
    assert normalise_phone(raw) == e164


def test_an_empty_phone_number_stays_empty() -> None:
    assert normalise_phone("   ") == ""


@pytest.mark.parametrize("raw", ["12", "not a number", "+97059912345678901"])
def test_an_impossible_phone_number_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalise_phone(raw)


def test_a_person_cannot_be_born_in_the_future() -> None:
    person = PersonFactory.build(date_of_birth=datetime.date.today() + datetime.timedelta(days=2))

    with pytest.raises(ValidationError) as raised:
        person.clean()

    assert set(raised.value.message_dict) == {"date_of_birth"}


def test_a_persons_phone_is_normalised_when_cleaned() -> None:
    person = PersonFactory.build(phone="0599 123 456")

    person.clean()

    assert person.phone == "+970599123456"


def test_a_persons_impossible_phone_is_a_validation_error() -> None:
    person = PersonFactory.build(phone="12")

    with pytest.raises(ValidationError) as raised:
        person.clean()

    assert set(raised.value.message_dict) == {"phone"}


def test_a_persons_identity_warnings_come_from_the_id_number() -> None:
    assert PersonFactory.build(national_id=VALID_ID).identity_warnings() == []
    assert len(PersonFactory.build(national_id="123").identity_warnings()) == 1
