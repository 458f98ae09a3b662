"""Imports on the web: upload a list, review its dry run, then decide; and the past imports.

A coordinator imports cases, a returns officer returnees (registered with their own party). The
file waits encrypted between the dry run and the decision (`corridor.interop.pending`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from corridor.accounts import policy
from corridor.exceptions import DomainError
from corridor.interop import pending as waiting
from corridor.interop.forms import ColumnsForm, DecisionForm, UploadForm
from corridor.interop.intake import column_choices, import_as, known_sources, read_upload
from corridor.interop.models import ImportChannel, ImportRun
from corridor.interop.readers import Table
from corridor.interop.report import COUNT_LABELS, rejected_csv
from corridor.interop.services import ImportReport
from corridor.returns.models import ReturnStatus
from corridor.web.tables import Table as PageTable

KIND_ACTIONS = {"cases": policy.CASES_IMPORT, "returns": policy.RETURNS_IMPORT}
KIND_TITLES = {"cases": gettext_lazy("Import cases"), "returns": gettext_lazy("Import returnees")}
MAX_SHOWN = 200  # rows of each list on a page; the file of rejected rows has them all


def _issue_table(issues: list[dict[str, Any]]) -> PageTable:
    rows = [[issue["row"], issue["column"], issue["problem"]] for issue in issues[:MAX_SHOWN]]
    return PageTable(
        headers=[_("Row"), _("Column"), _("Problem")], rows=rows, links=[None] * len(rows)
    )


def _duplicate_table(duplicates: list[dict[str, Any]]) -> PageTable:
    rows = []
    for duplicate in duplicates[:MAX_SHOWN]:
        if duplicate["person_id"] is not None:
            same = _("person #%(id)s in Corridor") % {"id": duplicate["person_id"]}
        else:
            same = _("row %(row)s of this file") % {"row": duplicate["same_as_row"]}
        rows.append([duplicate["row"], same, duplicate["reason"], duplicate["note"]])
    return PageTable(
        headers=[_("Row"), _("Same person as"), _("Why"), _("Note")],
        rows=rows,
        links=[None] * len(rows),
    )


def report_context(details: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    """What the report partial shows: the counts, then each list as a table (capped)."""
    statuses = dict(ReturnStatus.choices)
    return {
        "counts": [(COUNT_LABELS[name], count) for name, count in counts.items()],
        "eligibility": [
            (statuses.get(status, status), count)
            for status, count in details.get("eligibility", {}).items()
        ],
        "ignored_columns": details.get("ignored_columns", []),
        "errors": _issue_table(details.get("errors", [])),
        "error_count": len(details.get("errors", [])),
        "warnings": _issue_table(details.get("warnings", [])),
        "warning_count": len(details.get("warnings", [])),
        "duplicates": _duplicate_table(details.get("duplicates", [])),
        "duplicate_count": len(details.get("duplicates", [])),
        "max_shown": MAX_SHOWN,
    }


@require_GET
@policy.requires(policy.IMPORT_VIEW)
def import_list(request: HttpRequest) -> HttpResponse:
    """The past imports the user may see, newest first, and the imports they may start."""
    runs = policy.scope(request.user, policy.IMPORT_VIEW, ImportRun.objects.all())
    page = Paginator(runs.select_related("imported_by"), 50).get_page(request.GET.get("page"))
    rows = [
        [
            # Isolated left to right, so that a right-to-left page keeps the date and time whole.
            "\u2066" + timezone.localtime(run.imported_at).strftime("%Y-%m-%d %H:%M") + "\u2069",
            run.get_kind_display(),
            run.file_name,
            run.source,
            run.imported_by.get_username() if run.imported_by else run.get_channel_display(),
            run.counts.get("created", 0),
            run.counts.get("linked", 0),
            run.counts.get("rejected", 0),
        ]
        for run in page
    ]
    table = PageTable(
        headers=[
            _("Imported at"),
            _("List"),
            _("File"),
            _("Sent by"),
            _("Imported by"),
            COUNT_LABELS["created"],
            COUNT_LABELS["linked"],
            COUNT_LABELS["rejected"],
        ],
        rows=rows,
        links=[reverse("interop:import", args=[run.pk]) for run in page],
    )
    starts = [
        (reverse(f"interop:upload_{kind}"), KIND_TITLES[kind])
        for kind, action in KIND_ACTIONS.items()
        if policy.allows(request.user, action)
    ]
    return render(request, "interop/imports.html", {"table": table, "page": page, "starts": starts})


@require_GET
@policy.requires(policy.IMPORT_VIEW)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One past import: who, which file, and its report as the dry run showed it."""
    run = policy.get_visible_or_404(
        request, policy.IMPORT_VIEW, ImportRun.objects.select_related("imported_by"), pk=pk
    )
    rejected_url = None
    token = request.GET.get("rejected", "")
    if token:
        try:
            kept = waiting.load(request.user, token, run.kind)
        except waiting.PendingImportGone:
            kept = None
        if kept is not None and kept.content == waiting.REJECTED:
            rejected_url = reverse(f"interop:rejected_{run.kind}", args=[token])
    context = {
        "run": run,
        "rejected_url": rejected_url,
        **report_context(run.report, run.counts),
    }
    return render(request, "interop/run.html", context)


def _upload(request: HttpRequest, kind: str) -> HttpResponse:
    sources = known_sources(kind)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            read_upload(data)  # a file that cannot be read is refused now, not kept
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            kept = waiting.keep(
                request.user, kind, upload.name or "", form.cleaned_data["source"], data
            )
            return redirect(reverse(f"interop:preview_{kind}", args=[kept.token]))
    context = {"form": form, "kind": kind, "title": KIND_TITLES[kind], "sources": sources}
    return render(request, "interop/upload.html", context)


