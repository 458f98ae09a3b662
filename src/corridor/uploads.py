"""Checks on uploaded files: bounded in size, and of the kind their content says, not their name."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from corridor.exceptions import DomainError

ZIP_MAGIC = b"PK\x03\x04"
KINDS = ("xlsx", "ods", "csv")
# Documents attached to a case (medical reports, scans of passports): never taken as text.
DOCUMENT_MAGIC = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}
DOCUMENT_KINDS = ("pdf", "jpeg", "png")
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


class UploadRejected(DomainError):
    pass


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes belong to: pdf, jpeg, png, xlsx, ods, csv or None."""
    for magic, kind in DOCUMENT_MAGIC.items():
        if head.startswith(magic):
            return kind
    if head.startswith(ZIP_MAGIC):
        if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head:
            return "ods"
        if b"[Content_Types].xml" in head or b"xl/" in head:
            return "xlsx"
        return None
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return None
    return "csv"


def check_upload(
    stream: IO[bytes], size: int, allowed: tuple[str, ...] = KINDS, max_bytes: int | None = None
) -> str:
    """The kind of an uploaded file, or UploadRejected saying why it is refused."""
    limit = max_bytes if max_bytes is not None else settings.CORRIDOR_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadRejected(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": size, "limit": limit}
        )
    if size == 0:
        raise UploadRejected(_("The file is empty."))
    head = stream.read(4096)
    stream.seek(0)
    kind = sniff(head)
    if kind is None or kind not in allowed:
        raise UploadRejected(
            _("The file's content is not one of: %(kinds)s.") % {"kinds": ", ".join(allowed)}
        )
    return kind
