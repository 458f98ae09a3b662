"""Roles, signing out everywhere and two-factor sign-in: each change audited."""

import secrets
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.db import transaction

from corridor.accounts.models import Role, RoleGrant, User
from corridor.audit import services as audit


def grant_role(user: User, role: str, *, actor: Any = None) -> RoleGrant:
    """Give `user` the role `role`; granting a role already held changes nothing."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; known roles: {', '.join(Role.values)}")
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role)
        if created:
            audit.record("role.granted", user, actor=actor, data={"role": role})
    user.__dict__.pop("_role_codes", None)
    return grant


def revoke_role(user: User, role: str, *, actor: Any = None) -> None:
    """Take the role `role` away from `user`."""
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
        if deleted:
            audit.record("role.revoked", user, actor=actor, data={"role": role})
    user.__dict__.pop("_role_codes", None)


def logout_everywhere(user: User, *, actor: Any = None) -> None:
    """End every session of `user` on every device, by giving the user a new session salt."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.session_salt = secrets.token_hex(16)
        locked.save(update_fields=["session_salt"])
        audit.record("account.signed_out_everywhere", locked, actor=actor)
    user.session_salt = locked.session_salt


def activate_totp(user: User, *, actor: Any = None, secret: str | None = None) -> str:
    """Set up an authenticator app (and recovery codes) for `user`; returns the TOTP secret.

    For the demo and for administrators' scripts: users set up their own through the app. A user
    who already has one keeps it, and its secret is returned.
    """
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if existing is not None:
            return str(decrypt(existing.data["secret"]))
        chosen = secret or generate_totp_secret()
        TOTP.activate(user, chosen)
        RecoveryCodes.activate(user)
        audit.record("account.two_factor_activated", user, actor=actor, data={"type": "totp"})
    return chosen


def reset_two_factor(user: User, *, actor: Any = None) -> None:
    """Remove `user`'s authenticators (a lost phone) and end their sessions; they set up anew."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        removed = sorted(Authenticator.objects.filter(user=locked).values_list("type", flat=True))
        if not removed:
            return
        Authenticator.objects.filter(user=locked).delete()
        locked.session_salt = secrets.token_hex(16)
        locked.save(update_fields=["session_salt"])
        audit.record("account.two_factor_reset", locked, actor=actor, data={"removed": removed})
    user.session_salt = locked.session_salt


def set_mfa_exemption(user: User, exempt: bool, *, actor: Any = None) -> None:
    """Exempt `user` from two-factor authentication (the demo's --no-mfa), or end the exemption."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.mfa_exempt == exempt:
            user.mfa_exempt = exempt
            return
        locked.mfa_exempt = exempt
        locked.save(update_fields=["mfa_exempt"])
        action = "account.mfa_exempted" if exempt else "account.mfa_exemption_ended"
        audit.record(action, locked, actor=actor)
    user.mfa_exempt = exempt
