"""Turn a refused domain operation into a clear page instead of a server error."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from corridor.exceptions import DomainError, TransitionNotAllowed


class DomainErrorMiddleware:
    """A `DomainError` escaping a view becomes a 400 (409 for a refused transition) page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        status = 409 if isinstance(exception, TransitionNotAllowed) else 400
        return render(request, "web/domain_error.html", {"message": str(exception)}, status=status)


class RejectNullBytesMiddleware:
    """A NUL character in the path or the query is never legitimate; PostgreSQL refuses it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.path + request.META.get("QUERY_STRING", "")
        if "\x00" in raw or "%00" in raw or any("\x00" in v for v in request.GET.values()):
            return render(
                request,
                "web/domain_error.html",
                {"message": _("The address contains a character that is not allowed.")},
                status=400,
            )
        return self.get_response(request)
