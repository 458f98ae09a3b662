"""Batch manifests in the clearance profile, and protection incidents, under the policy."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from corridor.accounts import policy
from corridor.audit import services as audit
from corridor.crossings.models import Batch, BatchMember, Incident
from corridor.exports import record_share
from corridor.exports import render as render_export
from corridor.i18n import local_name
from corridor.profiles import CLEARANCE_LIST
from corridor.web.tables import profile_table


def _manifest_rows(batch: Batch) -> list[dict[str, object]]:
    members = (
        BatchMember.objects.filter(batch=batch, active=True)
        .select_related("person")
        .order_by("seat")
    )
    return CLEARANCE_LIST.rows(members)


@require_GET
@policy.requires(policy.BATCH_VIEW)
def batch_list(request: HttpRequest) -> HttpResponse:
    """The batches the user may see, newest first."""
    batches = policy.scope(request.user, policy.BATCH_VIEW, Batch.objects.all())
    batches = batches.select_related("crossing").order_by("-planned_date", "number")[:200]
    return render(request, "crossings/batches.html", {"batches": batches})


@require_GET
@policy.requires(policy.BATCH_VIEW)
def manifest(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's manifest in seat order: identity fields only, never clinical ones."""
    batch = policy.get_visible_or_404(
        request, policy.BATCH_VIEW, Batch.objects.select_related("crossing"), pk=pk
    )
    rows = _manifest_rows(batch)
    context = {
        "batch": batch,
        "crossing": local_name(batch.crossing),
        "table": profile_table(CLEARANCE_LIST, rows),
        "may_export": policy.allows(request.user, policy.MANIFEST_EXPORT),
    }
    return render(request, "crossings/manifest.html", context)


@require_GET
@policy.requires(policy.MANIFEST_EXPORT)
def manifest_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The clearance list of a batch as a file, audited as shared with the crossing authority."""
    batch = policy.get_visible_or_404(
        request,
        policy.MANIFEST_EXPORT,
        Batch.objects.select_related("crossing__operated_by"),
        pk=pk,
    )
    rows = _manifest_rows(batch)
    response = render_export(
        rows,
        CLEARANCE_LIST.keys,
        fmt,
        f"clearance-list-batch-{batch.number}",
        headers=CLEARANCE_LIST.headers,
    )
    authority = batch.crossing.operated_by
    record_share(
        actor=request.user,
        what=CLEARANCE_LIST.name,
        subject=batch,
        recipient=authority.code if authority else "",
        purpose=CLEARANCE_LIST.purpose,
        legal_basis="vital interest",
        people=len(rows),
        fmt=fmt,
    )
    return response


@require_GET
@policy.requires(policy.INCIDENT_VIEW)
def incident_list(request: HttpRequest) -> HttpResponse:
    """Incidents recorded by the user's party: kind and date only; the narrative is one click on."""
    incidents = policy.scope(request.user, policy.INCIDENT_VIEW, Incident.objects.all())
    incidents = incidents.select_related("crossing").order_by("-occurred_on")[:200]
    return render(request, "crossings/incidents.html", {"incidents": incidents})


@require_GET
@policy.requires(policy.INCIDENT_VIEW)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One protection incident; the read is audited, with the break-the-glass grant if any."""
    incident = policy.get_visible_or_404(
        request, policy.INCIDENT_VIEW, Incident.objects.select_related("crossing"), pk=pk
    )
    grant = policy.active_grant(request.user, policy.INCIDENT_VIEW, incident)
    with transaction.atomic():
        audit.record(
            "incident.read",
            incident,
            actor=request.user,
            data={"via": "break_glass" if grant else "role", "grant": grant.pk if grant else None},
        )
    return render(
        request,
        "crossings/incident.html",
        {"incident": incident, "crossing": local_name(incident.crossing), "grant": grant},
    )
