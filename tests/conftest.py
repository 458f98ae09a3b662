"""Shared fixtures: a fast password hasher, English messages and a small named cast.

The cast is the same in every test: a WHO coordinator, a liaison of a receiving hospital (another
party), the crossing authority that clears people and confirms coordination, and an outsider who
holds no role.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from pytest_django import Settings

from corridor.accounts.models import Party, PartyKind, Role, User
from corridor.crossings.models import Crossing, CrossingDay
from tests.factories import CrossingDayFactory, CrossingFactory, PartyFactory, UserFactory
from tests.helpers import CROSSING_DATE
from tests.journeys import Planner

# In CI the property tests draw the same examples every run, so a red run can be reproduced;
# locally they explore new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_encryption_keys(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Each test gets a key file of its own, created at first use, never the developer's keys.
    settings.CORRIDOR_ENCRYPTION_KEYS = []
    keys = tmp_path_factory.mktemp("keys", numbered=True) / "encryption_keys"
    settings.CORRIDOR_ENCRYPTION_KEY_FILE = keys


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Sign-in throttling counts attempts in the cache: one test must not lock out the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # Domain errors are translated; tests read them in English whatever the default language.
    with translation.override("en"):
        yield


@pytest.fixture
def who(db: None) -> Party:
    return PartyFactory(
        code="who",
        name_en="World Health Organization",
        name_ar="منظمة الصحة العالمية",
        kind=PartyKind.COORDINATING_AGENCY,
    )


@pytest.fixture
def receiving_hospital(db: None) -> Party:
    return PartyFactory(
        code="receiving-hospital",
        name_en="Receiving Hospital",
        name_ar="المستشفى المستقبل",
        kind=PartyKind.RECEIVING_HOSPITAL,
        country="AE",
    )


@pytest.fixture
def crossing_authority(db: None) -> Party:
    return PartyFactory(
        code="crossing-authority",
        name_en="Crossing Authority",
        name_ar="سلطة المعبر",
        kind=PartyKind.CROSSING_AUTHORITY,
    )


@pytest.fixture
def coordinator(who: Party) -> User:
    return UserFactory(username="coordinator", party=who, roles=[Role.COORDINATOR])


@pytest.fixture
def liaison(receiving_hospital: Party) -> User:
    return UserFactory(username="liaison", party=receiving_hospital, roles=[Role.RECEIVING_LIAISON])


@pytest.fixture
def outsider(db: None) -> User:
    return UserFactory(username="outsider", party=None)


@pytest.fixture
def crossing(db: None) -> Crossing:
    return CrossingFactory(code="rafah", name_en="Rafah", name_ar="رفح")


@pytest.fixture
def crossing_day(crossing: Crossing) -> CrossingDay:
    return CrossingDayFactory(crossing=crossing, date=CROSSING_DATE, quota_out=10, quota_in=10)


@pytest.fixture
def plan(
    crossing: Crossing,
    crossing_day: CrossingDay,
    coordinator: User,
    who: Party,
    crossing_authority: Party,
) -> Planner:
    return Planner(
        crossing=crossing,
        coordinator=coordinator,
        coordinating_party=who,
        authority=crossing_authority,
    )
