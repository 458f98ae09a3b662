"""Finding people by name in either script: exact (folded) first, then forgiving typing slips.

The exact search looks for each word of the query at the beginning of a word of the stored
`Person.search_key`. When it finds few, `Vocabulary.similar` proposes, for each word typed, the
known name words a slip away (rapidfuzz over the vocabulary of names, a few thousand words, never
over every person), and the database is asked again with those words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from rapidfuzz import process
from rapidfuzz.distance import OSA

from corridor.people.names import Term, query_words, search_terms

# Vocabulary of name words, rebuilt when its source grows or after this many seconds: a name
# corrected in place reaches the typo-tolerant search within this delay (the exact one at once).
VOCABULARY_SECONDS = 600
# At most this many similar words per word typed, the closest first.
_MAX_SIMILAR = 30
_LATIN_VOWELS = re.compile(r"[aeiouwy]")
_REPEATS = re.compile(r"(.)\1+")


def name_filter(text: str, field: str) -> Q:
    """Rows whose `field` (a search key) holds every word of `text`, each as a word's beginning."""
    return _all_terms(search_terms(text), field)


def _all_terms(terms: Iterable[Term], field: str) -> Q:
    query = Q()
    for term in terms:
        either = Q(pk__in=[])
        for alternative in term.alternatives:
            either |= Q(**{f"{field}__contains": alternative})
        query &= either
    return query


def _allowed_slips(word: str) -> int:
    return 0 if len(word) < 3 else 1 if len(word) < 6 else 2


def _latin_skeleton(word: str) -> str:
    """The consonants of a Latin spelling: "Mohammed", "Muhammad" and "Mohamed" give "mhmd"."""
    return _REPEATS.sub(r"\1", _LATIN_VOWELS.sub("", word))


@dataclass(frozen=True)
class Vocabulary:
    """The distinct words of names, with the consonant skeletons of the Latin ones."""

    words: tuple[str, ...]
    skeletons: tuple[str, ...]

    @classmethod
    def of(cls, words: Iterable[str]) -> Vocabulary:
        known = tuple(sorted(set(words)))
        return cls(known, tuple(_latin_skeleton(w) if w.isascii() else "" for w in known))

    def similar(self, word: str) -> set[str]:
        """Known words a typing slip away from `word` (the word itself aside), closest first."""
        slips = _allowed_slips(word)
        if not slips or not self.words:
            return set()
        matches = process.extract(
            word, self.words, scorer=OSA.distance, score_cutoff=slips, limit=_MAX_SIMILAR
        )
        found = {self.words[index] for _match, _distance, index in matches}
        skeleton = _latin_skeleton(word) if word.isascii() else ""
        if len(skeleton) >= 3:
            matches = process.extract(
                skeleton,
                self.skeletons,
                scorer=OSA.distance,
                score_cutoff=slips - 1,
                limit=_MAX_SIMILAR,
            )
            found |= {self.words[index] for _match, _distance, index in matches}
        found.discard(word)
        return found


def forgiving_filter(text: str, field: str, vocabulary: Vocabulary) -> Q:
    """Rows whose `field` holds, for every word typed, the word's beginning or a word like it."""
    groups = []
    for word in query_words(text):
        either = Q(**{f"{field}__contains": f" {word}"})
        similar = sorted(vocabulary.similar(word))
        for known in similar:
            either |= Q(**{f"{field}__contains": f" {known} "})
        groups.append((len(similar), either))
    # The word with the fewest look-alikes first: most rows fail it and skip the longer lists.
    query = Q()
    for _count, either in sorted(groups, key=lambda group: group[0]):
        query &= either
    return query


def vocabulary(version: object, keys: Callable[[], Iterable[str]]) -> Vocabulary:
    """The words of the search keys `keys()` yields, cached under `version` for a while."""
    cache_key = f"corridor:name-vocabulary:{version}"
    cached: Vocabulary | None = cache.get(cache_key)
    if cached is None:
        cached = Vocabulary.of(" ".join(keys()).split())
        cache.set(cache_key, cached, VOCABULARY_SECONDS)
    return cached
