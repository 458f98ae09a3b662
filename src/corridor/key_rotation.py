"""Rotating the encryption keys: re-encrypt every stored value under a new key, retire old ones.

Rotation runs while the service is up. The new key goes first and every old key stays in the
keyring, so each value reads the same whether it was rewritten yet or not; processes notice a
changed key file within a second. Old keys are dropped only once no stored value needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corridor import crypto
from corridor.audit import services as audit
from corridor.exceptions import DomainError


class RotationRefused(DomainError):
    pass


@dataclass(frozen=True)
class RotationReport:
    """How many values each encrypted field had re-encrypted, and where the keys live."""

    rewritten: dict[str, int]
    keys: int
    from_environment: bool
    new_key: bytes

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


@dataclass(frozen=True)
class DropReport:
    """How many retired keys were dropped (or, with environment keys, may now be removed)."""

    dropped: int
    from_environment: bool
    checked: int


# Secrets kept encrypted inside django-allauth's authenticator rows (a JSON column).
AUTHENTICATOR_SECRETS = ("secret", "seed")


def _rewrite_authenticators(transform: Callable[[str], str | None]) -> int:
    from allauth.mfa.models import Authenticator

    rewritten = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
            data = dict(authenticator.data)
            changed = False
            for key in AUTHENTICATOR_SECRETS:
                token = data.get(key)
                if isinstance(token, str) and token:
                    new = transform(token)
                    if new is not None and new != token:
                        data[key] = new
                        changed = True
            if changed:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                rewritten += 1
    return rewritten


def _rewrite_all(transform: Callable[[str], str | None], batch_size: int) -> dict[str, int]:
    rewritten = {"mfa.authenticator.data": _rewrite_authenticators(transform)}
    for model, field in crypto.encrypted_fields():
        rewritten[crypto.field_label(model, field)] = crypto.rewrite_column(
            connection,
            model._meta.db_table,
            field.column,
            transform,
            batch_size=crypto.rewrite_batch_size(field, batch_size),
            pk=model._meta.pk.column,
        )
    return rewritten


def _rotate_with(keyring: MultiFernet) -> Callable[[str], str]:
    def rotate(token: str) -> str:
        try:
            return keyring.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError) as exc:
            raise RotationRefused(
                _("A stored value cannot be decrypted with any configured key; nothing was lost.")
            ) from exc

    return rotate


def rotate_keys(
    *, new_key: bytes | None = None, actor: Any = None, batch_size: int = 1000
) -> RotationReport:
    """Put a new key first and re-encrypt every stored value with it, batch by batch.

    With the key file, the key is generated (unless given) and written first in the file before
    any value is rewritten. With CORRIDOR_ENCRYPTION_KEYS, the new key is `new_key` or, when not
    given, the first key of the variable (put there by the operator before rotating).
    """
    if new_key is not None:
        try:
            Fernet(new_key)
        except ValueError as exc:
            raise RotationRefused(
                _("The new key is not a Fernet key (32 random bytes in URL-safe base64).")
            ) from exc
    old_keys = crypto.configured_keys()
    from_environment = crypto.keys_from_environment()
    if from_environment and new_key is None:
        if len(old_keys) < 2:
            raise RotationRefused(
                _(
                    "The keys come from CORRIDOR_ENCRYPTION_KEYS, which holds one key: put a new "
                    "key first in it (and restart) or pass --new-key."
                )
            )
        new_key = old_keys[0]
    new_key = new_key or crypto.generate_key()
    keys = [new_key, *(key for key in old_keys if key != new_key)]
    if not from_environment:
        crypto.write_key_file(keys)
    rewritten = _rewrite_all(_rotate_with(crypto.multi_fernet(keys)), batch_size)
    report = RotationReport(
        rewritten=rewritten, keys=len(keys), from_environment=from_environment, new_key=new_key
    )
    with transaction.atomic():
        audit.record(
            "encryption.keys_rotated",
            actor=actor,
            data={
                "values_rewritten": rewritten,
                "keys": len(keys),
                "key_source": "environment" if from_environment else "key file",
            },
        )
    return report


def values_needing_retired_keys(batch_size: int = 1000) -> tuple[int, int]:
    """How many stored values the newest key alone cannot open, out of how many checked."""
    newest = Fernet(crypto.configured_keys()[0])
    stale = checked = 0
    for model, field in crypto.encrypted_fields():
        table, column = model._meta.db_table, field.column
        size = crypto.rewrite_batch_size(field, batch_size)
        for rows in crypto.column_values(connection, table, column, size, model._meta.pk.column):
            for _pk, token in rows:
                checked += 1
                try:
                    newest.decrypt(token.encode("ascii"))
                except (InvalidToken, UnicodeEncodeError):
                    stale += 1
    from allauth.mfa.models import Authenticator

    for data in Authenticator.objects.values_list("data", flat=True):
        for key in AUTHENTICATOR_SECRETS:
            token = data.get(key)
            if isinstance(token, str) and token:
                checked += 1
                try:
                    newest.decrypt(token.encode("ascii"))
                except (InvalidToken, UnicodeEncodeError):
                    stale += 1
    return stale, checked


def drop_retired_keys(*, actor: Any = None, batch_size: int = 1000) -> DropReport:
    """Remove every key but the newest, after checking that no stored value still needs one.

    With CORRIDOR_ENCRYPTION_KEYS the variable cannot be changed from here: the check is made
    and the operator removes the old keys from the variable.
    """
    keys = crypto.configured_keys()
    stale, checked = values_needing_retired_keys(batch_size)
    if stale:
        raise RotationRefused(
            ngettext(
                "%(count)d stored value still needs a retired key: run `corridor rotate_keys` "
                "again first; no key was dropped.",
                "%(count)d stored values still need a retired key: run `corridor rotate_keys` "
                "again first; no key was dropped.",
                stale,
            )
            % {"count": stale}
        )
    from_environment = crypto.keys_from_environment()
    dropped = len(keys) - 1
    if dropped:
        with transaction.atomic():
            audit.record(
                "encryption.retired_keys_dropped",
                actor=actor,
                data={
                    "dropped": dropped,
                    "values_checked": checked,
                    # The command cannot edit the environment: the operator removes them there.
                    "key_source": "environment" if from_environment else "key file",
                },
            )
            if not from_environment:
                crypto.write_key_file(keys[:1])
    return DropReport(dropped=dropped, from_environment=from_environment, checked=checked)
