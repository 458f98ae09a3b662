"""Retention anonymises closed records past their period, keeps aggregates, audits, runs once."""

from __future__ import annotations

import datetime
import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from pytest_django import Settings

from corridor.audit.models import AuditEvent
from corridor.audit.services import verify_chain
from corridor.cases.models import Case, CaseStatus, ClinicalCategory, CompanionStatus
from corridor.crossings.models import Incident
from corridor.people.models import Person
from corridor.retention import (
    ANONYMISED_NAME_AR,
    ANONYMISED_NAME_LATIN,
    apply_retention,
    review_retention,
)
from corridor.returns.models import ReturnRegistration, ReturnStatus
from tests.factories import (
    CaseFactory,
    CompanionFactory,
    IncidentFactory,
    PersonFactory,
    ReturnRegistrationFactory,
)

NOW = datetime.datetime(2030, 6, 1, 12, tzinfo=datetime.UTC)
LONG_AGO = NOW - datetime.timedelta(days=800)
RECENTLY = NOW - datetime.timedelta(days=30)
PERIODS = {"case": 365, "return_registration": 180, "incident": 730}


@pytest.fixture(autouse=True)
def _periods(settings: Settings) -> None:
    settings.CORRIDOR_RETENTION_DAYS = dict(PERIODS)


def old_case(status: str = CaseStatus.DIED, **kwargs) -> Case:
    return CaseFactory(
        status=status,
        status_changed_at=LONG_AGO,
        clinical_summary="Metastatic breast cancer; chemotherapy interrupted.",
        status_reason="Died at Nasser hospital on the waiting list.",
        patient__phone="+970599123456",
        patient__passport_number="1234567",
        patient__national_id="401234567",
        patient__date_of_birth=datetime.date(1984, 9, 23),
        **kwargs,
    )


def snapshot() -> dict[str, list[tuple]]:
    """Every row retention could touch, as stored."""
    return {
        "people": list(Person.objects.order_by("pk").values_list()),
        "cases": list(Case.objects.order_by("pk").values_list()),
        "registrations": list(ReturnRegistration.objects.order_by("pk").values_list()),
        "incidents": list(Incident.objects.order_by("pk").values_list()),
    }


def raw_phone(person: Person) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM people_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_dry_run_counts_what_would_be_anonymised_and_writes_nothing():
    old_case()
    old_case(status=CaseStatus.NOT_APPROVED)
    CaseFactory(status=CaseStatus.APPROVED, status_changed_at=LONG_AGO)
    ReturnRegistrationFactory(status=ReturnStatus.CROSSED, status_changed_at=LONG_AGO)
    before, events = snapshot(), AuditEvent.objects.count()

    report = review_retention(now=NOW)

    assert report.counts == {"case": 2, "return_registration": 1, "incident": 0, "person": 3}
    assert not report.applied
    assert snapshot() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_apply_anonymises_identity_and_clinical_fields_of_a_closed_case_past_its_period():
    case = old_case()
    companion = CompanionFactory(case=case, person__phone="+970561234567")

    apply_retention(now=NOW)

    case.refresh_from_db()
    patient = Person.objects.get(pk=case.patient_id)
    assert case.clinical_summary == ""
    assert case.status_reason == ""
    assert case.reference == f"anonymised-{case.pk}"
    assert case.anonymised_at == NOW
    assert (patient.given_name_ar, patient.family_name_ar) == (ANONYMISED_NAME_AR, "")
    assert patient.father_name_ar == patient.grandfather_name_ar == ""
    assert patient.name_latin == ANONYMISED_NAME_LATIN
    assert patient.national_id == patient.passport_number == patient.phone == ""
    assert raw_phone(patient) == ""
    assert patient.date_of_birth == datetime.date(1984, 1, 1)
    assert patient.anonymised_at == NOW
    assert Person.objects.get(pk=companion.person_id).anonymised_at == NOW
    # What aggregates count stays.
    assert (case.status, case.status_changed_at) == (CaseStatus.DIED, LONG_AGO)
    assert case.clinical_category == ClinicalCategory.TRAUMA
    assert patient.sex == "F"


