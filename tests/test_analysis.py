"""The Dutch analyzer: golden stems, folding before stemming, no stop words, never raises."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.dutch.analysis import (
    ANALYSIS,
    EXACT,
    NAMES,
    STEMMED,
    TOKEN_PATTERN,
    _distinct_words,
    analyze,
    dutch_analyzer,
    exact_analyzer,
    fold,
    index_chain,
    index_words,
    name_analyzer,
    query_analyzer,
    stem,
    stem_prefix,
)
from search.dutch.compounds import compound_terms, lexicon
from tests.conftest import DATA


def _golden() -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / "stems.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, term = line.split("\t")
            rows.append((word, term))
    return rows


@pytest.mark.parametrize(("word", "term"), _golden())
def test_golden_stems(word: str, term: str) -> None:
    assert analyze(word) == term.split()


@pytest.mark.parametrize(
    "family",
    [
        ("financiële", "financiele", "financieel"),
        ("Oekraïne", "Oekraine", "oekraïne"),
        ("schending", "schendingen"),
        ("maatregel", "maatregelen"),
        ("sanctie", "sancties"),
        ("overheid", "overheden"),
        ("lid", "leden"),
        ("ziekenhuis", "ziekenhuizen"),
        ("collega", "collega's", "collega’s"),
        ("ijsbaan", "ĳsbaan"),
        # The -ies rule and the z/s alternation meet (#16): advie, verlie, precie.
        ("advies", "adviezen", "Adviezen"),
        ("verlies", "verliezen"),
        ("stikstofverlies", "stikstofverliezen"),
        ("precies", "preciese", "precieze"),
        # The plural -ën after -ie and -ee, with or without its diaeresis.
        ("technologie", "technologieën", "technologieen"),
        ("categorie", "categorieën"),
        ("energie", "energieën"),
        ("strategie", "strategieën"),
        ("idee", "ideeën"),
        ("zee", "zeeën"),
        ("overheid", "overheids"),
    ],
)
def test_families_share_a_term(family: tuple[str, ...]) -> None:
    assert len({tuple(analyze(w)) for w in family}) == 1, [analyze(w) for w in family]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gemeente", "mening"),
        ("minister", "mini"),
        ("woning", "gewoon"),
        ("overheid", "over"),
    ],
)
def test_unrelated_words_stay_apart(a: str, b: str) -> None:
    assert analyze(a) != analyze(b)


def test_no_stop_words_removed_at_index_time() -> None:
    assert analyze("Zo nee, waarom niet?", stemmed=False) == ["zo", "nee", "waarom", "niet"]


def test_fold_strips_diacritics_and_possessive() -> None:
    assert fold("financiële") == "financiele"
    assert fold("coördinatie") == "coordinatie"
    assert fold("agenda's") == "agenda"


def test_offsets_point_into_the_original_text() -> None:
    text = "De ĳsbaan in België"
    tokens = [(t.text, text[t.startchar : t.endchar]) for t in query_analyzer()(text, chars=True)]
    assert tokens[1][1] == "ĳsbaan" and tokens[3][1] == "België"


def test_analyzer_survives_pickling_as_whoosh_stores_it() -> None:
    restored = pickle.loads(pickle.dumps(dutch_analyzer()))
    assert [t.text for t in restored("schendingen")] == analyze("schendingen")


def test_analysis_version_names_stemmer_and_package() -> None:
    assert ANALYSIS["stemmer"] == "dutch_porter"
    assert ANALYSIS["snowballstemmer"].startswith("3.")


@given(st.text())
def test_analyze_never_raises(text: str) -> None:
    for term in analyze(text):
        assert term == term.lower() and term


def test_index_chain_adds_compound_parts_at_the_same_position() -> None:
    tokens = [(t.text, t.pos) for t in dutch_analyzer()("de stikstofuitstoot", positions=True)]
    assert tokens[0] == ("de", 0)
    assert ("stikstof", 1) in tokens and ("uitstot", 1) in tokens
    assert analyze("stikstofuitstoot") == ["stikstofuitstot"]  # queries are not split


def _chain_terms(chain: Any, text: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in chain(text, positions=True, mode="index")]


def _fused_terms(text: str, kind: int) -> list[tuple[str, int]]:
    return [(term, pos) for pos, word in enumerate(index_words(text)) for term in word[kind]]


INDEX_SAMPLES = [
    "De stikstofuitstoot van de Overheid’s financiële collega's: 3,14 % ﬁets ĳs wetten.",
    "Kamerleden vragen naar gezichtsherkenningssoftware en coronamaatregelen (2024).",
    "",
    "  \n\t",
    "Ü ü ë'S naïef café's CO2-uitstoot",
]


def _assert_index_words_are_the_analyzers_terms(text: str) -> None:
    for kind, chain in (
        (NAMES, name_analyzer()),
        (EXACT, exact_analyzer()),
        (STEMMED, dutch_analyzer()),
    ):
        assert _fused_terms(text, kind) == _chain_terms(chain, text)


@pytest.mark.parametrize("text", INDEX_SAMPLES)
def test_index_words_are_the_analyzers_terms(text: str) -> None:
    _assert_index_words_are_the_analyzers_terms(text)


@given(st.text())
def test_index_words_match_the_analyzers_on_any_text(text: str) -> None:
    _assert_index_words_are_the_analyzers_terms(text)


def test_index_chain_recognises_only_our_chains() -> None:
    assert index_chain(name_analyzer()) == NAMES
    assert index_chain(exact_analyzer()) == EXACT
    assert index_chain(dutch_analyzer()) == STEMMED
    assert index_chain(query_analyzer()) is None
    assert index_chain(None) is None


#: Letters of Dutch words, to make the stemmer's rules (endings, undoubling) fire often.
DUTCH_LETTERS = "aaeeeeiioouuyijnnrrssttddllkkgghvvzzffbbppmmwwcj"


def _stem_keeps_prefix(word: str) -> bool:
    return word.startswith(stem_prefix(stem(word)))


def test_every_lexicon_word_starts_with_its_stem_prefix() -> None:
    assert [w for w in lexicon() if not _stem_keeps_prefix(w)] == []
    golden = [w for word, _ in _golden() for w in analyze(word, stemmed=False)]
    assert [w for w in golden if not _stem_keeps_prefix(w)] == []
    assert stem_prefix(stem("kamerleden")) == "kamerl" and stem_prefix("wet") == "w"


@given(st.text(alphabet=DUTCH_LETTERS, min_size=1, max_size=20))
def test_a_dutch_like_word_starts_with_its_stem_prefix(word: str) -> None:
    assert _stem_keeps_prefix(word)


@given(st.text())
def test_any_word_and_its_parts_start_with_their_stem_prefix(text: str) -> None:
    for word in analyze(text, stemmed=False):
        assert all(_stem_keeps_prefix(w) for w in (word, *compound_terms(word)))


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \t\n.,'’s_1"))))
def test_distinct_words_are_the_tokens(texts: list[str]) -> None:
    tokens = {t for text in texts for t in TOKEN_PATTERN.findall(text)}
    assert _distinct_words(texts) == tokens
