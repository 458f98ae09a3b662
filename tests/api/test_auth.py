"""API tokens: stored as a hash, scoped, revocable, audited; every refusal has the one body."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from corridor.accounts import policy
from corridor.api.models import ApiToken
from corridor.api.services import create_token, revoke_token
from corridor.exceptions import DomainError
from tests.helpers import audit_actions


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_a_valid_token_authenticates_and_its_use_is_stamped(api_world):
    token = ApiToken.objects.get(user=api_world.users["coordinator"])
    assert token.last_used_at is None
    response = api_world.get("coordinator", "/api/v1/batches")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_the_hash_of_a_token_is_stored_and_creation_is_audited(api_world):
    user = api_world.users["analyst"]
    token, plain = create_token(user, "dashboard", [policy.AGGREGATES_VIEW], actor=None)
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert audit_actions(token) == ["api_token.created"]


def test_a_revoked_token_gets_401_and_revocation_is_audited(api_world):
    token = ApiToken.objects.get(user=api_world.users["coordinator"])
    revoke_token(token, actor=None)
    revoke_token(token, actor=None)  # idempotent: one audit row
    _error(api_world.get("coordinator", "/api/v1/batches"), 401, "unauthenticated")
    assert audit_actions(token) == ["api_token.created", "api_token.revoked"]


@pytest.mark.parametrize("header", ["Bearer crd_unknown", "Bearer ", "Basic abc", None])
def test_an_unknown_or_missing_token_gets_401(api_world, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    _error(Client().get("/api/v1/cases", **extra), 401, "unauthenticated")


def test_a_token_without_the_operations_scope_gets_403(api_world):
    user = api_world.users["coordinator"]
    _token, plain = create_token(user, "cases only", [policy.CASE_VIEW], actor=None)
    response = Client().get("/api/v1/batches", HTTP_AUTHORIZATION=f"Bearer {plain}")
    _error(response, 403, "forbidden")


def test_a_role_without_the_action_gets_403(api_world):
    _error(api_world.get("analyst", "/api/v1/cases"), 403, "forbidden")


def test_a_token_cannot_carry_actions_its_user_may_not_use(api_world):
    with pytest.raises(DomainError, match="may not use"):
        create_token(api_world.users["analyst"], "x", [policy.CASE_VIEW], actor=None)
    with pytest.raises(DomainError, match="Unknown policy actions"):
        create_token(api_world.users["analyst"], "x", ["nonsense"], actor=None)


def test_a_session_may_read_but_not_write(api_world):
    user = api_world.users["analyst"]
    user.mfa_exempt = True
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/aggregates").status_code == 200
    batch = api_world.submitted
    response = client.post(
        f"/api/v1/batches/{batch.pk}/members/1/clearance",
        {"result": "cleared"},
        content_type="application/json",
    )
    _error(response, 401, "unauthenticated")


def test_the_command_creates_a_token_shown_once_and_revokes_it(api_world):
    out = io.StringIO()
    call_command(
        "api_token", "create", "analyst", "hdx", "--scope", policy.AGGREGATES_VIEW, stdout=out
    )
    plain = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(name="hdx")
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    response = Client().get("/api/v1/aggregates", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 200
    call_command("api_token", "revoke", str(token.pk), stdout=io.StringIO())
    response = Client().get("/api/v1/aggregates", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 401


def test_the_command_refuses_in_one_line(api_world):
    with pytest.raises(CommandError, match="may not use"):
        call_command("api_token", "create", "analyst", "x", "--scope", policy.CASE_VIEW)
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "create", "nobody", "x", "--scope", policy.CASE_VIEW)
    with pytest.raises(CommandError, match="No API token"):
        call_command("api_token", "revoke", "999999")
