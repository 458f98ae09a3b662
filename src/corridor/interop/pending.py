"""Uploaded files waiting for their user's decision after a dry run: encrypted, theirs, brief.

A page imports in two steps (a dry run, then the user's decision), so the file has to wait on
the server in between. It waits in the data directory, encrypted with the keys of
`corridor.crypto`, under a random token, with the user it belongs to inside the encrypted part.
It is deleted once used or discarded, and any file older than `PENDING_SECONDS` is deleted by the
next upload or the next look at a waiting file (and cannot be opened anyway: the encryption
carries its time).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _

from corridor.crypto import keyring
from corridor.exceptions import DomainError
from corridor.interop.services import shown_file_name

PENDING_SECONDS = 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
UPLOAD = "upload"
REJECTED = "rejected"  # after a keep-valid import: only the rejected rows, for download


class PendingImportGone(DomainError):
    pass


@dataclass
class PendingImport:
    """A file waiting between its dry run and the user's decision (or its rejected rows after)."""

    token: str
    user_id: int
    kind: str  # cases or returns
    file_name: str
    source: str
    data: bytes
    content: str = UPLOAD
    # Choices made on the preview: normalised header -> field ("" leaves the column out).
    columns: dict[str, str] = field(default_factory=dict)


def directory() -> Path:
    return Path(settings.DATA_DIR) / "pending-imports"


def _path(token: str) -> Path:
    if not _TOKEN.match(token):
        raise PendingImportGone(_gone())
    return directory() / token


def _gone() -> str:
    return _(
        "This file is no longer waiting: it was imported or discarded, or an hour has passed. "
        "Upload it again."
    )


def _write(pending: PendingImport) -> None:
    meta = {
        "user": pending.user_id,
        "kind": pending.kind,
        "file_name": pending.file_name,
        "source": pending.source,
        "content": pending.content,
        "columns": pending.columns,
        "data": base64.b64encode(pending.data).decode("ascii"),
    }
    sealed = keyring().encrypt(json.dumps(meta).encode("utf-8"))
    folder = directory()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _path(pending.token)
    temporary = path.with_name(f".{pending.token}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(sealed)
    os.replace(temporary, path)


def keep(user: Any, kind: str, file_name: str, source: str, data: bytes) -> PendingImport:
    """Keep an uploaded file for its user until they decide; old files are swept first."""
    sweep()
    pending = PendingImport(
        token=secrets.token_urlsafe(32),
        user_id=user.pk,
        kind=kind,
        file_name=shown_file_name(file_name),
        source=source,
        data=data,
    )
    _write(pending)
    return pending


def load(user: Any, token: str, kind: str) -> PendingImport:
    """The user's waiting file of this kind, or PendingImportGone (never someone else's)."""
    path = _path(token)
    sweep()
    try:
        sealed = path.read_bytes()
        meta = json.loads(keyring().decrypt(sealed, ttl=PENDING_SECONDS))
    except (OSError, InvalidToken, ValueError) as exc:
        raise PendingImportGone(_gone()) from exc
    if meta["user"] != user.pk or meta["kind"] != kind:
        raise PendingImportGone(_gone())
    return PendingImport(
        token=token,
        user_id=meta["user"],
        kind=meta["kind"],
        file_name=meta["file_name"],
        source=meta["source"],
        data=base64.b64decode(meta["data"]),
        content=meta["content"],
        columns=meta["columns"],
    )


def save(pending: PendingImport) -> None:
    """Store the file again with its changed choices or content (the hour starts again)."""
    _write(pending)


def _claimed_path(token: str) -> Path:
    # A name `load` never opens (it does not match _TOKEN), swept like any waiting file.
    return _path(token).with_name(f".{token}.claimed")


def claim(pending: PendingImport) -> None:
    """Take a waiting file for importing it, so that only one request ever imports it.

    The file is renamed, which only one request can do: a second click, or the same decision
    sent twice, finds it gone and gets PendingImportGone. Call `release` if the import does not
    happen, `discard_claimed` once it has.
    """
    try:
        os.rename(_path(pending.token), _claimed_path(pending.token))
    except FileNotFoundError as exc:
        raise PendingImportGone(
            _(
                "This file is already being imported, or was imported or discarded: it is "
                "imported only once. See the list of imports before uploading it again."
            )
        ) from exc


def release(pending: PendingImport) -> None:
    """Put a claimed file back to wait for its user's decision (the import did not happen)."""
    with contextlib.suppress(FileNotFoundError):
        os.replace(_claimed_path(pending.token), _path(pending.token))


def discard_claimed(token: str) -> None:
    """Delete a claimed file once it is imported; nothing happens if it is already gone."""
    with contextlib.suppress(FileNotFoundError, PendingImportGone):
        _claimed_path(token).unlink()


def discard(token: str) -> None:
    """Delete a waiting file; nothing happens if it is already gone."""
    with contextlib.suppress(FileNotFoundError, PendingImportGone):
        _path(token).unlink()


def sweep(now: float | None = None) -> int:
    """Delete every waiting file older than PENDING_SECONDS; the number deleted."""
    folder = directory()
    if not folder.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - PENDING_SECONDS
    deleted = 0
    for path in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
    return deleted
