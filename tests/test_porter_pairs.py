"""Every pair of words that Snowball's ``dutch_porter`` conflates meets in kvsearch too.

kvsearch stems with ``dutch_porter`` plus rules of its own (:func:`search.dutch.analysis.stem`:
folding first, z/s and v/f, long vowels, -ies, -ieën, overrides). Those rules exist to
join forms Porter leaves apart; they must not split what Porter joins, except where that
is the point of the rule. ``tests/data/porter_groups.txt.gz`` holds every group of two or
more words of Snowball's test vocabulary for the stemmer (45,669 words) that Porter gives
one stem (``tools/porter_groups.py``, see ``tests/data/README.md``): 6,179 groups, 12,209
pairs. Each word goes through kvsearch's query analysis as a typed word would: NFKC,
lowercase, diacritics folded, stemmed. The pairs are compared as kvsearch sees the words,
so ``méér``/``meer`` are one folded word.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from functools import cache
from itertools import combinations

from snowballstemmer.dutch_porter_stemmer import DutchPorterStemmer

from search.dutch.analysis import analyze, fold
from tests.conftest import DATA

GROUPS_FILE = DATA / "porter_groups.txt.gz"
#: Snowball's own ``dutch_porter``, each word stemmed once for the tests that share words.
_porter = cache(DutchPorterStemmer().stemWord)

#: Porter groups that kvsearch splits on purpose, all by ``STEM_OVERRIDES``: Porter stem
#: -> (the folded words taken out of the group, which still meet each other; why). Every
#: pair of a taken word and another word of its group is split; every other pair meets.
DELIBERATE_SPLITS: dict[str, tuple[frozenset[str], str]] = {
    "led": (
        frozenset({"leden"}),
        "leden is the plural of lid (member), not a form of leed (sorrow) or led (LED)",
    ),
    "men": (
        frozenset({"mens"}),
        "mens (human being) is no form of men (one) or menen (to mean)",
    ),
    "over": (
        frozenset({"overheid", "overheden", "overheids"}),
        "Porter strips -heid: the government (overheid) is not over or overig (other)",
    ),
    "sted": (
        frozenset({"steden"}),
        "steden is the plural of stad (city), not a form of steeds (always)",
    ),
}


@cache
def _file() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The header's ``key: value`` lines and the groups (Porter stem -> words)."""
    header: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}
    with gzip.open(GROUPS_FILE, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                key, _, value = line[1:].strip().partition(": ")
                header[key] = value
            else:
                stem, words = line.rstrip("\n").split("\t")
                groups[stem] = tuple(words.split(" "))
    return header, groups


def _groups() -> dict[str, tuple[str, ...]]:
    return _file()[1]


def _pairs(words: frozenset[str]) -> Iterator[tuple[str, str]]:
    return combinations(sorted(words), 2)


def test_the_file_holds_every_group_of_porter() -> None:
    header, groups = _file()
    words = [w for group in groups.values() for w in group]
    assert len(groups) == int(header["Groups"]) == 6179
    assert len(words) == len(set(words)) == int(header["Words"]) == 14640
    pairs = sum(len(group) * (len(group) - 1) // 2 for group in groups.values())
    assert pairs == int(header["Pairs"]) == 12209
    assert int(header["Vocabulary words"]) == 45669
    # The stems are Porter's, as snowballstemmer computes them here.
    assert {_porter(w): stem for stem, group in groups.items() for w in group} == {
        stem: stem for stem in groups
    }
    assert all(len(group) >= 2 for group in groups.values())


def test_folding_splits_no_porter_group() -> None:
    # kvsearch folds before it stems; Porter's own prelude drops the same accents (and
    # keeps à, è, ç, ...in every form of a word alike), so no pair is lost to folding.
    split = {
        stem: group
        for stem, group in _groups().items()
        if len({_porter(fold(w)) for w in group}) > 1
    }
    assert split == {}


def test_every_pair_porter_conflates_meets_but_the_deliberate_splits() -> None:
    split: set[tuple[str, str]] = set()
    for group in _groups().values():
        terms = {fold(w): tuple(analyze(w)) for w in group}
        split.update((a, b) for a, b in _pairs(frozenset(terms)) if terms[a] != terms[b])
    deliberate = {
        pair
        for stem, (taken, _) in DELIBERATE_SPLITS.items()
        for pair in _pairs(frozenset(fold(w) for w in _groups()[stem]))
        if (pair[0] in taken) != (pair[1] in taken)
    }
    assert sorted(split - deliberate) == []  # kvsearch split a pair Porter joins
    assert sorted(deliberate - split) == []  # a listed split is not (or no longer) one
    assert len(deliberate) == 19
