"""Finding people by name: word beginnings, then words a slip away, from a cached vocabulary."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from corridor.people.models import Person
from corridor.people.search import Vocabulary, forgiving_filter, name_filter, vocabulary
from tests.factories import PersonFactory

WORDS = ["محمد", "احمد", "محمود", "حمد", "شماله", "mohammed", "muhammad", "ahmad", "al", "agha"]


def test_a_word_a_slip_away_is_similar_but_a_word_further_away_is_not() -> None:
    known = Vocabulary.of(WORDS)

    assert known.similar("مجمد") >= {"محمد"}
    assert "محمود" not in known.similar("مجمد")  # two letters away from a four-letter word
    assert known.similar("شمالة".replace("ة", "ه")) == set()  # the word itself is not "similar"
    assert known.similar("مح") == set()  # too short to forgive anything


def test_latin_spellings_of_one_name_are_similar_through_their_consonants() -> None:
    known = Vocabulary.of(WORDS)

    assert {"mohammed", "muhammad"} <= known.similar("mohamed")
    assert "agha" not in known.similar("mohamed")


@pytest.mark.django_db
def test_the_forgiving_filter_finds_a_name_with_a_slip_in_each_word() -> None:
    osama = PersonFactory(given_name_ar="أسامة", family_name_ar="الأغا", name_latin="Osama Al-Agha")
    PersonFactory(given_name_ar="سامي", family_name_ar="الشوا", name_latin="Sami Al-Shawa")
    known = Vocabulary.of(" ".join(Person.objects.values_list("search_key", flat=True)).split())

    exact = Person.objects.filter(name_filter("اسامع الاعا", "search_key"))
    forgiving = Person.objects.filter(forgiving_filter("اسامع الاعا", "search_key", known))

    assert not exact.exists()
    assert list(forgiving) == [osama]


@pytest.mark.django_db
def test_the_vocabulary_is_built_once_per_version_and_kept_in_the_cache() -> None:
    calls = []

    def keys() -> list[str]:
        calls.append(1)
        return [" محمد احمد ", " mohammed "]

    first = vocabulary(1, keys)
    again = vocabulary(1, keys)
    newer = vocabulary(2, keys)

    assert first.words == again.words == ("mohammed", "احمد", "محمد")
    assert len(calls) == 2 and newer.words == first.words
    cache.clear()
    vocabulary(1, keys)
    assert len(calls) == 3
