"""Rotation re-encrypts every value under the new key; retired keys go once nothing needs them."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection
from pytest_django import Settings

from corridor import crypto
from corridor.audit.models import AuditEvent
from corridor.audit.services import verify_chain
from corridor.cases.models import Case
from corridor.key_rotation import RotationRefused, drop_retired_keys, rotate_keys
from corridor.people.models import Person
from tests.factories import CaseFactory, PersonFactory

PHONE = "+970599123456"
SUMMARY = "Burns over 30% of the body; skin grafts needed."


def stored_tokens() -> list[str]:
    """Every encrypted value as stored, read past the ORM."""
    tokens = []
    for model, field in crypto.encrypted_fields():
        for rows in crypto.column_values(connection, model._meta.db_table, field.column):
            tokens += [token for _pk, token in rows]
    return tokens


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sensitive_rows(db: None) -> tuple[Person, Case]:
    person = PersonFactory(phone=PHONE)
    case = CaseFactory(clinical_summary=SUMMARY)
    return person, case


def test_rotation_puts_a_new_key_first_and_keeps_every_value_readable(sensitive_rows):
    person, case = sensitive_rows
    (old_key,) = crypto.read_key_file()

    output = run("--batch-size", "1")

    new_key, kept = crypto.read_key_file()
    assert kept == old_key
    assert new_key != old_key
    newest = Fernet(new_key)
    assert {newest.decrypt(token.encode()) for token in stored_tokens()} == {
        PHONE.encode(),
        SUMMARY.encode(),
    }
    assert Person.objects.get(pk=person.pk).phone == PHONE
    assert Case.objects.get(pk=case.pk).clinical_summary == SUMMARY
    assert "people.person.phone: 1 values re-encrypted" in output
    assert "run `corridor rotate_keys --drop-old`" in output


def test_rotation_is_audited_with_counts_and_no_key(sensitive_rows):
    rotate_keys()

    event = AuditEvent.objects.get(action="encryption.keys_rotated")
    assert event.data["values_rewritten"]["people.person.phone"] == 1
    assert event.data["values_rewritten"]["cases.case.clinical_summary"] == 1
    assert event.data["keys"] == 2
    assert all(key.decode() not in str(event.data) for key in crypto.read_key_file())
    assert verify_chain().ok


def test_after_drop_old_the_old_key_alone_cannot_decrypt(sensitive_rows):
    person, _case = sensitive_rows
    (old_key,) = crypto.read_key_file()
    run()

    output = run("--drop-old")

    assert crypto.read_key_file() != [old_key]
    assert len(crypto.read_key_file()) == 1
    for token in stored_tokens():
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(token.encode())
    assert Person.objects.get(pk=person.pk).phone == PHONE
    assert "1 retired key dropped" in output
    assert AuditEvent.objects.filter(action="encryption.retired_keys_dropped").count() == 1


def test_old_keys_are_kept_while_a_value_still_needs_one(sensitive_rows):
    person, _case = sensitive_rows
    (old_key,) = crypto.read_key_file()
    rotate_keys()
    # A process that had not yet seen the new key wrote under the old one during the rotation.
    late = Fernet(old_key).encrypt(b"+970561234567").decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET phone = %s WHERE id = %s", [late, person.pk])

    with pytest.raises(RotationRefused, match="1 stored value still needs a retired key"):
        drop_retired_keys()

    assert len(crypto.read_key_file()) == 2
    assert Person.objects.get(pk=person.pk).phone == "+970561234567"
    rotate_keys()
    assert drop_retired_keys().dropped == 2


def test_dropping_with_one_key_changes_nothing(sensitive_rows):
    assert "nothing to drop" in run("--drop-old")
    assert not AuditEvent.objects.filter(action="encryption.retired_keys_dropped").exists()


def test_a_given_new_key_is_used(sensitive_rows):
    chosen = Fernet.generate_key()

    run(f"--new-key={chosen.decode()}")

    assert crypto.read_key_file()[0] == chosen
    assert Fernet(chosen).decrypt(stored_tokens()[0].encode())


def test_a_new_key_that_is_not_a_fernet_key_is_refused_before_anything_changes(sensitive_rows):
    before = crypto.read_key_file()

    with pytest.raises(CommandError, match="not a Fernet key"):
        run("--new-key", "swordfish")

    assert crypto.read_key_file() == before


def test_with_environment_keys_the_new_key_is_taken_and_the_operator_told(
    settings: Settings, db: None
):
    old_key = Fernet.generate_key()
    settings.CORRIDOR_ENCRYPTION_KEYS = [old_key.decode()]
    PersonFactory(phone=PHONE)
    new_key = Fernet.generate_key()

    output = run(f"--new-key={new_key.decode()}")

    assert Fernet(new_key).decrypt(stored_tokens()[0].encode()) == PHONE.encode()
    assert "set it to the new key followed by the old ones" in output
    settings.CORRIDOR_ENCRYPTION_KEYS = [new_key.decode(), old_key.decode()]
    assert "set CORRIDOR_ENCRYPTION_KEYS to its first key only" in run("--drop-old")
    assert not crypto.key_file().exists()


def test_with_one_environment_key_and_no_new_key_rotation_is_refused(settings: Settings, db: None):
    settings.CORRIDOR_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError, match="pass --new-key"):
        run()


def test_with_a_new_key_first_in_the_environment_rotation_moves_values_to_it(
    settings: Settings, db: None
):
    old_key, new_key = Fernet.generate_key(), Fernet.generate_key()
    settings.CORRIDOR_ENCRYPTION_KEYS = [old_key.decode()]
    PersonFactory(phone=PHONE)
    settings.CORRIDOR_ENCRYPTION_KEYS = [new_key.decode(), old_key.decode()]

    run()

    assert Fernet(new_key).decrypt(stored_tokens()[0].encode()) == PHONE.encode()


def test_drop_old_and_new_key_together_are_refused(db: None):
    with pytest.raises(CommandError, match="cannot be used together"):
        run("--drop-old", f"--new-key={Fernet.generate_key().decode()}")


def test_totp_secrets_are_stored_encrypted_and_rotate_with_the_keys(db):
    from allauth.mfa.models import Authenticator

    from corridor import crypto
    from corridor.key_rotation import rotate_keys
    from tests.factories import TOTP_SECRET, UserFactory, give_totp

    user = UserFactory(username="needs-totp")
    give_totp(user)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert TOTP_SECRET not in stored
    assert crypto.decrypt(stored) == TOTP_SECRET
    rotate_keys()
    rotated = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert rotated != stored
    assert crypto.decrypt(rotated) == TOTP_SECRET
