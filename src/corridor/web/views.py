"""The signed-in landing page and the health check."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from corridor import clock
from corridor.accounts import policy
from corridor.accounts.models import Role, User
from corridor.cases.models import ClinicalCategory
from corridor.crossings.models import Direction, MovementOutcome
from corridor.exceptions import DomainError
from corridor.exports import record_share
from corridor.exports import render as render_export
from corridor.i18n import local_name
from corridor.interop.hxl import share_hxl
from corridor.profiles import analyst_tables, suppress_counts, suppress_total
from corridor.returns.models import ReturnStatus
from corridor.scenarios.status import returns_summary, waiting_by_urgency
from corridor.web.reports import TABLES as REPORT_PAGE_TABLES
from corridor.web.reports import PeriodForm, gather, report_table, report_tables
from corridor.web.today import today_page


@require_GET
@policy.requires(policy.SITUATION_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    """Today: each crossing's day, today's and tomorrow's batches, what went wrong, the backlog."""
    user = request.user
    assert isinstance(user, User)
    roles = sorted(str(label) for value, label in Role.choices if value in user.role_codes)
    figures = {"waiting_by_urgency": waiting_by_urgency()}
    figures["waiting_total"] = sum(row["count"] for row in figures["waiting_by_urgency"])
    if policy.allows(user, policy.RETURN_VIEW) or policy.allows(user, policy.AGGREGATES_VIEW):
        figures["returns_by_status"] = returns_summary()[0]
    if not policy.allows(user, policy.SITUATION_DETAIL):
        parts = [row["count"] for row in figures["waiting_by_urgency"]]
        figures = suppress_counts(figures, settings.CORRIDOR_SMALL_CELL)
        # Withheld beside a hidden urgency: the total less the others would give it away.
        figures["waiting_total"] = suppress_total(parts, settings.CORRIDOR_SMALL_CELL)
    context = {
        **today_page(user),
        "situation": figures,
        "roles": roles,
        "party_name": local_name(user.party),
        "small_cell": None
        if policy.allows(user, policy.SITUATION_DETAIL)
        else settings.CORRIDOR_SMALL_CELL,
    }
    template = "web/_today.html" if request.headers.get("HX-Request") else "web/home.html"
    return render(request, template, context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


REPORT_TABLES = [
    ("waiting_by_urgency", ["urgency"]),
    ("waiting_by_category", ["clinical_category"]),
    ("waiting_by_urgency_and_category", ["urgency", "clinical_category"]),
    ("movements_by_day", ["date", "direction", "outcome"]),
    ("deaths_while_waiting_by_urgency", ["urgency"]),
    ("returns_by_status", ["status"]),
]
REPORT_TITLES = {
    "waiting_by_urgency": _("Waiting cases by urgency"),
    "waiting_by_category": _("Waiting cases by clinical category"),
    "waiting_by_urgency_and_category": _("Waiting cases by urgency and clinical category"),
    "movements_by_day": _("Movements by day, direction and outcome"),
    "deaths_while_waiting_by_urgency": _("Deaths while waiting, by urgency"),
    "returns_by_status": _("Return registrations by status"),
}
COLUMN_LABELS = {
    "urgency": _("Urgency"),
    "clinical_category": _("Clinical category"),
    "date": _("Date"),
    "direction": _("Direction"),
    "outcome": _("Outcome"),
    "status": _("Status"),
}
# Codes in the cells, shown by their label in the reader's language.
VALUE_LABELS = {
    "clinical_category": dict(ClinicalCategory.choices),
    "direction": dict(Direction.choices),
    "outcome": dict(MovementOutcome.choices),
    "status": dict(ReturnStatus.choices),
}


# The public aggregates listed below the charts (the other public tables are charts there).
PUBLIC_ON_PAGE = ("waiting_by_category", "waiting_by_urgency_and_category", "returns_by_status")


def _report_threshold(user: Any) -> int | None:
    """Exact counts for roles that see operational detail; small cells hidden from the others."""
    return None if policy.allows(user, policy.SITUATION_DETAIL) else settings.CORRIDOR_SMALL_CELL


@require_GET
@policy.requires(policy.AGGREGATES_VIEW)
def reports(request: HttpRequest) -> HttpResponse:
    """The day and a period in figures and charts, each with its table and file."""
    threshold = _report_threshold(request.user)
    form = PeriodForm(request.GET, clock.today(), weeks=threshold is not None)
    context: dict[str, Any] = {
        "form": form,
        "threshold": settings.CORRIDOR_SMALL_CELL,
        "suppressed": threshold is not None,
    }
    if not form.is_valid():
        return render(request, "web/reports.html", context, status=400)
    period = form.period
    public = analyst_tables(settings.CORRIDOR_SMALL_CELL)
    context["period"] = period
    context["query"] = urlencode(period.query())
    context["tables"] = report_tables(
        gather(period, clock.today()), threshold=threshold, rtl=get_language_bidi()
    )
    context["sections"] = [
        {
            "name": name,
            "title": REPORT_TITLES[name],
            "headers": [COLUMN_LABELS[k] for k in keys],
            "rows": [
                [VALUE_LABELS.get(k, {}).get(row[k], row[k]) for k in keys] + [row["count"]]
                for row in public[name]
            ],
        }
        for name, keys in REPORT_TABLES
        if name in PUBLIC_ON_PAGE
    ]
    return render(request, "web/reports.html", context)


def _export_report_table(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One table of the reports page for the period asked, as the reader sees it; audited."""
    threshold = _report_threshold(request.user)
    form = PeriodForm(request.GET, clock.today(), weeks=threshold is not None)
    if not form.is_valid():
        raise DomainError(
            _("The period is not valid. %(errors)s") % {"errors": form.error_summary()}
        )
    period = form.period
    table = report_table(gather(period, clock.today()), name, threshold=threshold)
    filename = f"{name.replace('_', '-')}-{period.start.isoformat()}-{period.end.isoformat()}"
    response = render_export(table.rows, table.keys, fmt, filename, headers=table.headers)
    record_share(
        actor=request.user,
        what=f"aggregates:{name}",
        subject=None,
        recipient="public" if threshold else "internal",
        purpose=f"reporting aggregates, {period.start.isoformat()} to {period.end.isoformat()}"
        + ("" if threshold else ", exact counts"),
        legal_basis="public interest",
        people=0,
        fmt=fmt,
    )
    return response


@require_GET
@policy.requires(policy.AGGREGATES_EXPORT)
def report_export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One aggregate table as a file; aggregates are exported, and audited, never rows."""
    if name in REPORT_PAGE_TABLES:
        return _export_report_table(request, name, fmt)
    keys = dict(REPORT_TABLES).get(name)
    if keys is None:
        raise Http404
    tables = analyst_tables(settings.CORRIDOR_SMALL_CELL)
    rows = tables[name]
    response = render_export(rows, [*keys, "count"], fmt, name.replace("_", "-"))
    record_share(
        actor=request.user,
        what=f"aggregates:{name}",
        subject=None,
        recipient="public",
        purpose="reporting aggregates",
        legal_basis="public interest",
        people=0,
        fmt=fmt,
    )
    return response


@require_GET
@policy.requires(policy.AGGREGATES_EXPORT)
def report_hxl(request: HttpRequest) -> HttpResponse:
    """All public aggregates as one HXL CSV, small cells suppressed; audited as shared."""
    return share_hxl(actor=request.user)
