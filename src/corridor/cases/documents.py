"""Documents attached to a case: attached, read (every read audited) and withdrawn, never deleted.

The file is checked by its content (PDF, JPEG or PNG only, bounded in size) and kept encrypted
at rest as base64 in the document's row. Audit events carry the document's kind, size and hash,
never its content or title.
"""

from __future__ import annotations

import base64
import hashlib
import io
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from corridor import clock
from corridor.accounts import policy
from corridor.audit import services as audit
from corridor.cases.models import (
    MEDICAL_DOCUMENT_KINDS,
    Case,
    CaseDocument,
    DocumentKind,
)
from corridor.exceptions import DomainError
from corridor.uploads import CONTENT_TYPES, DOCUMENT_KINDS, check_upload

# A document is read whole into memory and its row: kept well below the upload limit.
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
TITLE_MAX_LENGTH = 120
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def document_limit() -> int:
    """The largest document accepted, in bytes."""
    return min(DOCUMENT_MAX_BYTES, settings.CORRIDOR_MAX_UPLOAD_BYTES)


def check_document(stream: IO[bytes], size: int) -> str:
    """The content type of an uploaded document, or UploadRejected saying why it is refused."""
    return CONTENT_TYPES[check_upload(stream, size, DOCUMENT_KINDS, document_limit())]


def visible_kinds(user: Any, case: Case) -> frozenset[str]:
    """The kinds of the case's documents `user` may see: a receiving party, the medical ones."""
    if policy.can_access(user, policy.CASE_IDENTITY, case):
        return frozenset(DocumentKind.values)
    return MEDICAL_DOCUMENT_KINDS


def attach_document(
    case: Case, *, kind: str, title: str, data: bytes, actor: Any = None
) -> CaseDocument:
    """Attach a file to the case; the same file attached twice as the same kind is kept once."""
    if kind not in DocumentKind.values:
        raise DomainError(_("Kind: choose one of the kinds offered."))
    title = title.strip()
    if not title or len(title) > TITLE_MAX_LENGTH:
        raise DomainError(
            _("Title: give a short title of at most %(count)d characters.")
            % {"count": TITLE_MAX_LENGTH}
        )
    content_type = check_document(io.BytesIO(data), len(data))
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        locked = Case.objects.select_for_update().only("pk", "anonymised_at").get(pk=case.pk)
        if locked.anonymised_at is not None:
            raise DomainError(_("This case is anonymised: no document can be attached to it."))
        existing = (
            CaseDocument.objects.current().filter(case=locked, kind=kind, sha256=digest).first()
        )
        if existing is not None:
            return existing  # a form sent twice
        document = CaseDocument.objects.create(
            case=locked,
            kind=kind,
            title=title,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            content=base64.b64encode(data).decode("ascii"),
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            uploaded_at=clock.now(),
        )
        audit.record(
            "case.document_attached",
            locked,
            actor=actor,
            data={
                "document": document.pk,
                "kind": kind,
                "content_type": content_type,
                "size": len(data),
                "sha256": digest,
            },
        )
    return CaseDocument.objects.current().get(pk=document.pk)


def withdraw_document(document: CaseDocument, *, actor: Any = None, reason: str) -> CaseDocument:
    """Hide a document from the case, stating why; it stays stored. Withdrawing twice is a no-op."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Reason: say why the document is withdrawn."))
    with transaction.atomic():
        locked = (
            CaseDocument.objects.select_for_update()
            .defer("content")
            .select_related("case")
            .get(pk=document.pk)
        )
        if locked.withdrawn_at is not None:
            return locked
        locked.withdrawn_at = clock.now()
        locked.withdrawn_by = actor if getattr(actor, "pk", None) else None
        locked.withdrawn_reason = reason[:300]
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        audit.record(
            "case.document_withdrawn",
            locked.case,
            actor=actor,
            data={"document": locked.pk, "kind": locked.kind, "reason": locked.withdrawn_reason},
        )
    return locked


def read_document(document: CaseDocument, *, actor: Any) -> bytes:
    """The document's file, its reading audited as a read of the case's clinical data."""
    token = CaseDocument.objects.values_list("content", flat=True).get(pk=document.pk)
    if not token:
        raise DomainError(_("The content of this document was removed under the retention rules."))
    grant = policy.active_grant(actor, policy.CASE_CLINICAL, document.case)
    with transaction.atomic():
        audit.record(
            "case.document_read",
            document.case,
            actor=actor,
            data={
                "document": document.pk,
                "kind": document.kind,
                "via": "break_glass" if grant else "role",
                "grant": grant.pk if grant else None,
            },
        )
    return base64.b64decode(token)


def download_name(document: CaseDocument) -> str:
    """A file name saying what the document is, and nothing the title may hold."""
    extension = EXTENSIONS.get(document.content_type, "bin")
    return f"{document.case.reference}-{document.kind}-{document.pk}.{extension}"
