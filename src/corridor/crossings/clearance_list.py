"""A batch's clearance list shared with its crossing's authority, from the page or the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from corridor.crossings.models import Batch, BatchMember
from corridor.exports import record_share
from corridor.exports import render as render_export
from corridor.profiles import CLEARANCE_LIST


def clearance_list_rows(batch: Batch) -> list[dict[str, Any]]:
    """The people still on the batch, in seat order, as the clearance list profile."""
    members = (
        BatchMember.objects.filter(batch=batch, active=True)
        .select_related("person")
        .order_by("seat")
    )
    return CLEARANCE_LIST.rows(members)


def share_clearance_list(batch: Batch, *, fmt: str, actor: Any) -> HttpResponse:
    """The clearance list as a file, audited as shared with the crossing's authority."""
    rows = clearance_list_rows(batch)
    response = render_export(
        rows,
        CLEARANCE_LIST.keys,
        fmt,
        f"clearance-list-batch-{batch.number}",
        headers=CLEARANCE_LIST.headers,
    )
    authority = batch.crossing.operated_by
    record_share(
        actor=actor,
        what=CLEARANCE_LIST.name,
        subject=batch,
        recipient=authority.code if authority else "",
        purpose=CLEARANCE_LIST.purpose,
        legal_basis="vital interest",
        people=len(rows),
        fmt=fmt,
    )
    return response
