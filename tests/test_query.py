"""The query parser: syntax, stop words, and never failing on any input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from search.engine.query import to_whoosh
from search.engine.syntax import Clause, parse
from search.errors import SearchError
from search.models import Filters


def test_words_are_optional_and_stop_words_dropped() -> None:
    parsed = parse("wat doet de overheid tegen racisme")
    assert [c.text for c in parsed.clauses] == ["overheid", "tegen", "racisme"]
    assert not any(c.required for c in parsed.clauses)


def test_negations_are_never_dropped() -> None:
    assert [c.text for c in parse("niet wenselijk").clauses] == ["niet", "wenselijk"]
    assert [c.text for c in parse("geen zonder").clauses] == ["geen", "zonder"]


def test_only_stop_words_leave_nothing_to_search_and_are_said() -> None:
    parsed = parse("wat is het")
    assert parsed.clauses == ()
    assert parsed.ignored == ("wat", "is", "het")
    assert [c.text for c in parse('"het is"').clauses] == ["het is"]  # quoted: searched


def test_phrases_are_required_and_keep_stop_words() -> None:
    (clause,) = parse('"zo ja"').clauses
    assert clause == Clause("zo ja", phrase=True, required=True, quoted=True)


def test_exclusion_and_required() -> None:
    parsed = parse("china -rusland NOT iran +mensenrechten OR x")
    assert [(c.text, c.negated, c.required) for c in parsed.clauses] == [
        ("china", False, False),
        ("rusland", True, False),
        ("iran", True, False),
        ("mensenrechten", False, True),
        ("x", False, False),
    ]


def test_field_prefixes_in_dutch() -> None:
    parsed = parse('lid:Ploumen partij:PvdA minister:"Buitenlandse Zaken" onderwerp:china')
    # Names, parties and ministries are filters, as their flags are; text fields search.
    assert parsed.filters == (
        Filters(member="Ploumen"),
        Filters(party="PvdA"),
        Filters(ministry="Buitenlandse Zaken"),
    )
    assert [(c.field, c.text) for c in parsed.clauses] == [("subject", "china")]
    assert str(parsed) == 'lid:Ploumen partij:PvdA minister:"Buitenlandse Zaken" onderwerp:china'
    # Negated, a name field excludes.
    (clause,) = parse("-partij:PVV").clauses
    assert (clause.field, clause.negated) == ("parties", True)


def test_unknown_prefix_is_searched_as_words() -> None:
    (clause,) = parse("https://nos.nl").clauses
    assert clause.field is None and clause.text == "https://nos.nl"


def test_unbalanced_quote_is_searched_as_words() -> None:
    parsed = parse('"social credit')
    assert [(c.text, c.phrase) for c in parsed.clauses] == [("social", False), ("credit", False)]


@given(st.text())
def test_parse_and_build_raise_nothing_but_search_errors(text: str) -> None:
    try:
        parsed = parse(text)
    except SearchError as exc:  # a refused part: said in a sentence that names it
        assert str(exc)
        return
    if parsed.clauses:
        to_whoosh(parsed)
