"""The one way to write an export: a profile's rows as CSV, JSON or XLSX, audited as shared."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.db import models, transaction
from django.http import HttpResponse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from corridor.audit import services as audit
from corridor.exceptions import DomainError

FORMATS = ("csv", "json", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def record_share(
    *,
    actor: Any,
    what: str,
    subject: models.Model | None,
    recipient: str,
    purpose: str,
    legal_basis: str,
    people: int,
    fmt: str,
) -> None:
    """Audit a list leaving Corridor: what, to whom, why, on which legal basis, how many people."""
    with transaction.atomic():
        audit.record(
            "export.shared",
            subject,
            actor=actor,
            data={
                "what": what,
                "recipient": recipient,
                "purpose": purpose,
                "legal_basis": legal_basis,
                "people": people,
                "format": fmt,
            },
        )


def render(
    rows: list[dict[str, Any]],
    keys: list[str],
    fmt: str,
    filename: str,
    headers: list[Any] | None = None,
) -> HttpResponse:
    """A download of `rows` (exactly the columns `keys`) in CSV, JSON or XLSX.

    CSV and JSON carry the column keys, for machines; XLSX is read by people, so its header row
    carries `headers` (the columns' labels in the active language) and Arabic reads right to left.
    """
    if fmt not in FORMATS:
        raise DomainError(
            _("Unknown export format %(fmt)r; use one of: %(formats)s.")
            % {"fmt": fmt, "formats": ", ".join(FORMATS)}
        )
    if fmt == "json":
        body = json.dumps({"rows": rows}, ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "xlsx":
        from corridor.interop.xlsx import workbook_bytes

        body_bytes = workbook_bytes(
            rows,
            keys,
            [str(h) for h in headers] if headers is not None else keys,
            right_to_left=get_language_bidi(),
            title=filename,
        )
        response = HttpResponse(body_bytes, content_type=XLSX_CONTENT_TYPE)
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=keys, extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)
        # A byte-order mark so spreadsheet programs read Arabic as UTF-8.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
