"""The views of the case page's actions: each checks its form and calls one service.

A refused transition comes back to the page with its reason: 409 for a transition the case's
state does not allow, 400 for bad input. With htmx the actions, summary, people, offers and
timeline sections are redrawn; without it the page is shown again, or redirected to on success.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corridor.accounts import policy
from corridor.cases import documents, forms, services
from corridor.cases.actions import ANSWERS, SPECS
from corridor.cases.models import Case, CaseDocument, DestinationOffer
from corridor.cases.page import (
    CASE_PAGE_ROWS,
    DOCUMENT_FORM,
    WITHDRAW_DOCUMENT_FORM,
    case_context,
)
from corridor.exceptions import DomainError, TransitionNotAllowed


def _case(request: HttpRequest, action: str, reference: str) -> Case:
    return policy.get_visible_or_404(request, action, CASE_PAGE_ROWS, reference=reference)


def _away(request: HttpRequest) -> str:
    """Where to go when the user may no longer see the case after their action."""
    if policy.allows(request.user, policy.RECEIVING_VIEW):
        return reverse("cases:receiving")
    return reverse("cases:list")


def _respond(
    request: HttpRequest,
    case: Case,
    name: str,
    *,
    form: Form | None = None,
    error: str = "",
    status: int = 200,
    done: str = "",
) -> HttpResponse:
    htmx = bool(request.headers.get("HX-Request"))
    if status == 200:
        case = CASE_PAGE_ROWS.get(pk=case.pk)
        if not policy.can_access(request.user, policy.CASE_VIEW, case):
            messages.success(request, done)
            response = HttpResponse(status=204 if htmx else 302)
            response["HX-Redirect" if htmx else "Location"] = _away(request)
            return response
        if not htmx:
            messages.success(request, done)
            return redirect("cases:detail", case.reference)
    bound = {name: form} if form is not None else None
    context = case_context(
        request,
        case,
        bound=bound,
        error=(name, error) if error else None,
        done=done,
        read_clinical=not htmx,
    )
    template = "cases/_after_action.html" if htmx else "cases/detail.html"
    return render(request, template, context, status=status)


def _perform(
    request: HttpRequest,
    case: Case,
    name: str,
    form: forms.CaseActionForm,
    service: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Check the form, call the service; put a refusal back on the page with its reason."""
    if not form.is_valid():
        return _respond(
            request,
            case,
            name,
            form=form,
            error=_("Check the fields of this form."),
            status=400,
        )
    try:
        service(form.cleaned_data)
    except DomainError as exc:
        status = 409 if isinstance(exc, TransitionNotAllowed) else 400
        return _respond(request, case, name, form=form, error=str(exc), status=status)
    return _respond(request, case, name, done=done)


@require_POST
@policy.requires(policy.CASE_URGENCY)
def change_urgency(request: HttpRequest, reference: str) -> HttpResponse:
    """Change the case's urgency tier with a reason."""
    case = _case(request, policy.CASE_URGENCY, reference)
    form = forms.UrgencyForm(request.POST, case=case, prefix="urgency")
    return _perform(
        request,
        case,
        "urgency",
        form,
        lambda data: services.set_urgency(
            case, data["tier"], actor=request.user, reason=data["reason"]
        ),
        _("The urgency of case %(ref)s was changed.") % {"ref": case.reference},
    )


REVIEW_DECISIONS = {"start": "start_review", "approve": "approve", "reject": "reject"}


@require_POST
@policy.requires(policy.CASE_REVIEW)
def review(request: HttpRequest, reference: str, decision: str) -> HttpResponse:
    """Start the review of a case, approve it (Form No. 1) or record that it is not approved."""
    if decision not in REVIEW_DECISIONS:
        raise Http404(_("Not found."))
    case = _case(request, policy.CASE_REVIEW, reference)
    name = REVIEW_DECISIONS[decision]
    form = SPECS[name].form(request.POST, case=case, prefix=name)
    user = request.user
    calls: dict[str, Callable[[dict[str, Any]], object]] = {
        "start": lambda data: services.start_review(case, actor=user),
        "approve": lambda data: services.approve_case(case, actor=user, urgency=data["urgency"]),
        "reject": lambda data: services.reject_case(case, actor=user, reason=data["reason"]),
    }
    done = {
        "start": _("The review of case %(ref)s has started."),
        "approve": _("Case %(ref)s was approved (Form No. 1)."),
        "reject": _("Case %(ref)s was recorded as not approved."),
    }[decision] % {"ref": case.reference}
    return _perform(request, case, name, form, calls[decision], done)