def _load(request: HttpRequest, kind: str, token: str) -> waiting.PendingImport | None:
    try:
        return waiting.load(request.user, token, kind)
    except waiting.PendingImportGone as exc:
        messages.error(request, str(exc))
        return None


def _decide(
    request: HttpRequest, kept: waiting.PendingImport, table: Table, decision: str
) -> tuple[HttpResponse | None, str]:
    """Carry out the user's decision: a redirect when done, or the message saying why not."""
    kind = kept.kind
    if decision == DecisionForm.DISCARD:
        waiting.discard(kept.token)
        messages.info(request, _("The file was discarded; nothing was imported."))
        return redirect(reverse(f"interop:upload_{kind}")), ""
    try:
        # Taken first, so that a double click or a decision sent twice imports the file once.
        waiting.claim(kept)
    except waiting.PendingImportGone as exc:
        messages.error(request, str(exc))
        return redirect(reverse("interop:imports")), ""
    imported = False
    try:
        report = import_as(
            request.user,
            kind,
            table,
            file_name=kept.file_name,
            source=kept.source,
            columns=kept.columns,
            dry_run=False,
            keep_valid=decision == DecisionForm.KEEP_VALID,
            channel=ImportChannel.WEB,
        )
        imported = report.written
    except DomainError as exc:
        return None, str(exc)
    finally:
        if not imported:
            waiting.release(kept)  # nothing was written: the file waits for a decision again
    if not report.written:
        return None, _(
            "%(count)s rows were rejected, so nothing was imported. Import only the valid rows, "
            "or correct the file and upload it again."
        ) % {"count": len(report.rejected_rows)}
    waiting.discard_claimed(kept.token)
    url = reverse("interop:import", args=[report.run_id])
    if report.rejected_rows:
        # The file itself goes; only its rejected rows stay a while, for the user to download.
        kept.content = waiting.REJECTED
        kept.data = rejected_csv(table.headers, report).encode("utf-8")
        waiting.save(kept)
        url += f"?rejected={kept.token}"
    counts = report.counts()
    messages.success(
        request,
        _("Imported: %(created)s created, %(linked)s linked to people already known.")
        % {"created": counts["created"], "linked": counts["linked"]},
    )
    return redirect(url), ""


def _preview(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    kept = _load(request, kind, token)
    if kept is None or kept.content != waiting.UPLOAD:
        if kept is not None:
            messages.error(request, _("This file has been imported already."))
        return redirect(reverse(f"interop:upload_{kind}"))
    error = ""
    table = read_upload(kept.data)
    choices = column_choices(kind, table.headers, source=kept.source, columns=kept.columns)
    columns = ColumnsForm(
        request.POST if "recheck" in request.POST else None,
        kind=kind,
        headers=table.headers,
        chosen=choices,
    )
    if request.method == "POST" and "recheck" in request.POST:
        if columns.is_valid():
            kept.columns = columns.choices()
            waiting.save(kept)
            return redirect(request.path)
    elif request.method == "POST":
        decision = DecisionForm(request.POST)
        if not decision.is_valid():
            error = _("Choose to import, to import only the valid rows, or to discard the file.")
        else:
            done, error = _decide(request, kept, table, decision.cleaned_data["decision"])
            if done is not None:
                return done
    report: ImportReport | None = None
    try:
        report = import_as(
            request.user,
            kind,
            table,
            file_name=kept.file_name,
            source=kept.source,
            columns=kept.columns,
            dry_run=True,
        )
    except DomainError as exc:
        error = error or str(exc)
    context: dict[str, Any] = {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "kept": kept,
        "report": report,
        "error": error,
        "columns": columns,
        "rejected_url": reverse(f"interop:rejected_{kind}", args=[token]),
    }
    if report is not None:
        counts = report.counts()
        context.update(report_context(report.as_json(), counts))
        context["valid_rows"] = counts["read"] - counts["rejected"]
    return render(request, "interop/preview.html", context)


def _rejected(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    kept = _load(request, kind, token)
    if kept is None:
        return redirect(reverse(f"interop:upload_{kind}"))
    if kept.content == waiting.REJECTED:
        text = kept.data.decode("utf-8")
    else:
        table = read_upload(kept.data)
        report = import_as(
            request.user,
            kind,
            table,
            file_name=kept.file_name,
            source=kept.source,
            columns=kept.columns,
            dry_run=True,
        )
        text = rejected_csv(table.headers, report)
    # A byte-order mark so spreadsheet programs read Arabic as UTF-8.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-rejected-rows.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _views_for(kind: str) -> tuple[Callable[..., HttpResponse], ...]:
    """The upload, preview and rejected-rows views of one kind, under its policy action."""
    action = policy.requires(KIND_ACTIONS[kind])

    @require_http_methods(["GET", "POST"])
    @action
    def upload(request: HttpRequest) -> HttpResponse:
        """Choose a file and its sender; a dry run follows."""
        return _upload(request, kind)

    @require_http_methods(["GET", "POST"])
    @action
    def preview(request: HttpRequest, token: str) -> HttpResponse:
        """The dry run of a waiting file, its columns' meaning, and the user's decision."""
        return _preview(request, kind, token)

    @require_GET
    @action
    def rejected(request: HttpRequest, token: str) -> HttpResponse:
        """The rejected rows of a waiting (or just imported) file, with their reasons, as CSV."""
        return _rejected(request, kind, token)

    for view, name in ((upload, "upload"), (preview, "preview"), (rejected, "rejected")):
        view.__name__ = view.__qualname__ = f"{name}_{kind}"
    return upload, preview, rejected


upload_cases, preview_cases, rejected_cases = _views_for("cases")
upload_returns, preview_returns, rejected_returns = _views_for("returns")
