"""Send users whose roles require two-factor authentication to set it up before anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from corridor.accounts.mfa import has_totp, requires_mfa

# What a user who still has to set up an authenticator app may reach: the set-up page and what
# it needs (confirming the password again), signing out and choosing the language.
REACHABLE_BEFORE_SET_UP = frozenset(
    {
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "healthz",
    }
)


class RequireMFAMiddleware:
    """Redirect a signed-in user who must use two-factor authentication but has none set up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in REACHABLE_BEFORE_SET_UP:
            return None
        if not requires_mfa(user) or has_totp(user):
            return None
        messages.warning(
            request,
            _(
                "Your role requires two-factor authentication. Set up an authenticator app "
                "to continue."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