@pytest.mark.django_db
def test_open_records_and_records_within_their_period_are_left_alone():
    waiting = CaseFactory(status=CaseStatus.APPROVED, status_changed_at=LONG_AGO)
    just_closed = CaseFactory(status=CaseStatus.ADMITTED, status_changed_at=RECENTLY)
    listed = ReturnRegistrationFactory(status=ReturnStatus.LISTED, status_changed_at=LONG_AGO)
    before = snapshot()

    report = apply_retention(now=NOW)

    assert report.total == 0
    assert snapshot() == before
    for case in (waiting, just_closed):
        case.refresh_from_db()
        assert case.anonymised_at is None
    assert Person.objects.get(pk=listed.person_id).anonymised_at is None


@pytest.mark.django_db
def test_a_person_with_an_open_record_keeps_their_identity():
    case = old_case()
    # The patient of the closed case now accompanies someone who still waits.
    CompanionFactory(
        person=case.patient,
        case=CaseFactory(status=CaseStatus.APPROVED),
        status=CompanionStatus.CONFIRMED,
    )
    name = case.patient.given_name_ar

    report = apply_retention(now=NOW)

    assert report.counts["case"] == 1
    patient = Person.objects.get(pk=case.patient_id)
    assert patient.anonymised_at is None
    assert patient.given_name_ar == name
    assert patient.phone == "+970599123456"
    assert Case.objects.get(pk=case.pk).clinical_summary == ""


@pytest.mark.django_db
def test_return_registrations_that_crossed_or_were_ineligible_are_anonymised_with_households():
    crossed = ReturnRegistrationFactory(status=ReturnStatus.CROSSED, status_changed_at=LONG_AGO)
    child = PersonFactory(date_of_birth=datetime.date(2019, 7, 4))
    crossed.household_members.add(child)
    ineligible = ReturnRegistrationFactory(
        status=ReturnStatus.INELIGIBLE, status_changed_at=LONG_AGO
    )
    called = ReturnRegistrationFactory(status=ReturnStatus.CALLED, status_changed_at=LONG_AGO)

    report = apply_retention(now=NOW)

    assert report.counts["return_registration"] == 2
    assert report.counts["person"] == 3
    anonymised = set(Person.objects.filter(anonymised_at=NOW).values_list("pk", flat=True))
    assert anonymised == {crossed.person_id, ineligible.person_id, child.pk}
    assert Person.objects.get(pk=child.pk).date_of_birth == datetime.date(2019, 1, 1)
    assert ReturnRegistration.objects.get(pk=called.pk).anonymised_at is None
    assert ReturnRegistration.objects.get(pk=crossed.pk).status == ReturnStatus.CROSSED


@pytest.mark.django_db
def test_an_incident_loses_its_narrative_after_its_period_and_keeps_its_facts(crossing):
    witness = PersonFactory()
    old = IncidentFactory(
        crossing=crossing, recorded_at=NOW - datetime.timedelta(days=731), people=[witness]
    )
    recent = IncidentFactory(crossing=crossing, recorded_at=RECENTLY)

    report = apply_retention(now=NOW)

    assert report.counts["incident"] == 1
    old.refresh_from_db()
    assert old.narrative == ""
    assert (old.kind, old.crossing_id, list(old.people.all())) == (
        "interrogation",
        crossing.pk,
        [witness],
    )
    assert Person.objects.get(pk=witness.pk).anonymised_at == NOW
    assert Incident.objects.get(pk=recent.pk).narrative != ""


@pytest.mark.django_db
def test_aggregates_are_the_same_after_anonymisation():
    for category, status in [
        (ClinicalCategory.CANCER, CaseStatus.DIED),
        (ClinicalCategory.CANCER, CaseStatus.ADMITTED),
        (ClinicalCategory.TRAUMA, CaseStatus.WITHDRAWN),
        (ClinicalCategory.BURNS, CaseStatus.APPROVED),
    ]:
        old_case(status=status, clinical_category=category)

    def aggregates() -> tuple:
        by_category = Counter(
            dict(Case.objects.values_list("clinical_category").annotate(n=Count("id")))
        )
        by_status = dict(Case.objects.values_list("status").annotate(n=Count("id")))
        by_urgency = dict(Case.objects.values_list("urgency").annotate(n=Count("id")))
        by_birth_year_and_sex = Counter((p.date_of_birth.year, p.sex) for p in Person.objects.all())
        return by_category, by_status, by_urgency, by_birth_year_and_sex, Person.objects.count()

    before = aggregates()

    report = apply_retention(now=NOW)

    assert report.counts["case"] == 3
    assert aggregates() == before


