"""Normalising cells: digits, dates in the forms field teams type, names and the matching form."""

from __future__ import annotations

import datetime

import pytest

from corridor.interop.mapping import header_key, header_synonyms
from corridor.interop.normalise import (
    CellProblem,
    arabic_key,
    clean_text,
    latin_digits,
    parse_date,
    split_name,
)


def test_arabic_indic_and_persian_digits_become_latin() -> None:
    assert latin_digits("٤٠١٢٣٤٥٦٢") == "401234562"
    assert latin_digits("۰۵۹۹۱۲۳۴۵۶") == "0599123456"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("17/05/1990", datetime.date(1990, 5, 17)),
        ("١٧/٠٥/١٩٩٠", datetime.date(1990, 5, 17)),
        ("1990-05-17", datetime.date(1990, 5, 17)),
        ("17.5.1990", datetime.date(1990, 5, 17)),
        (33010, datetime.date(1990, 5, 17)),
        ("33010", datetime.date(1990, 5, 17)),
        (33010.0, datetime.date(1990, 5, 17)),
        ("17 مايو 1990", datetime.date(1990, 5, 17)),
        ("17 أيار 1990", datetime.date(1990, 5, 17)),
        ("٥ تشرين الأول ٢٠٢٣", datetime.date(2023, 10, 5)),
        ("1 كانون الثاني 2024م", datetime.date(2024, 1, 1)),
        ("17 May 1990", datetime.date(1990, 5, 17)),
        (datetime.datetime(1990, 5, 17, 0, 0), datetime.date(1990, 5, 17)),
        ("", None),
    ],
)
def test_dates_are_read_in_every_form_field_teams_use(cell: object, expected: object) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["31/02/2024", "2024-13-01", "soon", "12/05/90", 9999999])
def test_impossible_or_unknown_dates_are_problems(cell: object) -> None:
    with pytest.raises(CellProblem):
        parse_date(cell)


def test_arabic_key_folds_hamza_alef_taa_marbuta_tatweel_and_diacritics() -> None:
    assert arabic_key("أَحْمَد") == arabic_key("احمد")
    assert arabic_key("إسماعيل") == arabic_key("اسماعيل")
    assert arabic_key("فاطمة") == arabic_key("فاطمه")
    assert arabic_key("مـصـطـفـى") == arabic_key("مصطفي")


def test_clean_text_collapses_whitespace_and_drops_float_noise() -> None:
    assert clean_text("  محمد \t  علي ") == "محمد علي"
    assert clean_text(401234562.0) == "401234562"


def test_a_four_part_name_splits_into_its_parts() -> None:
    parts = split_name("محمد  أحمد علي أبو شمالة")
    assert (parts.given, parts.father, parts.grandfather, parts.family) == (
        "محمد",
        "أحمد",
        "علي",
        "أبو شمالة",
    )


def test_compound_names_stay_whole() -> None:
    parts = split_name("عبد الله نور الدين خليل النجار")
    assert (parts.given, parts.father, parts.grandfather, parts.family) == (
        "عبد الله",
        "نور الدين",
        "خليل",
        "النجار",
    )


def test_a_single_word_is_not_a_name() -> None:
    with pytest.raises(CellProblem):
        split_name("محمد")


def test_arabic_and_english_headers_map_to_the_same_field() -> None:
    synonyms = header_synonyms()
    assert synonyms[header_key("تاريخ الميلاد")] == "date_of_birth"
    assert synonyms[header_key("Date of Birth:")] == "date_of_birth"
    assert synonyms[header_key("رقم الهويّة")] == "national_id"
    assert synonyms[header_key("الاسم_الرباعي")] == "full_name"
