"""Files for others through the API: the same exports, profiles and audit as the pages.

No `from __future__ import annotations` here: django-ninja reads the parameters' annotations
through `acts_under`'s wrapper, so they must be real objects, not strings.
"""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.params.functions import Query

from corridor.accounts import policy
from corridor.api.auth import acts_under
from corridor.api.endpoints import BatchId
from corridor.api.errors import ERRORS
from corridor.api.schemas import ErrorOut
from corridor.crossings.clearance_list import share_clearance_list
from corridor.crossings.models import Batch
from corridor.exports import XLSX_CONTENT_TYPE
from corridor.interop.hxl import share_hxl
from corridor.profiles import CLEARANCE_LIST

router = Router(tags=["exports"])

_TEXT = {"schema": {"type": "string"}}
_CLEARANCE_ROWS = {
    "schema": {
        "type": "object",
        "required": ["rows"],
        "properties": {
            "rows": {
                "type": "array",
                "items": {"type": "object", "required": CLEARANCE_LIST.keys},
            }
        },
    }
}
CLEARANCE_LIST_FILES = {
    "responses": {
        200: {
            "description": "The clearance list: CSV, JSON or XLSX (identity fields only).",
            "content": {
                "text/csv": _TEXT,
                "application/json": _CLEARANCE_ROWS,
                XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}
HXL_FILE = {
    "responses": {
        200: {
            "description": "Public aggregates as HXL CSV, small cells suppressed.",
            "content": {"text/csv": _TEXT},
        }
    }
}


@router.get(
    "/batches/{batch_id}/clearance-list",
    response={200: None, ERRORS: ErrorOut},
    openapi_extra=CLEARANCE_LIST_FILES,
)
@acts_under(policy.MANIFEST_EXPORT)
def export_clearance_list(
    request: HttpRequest,
    batch_id: int = BatchId,
    fmt: Literal["csv", "json", "xlsx"] = Query("csv", alias="format"),
) -> HttpResponse:
    """A batch's clearance list as a file, audited as shared with the crossing authority."""
    batch = policy.get_visible_or_404(
        request,
        policy.MANIFEST_EXPORT,
        Batch.objects.select_related("crossing__operated_by"),
        pk=batch_id,
    )
    return share_clearance_list(batch, fmt=fmt, actor=request.user)


@router.get("/exports/hxl", response={200: None, ERRORS: ErrorOut}, openapi_extra=HXL_FILE)
@acts_under(policy.AGGREGATES_EXPORT)
def export_hxl(request: HttpRequest) -> HttpResponse:
    """All public aggregates as HXL CSV for HDX, small cells suppressed; audited as shared."""
    return share_hxl(actor=request.user)
