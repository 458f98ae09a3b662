"""The Arabic catalogue is complete, and pages follow the chosen language and direction."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ARABIC_CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "ar" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdrif]")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def translated(self) -> bool:
        return bool(self.msgstrs) and all(text.strip() for text in self.msgstrs)


def read_catalogue(path: Path) -> list[Entry]:
    """Parse the entries of a .po file: multi-line strings, contexts and plural forms included."""
    entries: list[Entry] = []
    entry = Entry()
    current = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        keyword, _space, value = line.partition(" ")
        if not line.strip():
            if entry.line:
                entries.append(entry)
            entry, current = Entry(), ""
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif keyword == "msgctxt":
            current = keyword
        elif keyword == "msgid_plural":
            entry.msgid_plural, current = ast.literal_eval(value), keyword
        elif keyword == "msgid":
            entry.msgid, entry.line, current = ast.literal_eval(value), number, "msgid"
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            entry.msgstrs.append(ast.literal_eval(value))
            current = "msgstr"
        elif line.startswith('"') and current == "msgid":
            entry.msgid += ast.literal_eval(line)
        elif line.startswith('"') and current == "msgid_plural":
            entry.msgid_plural += ast.literal_eval(line)
        elif line.startswith('"') and current == "msgstr":
            entry.msgstrs[-1] += ast.literal_eval(line)
        elif line.startswith('"') and current:
            continue
        else:
            raise AssertionError(f"{path.name}:{number}: unexpected line {line!r}")
    if entry.line:
        entries.append(entry)
    return entries


def test_arabic_catalogue_has_no_fuzzy_entries():
    fuzzy = [e.line for e in read_catalogue(ARABIC_CATALOGUE) if "fuzzy" in e.flags]
    assert fuzzy == [], f"fuzzy entries at lines {fuzzy} of {ARABIC_CATALOGUE}"


def test_every_message_has_an_arabic_translation():
    entries = read_catalogue(ARABIC_CATALOGUE)
    untranslated = [e.msgid for e in entries if e.msgid and not e.translated]
    assert len(entries) > 100
    assert untranslated == []


def test_arabic_translations_keep_every_placeholder():
    """A lost placeholder hides a fact from the user; an unknown one crashes the page."""
    wrong = []
    for e in read_catalogue(ARABIC_CATALOGUE):
        source = set(PLACEHOLDER.findall(e.msgid + e.msgid_plural))
        for text in e.msgstrs:
            used = set(PLACEHOLDER.findall(text))
            # Arabic plural forms for zero, one and two may spell the number out.
            if e.msgid and (used - source or (not e.msgid_plural and used != source)):
                wrong.append(e.msgid)
    assert wrong == []


@pytest.mark.django_db
def test_sign_in_page_is_arabic_and_right_to_left_by_choice(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(reverse("account_login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar"' in page
    assert 'dir="rtl"' in page
    assert "تسجيل الدخول" in page
    assert "Sign in" not in page


@pytest.mark.django_db
def test_sign_in_page_follows_an_arabic_browser(client):
    response = client.get(reverse("account_login"), headers={"accept-language": "ar"})
    page = response.content.decode()
    assert 'lang="ar"' in page
    assert 'dir="rtl"' in page
    assert "تسجيل الدخول" in page


@pytest.mark.django_db
def test_sign_in_page_is_english_and_left_to_right_by_choice(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("account_login"), headers={"accept-language": "ar"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in page
    assert 'dir="ltr"' in page
    assert "Sign in" in page
    assert "تسجيل الدخول" not in page
