"""Case pages: the list and one case, scoped and audited by the permission policy."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from corridor.accounts import policy
from corridor.audit import services as audit
from corridor.cases.models import Case
from corridor.exports import record_share
from corridor.exports import render as render_export
from corridor.i18n import local_name
from corridor.profiles import RECEIVING_HOSPITAL, receiving_queryset
from corridor.web.tables import profile_table

PAGE_SIZE = 50


@require_GET
@policy.requires(policy.CASE_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see: reference, category, urgency, status; no clinical text."""
    cases = policy.scope(request.user, policy.CASE_VIEW, Case.objects.all())
    cases = cases.select_related("urgency", "referring_facility").order_by(
        "urgency__rank", "referral_date", "pk"
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/list.html", {"page": page})


@require_GET
@policy.requires(policy.CASE_VIEW)
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One case; its clinical summary only for those the policy allows, and every read audited."""
    case = policy.get_visible_or_404(
        request,
        policy.CASE_VIEW,
        Case.objects.select_related("patient", "urgency", "referring_facility"),
        reference=reference,
    )
    show_clinical = policy.can_access(request.user, policy.CASE_CLINICAL, case)
    if show_clinical:
        grant = policy.active_grant(request.user, policy.CASE_CLINICAL, case)
        with transaction.atomic():
            audit.record(
                "case.clinical_read",
                case,
                actor=request.user,
                data={
                    "via": "break_glass" if grant else "role",
                    "grant": grant.pk if grant else None,
                },
            )
    context = {
        "case": case,
        "facility": local_name(case.referring_facility),
        "urgency": local_name(case.urgency),
        "show_clinical": show_clinical,
        "may_break_glass": not show_clinical
        and policy.may_break_glass(request.user, policy.CASE_CLINICAL),
        "break_glass_url": reverse("accounts:break_glass", args=["case", case.pk]),
    }
    return render(request, "cases/detail.html", context)


def _receiving_rows(request: HttpRequest, action: str) -> list[dict[str, object]]:
    cases = policy.scope(request.user, action, Case.objects.all()).order_by("reference")
    return RECEIVING_HOSPITAL.rows(receiving_queryset(cases))


@require_GET
@policy.requires(policy.RECEIVING_VIEW)
def receiving_list(request: HttpRequest) -> HttpResponse:
    """Cases offered to the liaison's party, in the receiving hospital profile."""
    rows = _receiving_rows(request, policy.RECEIVING_VIEW)
    with transaction.atomic():
        audit.record(
            "case.clinical_read",
            None,
            actor=request.user,
            data={"via": "receiving profile", "cases": len(rows)},
        )
    table = profile_table(RECEIVING_HOSPITAL, rows)
    return render(request, "cases/receiving.html", {"table": table, "count": len(rows)})


@require_GET
@policy.requires(policy.RECEIVING_EXPORT)
def receiving_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The receiving profile as a file, audited as shared with the liaison's party."""
    rows = _receiving_rows(request, policy.RECEIVING_EXPORT)
    response = render_export(rows, RECEIVING_HOSPITAL.keys, fmt, "offered-cases")
    record_share(
        actor=request.user,
        what=RECEIVING_HOSPITAL.name,
        subject=None,
        recipient=getattr(getattr(request.user, "party", None), "code", ""),
        purpose=RECEIVING_HOSPITAL.purpose,
        legal_basis="vital interest",
        people=len(rows),
        fmt=fmt,
    )
    return response
