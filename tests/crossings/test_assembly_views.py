"""The printed manifest as a download, and the check-in screen, as a crossing officer uses them."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import Settings

from corridor.accounts.models import Party, PartyKind, Role, User
from corridor.audit.models import AuditEvent
from corridor.crossings import services
from corridor.crossings.check_in import check_in_code
from corridor.crossings.models import Batch, BatchMember, Clearance, Crossing, MemberRole
from tests.factories import CrossingFactory, PartyFactory, PersonFactory, UserFactory
from tests.helpers import CROSSING_DATE, audit_actions
from tests.journeys import Planner
from tests.web.test_security_headers import inline_code

PATIENT_ID = "400000018"


@pytest.fixture(autouse=True)
def _on_the_crossing_day(settings: Settings) -> None:
    # The crossing officer sees today's and tomorrow's batches: make today the crossing day.
    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE


@pytest.fixture
def monitors(db: None) -> Party:
    return PartyFactory(code="eubam", kind=PartyKind.BORDER_MISSION)


@pytest.fixture
def officer(monitors: Party, crossing: Crossing) -> User:
    user = UserFactory(username="officer", party=monitors, roles=[Role.CROSSING_OFFICER])
    user.crossing = crossing
    user.save()
    return user


@pytest.fixture
def batch(plan: Planner) -> Batch:
    case = plan.case(
        companions=1, patient=PersonFactory(name_latin="Amal Latin", national_id=PATIENT_ID)
    )
    return plan.confirmed(case)


def _client(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _patient(batch: Batch) -> BatchMember:
    return batch.members.select_related("person").get(role=MemberRole.PATIENT)


def _url(batch: Batch, page: str) -> str:
    return f"/crossing/batches/{batch.pk}/{page}"


# The printed manifest


def test_a_crossing_officer_downloads_the_manifest_pdf_and_the_share_is_audited(
    batch: Batch, officer: User
) -> None:
    response = _client(officer).get(_url(batch, "manifest.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert f"manifest-batch-{batch.number}-en.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="export.shared")
    assert (event.actor, event.object_id) == (officer, str(batch.pk))
    assert event.data == {
        "what": "manifest",
        "recipient": "eubam",
        "purpose": "check people in at the assembly point and at the crossing",
        "legal_basis": "vital interest",
        "people": 2,
        "format": "pdf",
    }


def test_the_manifest_pdf_comes_in_the_language_of_the_request(
    batch: Batch, coordinator: User
) -> None:
    response = _client(coordinator, "ar").get(_url(batch, "manifest.pdf"))

    assert response.status_code == 200
    assert "manifest-batch-" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('-ar.pdf"')


@pytest.mark.parametrize("page", ["manifest.pdf", "check-in/"])
def test_roles_without_the_action_are_refused_and_batches_out_of_scope_are_not_found(
    plan: Planner, batch: Batch, liaison: User, outsider: User, monitors: Party, page: str
) -> None:
    elsewhere = UserFactory(username="officer2", party=monitors, roles=[Role.CROSSING_OFFICER])
    elsewhere.crossing = CrossingFactory()
    elsewhere.save()

    assert _client(liaison).get(_url(batch, page)).status_code == 403
    assert _client(outsider).get(_url(batch, page)).status_code == 403
    assert _client(elsewhere).get(_url(batch, page)).status_code == 404
    assert _client(elsewhere).post(_url(batch, page), {"code": PATIENT_ID}).status_code in (
        404,
        405,
    )
    anonymous = Client().get(_url(batch, page))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert not AuditEvent.objects.filter(action__in=["export.shared", "member.checked_in"])
    assert _patient(batch).checked_in_at is None


def test_a_crossing_officer_gets_no_manifest_of_a_batch_two_days_away(
    plan: Planner, officer: User, settings: Settings
) -> None:
    import datetime

    later = plan.batch(plan.case(), date=CROSSING_DATE + datetime.timedelta(days=2))

    assert _client(officer).get(_url(later, "manifest.pdf")).status_code == 404
    assert _client(officer).get(_url(later, "check-in/")).status_code == 404


def test_the_manifest_page_links_to_the_pdf_and_the_check_in_screen(
    batch: Batch, officer: User
) -> None:
    page = _client(officer).get(_url(batch, "")).content.decode()

    assert f'href="{_url(batch, "manifest.pdf")}"' in page
    assert f'href="{_url(batch, "check-in/")}"' in page


# The check-in screen


def test_the_check_in_screen_has_an_autofocused_input_and_no_inline_script_or_style(
    batch: Batch, officer: User
) -> None:
    response = _client(officer).get(_url(batch, "check-in/"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' in html and "autofocus" in html
    assert inline_code(html) == []
    assert "crossings/check-in.js" in html
    assert "2 people" in html and "0 of 2 people checked in" in html


def test_scanning_a_code_checks_the_person_in_and_writes_an_audit_event(
    batch: Batch, officer: User
) -> None:
    member = _patient(batch)

    response = _client(officer).post(_url(batch, "check-in/"), {"code": check_in_code(member)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Checked in at" in html and "Amal Latin" in html
    assert "1 of 2 people checked in" in html
    member.refresh_from_db()
    assert member.checked_in_at is not None
    event = AuditEvent.objects.get(action="member.checked_in")
    assert (event.actor, event.object_id) == (officer, str(member.pk))
    assert event.data["via"] == "code" and event.data["cleared"] is True


def test_typing_the_id_number_checks_the_person_in(batch: Batch, coordinator: User) -> None:
    response = _client(coordinator).post(_url(batch, "check-in/"), {"code": f" {PATIENT_ID} "})

    assert "Checked in at" in response.content.decode()
    assert AuditEvent.objects.get(action="member.checked_in").data["via"] == "id_number"


def test_scanning_the_same_person_twice_says_so_and_audits_once(
    batch: Batch, officer: User
) -> None:
    client, code = _client(officer), check_in_code(_patient(batch))
    client.post(_url(batch, "check-in/"), {"code": code})

    again = client.post(_url(batch, "check-in/"), {"code": code}).content.decode()

    assert "Already checked in at" in again
    assert audit_actions(_patient(batch)).count("member.checked_in") == 1


def test_a_person_not_cleared_is_shown_as_a_warning_and_checked_in_only_when_confirmed(
    plan: Planner, officer: User
) -> None:
    batch = plan.submitted(
        plan.case(patient=PersonFactory(name_latin="Amal Latin", national_id=PATIENT_ID))
    )
    client, member = _client(officer), _patient(batch)

    warned = client.post(_url(batch, "check-in/"), {"code": check_in_code(member)})

    html = warned.content.decode()
    assert "Not cleared to travel" in html and "Not checked in" in html
    assert "result-not_cleared" in html and 'role="alert"' in html
    assert 'name="uncleared_ok" value="1"' in html
    member.refresh_from_db()
    assert member.checked_in_at is None

    confirmed = client.post(
        _url(batch, "check-in/"), {"code": check_in_code(member), "uncleared_ok": "1"}
    )

    assert "NOT cleared to travel" in confirmed.content.decode()
    member.refresh_from_db()
    assert member.checked_in_at is not None
    assert AuditEvent.objects.get(action="member.checked_in").data["cleared"] is False


def test_a_code_of_a_person_on_another_batch_is_refused(
    plan: Planner, batch: Batch, officer: User
) -> None:
    other = plan.confirmed(plan.case())
    stranger = other.members.get()

    response = _client(officer).post(_url(batch, "check-in/"), {"code": check_in_code(stranger)})

    assert response.status_code == 400
    assert f"not on batch {batch.number}" in response.content.decode()
    stranger.refresh_from_db()
    assert stranger.checked_in_at is None
    assert not AuditEvent.objects.filter(action="member.checked_in").exists()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_tampered_or_foreign_code_gets_a_clear_message_not_an_error_page(
    batch: Batch, officer: User, language: str
) -> None:
    code = check_in_code(_patient(batch))
    tampered = code[:-1] + ("1" if code[-1] != "1" else "2")
    client = _client(officer, language)

    for scanned in (tampered, "https://example.org/some-other-qr", "x" * 500):
        response = client.post(_url(batch, "check-in/"), {"code": scanned})
        assert response.status_code == 400
        assert 'class="result result-error' in response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in response.content.decode()
    assert _patient(batch).checked_in_at is None


def test_someone_refused_clearance_is_shown_as_no_longer_on_the_batch(
    plan: Planner, officer: User, coordinator: User
) -> None:
    batch = plan.submitted(plan.case(patient=PersonFactory(national_id=PATIENT_ID)), plan.case())
    services.record_clearance(
        BatchMember.objects.get(batch=batch, person__national_id=PATIENT_ID),
        Clearance.REFUSED,
        party=plan.authority,
        actor=coordinator,
    )

    html = _client(officer).post(_url(batch, "check-in/"), {"code": PATIENT_ID}).content.decode()

    assert "No longer on this batch: Refused clearance." in html
    assert not AuditEvent.objects.filter(action="member.checked_in").exists()


def test_the_lists_show_who_is_checked_in_and_who_is_still_expected(
    batch: Batch, officer: User
) -> None:
    patient = _patient(batch)
    services.check_in_member(patient, actor=officer)

    html = _client(officer).get(_url(batch, "check-in/")).content.decode()

    expected, arrived = html.split("Still expected", 1)[1].split("Checked in (", 1)
    assert "(1)" in expected and "Companion" in expected and "Amal Latin" not in expected
    assert arrived.startswith("1)") and "Amal Latin" in arrived
