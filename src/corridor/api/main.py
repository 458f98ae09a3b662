"""The REST API at /api/v1/, its authentication and its one error body."""

from __future__ import annotations

from ninja import NinjaAPI

from corridor.api import exports, imports, people
from corridor.api.auth import SessionReadAuth, TokenAuth
from corridor.api.endpoints import router
from corridor.api.errors import register_handlers

api = NinjaAPI(
    title="Corridor",
    version="1",
    description=(
        "Cases, people, batches, clearances, coordination events, movements, return "
        "registrations, imports and exports, under the same permission policy and profiles as "
        "Corridor's pages."
    ),
    auth=[TokenAuth(), SessionReadAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)
register_handlers(api)
api.add_router("/", router)
api.add_router("/", people.router)
api.add_router("/", imports.router)
api.add_router("/", exports.router)
