"""Security headers on every response, pages the strict CSP allows, and a clean `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from corridor.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRICT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


def policy_directives(header: str) -> set[str]:
    return {directive.strip() for directive in header.split(";")}


def test_pages_carry_the_strict_content_security_policy_and_friends(client):
    response = client.get(reverse("account_login"))

    assert policy_directives(response["Content-Security-Policy"]) == policy_directives(
        STRICT_POLICY
    )
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_error_pages_carry_the_policy_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_hsts_is_sent_over_https_only(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    over_https = client.get(reverse("account_login"), secure=True)
    over_http = client.get(reverse("account_login"))

    assert over_https["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in over_http


def test_cookies_are_http_only(client):
    response = client.get(reverse("account_login"))
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]

    assert csrf["httponly"]
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.LANGUAGE_COOKIE_HTTPONLY


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style elements, style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append(f"<script> without src: {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        if any(name.startswith("on") for name in names):
            self.found.append(f"event handler attribute on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_pages_have_no_inline_script_or_style_the_policy_would_block(coordinator):
    administrator = UserFactory(
        username="root", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR]
    )
    anonymous, signed_in, admin = Client(), Client(), Client()
    signed_in.force_login(coordinator)
    admin.force_login(administrator)
    pages = [
        (anonymous, reverse("account_login")),
        (anonymous, "/no-such-page/"),
        (signed_in, reverse("web:home")),
        (signed_in, reverse("mfa_index")),
        (signed_in, reverse("account_change_password")),
        (signed_in, reverse("account_reauthenticate")),
        (admin, reverse("admin:index")),
        (admin, reverse("admin:accounts_user_changelist")),
        (admin, reverse("admin:accounts_user_change", args=[coordinator.pk])),
        (admin, reverse("admin:accounts_party_add")),
    ]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert inline_code(response.content.decode()) == [], path


def test_deployment_check_is_clean_for_production_settings(tmp_path):
    env = {
        **os.environ,
        "CORRIDOR_PRODUCTION": "1",
        "CORRIDOR_SECRET_KEY": secrets.token_urlsafe(64),
        "CORRIDOR_ALLOWED_HOSTS": "corridor.example.org",
        "CORRIDOR_DATA_DIR": str(tmp_path),
    }
    # The browser tests' allowance for the ORM beside Playwright is no production setting.
    unset = ("CORRIDOR_DEBUG", "CORRIDOR_SSL_REDIRECT", "CORRIDOR_HSTS_SECONDS")
    for name in (*unset, "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)

    result = subprocess.run(
        [sys.executable, "-m", "corridor", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
