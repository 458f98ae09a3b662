"""Sensitive fields encrypted at rest with Fernet, and the keys that open them.

Keys come from `CORRIDOR_ENCRYPTION_KEYS` (comma-separated Fernet keys, newest first) or, for the
embedded default, from a key file in the data directory created at first use. The newest key
encrypts; every key decrypts, so values written under an older key stay readable until
`corridor rotate_keys` has re-encrypted them.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations import RunPython
from django.dispatch import receiver
from django.utils.translation import gettext as _

# How often a process looks at the key file for a rotation done by another process.
KEY_FILE_CHECK_SECONDS = 1.0


class EncryptionKeyError(Exception):
    """The keys are missing or malformed, or none of them opens a stored value."""


def generate_key() -> bytes:
    """A new random Fernet key (URL-safe base64 of 32 bytes)."""
    return Fernet.generate_key()


def parse_keys(text: str, source: str) -> list[bytes]:
    """The keys in `text` (separated by commas or new lines), each checked to be a Fernet key."""
    keys = [item.strip().encode("ascii", "replace") for item in text.replace("\n", ",").split(",")]
    keys = [key for key in keys if key]
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError as exc:
            raise EncryptionKeyError(
                _("Key %(number)d in %(source)s is not a Fernet key.")
                % {"number": number, "source": source}
            ) from exc
    return keys


def keys_from_environment() -> bool:
    """Whether the keys are set in CORRIDOR_ENCRYPTION_KEYS rather than kept in the key file."""
    return bool(settings.CORRIDOR_ENCRYPTION_KEYS)


def key_file() -> Path:
    return Path(settings.CORRIDOR_ENCRYPTION_KEY_FILE)


def _write_private(path: Path, keys: Sequence[bytes], *, replace: bool) -> None:
    """Write `keys` to `path` readable by the owner only, in one step no reader can see halfway."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(key.decode("ascii") + "\n" for key in keys))
    try:
        if replace:
            os.replace(temporary, path)
        else:
            # A hard link fails when the file exists, so two processes starting at once agree on
            # one key instead of each writing its own.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def read_key_file() -> list[bytes]:
    """The keys in the key file, newest first; the file is created with one new key if absent."""
    path = key_file()
    if not path.exists():
        _write_private(path, [generate_key()], replace=False)
    keys = parse_keys(path.read_text(), str(path))
    if not keys:
        raise EncryptionKeyError(_("The key file %(path)s holds no key.") % {"path": path})
    return keys


def write_key_file(keys: Sequence[bytes]) -> None:
    """Replace the key file with `keys`, newest first, and make this process use them at once."""
    _write_private(key_file(), keys, replace=True)
    reset_keyring()


def configured_keys() -> list[bytes]:
    """The keys in use, newest first: from the environment when set, else from the key file."""
    if keys_from_environment():
        return parse_keys(",".join(settings.CORRIDOR_ENCRYPTION_KEYS), "CORRIDOR_ENCRYPTION_KEYS")
    return read_key_file()


