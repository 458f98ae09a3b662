"""One error body for every refusal: `{"error": {"code": ..., "message": ...}}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from corridor.exceptions import DomainError

# The statuses any operation may answer with the error body.
ERRORS = frozenset({400, 401, 403, 404, 409, 422})
CODES = {
    400: "bad_input",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "refused",
    422: "invalid",
}


class ApiError(Exception):
    """An API refusal with its status, a stable code and a message a user can read."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors[:5]:
        where = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', '')}" if where else str(error.get("msg", "")))
    return "; ".join(parts) or _("The request is not valid.")


def register_handlers(api: NinjaAPI) -> None:
    """Route every refusal the API can make through the one error body."""

    def respond(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
        return api.create_response(request, error_body(code, message), status=status)

    def api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, exc.status, exc.code, exc.message)

    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 422, CODES[422], _describe(list(exc.errors)))

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 401, CODES[401], _("A valid API token is required."))

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 403, CODES[403], str(exc.message))

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = exc.status_code
        return respond(request, status, CODES.get(status, "error"), str(exc.message))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 404, CODES[404], _("Not found."))

    def permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 403, CODES[403], str(exc) or _("Your role does not allow this."))

    def domain_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 409, CODES[409], str(exc))

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(AuthorizationError, forbidden)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, permission_denied)
    api.add_exception_handler(DomainError, domain_error)
