"""The permission policy seen from outside: every URL declares one, and each role gets what the
policy promises, checked by real requests and by what the responses contain."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from corridor.accounts import policy
from corridor.accounts.break_glass import break_glass
from corridor.accounts.models import Party, PartyKind, Role, User
from corridor.audit.models import AuditEvent
from corridor.cases.models import CaseStatus, OfferStatus
from corridor.crossings.models import BatchMember, Incident, MemberRole
from corridor.exceptions import DomainError
from tests.factories import (
    BatchFactory,
    CaseFactory,
    CrossingFactory,
    FacilityFactory,
    PartyFactory,
    PersonFactory,
    ReturnRegistrationFactory,
    UserFactory,
)


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner or "")
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.name, entry.callback


def test_every_url_of_the_project_declares_a_policy_or_is_public():
    undeclared = []
    for route, namespace, name, callback in _walk(get_resolver().url_patterns):
        top = namespace.split(":")[0]
        if top == "admin":
            continue  # the admin site as a whole acts under ADMIN_SITE, checked below
        if top == "api":
            continue  # each API operation declares its action: tests/api/test_operations.py
        if name in policy.PUBLIC_URL_NAMES or top in policy.PUBLIC_NAMESPACES:
            continue
        if policy.policy_of(callback) not in policy.RULES:
            undeclared.append(route)
    assert undeclared == []
    assert admin.site.has_permission == policy.admin_has_permission


@dataclass
class World:
    clients: dict[str, Client]
    case_offered: object
    case_under_review: object
    batch_today: object
    member_id: str
    incident: Incident
    registration: object


CLINICAL = "CLINICAL-SUMMARY-MARKER"
NARRATIVE = "INCIDENT-NARRATIVE-MARKER"


@pytest.fixture
def world(db, settings) -> World:
    who = PartyFactory(code="who", kind=PartyKind.COORDINATING_AGENCY)
    moh = PartyFactory(code="moh", kind=PartyKind.HEALTH_MINISTRY)
    hospital = PartyFactory(code="hosp-a", kind=PartyKind.RECEIVING_HOSPITAL)
    other_hospital = PartyFactory(code="hosp-b", kind=PartyKind.RECEIVING_HOSPITAL)
    monitors = PartyFactory(code="eubam", kind=PartyKind.BORDER_MISSION)
    embassy = PartyFactory(code="embassy", kind=PartyKind.EMBASSY)
    facility = FacilityFactory(party=moh)
    crossing = CrossingFactory(code="rafah")
    patient = PersonFactory(national_id="900000001")
    case_offered = CaseFactory(
        patient=patient, referring_facility=facility, clinical_summary=CLINICAL
    )
    case_offered.offers.create(
        receiving_party=hospital, status=OfferStatus.ACCEPTED, offered_on=datetime.date(2026, 1, 5)
    )
    case_under_review = CaseFactory(
        status=CaseStatus.UNDER_REVIEW,
        clinical_summary="REVIEW-SUMMARY",
        patient=PersonFactory(national_id="900000002"),
    )
    batch_today = BatchFactory(crossing=crossing, planned_date=timezone.localdate())
    member = BatchMember.objects.create(
        batch=batch_today, person=patient, role=MemberRole.PATIENT, case=case_offered, seat=1
    )
    officer = UserFactory(username="officer", party=monitors, roles=[Role.CROSSING_OFFICER])
    officer.crossing = crossing
    officer.save()
    incident = Incident.objects.create(
        crossing=crossing,
        kind="harassment",
        occurred_on=timezone.localdate(),
        narrative=NARRATIVE,
        recorded_by=officer,
        recorded_at=timezone.now(),
    )
    registration = ReturnRegistrationFactory(
        registered_with=embassy, person=PersonFactory(national_id="900000003")
    )
    users = {
        "officer": officer,
        "coordinator": UserFactory(username="coord", party=who, roles=[Role.COORDINATOR]),
        "reviewer": UserFactory(username="rev", party=moh, roles=[Role.MEDICAL_REVIEWER]),
        "referral": UserFactory(
            username="ref", party=moh, facility=facility, roles=[Role.REFERRAL_OFFICER]
        ),
        "referral_elsewhere": UserFactory(
            username="ref2", party=moh, facility=FacilityFactory(), roles=[Role.REFERRAL_OFFICER]
        ),
        "liaison": UserFactory(username="liaison", party=hospital, roles=[Role.RECEIVING_LIAISON]),
        "liaison_elsewhere": UserFactory(
            username="liaison2", party=other_hospital, roles=[Role.RECEIVING_LIAISON]
        ),
        "officer_elsewhere": UserFactory(
            username="officer2", party=monitors, roles=[Role.CROSSING_OFFICER]
        ),
        "returns": UserFactory(username="returns", party=embassy, roles=[Role.RETURNS_OFFICER]),
        "analyst": UserFactory(username="analyst", party=who, roles=[Role.ANALYST]),
        "administrator": UserFactory(
            username="admin", party=who, roles=[Role.ADMINISTRATOR], is_staff=True
        ),
        "auditor": UserFactory(username="auditor", party=who, roles=[Role.AUDITOR]),
        "outsider": UserFactory(username="outsider", party=None),
    }
    clients = {}
    for key, user in users.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        clients[key] = client
    clients["anonymous"] = Client()
    return World(
        clients,
        case_offered,
        case_under_review,
        batch_today,
        str(member.pk),
        incident,
        registration,
    )


# role -> expected status for each page, with a marker the allowed response must contain.
ALL = [
    "officer", "coordinator", "reviewer", "referral", "referral_elsewhere", "liaison",
    "liaison_elsewhere", "officer_elsewhere", "returns", "analyst", "administrator", "auditor",
    "outsider",
]  # fmt: skip


def expectations(world: World) -> list[tuple[str, dict[str, int], str]]:
    case = world.case_offered
    review = world.case_under_review
    return [
        ("/", {**dict.fromkeys(ALL, 200), "outsider": 403}, "Today"),
        (
            f"/cases/{case.reference}/",
            {
                **dict.fromkeys(ALL, 403),
                "coordinator": 200,
                "referral": 200,
                "liaison": 200,
                "reviewer": 404,
                "referral_elsewhere": 404,
                "liaison_elsewhere": 404,
            },
            case.reference,
        ),
        (
            f"/cases/{review.reference}/",
            {
                **dict.fromkeys(ALL, 403),
                "coordinator": 200,
                "reviewer": 200,
                "referral": 404,
                "referral_elsewhere": 404,
                "liaison": 404,
                "liaison_elsewhere": 404,
            },
            review.reference,
        ),
        (
            "/cases/",
            {
                **dict.fromkeys(ALL, 403),
                "coordinator": 200,
                "reviewer": 200,
                "referral": 200,
                "referral_elsewhere": 200,
                "liaison": 200,
                "liaison_elsewhere": 200,
            },
            "Waiting list",
        ),
        (
            "/cases/receiving/",
            {**dict.fromkeys(ALL, 403), "liaison": 200, "liaison_elsewhere": 200},
            "Cases offered to us",
        ),
        (
            f"/crossing/batches/{world.batch_today.pk}/",
            {
                **dict.fromkeys(ALL, 403),
                "coordinator": 200,
                "officer": 200,
                "officer_elsewhere": 404,
            },
            "900000001",
        ),
        (
            f"/crossing/batches/{world.batch_today.pk}/clearance-list.csv",
            {**dict.fromkeys(ALL, 403), "coordinator": 200},
            "900000001",
        ),
        (
            f"/crossing/batches/{world.batch_today.pk}/manifest.pdf",
            {
                **dict.fromkeys(ALL, 403),
                "coordinator": 200,
                "officer": 200,
                "officer_elsewhere": 404,
            },
            "%PDF-",
        ),
        (
            f"/crossing/batches/{world.batch_today.pk}/check-in/",
            {
                **dict.fromkeys(ALL, 403),
                "coordinator": 200,
                "officer": 200,
                "officer_elsewhere": 404,
            },
            "Check-in",
        ),
        (
            f"/crossing/incidents/{world.incident.pk}/",
            {
                **dict.fromkeys(ALL, 403),
                "officer": 200,
                "officer_elsewhere": 200,  # same party recorded it
                "coordinator": 404,  # only by breaking the glass
            },
            NARRATIVE,
        ),
        ("/returns/", {**dict.fromkeys(ALL, 403), "returns": 200}, "900000003"),
        (
            "/cases/receiving/export.csv",
            {**dict.fromkeys(ALL, 403), "liaison": 200, "liaison_elsewhere": 200},
            "reference",
        ),
        (
            "/reports/waiting_by_category.csv",
            {**dict.fromkeys(ALL, 403), "analyst": 200, "coordinator": 200},
            "count",
        ),
        (
            "/crossing/incidents/",
            {
                **dict.fromkeys(ALL, 403),
                "officer": 200,
                "officer_elsewhere": 200,
                "coordinator": 200,  # may break the glass, so the page opens; it lists nothing
            },
            "Protection incidents",
        ),
        (
            "/crossing/batches/",
            {
                **dict.fromkeys(ALL, 403),
                "coordinator": 200,
                "officer": 200,
                "officer_elsewhere": 200,
            },
            "Batches",
        ),
        (
            f"/access/break-glass/incident/{world.incident.pk}/",
            {**dict.fromkeys(ALL, 403), "coordinator": 200},
            "Break the glass",
        ),
        ("/reports/", {**dict.fromkeys(ALL, 403), "analyst": 200, "coordinator": 200}, "Reports"),
        ("/audit/", {**dict.fromkeys(ALL, 403), "auditor": 200}, "Audit log"),
        ("/audit/break-glass/", {**dict.fromkeys(ALL, 403), "auditor": 200}, "Break-the-glass"),
    ]


def test_each_role_gets_what_the_policy_promises_and_nothing_more(world):
    failures = []
    for path, expected, marker in expectations(world):
        for who, status in expected.items():
            response = world.clients[who].get(path)
            body = response.content.decode(errors="replace")
            if response.status_code != status:
                failures.append(f"{who} {path}: {response.status_code} != {status}")
            elif status == 200 and marker not in body:
                failures.append(f"{who} {path}: 200 without {marker!r}")
            elif status != 200 and ("900000001" in body or NARRATIVE in body or CLINICAL in body):
                failures.append(f"{who} {path}: refused but leaked data")
        anonymous = world.clients["anonymous"].get(path)
        if anonymous.status_code != 302 or "/login" not in anonymous["Location"]:
            failures.append(f"anonymous {path}: {anonymous.status_code}")
    assert failures == [], "\n".join(failures)


def test_clinical_summary_shows_only_to_roles_allowed_to_read_it_and_each_read_is_audited(world):
    path = f"/cases/{world.case_offered.reference}/"
    for who in ("referral", "liaison"):
        assert CLINICAL in world.clients[who].get(path).content.decode()
    coordinator_page = world.clients["coordinator"].get(path).content.decode()
    assert CLINICAL not in coordinator_page
    assert "break the glass" in coordinator_page
    reads = AuditEvent.objects.filter(
        action="case.clinical_read", object_id=str(world.case_offered.pk)
    )
    assert sorted(reads.values_list("actor__username", flat=True)) == ["liaison", "ref"]


def test_out_of_scope_objects_answer_404_and_the_refusal_is_audited(world):
    before = AuditEvent.objects.filter(action="permission.refused").count()
    response = world.clients["liaison_elsewhere"].get(f"/cases/{world.case_offered.reference}/")
    assert response.status_code == 404
    assert world.case_offered.reference not in response.content.decode()
    missing = world.clients["liaison_elsewhere"].get("/cases/NO-SUCH-CASE/")
    assert missing.status_code == 404
    refusals = AuditEvent.objects.filter(action="permission.refused").order_by("sequence")
    assert refusals.count() == before + 2
    assert refusals.last().actor.username == "liaison2"


def test_a_role_refusal_is_403_and_audited(world):
    response = world.clients["analyst"].get("/audit/")
    assert response.status_code == 403
    event = AuditEvent.objects.filter(action="permission.refused").last()
    assert event.data["action"] == policy.AUDIT_VIEW
    assert event.actor.username == "analyst"


def test_breaking_the_glass_opens_one_record_for_a_while_with_the_reason_audited(world):
    client = world.clients["coordinator"]
    path = f"/crossing/incidents/{world.incident.pk}/"
    assert client.get(path).status_code == 404
    form = f"/access/break-glass/incident/{world.incident.pk}/"
    short = client.post(form, {"reason": "need it"})
    assert short.status_code == 200 and "at least" in short.content.decode()
    response = client.post(form, {"reason": "Family asks about a detained returnee, urgent"})
    assert response.status_code == 302 and response["Location"] == path
    page = client.get(path).content.decode()
    assert NARRATIVE in page
    granted = AuditEvent.objects.get(action="breakglass.granted")
    assert "detained returnee" in granted.data["reason"]
    read = AuditEvent.objects.filter(action="incident.read").last()
    assert read.data["via"] == "break_glass"
    review = world.clients["auditor"].get("/audit/break-glass/").content.decode()
    assert "detained returnee" in review
    # The grant expires.
    grant = granted.data["grant"]
    from corridor.accounts.models import BreakGlassGrant

    BreakGlassGrant.objects.filter(pk=grant).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(path).status_code == 404


def test_a_demo_clock_never_revives_an_expired_grant(world, settings):
    client = world.clients["coordinator"]
    path = f"/crossing/incidents/{world.incident.pk}/"
    form = f"/access/break-glass/incident/{world.incident.pk}/"
    client.post(form, {"reason": "Family asks about a detained returnee, urgent"})
    from corridor.accounts.models import BreakGlassGrant

    BreakGlassGrant.objects.update(expires_at=timezone.now() - datetime.timedelta(days=2))
    settings.CORRIDOR_DEMO_DATE = timezone.localdate() - datetime.timedelta(days=200)
    assert client.get(path).status_code == 404


def test_only_roles_named_for_it_may_break_the_glass(world):
    analyst = User.objects.get(username="analyst")
    with pytest.raises(DomainError):
        break_glass(analyst, policy.INCIDENT_VIEW, world.incident, reason="x" * 40)
    response = world.clients["analyst"].post(
        f"/access/break-glass/incident/{world.incident.pk}/", {"reason": "x" * 40}
    )
    assert response.status_code == 403


def test_the_admin_is_for_administrators_only(world):
    assert world.clients["administrator"].get("/admin/").status_code == 200
    coordinator = User.objects.get(username="coord")
    coordinator.is_staff = True
    coordinator.save()
    response = world.clients["coordinator"].get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_crossing_officer_sees_only_todays_and_tomorrows_batches_at_their_crossing(world):
    later = BatchFactory(
        crossing=world.batch_today.crossing,
        planned_date=timezone.localdate() + datetime.timedelta(days=2),
    )
    client = world.clients["officer"]
    assert client.get(f"/crossing/batches/{later.pk}/").status_code == 404
    listing = client.get("/crossing/batches/").content.decode()
    assert f"/crossing/batches/{world.batch_today.pk}/" in listing
    assert f"/crossing/batches/{later.pk}/" not in listing


def test_parties_are_data_not_code():
    assert not hasattr(Party, "WHO")


def test_every_corridor_command_declares_the_policy_it_acts_under():
    from django.core.management import get_commands, load_command_class

    undeclared = []
    for name, app in get_commands().items():
        if not app.startswith("corridor"):
            continue
        command = load_command_class(app, name)
        if getattr(command, "policy_action", "") not in policy.RULES:
            undeclared.append(name)
    assert undeclared == []
    assert {"status", "audit", "load_scenario", "demo"} <= {
        name for name, app in get_commands().items() if app.startswith("corridor")
    }


def test_navigation_offers_only_the_pages_a_role_may_use(world):
    liaison_home = world.clients["liaison"].get("/").content.decode()
    assert 'href="/cases/receiving/"' in liaison_home
    assert 'href="/audit/"' not in liaison_home
    assert 'href="/crossing/batches/"' not in liaison_home
    auditor_home = world.clients["auditor"].get("/").content.decode()
    assert 'href="/audit/"' in auditor_home
    assert 'href="/cases/"' not in auditor_home


def test_auditors_filter_the_log_by_person_user_party_and_date(world):
    client = world.clients["auditor"]
    # events about the patient of the offered case: reading its clinical summary
    world.clients["referral"].get(f"/cases/{world.case_offered.reference}/")
    by_person = client.get("/audit/", {"person": "900000001"}).content.decode()
    assert "case.clinical_read" in by_person
    by_user = client.get("/audit/", {"user": "ref"}).content.decode()
    assert "case.clinical_read" in by_user
    assert "liaison2" not in by_user
    by_other_user = client.get("/audit/", {"user": "analyst"}).content.decode()
    assert "case.clinical_read" not in by_other_user
    by_party = client.get("/audit/", {"party": "moh"}).content.decode()
    assert "case.clinical_read" in by_party
    by_other_party = client.get("/audit/", {"party": "embassy"}).content.decode()
    assert "case.clinical_read" not in by_other_party
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    future = client.get("/audit/", {"since": tomorrow}).content.decode()
    assert "case.clinical_read" not in future
    # reading the log is itself on the record
    assert AuditEvent.objects.filter(action="audit.read", actor__username="auditor").exists()


def test_a_receiving_liaison_sees_the_case_without_the_patients_identity(world):
    page = world.clients["liaison"].get(f"/cases/{world.case_offered.reference}/").content.decode()
    patient = world.case_offered.patient
    assert CLINICAL in page
    for identity in (patient.name_ar, patient.name_latin, "900000001", "1990-05-17"):
        assert identity not in page
    coordinator_page = (
        world.clients["coordinator"].get(f"/cases/{world.case_offered.reference}/").content.decode()
    )
    assert patient.name_latin in coordinator_page


def test_analysts_see_the_situation_with_small_counts_hidden(world):
    from corridor.crossings.models import CrossingDay

    CrossingDay.objects.create(
        crossing=world.batch_today.crossing, date=world.batch_today.planned_date, quota_out=50
    )
    analyst_page = world.clients["analyst"].get("/").content.decode()
    coordinator_page = world.clients["coordinator"].get("/").content.decode()
    # batch of today holds one person: exact for the coordinator, hidden for the analyst
    assert "&lt;5" in analyst_page
    assert "&lt;5" not in coordinator_page
    assert ">1<" in coordinator_page.replace(" ", "")


def test_a_coordinator_lists_no_incident_without_breaking_the_glass(world):
    page = world.clients["coordinator"].get("/crossing/incidents/").content.decode()
    assert f"/crossing/incidents/{world.incident.pk}/" not in page
    officer_page = world.clients["officer"].get("/crossing/incidents/").content.decode()
    assert f"/crossing/incidents/{world.incident.pk}/" in officer_page
