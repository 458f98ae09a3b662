"""Breaking the glass: a form that states the reason, then the record opens for a while."""

from __future__ import annotations

from django import forms
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from corridor.accounts import policy
from corridor.accounts.break_glass import MINIMUM_REASON_LENGTH, break_glass
from corridor.cases.models import Case
from corridor.crossings.models import Incident
from corridor.exceptions import DomainError

# kind in the URL -> (model, action it opens, where to go once open)
BREAKABLE: dict[str, tuple[type[models.Model], str, str]] = {
    "case": (Case, policy.CASE_CLINICAL, "cases:detail"),
    "incident": (Incident, policy.INCIDENT_VIEW, "crossings:incident"),
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        min_length=MINIMUM_REASON_LENGTH,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.BREAK_GLASS_REQUEST)
def break_glass_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Ask for time-limited access to one record; the reason is audited and reviewed."""
    if kind not in BREAKABLE:
        raise Http404
    model, action, target = BREAKABLE[kind]
    if not policy.may_break_glass(request.user, action):
        policy.record_refusal(request.user, action, request.path, "break glass not allowed")
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    form = ReasonForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            break_glass(request.user, action, obj, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except DomainError as exc:
            error = str(exc)
        else:
            key = obj.reference if isinstance(obj, Case) else obj.pk
            return redirect(reverse(target, args=[key]))
    return render(
        request, "accounts/break_glass.html", {"form": form, "kind": kind, "error": error}
    )
