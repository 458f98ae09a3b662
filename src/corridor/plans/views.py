"""The plan pages: proposals, one plan day by day with its changes, and the coordinator's actions.

Planning takes a second or two on a full waiting list, so running it is a plain POST; htmx shows
"planning..." meanwhile and follows the redirect. A refused action shows the service's reason.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from corridor.accounts import policy
from corridor.exceptions import DomainError, TransitionNotAllowed
from corridor.plans import services
from corridor.plans.forms import HoldBackForm, NewPlanForm
from corridor.plans.models import PlanProposal
from corridor.plans.pages import proposal_page, proposal_rows

LIST_LENGTH = 50


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """After an action: htmx follows HX-Redirect to a full page, a plain form the redirect."""
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _refusal(request: HttpRequest, errors: list[str], status: int) -> HttpResponse:
    """The reasons an action was refused, for the form's message slot (htmx)."""
    return render(request, "plans/_refusal.html", {"errors": errors}, status=status)


def _errors(form: forms.Form) -> list[str]:
    """Each field's errors in one line, naming the field."""
    return [
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
    ]


def _status(error: DomainError) -> int:
    return 409 if isinstance(error, TransitionNotAllowed) else 400


def _list_context(request: HttpRequest, form: NewPlanForm | None = None) -> dict[str, Any]:
    proposals = (
        policy.scope(request.user, policy.PLAN_VIEW, PlanProposal.objects.all())
        .defer("plan")
        .select_related("crossing", "accepted_by")
        .order_by("-created_at", "-pk")[:LIST_LENGTH]
    )
    may_plan = policy.allows(request.user, policy.PLAN_MANAGE)
    return {
        "rows": proposal_rows(list(proposals)),
        "form": (form or NewPlanForm()) if may_plan else None,
    }


@require_GET
@policy.requires(policy.PLAN_VIEW)
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The planner's proposals, latest first; re-plans waiting for a decision are flagged."""
    return render(request, "plans/list.html", _list_context(request))


@require_POST
@policy.requires(policy.PLAN_MANAGE)
def proposal_new(request: HttpRequest) -> HttpResponse:
    """Run the planner for a crossing from a day, for some days, and show the proposal."""
    form = NewPlanForm(request.POST)
    if not form.is_valid():
        if _htmx(request):
            return _refusal(request, _errors(form), 400)
        return render(request, "plans/list.html", _list_context(request, form), status=400)
    proposal = services.propose_plan(
        form.cleaned_data["crossing"],
        form.cleaned_data["first_day"],
        form.cleaned_data["days"],
        actor=request.user,
    )
    return _go(request, reverse("plans:detail", args=[proposal.pk]))


def _detail(
    request: HttpRequest, proposal: PlanProposal, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "page": proposal_page(proposal, request.user),
        "may_manage": policy.allows(request.user, policy.PLAN_MANAGE),
        "error": error,
    }
    return render(request, "plans/detail.html", context, status=status)


def _proposal(request: HttpRequest, action: str, pk: int) -> PlanProposal:
    return policy.get_visible_or_404(
        request,
        action,
        PlanProposal.objects.select_related("crossing", "accepted_by").defer("plan"),
        pk=pk,
    )


@require_GET
@policy.requires(policy.PLAN_VIEW)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal day by day, its standby lists, and what changed since the accepted plan."""
    return _detail(request, _proposal(request, policy.PLAN_VIEW, pk))


def _accepted_message(outcome: services.Accepted) -> str:
    parts = [
        ngettext(
            "Plan accepted: %(count)d case added to draft batches.",
            "Plan accepted: %(count)d cases added to draft batches.",
            len(outcome.added),
        )
        % {"count": len(outcome.added)}
    ]
    if outcome.kept:
        parts.append(
            ngettext(
                "%(count)d case was already on a batch and stays there.",
                "%(count)d cases were already on a batch and stay there.",
                len(outcome.kept),
            )
            % {"count": len(outcome.kept)}
        )
    if outcome.skipped:
        skipped = "; ".join(f"{case}: {why}" for case, why in sorted(outcome.skipped.items()))
        parts.append(_("Not added: %(cases)s.") % {"cases": skipped})
    return " ".join(parts)


@require_POST
@policy.requires(policy.PLAN_MANAGE)
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a proposal: its days become draft batches with standby lists."""
    proposal = _proposal(request, policy.PLAN_MANAGE, pk)
    try:
        outcome = services.accept_plan(proposal, actor=request.user)
    except DomainError as error:
        if _htmx(request):
            return _refusal(request, [str(error)], _status(error))
        return _detail(request, proposal, str(error), _status(error))
    level = messages.WARNING if outcome.skipped else messages.SUCCESS
    messages.add_message(request, level, _accepted_message(outcome))
    return _go(request, reverse("plans:detail", args=[proposal.pk]))


@require_POST
@policy.requires(policy.PLAN_MANAGE)
def proposal_hold_back(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a case off a day of a proposal, for a reason, and re-plan into a new proposal."""
    proposal = _proposal(request, policy.PLAN_MANAGE, pk)
    form = HoldBackForm(request.POST)
    if not form.is_valid():
        errors = _errors(form)
        if _htmx(request):
            return _refusal(request, errors, 400)
        return _detail(request, proposal, " ".join(errors), 400)
    data = form.cleaned_data
    try:
        adjusted = services.hold_back_case(
            proposal, data["case"], data["date"], reason=data["reason"], actor=request.user
        )
    except DomainError as error:
        if _htmx(request):
            return _refusal(request, [str(error)], _status(error))
        return _detail(request, proposal, str(error), _status(error))
    messages.success(
        request,
        _("Case %(case)s taken off %(date)s; plan %(new)s replaces plan %(old)s.")
        % {
            "case": data["case"],
            "date": formats.date_format(data["date"], "j F"),
            "new": adjusted.pk,
            "old": proposal.pk,
        },
    )
    return _go(request, reverse("plans:detail", args=[adjusted.pk]))