@require_POST
@policy.requires(policy.CASE_MANAGE)
def offer(request: HttpRequest, reference: str) -> HttpResponse:
    """Offer the case to a receiving party."""
    case = _case(request, policy.CASE_MANAGE, reference)
    form = forms.OfferForm(request.POST, case=case, prefix="offer")
    return _perform(
        request,
        case,
        "offer",
        form,
        lambda data: services.offer_case(case, data["party"], actor=request.user),
        _("Case %(ref)s was offered.") % {"ref": case.reference},
    )


@require_POST
@policy.requires(policy.CASE_MANAGE)
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """Withdraw the case, releasing any batch places."""
    case = _case(request, policy.CASE_MANAGE, reference)
    form = forms.WithdrawForm(request.POST, case=case, prefix="withdraw")
    return _perform(
        request,
        case,
        "withdraw",
        form,
        lambda data: services.withdraw_case(case, actor=request.user, reason=data["reason"]),
        _("Case %(ref)s was withdrawn.") % {"ref": case.reference},
    )


@require_POST
@policy.requires(policy.CASE_MANAGE)
def death(request: HttpRequest, reference: str) -> HttpResponse:
    """Record that the patient died while waiting."""
    case = _case(request, policy.CASE_MANAGE, reference)
    form = forms.DeathForm(request.POST, case=case, prefix="death")
    return _perform(
        request,
        case,
        "death",
        form,
        lambda data: services.record_death(case, actor=request.user, on=data["on"]),
        _("The death of the patient of case %(ref)s was recorded.") % {"ref": case.reference},
    )


@require_POST
@policy.requires(policy.OFFER_ANSWER)
def answer(request: HttpRequest, reference: str, offer_id: int, decision: str) -> HttpResponse:
    """The liaison's party accepts or declines the case offered to it."""
    if decision not in ANSWERS:
        raise Http404(_("Not found."))
    case = _case(request, policy.CASE_VIEW, reference)
    the_offer = policy.get_visible_or_404(
        request,
        policy.OFFER_ANSWER,
        DestinationOffer.objects.filter(case=case).select_related("receiving_party"),
        pk=offer_id,
    )
    name = f"{decision}-{the_offer.pk}"
    form_class = ANSWERS[decision][1]
    form = form_class(request.POST, case=case, prefix=name)
    user = request.user
    if decision == "accept":
        call: Callable[[dict[str, Any]], object] = lambda data: services.accept_offer(  # noqa: E731
            the_offer, actor=user, available_from=data["available_from"]
        )
        done = _("Your party accepted case %(ref)s.")
    else:
        call = lambda data: services.decline_offer(  # noqa: E731
            the_offer, actor=user, reason=data["reason"]
        )
        done = _("Your party declined case %(ref)s.")
    return _perform(request, case, name, form, call, done % {"ref": case.reference})


@require_POST
@policy.requires(policy.CASE_DOCUMENT_ATTACH)
def attach_document(request: HttpRequest, reference: str) -> HttpResponse:
    """Attach a file (PDF, JPEG or PNG) to the case, with its kind and a short title."""
    case = _case(request, policy.CASE_DOCUMENT_ATTACH, reference)
    form = forms.DocumentForm(request.POST, request.FILES, case=case, prefix=DOCUMENT_FORM)

    def attach(data: dict[str, Any]) -> object:
        data["file"].seek(0)
        return documents.attach_document(
            case,
            kind=data["kind"],
            title=data["title"],
            data=data["file"].read(),
            actor=request.user,
        )

    return _perform(
        request,
        case,
        DOCUMENT_FORM,
        form,
        attach,
        _("The document was attached to case %(ref)s.") % {"ref": case.reference},
    )


@require_POST
@policy.requires(policy.CASE_DOCUMENT_ATTACH)
def withdraw_document(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """Withdraw a document from the case with a reason; it is hidden, not deleted."""
    case = _case(request, policy.CASE_DOCUMENT_ATTACH, reference)
    document = CaseDocument.objects.current().filter(case=case, pk=document_id).first()
    if document is None:
        policy.record_refusal(
            request.user, policy.CASE_DOCUMENT_ATTACH, request.path, "no such document"
        )
        raise Http404(_("Not found."))
    name = WITHDRAW_DOCUMENT_FORM % document.pk
    form = forms.WithdrawDocumentForm(request.POST, case=case, prefix=name)
    return _perform(
        request,
        case,
        name,
        form,
        lambda data: documents.withdraw_document(
            document, actor=request.user, reason=data["reason"]
        ),
        _("The document was withdrawn from case %(ref)s.") % {"ref": case.reference},
    )
