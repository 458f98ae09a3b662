"""Sign-ins, failed sign-ins, sign-outs and two-factor changes go on the audit record."""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.db import transaction
from django.dispatch import receiver

from corridor.accounts.adapters import USERNAME_KEPT
from corridor.accounts.models import User
from corridor.audit import services as audit


@receiver(auth_signals.user_logged_in, dispatch_uid="corridor.audit_login")
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record("account.login", user, actor=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="corridor.audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Only the username: the credentials also hold the (masked) password, which stays out.
    username = str(credentials.get("username", ""))[:USERNAME_KEPT]
    user = User.objects.filter(username=username).first() if username else None
    with transaction.atomic():
        audit.record("account.login_failed", user, data={"username": username})


@receiver(auth_signals.user_logged_out, dispatch_uid="corridor.audit_logout")
def audit_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit.record("account.logout", user, actor=user)


@receiver(mfa_signals.authenticator_added, dispatch_uid="corridor.audit_authenticator_added")
def audit_authenticator_added(sender: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(
            "account.authenticator_added", user, actor=user, data={"type": authenticator.type}
        )


@receiver(mfa_signals.authenticator_removed, dispatch_uid="corridor.audit_authenticator_removed")
def audit_authenticator_removed(sender: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(
            "account.authenticator_removed", user, actor=user, data={"type": authenticator.type}
        )


@receiver(mfa_signals.authenticator_reset, dispatch_uid="corridor.audit_authenticator_reset")
def audit_authenticator_reset(sender: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(
            "account.authenticator_reset", user, actor=user, data={"type": authenticator.type}
        )


@receiver(mfa_signals.authentication_failed, dispatch_uid="corridor.audit_two_factor_failed")
def audit_two_factor_failed(sender: Any, user: User, **kwargs: Any) -> None:
    # A right password with a wrong code: worth an auditor's look, like a failed sign-in.
    with transaction.atomic():
        audit.record("account.two_factor_failed", user)
