"""One demo user per role, each in the party where that role belongs.

Users whose role requires two-factor authentication get an authenticator app set up, and its
secret is printed with their password. `corridor demo --no-mfa` instead marks every demo user as
exempt from two-factor authentication (an exemption that production ignores) and removes their
authenticators, for exploring on one's own machine.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from corridor.accounts.mfa import requires_mfa
from corridor.accounts.models import Facility, Party, Role, User
from corridor.accounts.services import (
    activate_totp,
    grant_role,
    reset_two_factor,
    set_mfa_exemption,
)
from corridor.crossings.models import Crossing

# role -> (username, party code, facility code)
DEMO_USERS: dict[str, tuple[str, str, str | None]] = {
    Role.REFERRAL_OFFICER: ("referral", "moh", "nasser-khan-younis"),
    Role.MEDICAL_REVIEWER: ("reviewer", "moh", None),
    Role.COORDINATOR: ("coordinator", "who", None),
    Role.RECEIVING_LIAISON: ("liaison", "recv-egypt", None),
    Role.CROSSING_OFFICER: ("crossing", "eubam", None),
    Role.RETURNS_OFFICER: ("returns", "embassy-cairo", None),
    Role.ANALYST: ("analyst", "who", None),
    Role.ADMINISTRATOR: ("admin", "who", None),
    Role.AUDITOR: ("auditor", "who", None),
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    party: str
    totp_secret: str = ""  # empty when the user signs in without a second factor


def create_demo_users(password: str | None = None, *, mfa: bool = True) -> list[DemoLogin]:
    """Create (or reset the password of) one user per role; the scenario must be loaded.

    With `mfa` off, the demo users are exempt from two-factor authentication instead.
    """
    logins = []
    with transaction.atomic():
        for role, (username, party_code, facility_code) in DEMO_USERS.items():
            party = Party.objects.get(code=party_code)
            facility = Facility.objects.get(code=facility_code) if facility_code else None
            user, _ = User.objects.get_or_create(username=username)
            user.party = party
            user.facility = facility
            # The crossing officer works at the scenario's crossing (the first one).
            user.crossing = (
                Crossing.objects.order_by("pk").first() if role == Role.CROSSING_OFFICER else None
            )
            user.is_staff = role == Role.ADMINISTRATOR
            user.is_superuser = role == Role.ADMINISTRATOR
            chosen = password or secrets.token_urlsafe(9)
            user.set_password(chosen)
            user.save()
            grant_role(user, role)
            secret = ""
            set_mfa_exemption(user, not mfa)
            if not mfa:
                reset_two_factor(user)
            elif requires_mfa(user):
                secret = activate_totp(user)
            logins.append(DemoLogin(username, chosen, str(Role(role).label), party.name_en, secret))
    return logins
