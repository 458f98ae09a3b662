"""Check-in codes: what they carry, that they cannot be forged, and whom a scan or an ID names."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from corridor.accounts.models import User
from corridor.crossings import services
from corridor.crossings.check_in import (
    SIGNATURE_DIGITS,
    InvalidCheckInCode,
    NotOnThisBatch,
    check_in_code,
    find_member,
    looks_like_code,
    read_check_in_code,
)
from corridor.crossings.models import Batch, BatchMember, Clearance, MemberRole
from tests.factories import PersonFactory
from tests.journeys import Planner


@pytest.fixture
def batch(plan: Planner) -> Batch:
    case = plan.case(companions=1, patient=PersonFactory(national_id="400000018"))
    return plan.confirmed(case)


def _patient(batch: Batch) -> BatchMember:
    return batch.members.select_related("person").get(role=MemberRole.PATIENT)


def _flip(digit: str) -> str:
    return "1" if digit != "1" else "2"


def test_a_code_carries_the_batch_and_the_place_in_digits_and_no_personal_data(
    batch: Batch,
) -> None:
    member = _patient(batch)

    code = check_in_code(member)

    assert code.isascii() and code.isdigit()
    assert read_check_in_code(code) == (batch.pk, member.pk)
    assert member.person.national_id not in code
    assert looks_like_code(code)
    assert not looks_like_code(member.person.national_id)


def test_a_code_with_any_digit_changed_is_refused(batch: Batch) -> None:
    code = check_in_code(_patient(batch))

    for position in (1, 3, len(code) - SIGNATURE_DIGITS, len(code) - 1):
        tampered = code[:position] + _flip(code[position]) + code[position + 1 :]
        with pytest.raises(InvalidCheckInCode):
            read_check_in_code(tampered)


def test_a_code_for_another_place_cannot_be_made_from_a_genuine_one(batch: Batch) -> None:
    patient, companion = batch.members.order_by("seat")
    genuine = check_in_code(patient)
    signature = genuine[-SIGNATURE_DIGITS:]
    body = f"{len(str(batch.pk))}{batch.pk}{len(str(companion.pk))}{companion.pk}"

    with pytest.raises(InvalidCheckInCode, match="not valid"):
        read_check_in_code(body + signature)


def test_a_code_signed_under_another_secret_key_is_refused(
    batch: Batch, settings: Settings
) -> None:
    code = check_in_code(_patient(batch))

    settings.SECRET_KEY = "another secret key that is long enough to be taken seriously"

    with pytest.raises(InvalidCheckInCode):
        read_check_in_code(code)


def test_codes_printed_before_the_secret_key_was_rotated_still_read(
    batch: Batch, settings: Settings
) -> None:
    member = _patient(batch)
    code = check_in_code(member)

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the new secret key, long enough to be taken seriously"

    assert read_check_in_code(code) == (batch.pk, member.pk)


def test_arabic_indic_digits_and_spaces_typed_by_a_scanner_are_read(batch: Batch) -> None:
    member = _patient(batch)
    code = check_in_code(member)
    arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    assert read_check_in_code(f" {arabic[:10]} {arabic[10:]}\n") == (batch.pk, member.pk)


@pytest.mark.parametrize(
    "text",
    ["", "hello", "https://example.org/check-in", "1" * 27, "0" * 40, "9" * 60, "١٢a" * 20],
)
def test_text_that_is_not_a_code_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(InvalidCheckInCode) as refused:
        read_check_in_code(text)

    assert "check-in code" in str(refused.value)


def test_a_scanned_code_finds_the_place_it_was_printed_for(batch: Batch) -> None:
    member = _patient(batch)

    found = find_member(batch, check_in_code(member))

    assert (found.member, found.via) == (member, "code")


def test_a_typed_id_number_finds_the_person_on_the_batch(batch: Batch) -> None:
    found = find_member(batch, " ٤٠٠٠٠٠٠١٨ ")

    assert (found.member, found.via) == (_patient(batch), "id_number")


def test_a_code_of_another_batch_names_nobody_on_this_one(plan: Planner, batch: Batch) -> None:
    other = plan.batch(plan.case())
    stranger = other.members.get()

    with pytest.raises(NotOnThisBatch, match=f"not on batch {batch.number}"):
        find_member(batch, check_in_code(stranger))


def test_an_id_number_of_nobody_on_the_batch_is_named_in_the_message(batch: Batch) -> None:
    with pytest.raises(NotOnThisBatch, match="Nobody with ID number 999999999"):
        find_member(batch, "999999999")


def test_someone_refused_is_still_found_so_the_officer_learns_why(
    plan: Planner, coordinator: User
) -> None:
    batch = plan.submitted(plan.case(patient=PersonFactory(national_id="400000026")))
    member = batch.members.get()
    services.record_clearance(member, Clearance.REFUSED, party=plan.authority, actor=coordinator)

    found = find_member(batch, "400000026")

    assert found.member == member
    assert not found.member.active
