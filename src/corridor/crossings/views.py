"""Batch manifests in the clearance profile, under the policy (incidents: `incident_views`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from corridor.accounts import policy
from corridor.crossings.clearance_list import clearance_list_rows, share_clearance_list
from corridor.crossings.models import Batch
from corridor.i18n import local_name
from corridor.profiles import CLEARANCE_LIST
from corridor.web.tables import profile_table


def _manifest_rows(batch: Batch) -> list[dict[str, object]]:
    return clearance_list_rows(batch)


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
    return share_clearance_list(batch, fmt=fmt, actor=request.user)
