"""Names folded for comparison: the same in Python and in the database, whatever the spelling."""

from __future__ import annotations

import pytest

from corridor.people.models import Person
from corridor.people.names import arabic_key, query_words, search_key, search_terms
from tests.factories import PersonFactory

SPELLINGS = [
    ("أَحْمَد", "إسماعيل", "آدم", "أبو شمالة", "Ahmad Isma'il Adam Abu-Shamala"),
    ("فاطمة", "مـصـطـفـى", "", "الأغا", "Fatima MUSTAFA Al-Agha"),
    ("عبد الله", "مؤمن", "هانئ", "السقا", "Abd. Allah Mu'min, Hani' Al-Saqqa"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("given", "father", "grandfather", "family", "latin"), SPELLINGS)
def test_the_database_folds_a_name_as_python_does(given, father, grandfather, family, latin):
    person = PersonFactory(
        given_name_ar=given,
        father_name_ar=father,
        grandfather_name_ar=grandfather,
        family_name_ar=family,
        name_latin=latin,
    )
    stored = Person.objects.values_list("search_key", flat=True).get(pk=person.pk)
    assert stored == search_key(given, father, grandfather, family, latin)
    assert f" {arabic_key(given)} " in stored
    assert f" {arabic_key(family)} " in stored
    assert stored.endswith(" ") and stored.startswith(" ")


@pytest.mark.django_db
def test_the_key_follows_bulk_inserts_and_updates():
    Person.objects.bulk_create([PersonFactory.build(given_name_ar="أسامة", name_latin="Usama")])
    person = Person.objects.get(given_name_ar="أسامة")
    assert " اسامه " in person.search_key and " usama " in person.search_key
    Person.objects.filter(pk=person.pk).update(given_name_ar="إياد", name_latin="Iyad")
    person.refresh_from_db()
    assert " اياد " in person.search_key and "usama" not in person.search_key


def test_hamza_alef_taa_marbuta_and_alef_maqsura_spellings_fold_to_one():
    assert arabic_key("أسامة") == arabic_key("اسامه") == arabic_key("إسامة")
    assert arabic_key("مصطفى") == arabic_key("مصطفي")
    assert arabic_key("آمنة") == arabic_key("امنه")
    assert query_words("  Al-Agha  ٤٠١٢ ") == ["al", "agha", "4012"]


def test_a_search_word_matches_the_beginning_of_a_word_with_or_without_the_article():
    [term] = search_terms("الأغا")
    assert set(term.alternatives) == {" الاغا", " اغا"}
    [term] = search_terms("شوا")
    assert set(term.alternatives) == {" شوا", " الشوا"}
    [term] = search_terms("الله")
    assert term.alternatives == (" الله",)


def test_a_particle_may_be_joined_to_its_word_or_apart():
    [joined] = search_terms("عبدالله")
    assert " عبد الله" in joined.alternatives and " عبدالله" in joined.alternatives
    [apart] = search_terms("عبد الله")
    assert set(apart.alternatives) == {" عبد الله", " عبدالله"}
    [latin] = search_terms("Abu Sitta")
    assert set(latin.alternatives) == {" abu sitta", " abusitta"}


@pytest.mark.django_db
def test_persian_yeh_and_keheh_fold_to_the_arabic_letters_in_the_database_too():
    person = PersonFactory(given_name_ar="یاسر", father_name_ar="کمال", name_latin="")

    stored = Person.objects.values_list("search_key", flat=True).get(pk=person.pk)

    assert " ياسر كمال " in stored and "ی" not in stored
    assert arabic_key("یاسر کمال") == arabic_key("ياسر كمال")
