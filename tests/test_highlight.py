"""Snippets and their highlighting."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.dutch.analysis import exact_analyzer, folded_words, name_analyzer, stem
from search.dutch.compounds import compound_terms
from search.engine import highlight
from search.engine.highlight import make_snippet
from search.engine.query import highlight_terms
from search.engine.syntax import parse
from search.ingest import parse_file
from tests.conftest import FIXTURES, SEED_FILE


def test_stemmed_and_folded_forms_are_marked() -> None:
    text = "Deze schendingen van financiële regels."
    snippet = make_snippet([("question", text)], highlight_terms(parse("schending financiele"))[0])
    assert snippet.matches == ("schendingen", "financiële")
    assert snippet.plain() == text


def test_best_passage_is_chosen_and_cut_at_words() -> None:
    filler = "woord " * 80
    text = f"{filler}hier staat china en mensenrechten samen {filler}"
    snippet = make_snippet([("answer", text)], highlight_terms(parse("china mensenrechten"))[0])
    assert snippet.field == "answer"
    assert snippet.matches == ("china", "mensenrechten")
    assert snippet.segments[0].text == "…" and snippet.segments[-1].text == "…"
    assert len(snippet.plain()) <= 260


def test_adjacent_matches_form_one_mark_and_renderings() -> None:
    snippet = make_snippet(
        [("question", "Het Social Credit systeem & meer")], frozenset({"social", "credit"})
    )
    assert snippet.marked() == "Het **Social Credit** systeem & meer"
    assert snippet.html() == "Het <mark>Social Credit</mark> systeem &amp; meer"
    assert snippet.ansi() == "Het \x1b[1;33mSocial Credit\x1b[0m systeem & meer"


def test_no_match_gives_start_of_first_field() -> None:
    snippet = make_snippet([("question", ""), ("answer", "Ja.")], frozenset({"x"}))
    assert snippet.field == "answer" and snippet.plain() == "Ja."


def test_prefix_and_fuzzy_matches_are_marked() -> None:
    terms, prefixes, fuzzy = highlight_terms(parse("klimaat* gezichtsherkening~"))
    text = "Klimaatverandering en gezichtsherkenning, niet klimmen."
    snippet = make_snippet([("question", text)], terms, prefixes=prefixes, fuzzy=fuzzy)
    assert snippet.matches == ("Klimaatverandering", "gezichtsherkenning")


def _matches_of_every_word(
    text: str, terms: frozenset[str], prefixes: frozenset[str]
) -> list[tuple[int, int, str]]:
    """What :func:`highlight._matches` found before it skipped words: every word and
    compound part of the index chain, stemmed."""
    spans: list[tuple[int, int, str]] = []
    for tok in exact_analyzer()(text, chars=True, positions=True):
        key = stem(tok.text)
        hit = key in terms
        if not hit and prefixes:
            hit, key = any(tok.text.startswith(p) for p in prefixes), tok.text
        if hit and not (spans and spans[-1][0] == tok.startchar):
            spans.append((tok.startchar, tok.endchar, key))
    return spans


def _seed_texts() -> list[str]:
    entries = [e for d in parse_file(SEED_FILE).documents for e in d.entries]
    return [t for e in entries for t in (e.question, e.answer) if t]


def test_skipping_words_that_cannot_match_finds_the_same_matches() -> None:
    texts = _seed_texts()
    rng = random.Random(7)
    for text in texts:
        words = [t.text for t in exact_analyzer()(text)]  # words and compound parts
        for _ in range(5):
            terms = frozenset(stem(rng.choice(words)) for _ in range(rng.randint(1, 3)))
            prefixes = frozenset(rng.choice(words)[:4] for _ in range(rng.randint(0, 1)))
            expected = _matches_of_every_word(text, terms, prefixes)
            assert highlight._matches(text, terms, prefixes) == expected
    terms = highlight_terms(parse("mensenrechten china wet leden"))[0]
    assert highlight._matches(texts[0], terms) == _matches_of_every_word(
        texts[0], terms, frozenset()
    )


@given(st.text(alphabet="aeioun rstdlkgh-.'\nëé", max_size=200), st.data())
def test_skipping_words_finds_the_same_matches_in_any_text(text: str, data: st.DataObject) -> None:
    words = [t.text for t in exact_analyzer()(text)] or ["x"]
    terms = frozenset(stem(w) for w in data.draw(st.lists(st.sampled_from(words), max_size=3)))
    assert highlight._matches(text, terms) == _matches_of_every_word(text, terms, frozenset())


def _chain_words(text: str) -> list[tuple[int, int, str]]:
    return [(t.startchar, t.endchar, t.text) for t in name_analyzer()(text, chars=True)]


def test_folded_words_are_the_name_analyzers_tokens() -> None:
    """The highlighter's plain loop gives what the Whoosh chain gives (offsets and
    words), on every text of the fixture corpus and on hard cases."""
    texts = [
        "Financiële ĳzer ﬁets Kostić's d’Ancona’s 3,5 1.000.000 CO₂ ＡＢＣ",
        "Sint-Maartensdijk café naïeve coördinatie; 't Hof’s ’s-Hertogenbosch",
        "",
    ]
    for path in sorted(FIXTURES.glob("*.txt")):
        for document in parse_file(path).documents:
            for entry in document.entries:
                texts += [entry.question, entry.answer, entry.subject or ""]
    assert len(texts) > 300
    for text in texts:
        assert list(folded_words(text)) == _chain_words(text), text[:80]


@given(st.text(max_size=60))
def test_folded_words_on_any_text(text: str) -> None:
    assert list(folded_words(text)) == _chain_words(text)


def _reference_matches(
    text: str, terms: frozenset[str], prefixes: frozenset[str]
) -> list[tuple[int, int, str]]:
    """Every word analysed, no needle filter: what the highlighter must find."""
    spans = []
    for start, end, word in folded_words(text):
        for folded in (word, *compound_terms(word)):
            if stem(folded) in terms:
                spans.append((start, end, stem(folded)))
                break
            if any(folded.startswith(p) for p in prefixes):
                spans.append((start, end, folded))
                break
    return spans


@pytest.mark.parametrize(
    "query",
    [
        "stikstof",
        "financiele problemen",
        "coördinatie",
        "Oekraïne",
        "uitstoot landbouw",
        "asiel*",
        "gezichtsherkenning software",
        "Kamer vragen minister",
        "Kamer's",
        "CO₂ ﬁets",
    ],
)
def test_the_needle_filter_finds_every_match(query: str) -> None:
    """Only words that contain a needle are analysed: the matches are those of analysing
    every word (fixture texts with diacritics, ligatures, compounds, 's)."""
    terms, prefixes, _ = highlight_terms(parse(query))
    texts = ["Coördinatie, financiële Oekraïne's ﬁetsen; CO₂-uitstoot ASIELzoekers"]
    for path in [SEED_FILE, *sorted(FIXTURES.glob("*.txt"))]:
        for document in parse_file(path).documents:
            for entry in document.entries:
                texts += [entry.question, entry.answer]
    found = 0
    for text in texts:
        expected = _reference_matches(text, terms, prefixes)
        assert highlight._matches(text, terms, prefixes) == expected, text[:80]
        found += len(expected)
    assert found > 0
