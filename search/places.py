"""Places and the words made from them: ``China`` also finds *Chinese*, *Chinezen*.

Kamervragen name a country as often by its adjective ("de Tunesische kustwacht", "de
Chinese collega") as by its name, and no stemmer joins the two. The table
``search/data/places_nl.tsv`` lists, per place, its adjective and inhabitant forms; a
query word that is one of them also searches the others, at :data:`RELATED_WEIGHT`.
Only single words take part (``Zuid-Afrika`` is two words to the analysis).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from search.analysis import analyze

__all__ = ["RELATED_WEIGHT", "related_stems"]

#: The weight of a place's other forms against the word the user typed.
RELATED_WEIGHT = 0.5


@cache
def _table() -> dict[str, frozenset[str]]:
    text = files("search").joinpath("data", "places_nl.tsv").read_text(encoding="utf-8")
    related: dict[str, set[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        stems = {s[0] for s in (analyze(form) for form in line.split("\t")) if len(s) == 1}
        for stem in stems:
            related.setdefault(stem, set()).update(stems - {stem})
    return {stem: frozenset(others) for stem, others in related.items() if others}


def related_stems(stem: str) -> frozenset[str]:
    """The other stems of the place ``stem`` belongs to (empty for most words)."""
    return _table().get(stem, frozenset())
