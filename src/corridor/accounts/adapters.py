"""How django-allauth behaves in Corridor: no sign-up, and lockouts on the audit record."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from corridor import crypto
from corridor.audit import services as audit

# Attempted usernames are kept on the record; a very long one is cut, never stored whole.
USERNAME_KEPT = 150


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts are created by administrators, never by their future holders."""
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a sign-in over the failure limit, and put the refusal on the audit record."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            with transaction.atomic():
                audit.record(
                    "account.login_locked_out",
                    data={"username": str(credentials.get("username", ""))[:USERNAME_KEPT]},
                )
            raise


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """TOTP secrets and recovery-code seeds are stored encrypted, with the records' own keys."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)
