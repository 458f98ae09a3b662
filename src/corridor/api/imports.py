"""Importing lists through the API, and the past imports with their reports.

A coordinator imports cases, a returns officer returnees (registered with their own party): the
same service, checks and report as `corridor import` and the import page.

No `from __future__ import annotations` here: django-ninja reads the parameters' annotations
through `acts_under`'s wrapper, so they must be real objects, not strings.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.params.functions import Path
from pydantic import Field

from corridor.accounts import policy
from corridor.api.auth import acts_under
from corridor.api.endpoints import _page
from corridor.api.errors import ERRORS, ApiError
from corridor.api.schemas import (
    MAX_ID,
    ErrorOut,
    ImportFilters,
    ImportReportOut,
    ImportRunDetailOut,
    ImportRunPage,
)
from corridor.exceptions import DomainError
from corridor.interop.intake import import_as, read_upload
from corridor.interop.models import ImportChannel, ImportRun
from corridor.uploads import check_upload

router = Router(tags=["imports"])
PROBLEMS_NAMED = 5


class ImportOptions(Schema):
    dry_run: bool = Field(False, description="Check and report; write nothing.")
    keep_valid: bool = Field(
        False, description="Write the valid rows even if some are rejected (they are reported)."
    )
    source: str = Field(
        "",
        max_length=100,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="Who sent the file; its column mapping is saved.",
    )


def _import(
    request: HttpRequest, kind: str, upload: UploadedFile, options: ImportOptions
) -> dict[str, Any]:
    try:
        check_upload(upload, upload.size or 0)
        table = read_upload(upload.read())
        report = import_as(
            request.user,
            kind,
            table,
            file_name=upload.name or "upload",
            source=" ".join(options.source.split()),
            dry_run=options.dry_run,
            keep_valid=options.keep_valid,
            channel=ImportChannel.API,
        )
    except DomainError as exc:
        raise ApiError(400, "bad_input", str(exc)) from exc
    if not report.dry_run and not report.written:
        named = "; ".join(str(issue) for issue in report.errors[:PROBLEMS_NAMED])
        raise ApiError(
            422,
            "rows_rejected",
            _(
                "%(count)s rows rejected; nothing was written (fix them, or set keep_valid to "
                "write the valid rows): %(problems)s"
            )
            % {"count": len(report.rejected_rows), "problems": named},
        )
    return report.as_json()


@router.post("/imports/cases", response={200: ImportReportOut, ERRORS: ErrorOut})
@acts_under(policy.CASES_IMPORT)
def import_cases(
    request: HttpRequest, file: File[UploadedFile], options: Form[ImportOptions]
) -> dict[str, Any]:
    """Import a list of patients (XLSX, ODS or CSV): every row or none, unless keep_valid."""
    return _import(request, "cases", file, options)


@router.post("/imports/returns", response={200: ImportReportOut, ERRORS: ErrorOut})
@acts_under(policy.RETURNS_IMPORT)
def import_returns(
    request: HttpRequest, file: File[UploadedFile], options: Form[ImportOptions]
) -> dict[str, Any]:
    """Import a list of returnees, registered with the caller's party; eligibility is decided."""
    return _import(request, "returns", file, options)


def _run(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "kind": run.kind,
        "file": run.file_name,
        "source": run.source,
        "channel": run.channel,
        "imported_at": run.imported_at,
        "imported_by": run.imported_by.get_username() if run.imported_by else None,
        "kept_valid_rows": run.kept_valid_rows,
        "counts": run.counts,
    }


@router.get("/imports", response={200: ImportRunPage, ERRORS: ErrorOut})
@acts_under(policy.IMPORT_VIEW)
def list_imports(request: HttpRequest, filters: Query[ImportFilters]) -> dict[str, Any]:
    """Past imports the caller may see (returns officers: their party's), newest first."""
    runs = policy.scope(request.user, policy.IMPORT_VIEW, ImportRun.objects.all())
    if filters.kind:
        runs = runs.filter(kind=filters.kind)
    runs = runs.select_related("imported_by").order_by("-imported_at", "-pk")
    return _page(runs, filters, _run)


@router.get("/imports/{run_id}", response={200: ImportRunDetailOut, ERRORS: ErrorOut})
@acts_under(policy.IMPORT_VIEW)
def get_import(request: HttpRequest, run_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """One past import and its report: rejected rows, warnings and duplicates by row."""
    run = policy.get_visible_or_404(
        request, policy.IMPORT_VIEW, ImportRun.objects.select_related("imported_by"), pk=run_id
    )
    return {**_run(run), **run.report}
