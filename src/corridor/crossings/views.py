"""The list of batches and the clearance list export (a batch's page: `batch_views`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from corridor.accounts import policy
from corridor.crossings.clearance_list import share_clearance_list
from corridor.crossings.models import Batch


@require_GET
@policy.requires(policy.BATCH_VIEW)
def batch_list(request: HttpRequest) -> HttpResponse:
    """The batches the user may see, newest first."""
    batches = policy.scope(request.user, policy.BATCH_VIEW, Batch.objects.all())
    batches = batches.select_related("crossing").order_by("-planned_date", "number")[:200]
    return render(request, "crossings/batches.html", {"batches": batches})


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
