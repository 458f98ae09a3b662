from __future__ import annotations

import pytest

from corridor.accounts.models import Role, RoleGrant, User
from corridor.accounts.services import grant_role, revoke_role
from corridor.audit.models import AuditEvent
from tests.factories import UserFactory
from tests.helpers import audit_actions, last_audit


def test_a_user_holds_the_roles_granted_to_them(coordinator: User) -> None:
    assert coordinator.has_role(Role.COORDINATOR)
    assert not coordinator.has_role(Role.ANALYST)
    assert coordinator.has_role(Role.ANALYST, Role.COORDINATOR)


def test_the_outsider_holds_no_role(outsider: User) -> None:
    assert not any(outsider.has_role(role) for role in Role.values)


def test_an_inactive_user_holds_no_roles(coordinator: User) -> None:
    coordinator.is_active = False

    assert not coordinator.has_role(Role.COORDINATOR)


def test_granting_a_role_is_seen_at_once_and_audited(outsider: User, coordinator: User) -> None:
    assert not outsider.has_role(Role.ANALYST)

    grant = grant_role(outsider, Role.ANALYST, actor=coordinator)

    assert outsider.has_role(Role.ANALYST)
    assert grant.role == Role.ANALYST
    event = last_audit(outsider)
    assert event.action == "role.granted"
    assert event.actor_id == coordinator.pk
    assert event.data == {"role": Role.ANALYST}


def test_granting_a_role_already_held_changes_nothing(coordinator: User) -> None:
    grant_role(coordinator, Role.COORDINATOR)

    assert RoleGrant.objects.filter(user=coordinator).count() == 1
    assert audit_actions(coordinator) == ["role.granted"]


def test_an_unknown_role_is_refused(outsider: User) -> None:
    with pytest.raises(ValueError, match="unknown role 'overlord'"):
        grant_role(outsider, "overlord")

    assert not RoleGrant.objects.filter(user=outsider).exists()
    assert not AuditEvent.objects.filter(action="role.granted", object_id=str(outsider.pk)).exists()


def test_revoking_a_role_takes_it_away_and_is_audited(coordinator: User) -> None:
    assert coordinator.has_role(Role.COORDINATOR)

    revoke_role(coordinator, Role.COORDINATOR)

    assert not coordinator.has_role(Role.COORDINATOR)
    assert audit_actions(coordinator) == ["role.granted", "role.revoked"]


def test_a_user_may_hold_several_roles(db: None) -> None:
    user = UserFactory(roles=[Role.MEDICAL_REVIEWER, Role.REFERRAL_OFFICER])

    assert user.role_codes == {Role.MEDICAL_REVIEWER, Role.REFERRAL_OFFICER}


def test_grant_role_command_makes_the_first_administrator(db) -> None:
    import io

    import pytest
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from corridor.accounts.models import Role, User

    user = User.objects.create_superuser("first", password="pw-for-tests-1")
    out = io.StringIO()
    call_command("grant_role", "first", "administrator", stdout=out)
    user.refresh_from_db()
    assert user.has_role(Role.ADMINISTRATOR) and user.is_staff
    assert "administrator" in out.getvalue()
    with pytest.raises(CommandError, match="no user 'ghost'"):
        call_command("grant_role", "ghost", "analyst")
