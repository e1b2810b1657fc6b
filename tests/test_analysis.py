"""The Dutch analyzer: golden stems, folding before stemming, no stop words, never raises."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.analysis import ANALYSIS, analyze, dutch_analyzer, fold, query_analyzer
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
    ],
)
def test_families_share_a_term(family: tuple[str, ...]) -> None:
    assert len({tuple(analyze(w)) for w in family}) == 1, [analyze(w) for w in family]


@pytest.mark.parametrize(
    ("a", "b"),
    [("gemeente", "mening"), ("minister", "mini"), ("woning", "gewoon"), ("overheid", "over")],
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
