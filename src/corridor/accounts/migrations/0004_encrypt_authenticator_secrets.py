"""Encrypt the TOTP secrets and recovery-code seeds that django-allauth kept in plain text."""

from typing import Any

from django.db import migrations

SECRETS = ("secret", "seed")


def _rewrite(apps: Any, transform: Any) -> None:
    from corridor import crypto

    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.all():
        data = dict(row.data)
        changed = False
        for key in SECRETS:
            value = data.get(key)
            if isinstance(value, str) and value:
                new = transform(crypto, value)
                if new is not None:
                    data[key] = new
                    changed = True
        if changed:
            row.data = data
            row.save(update_fields=["data"])


def _encrypt_if_plain(crypto: Any, value: str) -> str | None:
    try:
        crypto.decrypt(value)
    except crypto.EncryptionKeyError:
        return crypto.encrypt(value)
    return None


def _decrypt(crypto: Any, value: str) -> str | None:
    try:
        return crypto.decrypt(value)
    except crypto.EncryptionKeyError:
        return None


def forwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, _encrypt_if_plain)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_session_salt_mfa_exempt"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
