"""Friendly error pages in the reader's language, never a traceback."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: SELECT * FROM people_person")


def refuses(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("forged header")


# This module is also the URL configuration of the tests that need failing views.
urlpatterns = [
    path("test-fails/", fails),
    path("test-refuses/", refuses),
    path("test-suspicious/", suspicious),
    path("", include(settings.ROOT_URLCONF)),
]
with_failing_views = pytest.mark.urls(__name__)


def in_language(language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_page_not_found_in_english():
    response = in_language("en").get("/cases/CASE-404/nowhere/")
    page = response.content.decode()

    assert response.status_code == 404
    assert 'lang="en"' in page and 'dir="ltr"' in page
    assert "Page not found" in page
    assert "CASE-404" not in page
    assert "الصفحة غير موجودة" not in page


def test_page_not_found_in_arabic():
    response = in_language("ar").get("/cases/CASE-404/nowhere/")
    page = response.content.decode()

    assert response.status_code == 404
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "الصفحة غير موجودة" in page
    assert "Page not found" not in page
    assert "CASE-404" not in page


@with_failing_views
@pytest.mark.parametrize(
    ("language", "title"), [("en", "Something went wrong"), ("ar", "حدث خطأ ما")]
)
def test_a_failure_shows_a_friendly_page_without_a_traceback(language, title):
    response = in_language(language).get("/test-fails/")
    page = response.content.decode()

    assert response.status_code == 500
    assert title in page
    assert f'lang="{language}"' in page
    assert "Traceback" not in page
    assert "secret internals" not in page
    assert "people_person" not in page


@with_failing_views
def test_a_refusal_shows_a_friendly_page():
    response = in_language("en").get("/test-refuses/")

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


@with_failing_views
def test_a_bad_request_shows_a_friendly_page():
    response = in_language("ar").get("/test-suspicious/")

    assert response.status_code == 400
    assert "طلب غير صالح" in response.content.decode()
    assert "forged header" not in response.content.decode()


def test_an_expired_form_shows_a_friendly_page():
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})

    response = client.post(reverse("account_login"), {"login": "a", "password": "b"})

    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


@pytest.mark.parametrize("name", ["400.html", "500.html"])
def test_pages_rendered_without_a_request_need_none(name):
    """Django renders these two with no request and no context processors."""
    for language in ("en", "ar"):
        with translation.override(language):
            page = loader.get_template(name).render()
        assert f'lang="{language}"' in page
        assert "<form" not in page
