"""Granting and revoking roles, audited."""

from typing import Any

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
