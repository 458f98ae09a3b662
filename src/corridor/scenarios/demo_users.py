"""One demo user per role, each in the party where that role belongs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from corridor.accounts.models import Facility, Party, Role, User
from corridor.accounts.services import grant_role

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
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    party: str


def create_demo_users(password: str | None = None) -> list[DemoLogin]:
    """Create (or reset the password of) one user per role; the scenario must be loaded."""
    logins = []
    with transaction.atomic():
        for role, (username, party_code, facility_code) in DEMO_USERS.items():
            party = Party.objects.get(code=party_code)
            facility = Facility.objects.get(code=facility_code) if facility_code else None
            user, _ = User.objects.get_or_create(username=username)
            user.party = party
            user.facility = facility
            user.is_staff = role == Role.ADMINISTRATOR
            user.is_superuser = role == Role.ADMINISTRATOR
            chosen = password or secrets.token_urlsafe(9)
            user.set_password(chosen)
            user.save()
            grant_role(user, role)
            logins.append(DemoLogin(username, chosen, str(Role(role).label), party.name_en))
    return logins
