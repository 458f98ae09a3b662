"""The assembly point: the printed manifest with a check-in code per person, and the check-in
screen a crossing officer scans those codes into."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from corridor import clock
from corridor.accounts import policy
from corridor.crossings import check_in as codes
from corridor.crossings import manifests, services
from corridor.crossings.models import Batch, BatchMember
from corridor.exceptions import DomainError, NotCleared
from corridor.exports import record_share
from corridor.i18n import local_name
from corridor.profiles import MANIFEST


@require_GET
@policy.requires(policy.MANIFEST_PRINT)
def manifest_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's manifest as a PDF in the reader's language, audited as shared."""
    batch = policy.get_visible_or_404(
        request,
        policy.MANIFEST_PRINT,
        Batch.objects.select_related("crossing", "assembly_point"),
        pk=pk,
    )
    lines = manifests.manifest_lines(batch)
    html = manifests.manifest_html(batch, lines, printed_by=request.user, printed_at=clock.now())
    try:
        pdf = manifests.render_pdf(html)
    except manifests.PdfUnavailable as exc:
        return render(request, "web/domain_error.html", {"message": str(exc)}, status=503)
    party = getattr(request.user, "party", None)
    record_share(
        actor=request.user,
        what=MANIFEST.name,
        subject=batch,
        recipient=party.code if party else "",
        purpose=MANIFEST.purpose,
        legal_basis="vital interest",
        people=len(lines),
        fmt="pdf",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"manifest-batch-{batch.number}-{get_language() or 'ar'}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Scan the check-in code, or type the ID number"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "class": "scan",
            }
        ),
    )
    # Set by the second button shown for a person who is not cleared to travel.
    uncleared_ok = forms.BooleanField(required=False, widget=forms.HiddenInput)


@dataclass(frozen=True)
class Result:
    """What the officer sees after a scan, in big letters."""

    kind: str  # checked_in, already, not_cleared, ended, error
    message: str
    person: dict[str, Any] | None = None
    cleared: bool = False
    code: str = ""


def _person(member: BatchMember) -> dict[str, Any]:
    return manifests.labelled(MANIFEST.rows([member])[0])


def _arrival(member: BatchMember) -> str:
    if member.checked_in_at is None:
        return ""
    return timezone.localtime(member.checked_in_at).strftime("%H:%M")


def _check_in(batch: Batch, text: str, *, uncleared_ok: bool, actor: Any) -> Result:
    try:
        found = codes.find_member(batch, text)
    except DomainError as exc:
        return Result("error", str(exc))
    member = found.member
    if not member.active:
        return Result(
            "ended",
            _("No longer on this batch: %(outcome)s.") % {"outcome": member.get_outcome_display()},
            _person(member),
        )
    if member.checked_in_at is not None:
        return Result(
            "already",
            _("Already checked in at %(time)s.") % {"time": _arrival(member)},
            _person(member),
            member.cleared_to_travel,
        )
    try:
        member = services.check_in_member(
            member, actor=actor, uncleared_ok=uncleared_ok, via=found.via
        )
    except NotCleared:
        return Result(
            "not_cleared",
            _("Not cleared to travel: do not let them board. Not checked in."),
            _person(member),
            code=codes.normalise(text),
        )
    except DomainError as exc:
        return Result("error", str(exc), _person(member))
    if member.cleared_to_travel:
        message = _("Checked in at %(time)s.") % {"time": _arrival(member)}
    else:
        message = _("Arrival recorded at %(time)s, but NOT cleared to travel.") % {
            "time": _arrival(member)
        }
    return Result("checked_in", message, _person(member), member.cleared_to_travel)


@require_http_methods(["GET", "POST"])
@policy.requires(policy.CHECK_IN)
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Check people in at the assembly point by their code or ID number; who is still expected."""
    batch = policy.get_visible_or_404(
        request,
        policy.CHECK_IN,
        Batch.objects.select_related("crossing", "assembly_point"),
        pk=pk,
    )
    result = None
    form = CheckInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = _check_in(
                batch,
                form.cleaned_data["code"],
                uncleared_ok=form.cleaned_data["uncleared_ok"],
                actor=request.user,
            )
        else:
            result = Result("error", _("Scan a check-in code or type an ID number."))
        if result.kind == "error":
            status = 400
    members = list(manifests.manifest_members(batch))
    rows = [(_person(member), member.cleared_to_travel) for member in members]
    context = {
        "batch": batch,
        "crossing": local_name(batch.crossing),
        "assembly_point": local_name(batch.assembly_point),
        "form": CheckInForm(),  # empty again, ready for the next scan
        "result": result,
        "arrived": [row for row in rows if row[0]["checked_in_at"]],
        "expected": [row for row in rows if not row[0]["checked_in_at"]],
        "total": len(rows),
    }
    return render(request, "crossings/check_in.html", context, status=status)
