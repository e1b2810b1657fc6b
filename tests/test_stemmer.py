"""The written-out dutch_porter stemmer gives snowballstemmer's stems, for every word."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from snowballstemmer.dutch_porter_stemmer import DutchPorterStemmer

from search.dutch import analysis
from search.dutch.compounds import lexicon
from search.dutch.stemmer import stem_word
from tests.conftest import examples

#: snowballstemmer's own pure-Python implementation (also when PyStemmer is installed).
REFERENCE = DutchPorterStemmer()

#: Pieces that exercise every rule: the suffixes, the conditions around them (gem, c, e,
#: j), doubled letters, i and y between vowels, accents, and letters outside the groupings.
PIECES = (
    "heden heid en ene se s e gem ig ing end lijk baar bar aa ee oo uu dd kk tt i y I Y c j"
    " è é ë ï ü á ó a o u b d k t m n r l ß 1 -"
).split()


@pytest.mark.slow  # 54,000 words through both stemmers; the property tests run quick
def test_every_lexicon_word() -> None:
    words = sorted(lexicon())
    assert [stem_word(w) for w in words] == [REFERENCE.stemWord(w) for w in words]


@settings(max_examples=examples(1000))
@given(st.lists(st.sampled_from(PIECES), max_size=7).map("".join))
def test_generated_words(word: str) -> None:
    assert stem_word(word) == REFERENCE.stemWord(word)


@given(st.text(max_size=12))
def test_any_text(word: str) -> None:
    assert stem_word(word) == REFERENCE.stemWord(word)


def test_analysis_uses_the_port_unless_pystemmer_is_installed() -> None:
    pystemmer = type(analysis._STEMMER).__module__ == "Stemmer"
    assert (analysis._stem_word is stem_word) != pystemmer
