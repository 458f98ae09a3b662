"""Case pages: one case and the cases offered to a receiving party, scoped and audited.

The waiting list is in `list_views`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from corridor.accounts import policy
from corridor.audit import services as audit
from corridor.cases import documents
from corridor.cases.models import Case, CaseDocument
from corridor.cases.page import CASE_PAGE_ROWS, case_context
from corridor.exceptions import DomainError
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


@require_GET
@policy.requires(policy.CASE_CLINICAL)
def document_download(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """One document of the case, as a download; each read audited like the clinical summary.

    A receiving liaison gets the medical kinds only; withdrawn documents are gone (404).
    """
    case = policy.get_visible_or_404(
        request, policy.CASE_CLINICAL, Case.objects.only("pk", "reference"), reference=reference
    )
    document = (
        CaseDocument.objects.current()
        .filter(case=case, pk=document_id, kind__in=documents.visible_kinds(request.user, case))
        .first()
    )
    if document is None:
        policy.record_refusal(
            request.user, policy.CASE_CLINICAL, request.path, "document out of scope or absent"
        )
        raise Http404(_("Not found."))
    document.case = case
    try:
        data = documents.read_document(document, actor=request.user)
    except DomainError as exc:
        return HttpResponse(str(exc), status=410, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{documents.download_name(document)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
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
