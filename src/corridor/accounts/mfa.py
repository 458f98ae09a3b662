"""Who must sign in with a second factor, and whether they have set one up.

Coordinators, medical reviewers and administrators (and anyone who can reach the admin site) see
or change the most; a stolen password alone must not open their account. The second factor is an
authenticator app (TOTP) managed by django-allauth, with recovery codes as its fallback.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings

from corridor.accounts.models import Role, User

MFA_ROLES = frozenset({Role.COORDINATOR, Role.MEDICAL_REVIEWER, Role.ADMINISTRATOR})


def requires_mfa(user: Any) -> bool:
    """True when `user` may use Corridor only with an authenticator app set up."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    if user.mfa_exempt and not settings.PRODUCTION:
        return False
    return user.is_staff or user.has_role(*MFA_ROLES)


def has_totp(user: User) -> bool:
    """True when `user` has an activated authenticator app."""
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())
