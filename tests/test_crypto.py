"""Sensitive fields are encrypted at rest: the database holds tokens, the application plain text."""

from __future__ import annotations

import datetime
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.db import connection
from pytest_django import Settings

from corridor import crypto
from corridor.cases.models import Case
from corridor.crossings.models import Incident, IncidentKind
from corridor.people.models import Person
from tests.factories import CaseFactory, PersonFactory

PHONE = "+970599123456"
SUMMARY = "Shrapnel wound to the left femur, infected; needs orthopaedic surgery."
NARRATIVE = "Returnee held for six hours and questioned about relatives in Khan Younis."


def raw(table: str, column: str, pk: int) -> str:
    """The value as the database stores it, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        (value,) = cursor.fetchone()
    return value


def key_file_keys() -> list[bytes]:
    return crypto.read_key_file()


@pytest.mark.django_db
def test_a_phone_number_is_stored_encrypted_and_read_back_in_plain():
    person = PersonFactory(phone=PHONE)

    stored = raw("people_person", "phone", person.pk)
    assert PHONE not in stored
    assert "599123456" not in stored
    assert Fernet(key_file_keys()[0]).decrypt(stored.encode()).decode() == PHONE
    assert Person.objects.get(pk=person.pk).phone == PHONE


@pytest.mark.django_db
def test_a_clinical_summary_and_an_incident_narrative_are_stored_encrypted(crossing):
    case = CaseFactory(clinical_summary=SUMMARY)
    incident = Incident.objects.create(
        crossing=crossing,
        kind=IncidentKind.INTERROGATION,
        occurred_on=datetime.date(2026, 2, 3),
        narrative=NARRATIVE,
        recorded_at=datetime.datetime(2026, 2, 3, 12, tzinfo=datetime.UTC),
    )

    stored_summary = raw("cases_case", "clinical_summary", case.pk)
    stored_narrative = raw("crossings_incident", "narrative", incident.pk)
    for stored, plain in ((stored_summary, SUMMARY), (stored_narrative, NARRATIVE)):
        assert plain not in stored
        assert not any(word in stored for word in plain.split() if len(word) > 4)
    assert Case.objects.get(pk=case.pk).clinical_summary == SUMMARY
    assert Incident.objects.get(pk=incident.pk).narrative == NARRATIVE


@pytest.mark.django_db
def test_the_same_value_is_stored_differently_each_time():
    first, second = PersonFactory(phone=PHONE), PersonFactory(phone=PHONE)

    assert raw("people_person", "phone", first.pk) != raw("people_person", "phone", second.pk)


@pytest.mark.django_db
def test_bulk_create_bulk_update_and_update_encrypt_too():
    made = Person.objects.bulk_create([PersonFactory.build(phone=PHONE) for _ in range(3)])
    assert all(PHONE not in raw("people_person", "phone", p.pk) for p in made)

    made[0].phone = "+970561234567"
    Person.objects.bulk_update(made[:1], ["phone"])
    Person.objects.filter(pk=made[1].pk).update(phone="+970591111111")

    assert "+97056" not in raw("people_person", "phone", made[0].pk)
    assert "+97059" not in raw("people_person", "phone", made[1].pk)
    phones = dict(Person.objects.values_list("pk", "phone"))
    assert phones == {made[0].pk: "+970561234567", made[1].pk: "+970591111111", made[2].pk: PHONE}


@pytest.mark.django_db
def test_an_empty_phone_stays_empty_and_needs_no_key():
    person = PersonFactory(phone="")

    assert raw("people_person", "phone", person.pk) == ""
    assert Person.objects.get(pk=person.pk).phone == ""


@pytest.mark.django_db
def test_filtering_by_an_encrypted_value_is_refused():
    # Tokens differ on every write, so a filter would silently match nothing.
    with pytest.raises(FieldError):
        list(Person.objects.filter(phone=PHONE))
    with pytest.raises(FieldError):
        list(Case.objects.filter(clinical_summary__icontains="wound"))
    assert list(Person.objects.filter(phone__isnull=True)) == []


def test_the_phone_keeps_its_length_limit_on_the_plain_text():
    person = PersonFactory.build(phone="+" + "9" * 25)

    with pytest.raises(Exception, match="at most 20 characters"):
        person.full_clean(exclude=["residence"])


def test_the_key_file_is_created_at_first_use_readable_by_its_owner_only(settings: Settings):
    path = Path(settings.CORRIDOR_ENCRYPTION_KEY_FILE)
    assert not path.exists()

    token = crypto.encrypt("secret")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.read_key_file() == [path.read_text().strip().encode()]
    assert crypto.decrypt(token) == "secret"


def test_keys_from_the_environment_come_before_the_key_file(settings: Settings):
    newest, older = Fernet.generate_key(), Fernet.generate_key()
    sealed_by_older = Fernet(older).encrypt(b"old value").decode()
    settings.CORRIDOR_ENCRYPTION_KEYS = [newest.decode(), older.decode()]

    token = crypto.encrypt("new value")

    assert Fernet(newest).decrypt(token.encode()) == b"new value"
    assert crypto.decrypt(sealed_by_older) == "old value"
    assert not Path(settings.CORRIDOR_ENCRYPTION_KEY_FILE).exists()


def test_a_malformed_key_is_named_in_one_sentence(settings: Settings):
    settings.CORRIDOR_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), "not-a-key"]

    with pytest.raises(crypto.EncryptionKeyError, match="Key 2 in CORRIDOR_ENCRYPTION_KEYS"):
        crypto.encrypt("anything")


def test_a_value_under_an_unknown_key_cannot_be_read():
    foreign = Fernet(Fernet.generate_key()).encrypt(b"not ours").decode()

    with pytest.raises(crypto.EncryptionKeyError, match="cannot be decrypted"):
        crypto.decrypt(foreign)


def test_a_key_file_changed_by_another_process_is_noticed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(crypto, "KEY_FILE_CHECK_SECONDS", 0)
    first = crypto.read_key_file()[0]
    token = crypto.encrypt("before")
    newer = Fernet.generate_key()

    # As `rotate_keys` run elsewhere would: a new key first, the old one kept.
    crypto._write_private(crypto.key_file(), [newer, first], replace=True)

    assert Fernet(newer).decrypt(crypto.encrypt("after").encode()) == b"after"
    assert crypto.decrypt(token) == "before"


def test_every_sensitive_field_is_encrypted():
    labels = {crypto.field_label(model, field) for model, field in crypto.encrypted_fields()}

    assert labels >= {
        "people.person.phone",
        "cases.case.clinical_summary",
        "crossings.incident.narrative",
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_reverses():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = [("people", "0001_initial")]
    encrypted = [("people", "0002_encrypt_person_phone")]
    try:
        executor.migrate(before)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO people_person (given_name_ar, father_name_ar, grandfather_name_ar,"
                " family_name_ar, name_latin, date_of_birth, sex, national_id, passport_number,"
                " phone, created_at) VALUES ('a', '', '', 'b', '', '1990-01-01', 'F', '', '',"
                " %s, '2026-02-01 00:00:00'), ('c', '', '', 'd', '', '1990-01-01', 'M', '', '',"
                " '', '2026-02-01 00:00:00')",
                [PHONE],
            )
            cursor.execute("SELECT id FROM people_person ORDER BY id")
            with_phone, without_phone = (row[0] for row in cursor.fetchall())

        executor = MigrationExecutor(connection)
        executor.migrate(encrypted)
        stored = raw("people_person", "phone", with_phone)
        assert PHONE not in stored
        assert crypto.decrypt(stored) == PHONE
        assert raw("people_person", "phone", without_phone) == ""

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        assert raw("people_person", "phone", with_phone) == PHONE
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
