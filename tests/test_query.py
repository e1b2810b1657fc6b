"""The query parser: syntax, stop words, and never failing on any input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from search.query import Clause, parse, to_whoosh


def test_words_are_optional_and_stop_words_dropped() -> None:
    parsed = parse("wat doet de overheid tegen racisme")
    assert [c.text for c in parsed.clauses] == ["overheid", "tegen", "racisme"]
    assert not any(c.required for c in parsed.clauses)


def test_negations_are_never_dropped() -> None:
    assert [c.text for c in parse("niet wenselijk").clauses] == ["niet", "wenselijk"]
    assert [c.text for c in parse("geen zonder").clauses] == ["geen", "zonder"]


def test_only_stop_words_are_kept_rather_than_nothing() -> None:
    assert [c.text for c in parse("wat is het").clauses] == ["wat", "is", "het"]


def test_phrases_are_required_and_keep_stop_words() -> None:
    (clause,) = parse('"zo ja"').clauses
    assert clause == Clause("zo ja", phrase=True, required=True)


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
    assert [(c.field, c.text) for c in parsed.clauses] == [
        ("members", "Ploumen"),
        ("parties", "PvdA"),
        ("addressees", "Buitenlandse Zaken"),
        ("subject", "china"),
    ]
    assert str(parsed) == 'lid:Ploumen partij:PvdA minister:"Buitenlandse Zaken" onderwerp:china'


def test_unknown_prefix_is_searched_as_words() -> None:
    (clause,) = parse("https://nos.nl").clauses
    assert clause.field is None and clause.text == "https://nos.nl"


def test_unbalanced_quote_is_searched_as_words() -> None:
    parsed = parse('"social credit')
    assert [(c.text, c.phrase) for c in parsed.clauses] == [("social", False), ("credit", False)]


@given(st.text())
def test_parse_and_build_never_raise(text: str) -> None:
    parsed = parse(text)
    if parsed.clauses:
        to_whoosh(parsed)