def multi_fernet(keys: Sequence[bytes]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


class _Keyring:
    """The process's MultiFernet, rebuilt when the settings or the key file change."""

    def __init__(self) -> None:
        self.fernet: MultiFernet | None = None
        self.signature: tuple[Any, ...] = ()
        self.checked_at = 0.0

    def _signature(self) -> tuple[Any, ...]:
        if keys_from_environment():
            return ("environment", tuple(settings.CORRIDOR_ENCRYPTION_KEYS))
        try:
            stat = key_file().stat()
        except FileNotFoundError:
            return ("file", str(key_file()), None)
        return ("file", str(key_file()), stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def get(self) -> MultiFernet:
        now = time.monotonic()
        if self.fernet is None or now - self.checked_at >= KEY_FILE_CHECK_SECONDS:
            signature = self._signature()
            if self.fernet is None or signature != self.signature:
                self.fernet = multi_fernet(configured_keys())
                self.signature = self._signature()
            self.checked_at = now
        return self.fernet

    def reset(self) -> None:
        self.fernet = None


_keyring = _Keyring()


def keyring() -> MultiFernet:
    """The MultiFernet of the configured keys (the newest encrypts, every one decrypts)."""
    return _keyring.get()


def reset_keyring() -> None:
    """Forget the loaded keys so the next use reads them again."""
    _keyring.reset()


@receiver(setting_changed)
def _keys_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"CORRIDOR_ENCRYPTION_KEYS", "CORRIDOR_ENCRYPTION_KEY_FILE"}:
        reset_keyring()


def encrypt(value: str) -> str:
    """The Fernet token of `value` under the newest key."""
    return keyring().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text sealed in `token`, opened with whichever configured key sealed it."""
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise EncryptionKeyError(
            _(
                "A stored value cannot be decrypted with the configured keys: check "
                "CORRIDOR_ENCRYPTION_KEYS or the key file."
            )
        ) from exc


if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    _FieldBase = models.Field[str | Combinable, str]
    _TextField = models.TextField[str | Combinable, str]
    _CharField = models.CharField[str | int | Combinable, str]
else:
    _FieldBase = object
    _TextField = models.TextField
    _CharField = models.CharField


class EncryptedMixin(_FieldBase):
    """Stores the field's text as a Fernet token in a text column; empty stays empty.

    Tokens differ on every write, so the database cannot compare them: the only lookup allowed
    is `isnull`, and filtering or ordering by value must happen after decryption, in Python.
    """

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_db_prep_save(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        value = super().get_db_prep_save(value, connection)
        if value is None or value == "" or hasattr(value, "as_sql"):
            # An expression (bulk_update's CASE) encrypts the values inside it as it compiles.
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedTextField(EncryptedMixin, _TextField):
    """A TextField whose value is encrypted at rest."""


class EncryptedCharField(EncryptedMixin, _CharField):
    """A CharField whose value is encrypted at rest; max_length limits the plain text."""


class EncryptedFileContentField(EncryptedTextField):
    """A whole file as base64, encrypted at rest; key rotation rewrites it a few rows at a time."""

    rewrite_batch_size = 5


def rewrite_batch_size(field: models.Field[Any, Any], batch_size: int) -> int:
    """How many rows of `field` to rewrite at once: fewer for fields holding whole files."""
    return min(batch_size, getattr(field, "rewrite_batch_size", batch_size))


def encrypted_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every encrypted field of every installed model, in a stable order."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedMixin):
                found.append((model, field))
    return sorted(found, key=lambda pair: (pair[0]._meta.label_lower, pair[1].name))


def field_label(model: type[models.Model], field: models.Field[Any, Any]) -> str:
    return f"{model._meta.label_lower}.{field.name}"


def column_values(
    connection: BaseDatabaseWrapper,
    table: str,
    column: str,
    batch_size: int = 1000,
    pk: str = "id",
) -> Iterator[list[tuple[Any, str]]]:
    """The non-empty stored values of a column as (pk, value) rows, in batches by primary key.

    Raw SQL on purpose: callers need the stored tokens, which the field would decrypt.
    """
    quote = connection.ops.quote_name
    select = (
        f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} "
        f"WHERE {quote(pk)} > %s AND {quote(column)} IS NOT NULL AND {quote(column)} <> '' "
        f"ORDER BY {quote(pk)} LIMIT %s"
    )
    last: Any = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select, [last, batch_size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def rewrite_column(
    connection: BaseDatabaseWrapper,
    table: str,
    column: str,
    transform: Callable[[str], str | None],
    batch_size: int = 1000,
    pk: str = "id",
) -> int:
    """Replace each stored value by `transform(value)` (None: keep), one transaction per batch.

    The write only lands if the row still holds the value read, so a change made meanwhile by
    another process is never overwritten with stale data. Returns the number of rows rewritten.
    """
    quote = connection.ops.quote_name
    update = (
        f"UPDATE {quote(table)} SET {quote(column)} = %s "
        f"WHERE {quote(pk)} = %s AND {quote(column)} = %s"
    )
    rewritten = 0
    for rows in column_values(connection, table, column, batch_size, pk):
        changes = []
        for pk, value in rows:
            new = transform(value)
            if new is not None and new != value:
                changes.append((new, pk, value))
        if changes:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.executemany(update, changes)
            rewritten += len(changes)
    return rewritten


def _encrypt_if_plain(value: str) -> str | None:
    try:
        decrypt(value)
    except EncryptionKeyError:
        return encrypt(value)
    return None  # already encrypted: a re-run changes nothing


def encrypt_existing_values(app_label: str, model_name: str, field_name: str) -> RunPython:
    """A reversible migration step that encrypts a field's existing plain-text values."""

    def _rewrite(apps_: Any, schema_editor: Any, transform: Callable[[str], str | None]) -> None:
        model = apps_.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        rewrite_column(
            schema_editor.connection,
            model._meta.db_table,
            column,
            transform,
            pk=model._meta.pk.column,
        )

    def forwards(apps_: Any, schema_editor: Any) -> None:
        _rewrite(apps_, schema_editor, _encrypt_if_plain)

    def backwards(apps_: Any, schema_editor: Any) -> None:
        _rewrite(apps_, schema_editor, decrypt)

    return RunPython(forwards, backwards, elidable=False)
