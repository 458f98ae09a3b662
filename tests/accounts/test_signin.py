"""Signing in through django-allauth: password, second factor, throttling, and the audit record."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

import corridor.settings as project_settings
from corridor.accounts.models import User
from corridor.audit.models import AuditEvent
from tests.factories import TOTP_SECRET, UserFactory
from tests.helpers import audit_actions, last_audit, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factory's


@pytest.fixture
def client() -> Client:
    """A browser that asks for English pages."""
    return Client(headers={"accept-language": "en"})


def post_password(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": username, "password": password})


def test_a_coordinator_signs_in_with_password_then_authenticator_code(client, coordinator):
    response = post_password(client, "coordinator")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not yet: the second factor is missing

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    assert audit_actions(coordinator)[-1] == "account.login"


def test_a_wrong_authenticator_code_does_not_sign_in_and_is_audited(client, coordinator):
    post_password(client, "coordinator")
    wrong = "000000" if totp_code(TOTP_SECRET) != "000000" else "111111"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert last_audit(coordinator).action == "account.two_factor_failed"


def test_a_liaison_signs_in_with_a_password_alone(client, liaison):
    response = post_password(client, "liaison")

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(liaison.pk)


def test_a_failed_sign_in_is_audited_with_the_username_and_never_the_password(client, liaison):
    response = post_password(client, "liaison", "not-the-password-123")

    assert response.status_code == 200
    assert "username and/or password you specified are not correct" in response.content.decode()
    event = last_audit(liaison)
    assert event.action == "account.login_failed"
    assert event.actor is None
    assert event.data == {"username": "liaison"}
    everything = json.dumps(list(AuditEvent.objects.values("data")), default=str)
    assert "not-the-password-123" not in everything


def test_a_failed_sign_in_with_an_unknown_username_is_audited_without_a_user(client, db):
    post_password(client, "nobody-here", "whatever-password")

    event = AuditEvent.objects.get(action="account.login_failed")
    assert (event.object_type, event.object_id) == ("", "")
    assert event.data == {"username": "nobody-here"}


def test_signing_out_is_audited(client, liaison):
    post_password(client, "liaison")

    client.post(reverse("account_logout"))

    assert audit_actions(liaison)[-2:] == ["account.login", "account.logout"]
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_username_out_even_with_the_right_password(
    client, liaison, coordinator, settings
):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "20/m/ip,3/600s/key",
    }
    for attempt in range(3):
        post_password(client, "liaison", f"wrong-password-{attempt}")

    response = post_password(client, "liaison")

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="account.login_locked_out").get().data == {
        "username": "liaison"
    }
    # Another account from the same place is not locked out.
    assert post_password(client, "coordinator")["Location"] == reverse("mfa_authenticate")


def test_sign_in_limits_come_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "CORRIDOR_DATA_DIR": str(tmp_path),
        "CORRIDOR_LOGIN_FAILURES_PER_USERNAME": "3",
        "CORRIDOR_LOGIN_LOCKOUT_SECONDS": "3600",
        "CORRIDOR_LOGIN_FAILURES_PER_ADDRESS": "7",
        "CORRIDOR_LOGIN_ATTEMPTS_PER_ADDRESS": "12",
        "DJANGO_SETTINGS_MODULE": "corridor.settings",
    }
    code = "from django.conf import settings; print(settings.ACCOUNT_RATE_LIMITS)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "'login': '12/m/ip'" in result.stdout
    assert "'login_failed': '7/m/ip,3/3600s/key'" in result.stdout


def test_nobody_can_sign_up(client, db):
    with pytest.raises(NoReverseMatch):
        reverse("account_signup")
    assert client.get("/accounts/signup/").status_code == 404


def test_the_old_sign_in_address_is_gone_and_the_home_page_sends_to_the_new_one(client, db):
    assert client.get("/").url.startswith("/accounts/login/?next=/")


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(username="hashed")
    user.set_password("a long enough passphrase")
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize(
    "password",
    ["short-pw-1", "123456789012345", "password1234", "hashed-user-1"],
)
def test_weak_passwords_are_refused(password, db):
    user = User(username="hashed-user-1")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(db):
    validate_password("olive grove at dusk 1948", User(username="someone"))


def test_changing_ones_password_applies_the_strength_rules(client, liaison):
    client.force_login(liaison)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "short-1", "password2": "short-1"},
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    liaison.refresh_from_db()
    assert liaison.check_password(PASSWORD)


def test_the_length_rule_reads_in_full_in_arabic(db):
    with translation.override("ar"), pytest.raises(ValidationError) as refused:
        validate_password("short-pw-1", User(username="someone"))
    assert "12 حرفًا" in " ".join(refused.value.messages)
