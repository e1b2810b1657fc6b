"""Query understanding (issue #16): names, parties, ministers, years and status words
typed as words are preferences, shown, and off with ``exact``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import Index
from search.cli import main
from search.engine.interpret import interpret
from search.engine.syntax import parse


def _by(hit_entry: object, kind: str, value: str) -> bool:
    from search.models import Question

    assert isinstance(hit_entry, Question)
    e = hit_entry
    if kind == "member":
        return any(value.lower() in m.name.lower() for m in e.members)
    if kind == "party":
        return any((m.party or "").lower() == value.lower() for m in e.members)
    return value.lower() in " ".join((*e.addressees, e.answered_by or "")).lower()


#: In the fixtures every entry that says "gevangeniswezen" is the SP's and every one that
#: says "ziekenhuizen" Agema's: there, words that others use too. Those two words run on
#: the whole corpus.
WHOLE = pytest.mark.whole_corpus


@pytest.mark.parametrize(
    ("query", "kind", "value"),
    [
        ("Boswijk ontwikkelingshulp", "member", "Boswijk"),
        ("SP asiel", "party", "SP"),
        ("Agema kabinet", "minister", "Agema"),
        pytest.param("SP gevangeniswezen", "party", "SP", marks=WHOLE),
        pytest.param("Agema ziekenhuizen", "minister", "Agema", marks=WHOLE),
    ],
)
def test_a_name_typed_as_a_word_is_preferred_and_shown(
    request: pytest.FixtureRequest, query: str, kind: str, value: str
) -> None:
    whole = request.node.get_closest_marker("whole_corpus") is not None
    index: Index = request.getfixturevalue("corpus_index" if whole else "fixture_index")
    results = index.search(query, related=False)
    assert [(p.kind, p.value) for p in results.interpreted] == [(kind, value)]
    assert _by(results.hits[0].entry, kind, value)
    # A preference, not a filter: entries of others are still found.
    everyone = index.search(query, related=False, limit=1000).hits
    assert any(not _by(h.entry, kind, value) for h in everyone)
    # Literal: no interpretation.
    assert index.search(query, exact=True).interpreted == ()


@pytest.mark.whole_corpus  # in the fixtures the entries on care are of 2023 anyway
def test_a_year_typed_as_a_word_prefers_that_year(corpus_index: Index) -> None:
    results = corpus_index.search("zorg 2023", related=False, limit=5)
    assert [(p.kind, p.value) for p in results.interpreted] == [("year", "2023")]
    assert all(h.entry.submitted and h.entry.submitted.year == 2023 for h in results.hits)
    assert results.normalized == "zorg"  # not searched as text (footnote dates)
    literal = corpus_index.search("zorg 2023", related=False, limit=5, exact=True)
    assert literal.interpreted == () and literal.normalized == "zorg 2023"
    years = [h.entry.submitted.year for h in literal.hits if h.entry.submitted]
    assert years != [2023] * len(years)  # the preference is what put 2023 first


def test_relative_years_and_status_words() -> None:
    class Reader:  # a reader that knows no names: only dates and status are left
        def doc_frequency(self, field: str, text: str) -> int:
            return 0

    today = date(2026, 12, 2)
    got = interpret(Reader(), parse("jeugdzorg vorig jaar"), today)
    assert [(p.kind, p.value) for p in got.preferences] == [("year", "2025")]
    assert [c.text for c in got.parsed.clauses] == ["jeugdzorg"]
    got = interpret(Reader(), parse("dit jaar jeugdzorg"), today)
    assert [(p.kind, p.value) for p in got.preferences] == [("year", "2026")]
    got = interpret(Reader(), parse("onbeantwoorde vragen over asiel"), today)
    assert [(p.kind, p.value) for p in got.preferences] == [("status", "unanswered")]
    # Nothing left to search as text: the words are searched as typed.
    assert interpret(Reader(), parse("2024"), today).preferences == ()


def test_the_interpretation_in_the_cli(fixture_index_path: Path) -> None:
    runner = CliRunner()
    args = ["--index-dir", str(fixture_index_path)]
    text = runner.invoke(main, ["search", "Boswijk", "ontwikkelingshulp", *args]).stdout
    assert text.splitlines()[0] == (
        "Gezocht als: Boswijk ontwikkelingshulp (voorkeur: lid Boswijk; letterlijk: --exact)"
    )
    data = json.loads(runner.invoke(main, ["search", "zorg 2023", "--json", *args]).stdout)
    assert data["interpreted"] == [{"kind": "year", "value": "2023", "words": "2023"}]
    exact = json.loads(
        runner.invoke(main, ["search", "zorg 2023", "--json", "--exact", *args]).stdout
    )
    assert exact["interpreted"] == []
