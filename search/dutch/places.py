"""Places and the words made from them: ``China`` also finds *Chinese*, *Chinezen*.

Kamervragen name a country as often by its adjective ("de Tunesische kustwacht", "de
Chinese collega") as by its name, and no stemmer joins the two. The table
``search/dutch/data/places_nl.tsv`` lists, per place, its adjective and inhabitant forms; a
query word that is one of them also searches the others, at :data:`RELATED_WEIGHT`.
Only single words take part (``Zuid-Afrika`` is two words to the analysis).
"""

from __future__ import annotations

from functools import cache

from search.dutch.analysis import analyze, stem_prefix
from search.dutch.analysis import stem as _stem
from search.dutch.compounds import package_data

__all__ = ["RELATED_WEIGHT", "related_stems"]

#: The weight of a place's other forms against the word the user typed.
RELATED_WEIGHT = 0.5


@cache
def _places() -> tuple[tuple[str, ...], ...]:
    """Per place, the folded word of each of its one-word forms (not stemmed yet: a
    search needs the stems of only the places that can hold its words)."""
    text = package_data("data", "places_nl.tsv").decode("utf-8")
    places = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        words = (analyze(form, stemmed=False) for form in line.split("\t"))
        places.append(tuple(w[0] for w in words if len(w) == 1))
    return tuple(places)


@cache
def _stems(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_stem(w) for w in words)


def related_stems(stem: str) -> frozenset[str]:
    """The other stems of the place ``stem`` belongs to (empty for most words)."""
    prefix = stem_prefix(stem)  # what every word with this stem starts with
    related: set[str] = set()
    for words in _places():
        if any(w.startswith(prefix) for w in words) and stem in _stems(words):
            related.update(_stems(words) - {stem})
    return frozenset(related)
