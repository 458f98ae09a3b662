"""Sessions end after inactivity, with the browser, and everywhere at once on request."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from corridor.accounts.models import Role
from corridor.accounts.services import logout_everywhere
from tests.factories import TOTP_SECRET, UserFactory
from tests.helpers import audit_actions, last_audit, totp_code

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def later(minutes: int):
    """Pretend that `minutes` have passed."""
    return mock.patch(
        "django.utils.timezone.now",
        return_value=timezone.now() + datetime.timedelta(minutes=minutes),
    )


def test_sessions_last_thirty_minutes_of_inactivity_by_default():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_a_session_ends_after_thirty_idle_minutes(liaison):
    client = signed_in(liaison)
    assert client.get("/").status_code == 200

    with later(31):
        response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_each_request_pushes_the_end_of_the_session_forward(liaison):
    client = signed_in(liaison)
    client.get("/")

    with later(20):
        assert client.get("/").status_code == 200
    with later(40):
        assert client.get("/").status_code == 200
    with later(71):
        assert client.get("/").status_code == 302


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(liaison):
    client = Client()
    response = client.post(
        reverse("account_login"),
        {"login": "liaison", "password": "correct horse battery staple"},
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["max-age"] == ""  # no "remember me": a browser-session cookie
    assert client.session.get_expiry_age() == 30 * 60


def test_signing_out_everywhere_ends_every_session_of_the_user_only(liaison, coordinator):
    phone, laptop, colleague = signed_in(liaison), signed_in(liaison), signed_in(coordinator)

    logout_everywhere(liaison, actor=coordinator)

    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    event = last_audit(liaison)
    assert event.action == "account.signed_out_everywhere"
    assert event.actor == coordinator


def test_a_user_can_sign_in_again_after_signing_out_everywhere(liaison):
    logout_everywhere(liaison, actor=liaison)

    assert signed_in(liaison).get("/").status_code == 200


def test_the_user_signs_themself_out_everywhere_from_the_security_page(liaison):
    here, elsewhere = signed_in(liaison), signed_in(liaison)
    page = here.get(reverse("mfa_index")).content.decode()
    assert reverse("account_logout_everywhere") in page

    response = here.post(reverse("account_logout_everywhere"), follow=True)

    assert response.redirect_chain[0] == (reverse("account_login"), 302)
    assert "You have been signed out on every device." in response.content.decode()
    assert elsewhere.get("/").status_code == 302
    assert "account.signed_out_everywhere" in audit_actions(liaison)


def test_signing_out_everywhere_takes_a_post(liaison):
    client = signed_in(liaison)

    assert client.get(reverse("account_logout_everywhere")).status_code == 405
    assert client.get("/").status_code == 200


def test_signing_out_everywhere_needs_a_signed_in_user(client, db):
    response = client.post(reverse("account_logout_everywhere"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_administrator_signs_users_out_everywhere_from_the_admin(liaison):
    administrator = UserFactory(
        username="root", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR]
    )
    admin_client = signed_in(administrator)
    victim_device = signed_in(liaison)

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "action_logout_everywhere", "_selected_action": [liaison.pk]},
    )

    assert response.status_code == 302
    assert victim_device.get("/").status_code == 302
    assert last_audit(liaison).actor == administrator


def test_a_full_sign_in_survives_the_sign_out_everywhere_of_before(coordinator):
    old = signed_in(coordinator)
    logout_everywhere(coordinator, actor=coordinator)
    fresh = Client()
    fresh.post(
        reverse("account_login"),
        {"login": "coordinator", "password": "correct horse battery staple"},
    )
    fresh.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})

    assert fresh.get("/").status_code == 200
    assert old.get("/").status_code == 302
