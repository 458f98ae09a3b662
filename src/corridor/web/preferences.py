"""Each user's language and digits: kept on the account, applied to every page they open.

A signed-in user's language follows their account on a device where no language was chosen yet;
choosing one in the header saves it on the account. Users who read Arabic-Indic digits get every
number of a page in them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from corridor.accounts import policy
from corridor.accounts.models import User

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Markup split into tags and text; digits change in text only, never in a tag, a script, a style
# or a form field's value, so links, ids and what the user types are left as they are.
_TAG = re.compile(r"(<[^>]*>)")
_RAW_START = re.compile(r"<(script|style|textarea|pre|code)\b", re.IGNORECASE)
# A character reference (&#39; &#x27; &amp;) is markup too: its digits stay.
_DIGITS_OUTSIDE_ENTITIES = re.compile(r"(&#?\w+;)|(\d+)")


def _arabic_indic(match: re.Match[str]) -> str:
    entity, digits = match.groups()
    return entity or digits.translate(ARABIC_INDIC)


def arabic_indic_digits(html: str) -> str:
    """The page with the digits of its text in Arabic-Indic form."""
    parts = _TAG.split(html)
    raw_until: str | None = None
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if raw_until is None:
                start = _RAW_START.match(part)
                if start and not part.endswith("/>"):
                    raw_until = f"</{start.group(1).lower()}"
            elif part.lower().startswith(raw_until):
                raw_until = None
        elif raw_until is None and part:
            parts[index] = _DIGITS_OUTSIDE_ENTITIES.sub(_arabic_indic, part)
    return "".join(parts)


class PreferencesMiddleware:
    """Applies the signed-in user's language and digits to the request and the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and user.is_authenticated
            and not request.path.startswith("/api/")
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        response = self.get_response(request)
        if (
            isinstance(user, User)
            and user.is_authenticated
            and user.digits == "arabic"
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response.content = arabic_indic_digits(response.content.decode()).encode()
        return response


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also saves the choice on the signed-in user's account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (
        request.method == "POST"
        and isinstance(user, User)
        and language in dict(settings.LANGUAGES)
        and user.preferred_language != language
    ):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


class PreferencesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["preferred_language", "digits"]
        widgets = {"digits": forms.RadioSelect, "preferred_language": forms.RadioSelect}


@require_http_methods(["GET", "POST"])
@policy.requires(policy.ACCOUNT_SELF)
def preferences(request: HttpRequest) -> HttpResponse:
    """The user's own language and digits."""
    user = request.user
    assert isinstance(user, User)
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        language = user.preferred_language or translation.get_language()
        translation.activate(language)
        messages.success(request, _("Your preferences are saved."))
        response = redirect("web:preferences")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite="Lax",
        )
        return response
    return render(request, "web/preferences.html", {"form": form})
