"""The crossing log page, and the quick entry a crossing officer uses at the gate.

The officer scans a check-in code or types an ID number, sees who it is, and taps "Crossed" or
"Turned back"; the services decide, and a refusal (not cleared, a child without a cleared adult,
a batch that is not travelling) shows their reason. Everything works as plain forms; htmx only
keeps the officer on the same panel, with the log's figures refreshed.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from corridor import clock
from corridor.accounts import policy
from corridor.crossings import services
from corridor.crossings.log import crossing_log, find_traveller, todays_batches
from corridor.crossings.models import BatchMember, Crossing, CrossingDay
from corridor.exceptions import DomainError, TransitionNotAllowed
from corridor.i18n import local_name

# The longest range the log shows at once.
MAX_DAYS = 92


class LogFilter(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    crossing = forms.ModelChoiceField(
        label=gettext_lazy("Crossing"),
        queryset=Crossing.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All crossings"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["crossing"]
        assert isinstance(field, forms.ModelChoiceField)
        # Only the crossings whose days the user may see in the log.
        days = policy.scope(user, policy.MOVEMENT_VIEW, CrossingDay.objects.all())
        field.queryset = Crossing.objects.filter(pk__in=days.values("crossing_id")).order_by("code")
        field.label_from_instance = local_name  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first is None or last is None:
            return data
        if first > last:
            self.add_error("date_to", _("The end of the range is before its start."))
        elif (last - first).days >= MAX_DAYS:
            self.add_error("date_to", _("Show at most %(days)d days at once.") % {"days": MAX_DAYS})
        return data


class EntryForm(forms.Form):
    lookup = forms.CharField(label=gettext_lazy("ID number or check-in code"), max_length=80)


def _default_range() -> dict[str, Any]:
    today = clock.today()
    return {
        "date_from": today - datetime.timedelta(days=6),
        "date_to": today + datetime.timedelta(days=1),
        "crossing": None,
    }


def _range(request: HttpRequest, source: Any) -> tuple[LogFilter, dict[str, Any]]:
    """The filter of the log and its clean values (the default range if the input is bad)."""
    given = {key: source.get(key) for key in ("date_from", "date_to", "crossing")}
    # The form shows the range in force: the default one until the user picks another.
    defaults = {k: v.isoformat() for k, v in _default_range().items() if v is not None}
    form = LogFilter({**defaults, **{k: v for k, v in given.items() if v}}, user=request.user)
    if form.is_valid():
        return form, form.cleaned_data
    return form, _default_range()


def _log_context(request: HttpRequest, source: Any) -> dict[str, Any]:
    form, data = _range(request, source)
    log = crossing_log(request.user, data["date_from"], data["date_to"], data["crossing"])
    crossing = data["crossing"]
    query = {
        "date_from": data["date_from"].isoformat(),
        "date_to": data["date_to"].isoformat(),
        **({"crossing": crossing.code} if crossing else {}),
    }
    return {
        "filter": form,
        "log": log,
        "range": data,
        "query": query,
        "today": clock.today(),
        "may_record": policy.allows(request.user, policy.MOVEMENT_RECORD),
    }


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@require_GET
@policy.requires(policy.MOVEMENT_VIEW)
def log_page(request: HttpRequest) -> HttpResponse:
    """Movements per crossing day and direction: planned and actual, against quota and agreed."""
    context = _log_context(request, request.GET)
    context["entry"] = EntryForm()
    status = 400 if context["filter"].errors else 200
    if _htmx(request) and request.headers.get("HX-Target") == "log-table":
        return render(request, "crossings/_log_table.html", context, status=status)
    return render(request, "crossings/log.html", context, status=status)


def _entry_response(
    request: HttpRequest,
    *,
    member: BatchMember | None = None,
    lookup: str = "",
    error: str = "",
    notice: str = "",
    status: int = 200,
    refresh: bool = False,
) -> HttpResponse:
    """The quick entry panel (htmx) or the whole page with it (plain form)."""
    context = _log_context(request, request.POST)
    context.update(
        {
            "entry": EntryForm(initial={"lookup": lookup} if member is None and error else None),
            "member": member,
            "error": error,
            "notice": notice,
            "refresh": refresh,
            "clearance_ok": member is not None and member.cleared_to_travel,
        }
    )
    template = "crossings/_log_entry.html" if _htmx(request) else "crossings/log.html"
    return render(request, template, context, status=status)


@require_POST
@policy.requires(policy.MOVEMENT_RECORD)
def find(request: HttpRequest) -> HttpResponse:
    """The person a scanned code or a typed ID number names among today's travellers."""
    lookup = request.POST.get("lookup", "")
    try:
        member = find_traveller(request.user, lookup, clock.today())
    except DomainError as error:
        status = 400 if not lookup.strip() else 404
        return _entry_response(request, lookup=lookup, error=str(error), status=status)
    return _entry_response(request, member=member)


def _member(request: HttpRequest, pk: int) -> BatchMember:
    """A place on one of today's batches the user may mark, or 404 (audited)."""
    batch = policy.get_visible_or_404(
        request,
        policy.MOVEMENT_RECORD,
        todays_batches(request.user, clock.today()).select_related("crossing"),
        members__pk=pk,
    )
    member = BatchMember.objects.filter(pk=pk, batch=batch).select_related("person", "case").first()
    if member is None:  # pragma: no cover - the batch was found through this member
        raise Http404
    member.batch = batch
    return member


def _done(request: HttpRequest, text: str) -> HttpResponse:
    """Back to an empty entry form, ready for the next person, with the log's figures updated."""
    if _htmx(request):
        return _entry_response(request, notice=text, refresh=True)
    messages.success(request, text)
    query = _log_context(request, request.POST)["query"]
    return HttpResponseRedirect(f"{reverse('crossings:log')}?{urlencode(query)}")


def _refused(request: HttpRequest, member: BatchMember, error: DomainError) -> HttpResponse:
    member.refresh_from_db()
    status = 409 if isinstance(error, TransitionNotAllowed) else 400
    return _entry_response(request, member=member, error=str(error), status=status)


@require_POST
@policy.requires(policy.MOVEMENT_RECORD)
def mark_crossed(request: HttpRequest, pk: int) -> HttpResponse:
    """The person crossed: the service checks clearance, the day, the batch and the companions."""
    member = _member(request, pk)
    try:
        services.mark_member_crossed(member, actor=request.user)
    except DomainError as error:
        return _refused(request, member, error)
    return _done(request, _("Recorded: %(person)s crossed.") % {"person": member.person})


@require_POST
@policy.requires(policy.MOVEMENT_RECORD)
def mark_turned_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The person was turned back at the crossing, with the reason given there if any."""
    member = _member(request, pk)
    reason = request.POST.get("reason", "").strip()[:300]
    try:
        services.mark_member_turned_back(member, actor=request.user, reason=reason)
    except DomainError as error:
        return _refused(request, member, error)
    return _done(request, _("Recorded: %(person)s was turned back.") % {"person": member.person})
