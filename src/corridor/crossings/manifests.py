"""The manifest of a batch as a printable PDF, in the reader's language, with a QR code per person.

The PDF is drawn by WeasyPrint from an HTML template. WeasyPrint needs Pango, a system library,
so it is imported only when a PDF is drawn: without it every other page still works. Nothing is
fetched while drawing: the stylesheet is read from the app's static files, the fonts are the
system's (Amiri for Arabic, DejaVu Sans), and the QR codes are data: URIs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.crossings.check_in import check_in_code
from corridor.crossings.models import Batch, BatchMember
from corridor.exceptions import DomainError
from corridor.i18n import local_name
from corridor.profiles import MANIFEST

STYLESHEET = "crossings/manifest-print.css"


class PdfUnavailable(DomainError):
    """The server cannot draw PDFs: WeasyPrint or its system libraries are missing."""


@dataclass(frozen=True)
class ManifestLine:
    """One person on the printed manifest: the profile's fields, their check-in code and its QR."""

    row: dict[str, Any]
    cleared_to_travel: bool
    code: str
    qr: str  # a data: URI of an SVG image


def manifest_members(batch: Batch) -> QuerySet[BatchMember]:
    """The people still on the batch, in seat order."""
    return (
        BatchMember.objects.filter(batch=batch, active=True)
        .select_related("person", "batch", "clearance_party")
        .order_by("seat")
    )


def qr_data_uri(code: str) -> str:
    """A QR code of `code` as an SVG data: URI (no network, no file)."""
    import segno

    return str(segno.make(code, error="m", micro=False).svg_data_uri(scale=1, border=4))


def manifest_lines(batch: Batch) -> list[ManifestLine]:
    """The printed manifest's lines in seat order."""
    members = list(manifest_members(batch))
    rows = MANIFEST.rows(members)
    lines = []
    for member, row in zip(members, rows, strict=True):
        code = check_in_code(member)
        lines.append(ManifestLine(row, member.cleared_to_travel, code, qr_data_uri(code)))
    return lines


def labelled(row: dict[str, Any]) -> dict[str, Any]:
    """A profile row with each coded value shown as its label in the active language."""
    return {column.key: column.display(row[column.key]) for column in MANIFEST.columns}


def manifest_html(
    batch: Batch, lines: list[ManifestLine], *, printed_by: Any, printed_at: datetime.datetime
) -> str:
    """The HTML the PDF is drawn from, in the active language (right to left in Arabic)."""
    context = {
        "batch": batch,
        "crossing": local_name(batch.crossing),
        "assembly_point": local_name(batch.assembly_point),
        "lines": [(line, labelled(line.row)) for line in lines],
        "cleared": sum(1 for line in lines if line.cleared_to_travel),
        "printed_by": printed_by,
        "printed_at": timezone.localtime(printed_at),
    }
    return render_to_string("crossings/manifest_pdf.html", context)


def _stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    if not found or not isinstance(found, str):
        raise ImproperlyConfigured(f"the manifest stylesheet {STYLESHEET} is missing")
    return Path(found)


def render_document(html: str) -> Any:
    """Lay `html` out as pages (a WeasyPrint document), with the manifest stylesheet.

    Every URL but data: ones is refused, so drawing a manifest never reaches the network.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or HarfBuzz not installed
        raise PdfUnavailable(
            _("PDFs cannot be made on this server: WeasyPrint or the Pango library is missing.")
        ) from exc
    # A refused URL leaves a hole in the page and a line in the log, not a failed request.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    css = _stylesheet_path().read_text(encoding="utf-8")
    stylesheet = weasyprint.CSS(string=css, url_fetcher=fetcher)
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render(stylesheets=[stylesheet])


def render_pdf(html: str) -> bytes:
    """`html` drawn as a PDF with the manifest stylesheet."""
    pdf = render_document(html).write_pdf()
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
