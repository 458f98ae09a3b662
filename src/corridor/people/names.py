"""Names as Corridor compares them: Arabic spelling variants folded, Latin spellings lower-cased.

One table of equivalences serves Python (`arabic_key`, `search_key`) and the database (the
expression of `Person.search_key`, a column the database computes), so that what a user types
and what is stored fold alike, whichever way the row was written (a form, an import, a bulk load).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Expression, F, Func, Value
from django.db.models.functions import Lower, Replace

_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬",
    "01234567890123456789.,",
)
# Diacritics (harakat, shadda, sukun, dagger alef) and tatweel carry no identity.
_DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"
# Hamza forms and alef variants as a bare alef, taa marbuta as haa, alef maqsura as yaa; the
# Persian yeh and keheh that some keyboards type as the Arabic letters.
ARABIC_FOLDS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ؤ": "و",
    "ئ": "ي",
    "ء": "",
    "ی": "ي",
    "ک": "ك",
}
# Latin spellings join or split words with these ("Al-Agha", "Ma'moun", "Moh."): a space or nothing.
LATIN_FOLDS = {"-": " ", "'": "", "’": "", "`": "", ".": " ", ",": " "}

_LETTERS = str.maketrans({**ARABIC_FOLDS, **dict.fromkeys(_DIACRITICS, "")})
_SPACES = re.compile(r"\s+")

# Particles written joined to the next word or apart ("عبد الله" / "عبدالله", "Abu Sitta").
PARTICLES = frozenset({"عبد", "ابو", "بن", "بنت", "abd", "abdel", "abu", "abou", "bin", "al", "el"})
ARTICLE = "ال"


def latin_digits(text: str) -> str:
    """Arabic-Indic and Persian digits (and separators) as Latin ones."""
    return text.translate(_DIGITS)


def arabic_key(text: str) -> str:
    """The form of a name or label used for comparison: hamza, alef, taa marbuta and case folded."""
    text = latin_digits(text).translate(_LETTERS)
    return _SPACES.sub(" ", text).strip().casefold()


def _fold_all(text: str) -> str:
    text = text.lower().translate(_LETTERS)
    for old, new in LATIN_FOLDS.items():
        text = text.replace(old, new)
    return text


def search_key(given: str, father: str, grandfather: str, family: str, latin: str) -> str:
    """What the database stores as `Person.search_key` for these names (see the expression)."""
    return _fold_all(f" {given} {father} {grandfather} {family}  {latin} ")


class JoinedText(Func):
    """Text joined with || in one flat expression, for columns that are never NULL.

    Concat() nests a pair of COALESCE per argument, too deep for SQLite's parser under the
    replacements of the search key. Migrations name this class: keep it where it is.
    """

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = CharField()


def search_key_expression() -> Expression:
    """The database expression of `Person.search_key`: every name folded, between spaces.

    A word of the name is found by looking for " word" (its beginning) in the key; a whole word
    by " word ". Lower() only folds ASCII letters on SQLite, which is all Latin lists use.
    """
    parts: list[Any] = [Value(" ")]
    for field in ("given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar"):
        parts += [F(field), Value(" ")]
    parts += [Value(" "), F("name_latin"), Value(" ")]
    expression: Expression = Lower(JoinedText(*parts))
    folds = {**dict.fromkeys(_DIACRITICS, ""), **ARABIC_FOLDS, **LATIN_FOLDS}
    for old, new in folds.items():
        expression = Replace(expression, Value(old), Value(new))
    return expression


@dataclass(frozen=True)
class Term:
    """One thing the search must find in a key: any of `alternatives` (substrings of the key)."""

    word: str
    alternatives: tuple[str, ...]


def query_words(text: str) -> list[str]:
    """The words of a search as they are folded in keys (Latin digits, no diacritics)."""
    folded = _fold_all(latin_digits(unicodedata.normalize("NFKC", text)))
    return [word for word in folded.split() if word]


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in word)


def search_terms(text: str) -> list[Term]:
    """What a name search looks for: each word at the beginning of a word of the name.

    The Arabic article is optional ("الاغا" finds "اغا" and the other way round), and a particle
    may be written joined or apart ("عبدالله" finds "عبد الله", "abu sitta" finds "abusitta").
    """
    words = query_words(text)
    terms: list[Term] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in PARTICLES and index + 1 < len(words):
            following = words[index + 1]
            terms.append(
                Term(f"{word} {following}", (f" {word} {following}", f" {word}{following}"))
            )
            index += 2
            continue
        alternatives = [f" {word}"]
        if _is_arabic(word):
            if word.startswith(ARTICLE) and len(word) >= len(ARTICLE) + 3:
                alternatives.append(f" {word[len(ARTICLE) :]}")
            elif not word.startswith(ARTICLE):
                alternatives.append(f" {ARTICLE}{word}")
        for particle in PARTICLES:
            rest = word[len(particle) :]
            if word.startswith(particle) and len(rest) >= 2 and particle not in ("al", "el"):
                alternatives.append(f" {particle} {rest}")
        terms.append(Term(word, tuple(dict.fromkeys(alternatives))))
        index += 1
    return terms
