"""The REST API at /api/v1/, its authentication and its one error body."""

from __future__ import annotations

from ninja import NinjaAPI

from corridor.api.auth import SessionReadAuth, TokenAuth
from corridor.api.endpoints import router
from corridor.api.errors import register_handlers

api = NinjaAPI(
    title="Corridor",
    version="1",
    description=(
        "Cases, batches, clearances, coordination events, movements and return registrations, "
        "under the same permission policy and profiles as Corridor's pages."
    ),
    auth=[TokenAuth(), SessionReadAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)
register_handlers(api)
api.add_router("/", router)
