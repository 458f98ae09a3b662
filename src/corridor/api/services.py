"""Creating, revoking and checking API tokens; every creation and revocation is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts import policy
from corridor.api.models import ApiToken
from corridor.audit import services as audit
from corridor.exceptions import DomainError

TOKEN_PREFIX = "crd_"


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: Any, name: str, scopes: Iterable[str], *, actor: Any
) -> tuple[ApiToken, str]:
    """A new token for `user`, limited to `scopes`; the plain token is returned this once only."""
    wanted = sorted(set(scopes))
    if not name.strip():
        raise DomainError(_("A token needs a name saying which integration uses it."))
    if not wanted:
        raise DomainError(_("A token needs at least one scope (a policy action)."))
    unknown = [scope for scope in wanted if scope not in policy.RULES]
    if unknown:
        raise DomainError(
            _("Unknown policy actions: %(actions)s.") % {"actions": ", ".join(unknown)}
        )
    beyond = [
        scope
        for scope in wanted
        if not (policy.allows(user, scope) or policy.may_break_glass(user, scope))
    ]
    if beyond:
        raise DomainError(
            _("%(user)s may not use: %(actions)s.") % {"user": user, "actions": ", ".join(beyond)}
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            scopes=wanted,
            token_hash=hash_token(plain),
            created_at=timezone.now(),
        )
        audit.record(
            "api_token.created",
            token,
            actor=actor,
            data={"user": user.pk, "name": token.name, "scopes": wanted},
        )
    return token, plain


def revoke_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Stop a token from working, for good; revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("api_token.revoked", token, actor=actor, data={"user": token.user_id})
    return token


def token_in_use(plain: str) -> ApiToken | None:
    """The active token matching `plain`, its last use stamped now; None if unknown or revoked."""
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(plain))
        .first()
    )
    if token is None:
        return None
    token.last_used_at = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
