"""The waiting list page and its export: filters in the address, a page of rows, audited files."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from corridor.accounts import policy
from corridor.cases import waiting_list
from corridor.exceptions import DomainError
from corridor.exports import record_share
from corridor.exports import render as render_export
from corridor.profiles import WAITING_LIST

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


def _form(request: HttpRequest) -> waiting_list.WaitingListFilter:
    return waiting_list.WaitingListFilter(
        request.GET or None,
        tiers=waiting_list.tiers(),
        names=policy.allows(request.user, policy.CASE_IDENTITY),
        outcomes=waiting_list.shows_outcomes(request.user),
    )


@require_GET
@policy.requires(policy.CASE_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    """The waiting list: filters, a search by name, ID number or reference, a page of cases."""
    form = _form(request)
    selection = waiting_list.waiting_cases(request.user, form)
    page, rows = waiting_list.waiting_page(
        request.user, selection, request.GET.get("page"), PAGE_SIZE
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "search": selection.search,
        "show_names": policy.allows(request.user, policy.CASE_IDENTITY),
        "show_outcomes": waiting_list.shows_outcomes(request.user),
        "may_export": policy.allows(request.user, policy.CASE_EXPORT),
        "may_see_batches": policy.allows(request.user, policy.BATCH_VIEW),
        "page_query": waiting_list.query_without_page(request.GET),
        "few_matches": waiting_list.FEW_MATCHES,
        "filters_open": bool(form.errors)
        or any(request.GET.get(name) for name in form.fields if name not in ("q", "sort")),
    }
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "cases/_waiting_results.html" if partial else "cases/list.html"
    response = render(request, template, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@policy.requires(policy.CASE_EXPORT)
def case_list_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered waiting list as a file, in the waiting list profile, audited as shared.

    The file carries names, so it holds the selected cases whose identity the user may see.
    """
    if fmt not in EXPORT_FORMATS:
        raise DomainError(
            _("Unknown export format %(fmt)r; use one of: %(formats)s.")
            % {"fmt": fmt, "formats": ", ".join(EXPORT_FORMATS)}
        )
    form = _form(request)
    if form.is_bound and not form.is_valid():
        raise DomainError(
            " ".join(
                f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
                if name in form.fields
                else " ".join(str(e) for e in errors)
                for name, errors in form.errors.items()
            )
        )
    selection = waiting_list.waiting_cases(request.user, form)
    cases = policy.scope(
        request.user,
        policy.CASE_IDENTITY,
        policy.scope(request.user, policy.CASE_EXPORT, selection.cases),
    )
    rows = WAITING_LIST.rows(waiting_list.rows_in_chunks(request.user, cases))
    response = render_export(
        rows, WAITING_LIST.keys, fmt, "waiting-list", headers=WAITING_LIST.headers
    )
    party = getattr(request.user, "party", None)
    record_share(
        actor=request.user,
        what=WAITING_LIST.name,
        subject=None,
        recipient=party.code if party is not None else "",
        purpose=WAITING_LIST.purpose,
        legal_basis="vital interest",
        people=len(rows),
        fmt=fmt,
    )
    return response
