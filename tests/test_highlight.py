"""Snippets and their highlighting."""

from __future__ import annotations

from search import Index
from search.highlight import make_snippet
from search.query import highlight_terms, parse


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


def test_stemming_keeps_the_first_letter_the_snippet_filter_relies_on(
    corpus_index: Index,
) -> None:
    """The snippet stems only words that start like a query term (``_initial``): no
    word of the corpus, and no made-up word, stems to another first letter."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from search.analysis import STEM_OVERRIDES, stem
    from search.highlight import _initial

    reader = corpus_index._get_searcher().reader()
    words = [w.decode("utf-8") for w in reader.lexicon("exact")]
    assert len(words) > 10_000
    moved = [w for w in words if w not in STEM_OVERRIDES and _initial(stem(w)) != _initial(w)]
    assert moved == []

    @settings(max_examples=3000, deadline=None)
    @given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzeeaaoo", min_size=1, max_size=14))
    def check(word: str) -> None:
        if word not in STEM_OVERRIDES:
            assert _initial(stem(word)) == _initial(word), word

    check()
