"""Hostile input: long strings, right-to-left overrides, HTML and SQL in names, dates in the
wrong century, NUL characters. Nothing crashes, nothing is executed, everything shows escaped."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.accounts.models import Role
from corridor.exceptions import DomainError
from corridor.people.identity import InvalidPhoneNumber, national_id_warnings, normalise_phone
from corridor.people.models import Person
from corridor.uploads import UploadRejected, check_upload
from tests.factories import CaseFactory, FacilityFactory, PersonFactory, UserFactory

NASTY = [
    "<script>alert(1)</script>",
    "'; DROP TABLE people_person; --",
    "\u202eevil\u202c",  # right-to-left override
    "x" * 5000,
    "محمد <b>عبد</b> الله",
    "\u200f\u200e\u2066",
]
hostile_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=300))
# Text columns cannot hold NUL on PostgreSQL; forms refuse it before it gets there.
storable_text = hostile_text.map(lambda s: s.replace("\x00", ""))
DB_FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@given(hostile_text)
@settings(max_examples=200, deadline=None)
def test_id_checks_never_raise_whatever_the_text(value):
    warnings = national_id_warnings(value)
    assert isinstance(warnings, list)
    assert all(isinstance(w, str) for w in warnings)


@given(hostile_text)
@settings(max_examples=200, deadline=None)
def test_phone_normalisation_returns_e164_or_refuses_clearly(value):
    try:
        result = normalise_phone(value)
    except InvalidPhoneNumber as exc:
        assert str(exc)
    else:
        assert result == "" or (result.startswith("+") and result[1:].isdigit())


@pytest.mark.parametrize(
    ("born", "field_error"),
    [
        (datetime.date(1875, 3, 1), "check the century"),
        (datetime.date(2099, 3, 1), "cannot be in the future"),
    ],
)
def test_dates_of_birth_in_the_wrong_century_are_refused(born, field_error):
    person = Person(given_name_ar="أ", family_name_ar="ب", date_of_birth=born, sex="F")
    with pytest.raises(ValidationError) as raised:
        person.clean()
    assert field_error in str(raised.value.message_dict["date_of_birth"])


@pytest.mark.django_db
@DB_FUZZ
@given(name=storable_text, summary=storable_text)
def test_names_and_summaries_are_shown_escaped(name, summary):
    facility = FacilityFactory()
    referral = UserFactory(party=facility.party, facility=facility, roles=[Role.REFERRAL_OFFICER])
    case = CaseFactory(
        referring_facility=facility,
        patient=PersonFactory(given_name_ar=name[:60], name_latin=name[:240]),
        clinical_summary=summary,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(referral)
    response = client.get(f"/cases/{case.reference}/")
    assert response.status_code == 200
    body = response.content.decode()
    for value in (name[:60], summary):
        if "<script>" in value or "<b>" in value:
            assert value not in body
        assert escape(value) in body
    assert "<script>alert(1)</script>" not in body


@pytest.mark.django_db
@DB_FUZZ
@given(reason=storable_text)
def test_breaking_the_glass_with_any_reason_never_crashes(reason):
    from corridor.accounts import policy
    from corridor.accounts.break_glass import break_glass

    coordinator = UserFactory(roles=[Role.COORDINATOR])
    case = CaseFactory()
    try:
        grant = break_glass(coordinator, policy.CASE_CLINICAL, case, reason=reason)
    except DomainError as exc:
        assert "at least" in str(exc)
    else:
        assert grant.reason == reason.strip()


@pytest.mark.django_db
@DB_FUZZ
@given(person=hostile_text, user=hostile_text, since=hostile_text)
def test_the_audit_log_filters_take_any_input_without_a_server_error(person, user, since):
    auditor = UserFactory(roles=[Role.AUDITOR])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(auditor)
    response = client.get("/audit/", {"person": person, "user": user, "since": since})
    assert response.status_code in (200, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cases/%00/", "/audit/?user=%00", "/cases/?page=%00"])
def test_a_nul_character_in_the_address_is_a_client_error(path):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(roles=[Role.COORDINATOR, Role.AUDITOR]))
    assert client.get(path).status_code == 400


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"name,id\n\xd9\x85\xd8\xad\xd9\x85\xd8\xaf,123\n", "csv"),
        (b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml", "xlsx"),
        (
            b"PK\x03\x04"
            + b"\x00" * 26
            + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "ods",
        ),
    ],
)
def test_uploads_are_recognised_by_content(content, kind):
    assert check_upload(io.BytesIO(content), len(content), max_bytes=10_000) == kind


@pytest.mark.parametrize(
    ("content", "size", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", 8, "not one of"),  # an executable named .csv
        (b"%PDF-1.7\n\x00\x01", 11, "not one of"),
        (b"a,b\n", 10_001, "the limit is 10000 bytes"),
        (b"", 0, "empty"),
    ],
)
def test_uploads_of_the_wrong_kind_or_size_are_refused(content, size, message):
    with pytest.raises(UploadRejected, match=message):
        check_upload(io.BytesIO(content), size, max_bytes=10_000)
