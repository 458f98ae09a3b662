"""Who is calling the API, and whether the policy lets them perform an operation's action.

Integrations send `Authorization: Bearer <token>`; a signed-in user's session may also read. Each
operation declares its policy action with `acts_under`, as each page does with `policy.requires`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from corridor.accounts import policy
from corridor.api.services import token_in_use

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A bearer token of an integration; its user becomes the request's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_in_use(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionReadAuth(SessionAuth):
    """A signed-in user's session, for reading only: writes need a token (and so no CSRF)."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.method not in READ_METHODS:
            return None
        return super().__call__(request)


def permits(request: HttpRequest, action: str) -> bool:
    """True when the request's token (if any) carries `action` and the user's roles allow it."""
    token = getattr(request, "api_token", None)
    if token is not None and action not in token.scopes:
        return False
    return policy.allows(request.user, action)


def token_permits(request: HttpRequest, action: str) -> bool:
    """True unless the request came with a token that lacks `action`."""
    token = getattr(request, "api_token", None)
    return token is None or action in token.scopes


def acts_under(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an operation's policy action; refuse (403, audited) a token or role without it."""
    if action not in policy.RULES:
        raise KeyError(f"unknown policy action {action!r}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = request.user
            if not token_permits(request, action):
                policy.record_refusal(user, action, request.path, "token scope")
                raise AuthorizationError(message=_("This token's scopes do not include this."))
            if not (policy.allows(user, action) or policy.may_break_glass(user, action)):
                policy.record_refusal(user, action, request.path, "role")
                raise AuthorizationError(message=_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        wrapper.corridor_policy = action  # type: ignore[attr-defined]
        return wrapper

    return decorate
