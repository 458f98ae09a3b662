"""Case pages: one case and the cases offered to a receiving party, scoped and audited.

The waiting list is in `list_views`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from corridor.accounts import policy
from corridor.audit import services as audit
from corridor.cases.models import Case
from corridor.cases.page import CASE_PAGE_ROWS, case_context
from corridor.exports import record_share
from corridor.exports import render as render_export
from corridor.interop.fhir import case_bundle
from corridor.profiles import RECEIVING_HOSPITAL, receiving_queryset
from corridor.web.tables import profile_table

PAGE_SIZE = 50


@require_GET
@policy.requires(policy.CASE_VIEW)
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One case; its clinical summary only for those the policy allows, and every read audited."""
    case = policy.get_visible_or_404(
        request,
        policy.CASE_VIEW,
        CASE_PAGE_ROWS,
        reference=reference,
    )
    return render(request, "cases/detail.html", case_context(request, case))


@require_GET
@policy.requires(policy.CASE_VIEW)
def case_fhir(request: HttpRequest, reference: str) -> HttpResponse:
    """One case as a FHIR Bundle; clinical fields only for those who may read them; audited."""
    case = policy.get_visible_or_404(
        request,
        policy.CASE_VIEW,
        Case.objects.select_related("patient", "urgency", "referring_facility"),
        reference=reference,
    )
    include_clinical = policy.can_access(request.user, policy.CASE_CLINICAL, case)
    include_identity = policy.can_access(request.user, policy.CASE_IDENTITY, case)
    bundle = case_bundle(case, include_clinical=include_clinical, include_identity=include_identity)
    people = 1 + sum(
        1 for entry in bundle["entry"] if entry["resource"]["resourceType"] == "RelatedPerson"
    )
    party = getattr(request.user, "party", None)
    record_share(
        actor=request.user,
        what="fhir:case"
        + (":identity" if include_identity else "")
        + (":clinical" if include_clinical else ""),
        subject=case,
        recipient=party.code if party is not None else "",
        purpose="referral of a case to a health system (FHIR)",
        legal_basis="vital interest",
        people=people,
        fmt="fhir+json",
    )
    response = JsonResponse(
        bundle,
        content_type="application/fhir+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="case-{case.reference}-fhir.json"'
    response["Cache-Control"] = "no-store"
    return response


def _receiving_rows(request: HttpRequest, action: str) -> list[dict[str, object]]:
    cases = policy.scope(request.user, action, Case.objects.all()).order_by("reference")
    return RECEIVING_HOSPITAL.rows(receiving_queryset(cases))


@require_GET
@policy.requires(policy.RECEIVING_VIEW)
def receiving_list(request: HttpRequest) -> HttpResponse:
    """Cases offered to the liaison's party, in the receiving hospital profile, a page at a time.

    Each case shown is a read of its clinical summary, audited one by one.
    """
    cases = policy.scope(request.user, policy.RECEIVING_VIEW, Case.objects.all()).order_by(
        "reference"
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(receiving_queryset(Case.objects.filter(pk__in=[c.pk for c in page])))
    shown.sort(key=lambda case: case.reference)
    with transaction.atomic():
        for case in shown:
            audit.record(
                "case.clinical_read", case, actor=request.user, data={"via": "receiving profile"}
            )
    table = profile_table(RECEIVING_HOSPITAL, RECEIVING_HOSPITAL.rows(shown))
    context = {"table": table, "count": page.paginator.count, "page": page}
    return render(request, "cases/receiving.html", context)


@require_GET
@policy.requires(policy.RECEIVING_EXPORT)
def receiving_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The receiving profile as a file, audited as shared with the liaison's party."""
    rows = _receiving_rows(request, policy.RECEIVING_EXPORT)
    response = render_export(
        rows, RECEIVING_HOSPITAL.keys, fmt, "offered-cases", headers=RECEIVING_HOSPITAL.headers
    )
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