@pytest.mark.django_db
def test_apply_writes_one_audit_event_with_counts_and_no_names():
    case = old_case()

    apply_retention(now=NOW)

    event = AuditEvent.objects.get(action="retention.applied")
    assert event.data["anonymised"] == {
        "case": 1,
        "return_registration": 0,
        "incident": 0,
        "person": 1,
    }
    assert event.data["retention_days"] == PERIODS
    text = json.dumps(event.data, ensure_ascii=False)
    assert case.reference not in text
    assert case.patient.family_name_ar not in text
    assert verify_chain().ok


@pytest.mark.django_db
def test_running_twice_changes_nothing_the_second_time():
    old_case()
    ReturnRegistrationFactory(status=ReturnStatus.CROSSED, status_changed_at=LONG_AGO)
    apply_retention(now=NOW)
    after_first, events = snapshot(), AuditEvent.objects.count()

    report = apply_retention(now=NOW + datetime.timedelta(days=1))

    assert report.total == 0
    assert snapshot() == after_first
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_period_of_null_keeps_that_kind_for_ever(settings: Settings):
    settings.CORRIDOR_RETENTION_DAYS = {**PERIODS, "case": None}
    case = old_case()

    report = apply_retention(now=NOW)

    assert report.total == 0
    assert Case.objects.get(pk=case.pk).anonymised_at is None
    assert Person.objects.get(pk=case.patient_id).anonymised_at is None


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_prints_a_table_for_a_dry_run_and_json_on_request(settings: Settings):
    settings.CORRIDOR_RETENTION_DAYS = {"case": 0, "return_registration": 0, "incident": None}
    CaseFactory(status=CaseStatus.WITHDRAWN)

    table = run("--dry-run")
    data = json.loads(run("--dry-run", "--json"))

    assert "retention (days)" in table
    assert "Dry run: nothing was changed." in table
    case_row = next(line for line in table.splitlines() if line.startswith("closed cases"))
    assert case_row.split()[-1] == "1"
    assert data["applied"] is False
    assert {kind["kind"]: kind["count"] for kind in data["kinds"]} == {
        "case": 1,
        "return_registration": 0,
        "incident": 0,
        "person": 1,
    }
    assert Case.objects.get().anonymised_at is None


@pytest.mark.django_db
def test_the_command_applies_and_needs_a_mode(settings: Settings):
    settings.CORRIDOR_RETENTION_DAYS = {"case": 0, "return_registration": 0, "incident": 0}
    CaseFactory(status=CaseStatus.WITHDRAWN)

    data = json.loads(run("--apply", "--json"))

    assert data["applied"] is True
    assert data["total"] == 2
    assert Case.objects.get().anonymised_at is not None
    with pytest.raises(CommandError, match="one of the arguments --dry-run --apply is required"):
        run()


@pytest.mark.django_db
def test_messages_to_an_anonymised_person_lose_their_text():
    from corridor.notify.models import Message

    case = old_case()
    message = Message.objects.create(
        person=case.patient,
        case=case,
        kind="listed",
        language="ar",
        body="Come to Al-Amal Hospital on 5 Feb",
        channel="console",
        dedupe_key="retention-test",
        created_at=LONG_AGO,
        next_attempt_at=LONG_AGO,
    )

    apply_retention(now=NOW)

    message.refresh_from_db()
    assert message.body == ""


@pytest.mark.django_db
def test_the_notes_of_calls_and_incident_reviews_go_with_their_records(crossing):
    from corridor.crossings.models import IncidentReview
    from corridor.returns.models import ReturnCall

    crossed = ReturnRegistrationFactory(status=ReturnStatus.CROSSED, status_changed_at=LONG_AGO)
    called = ReturnRegistrationFactory(status=ReturnStatus.CALLED, status_changed_at=LONG_AGO)
    for registration in (crossed, called):
        ReturnCall.objects.create(
            registration=registration,
            outcome="confirmed",
            note="Sister in Khan Younis",
            called_at=LONG_AGO,
        )
    incident = IncidentFactory(crossing=crossing, recorded_at=NOW - datetime.timedelta(days=731))
    IncidentReview.objects.create(
        incident=incident,
        from_status="open",
        to_status="closed",
        note="Referred to UNHCR",
        at=LONG_AGO,
    )

    apply_retention(now=NOW)

    notes = dict(ReturnCall.objects.values_list("registration_id", "note"))
    assert notes == {crossed.pk: "", called.pk: "Sister in Khan Younis"}
    assert IncidentReview.objects.get().note == ""
