"""Imports started by a user on a page or through the API, rather than by an operator's command.

The import itself is `services.import_table`; this module reads the uploaded bytes, registers
returnees with the user's own party, and offers the column choices and known senders a page shows.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from corridor.accounts.models import Party
from corridor.exceptions import DomainError
from corridor.interop.mapping import proposed_columns
from corridor.interop.models import ImportChannel, ImportSource
from corridor.interop.readers import READERS, Table
from corridor.interop.services import ImportReport, import_table
from corridor.uploads import KINDS, check_upload


def read_upload(data: bytes) -> Table:
    """The first sheet of an uploaded file, whatever of XLSX, ODS or CSV its content is."""
    kind = check_upload(io.BytesIO(data), len(data), KINDS)
    return READERS[kind](data)


def party_of(user: Any) -> Party:
    """The party a returns officer registers returnees with: their own."""
    party: Party | None = getattr(user, "party", None)
    if party is None:
        raise DomainError(
            _("Your account belongs to no party, so returnees cannot be registered with one.")
        )
    return party


def import_as(
    user: Any,
    kind: str,
    table: Table,
    *,
    file_name: str,
    source: str = "",
    columns: dict[str, str] | None = None,
    dry_run: bool,
    keep_valid: bool = False,
    channel: str = ImportChannel.WEB,
) -> ImportReport:
    """Import a file's table as `user`, dry or for real; returnees join the user's party."""
    return import_table(
        kind,
        table,
        file_name=file_name,
        source=source,
        columns=columns,
        dry_run=dry_run,
        keep_valid=keep_valid,
        registered_with=party_of(user) if kind == "returns" else None,
        actor=user,
        channel=channel,
    )


def column_choices(
    kind: str, headers: list[str], *, source: str = "", columns: dict[str, str] | None = None
) -> dict[str, str]:
    """What each header of a file will give: the user's choices, the sender's, then synonyms."""
    saved = ImportSource.objects.filter(name=source, kind=kind).first() if source else None
    return proposed_columns(
        headers, kind, saved=saved.mapping if saved else None, overrides=columns
    )


def known_sources(kind: str) -> list[str]:
    """The senders whose column mapping is saved, for this kind of list."""
    names = ImportSource.objects.filter(kind=kind).order_by("name").values_list("name", flat=True)
    return list(names)
