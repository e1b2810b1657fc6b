"""Filters, facets and date order, through the library and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import Index
from search.cli import main
from search.dutch.parliament import ministry_of, party_display, party_key, session_of, session_range
from search.models import Filters
from tests.conftest import SEEDS, VARIANTS


@pytest.fixture(scope="module")
def variants_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seed and the variant seeds: 13 entries of 4 documents.

    2019Z12806 (7, PvdA, 2019), 2024Z00001 (3, answered, 2023), 2024Z00002 (1, delayed,
    2024) and 2024Z00003 (2, an answer document with no submission date).
    """
    path = tmp_path_factory.mktemp("variants") / "index"
    with Index.build(path, [SEEDS, *VARIANTS]):
        pass
    return path


@pytest.fixture
def index(variants_path: Path) -> Iterator[Index]:
    with Index.open(variants_path) as index:
        yield index


def _ids(results: object) -> list[str]:
    return [h.entry_id for h in results.hits]  # type: ignore[attr-defined]


def test_party_filter_with_variants(index: Index) -> None:
    gl = index.search("*", filters=Filters(party="GL-PvdA"), limit=50)
    assert {h.document_id for h in gl.hits} == {"2024Z00001", "2024Z00002"}
    assert index.search("*", filters=Filters(party="groenlinks pvda")).total == gl.total
    assert index.search("* partij:GL-PvdA").total == gl.total
    assert index.search("*", filters=Filters(party="PvdA")).total == 7


def test_member_and_ministry_filters(index: Index) -> None:
    assert _ids(index.search("*", filters=Filters(member="van nispen"))) == ["2024Z00002#1"]
    bz = index.search("*", filters=Filters(ministry="buitenlandse zaken"), limit=20)
    assert {h.document_id for h in bz.hits} == {"2019Z12806"}
    assert bz.total == 7


def test_date_year_and_session_filters(index: Index) -> None:
    june = Filters(date_from=date(2019, 6, 1), date_to=date(2019, 6, 30))
    assert index.search("*", filters=june).total == 7
    assert index.search("* datum:2019-06-01..2019-06-30").total == 7
    assert index.search("* datum:..2019-06-19").total == 0
    assert index.search("*", filters=Filters(year=2023)).total == 3
    assert index.search("* jaar:2024").total == 1
    assert index.search("*", filters=Filters(session="2023-2024")).total == 3
    assert index.search("* vergaderjaar:2018-2019").total == 7


def test_status_filters(index: Index) -> None:
    assert index.search("*", filters=Filters(status="answered")).total == 5
    assert _ids(index.search("* status:uitgesteld")) == ["2024Z00002#1"]
    assert index.search("*", filters=Filters(status="unanswered")).total == 7


def test_filters_with_words_keep_relevance_order(index: Index) -> None:
    results = index.search("sancties", filters=Filters(party="PvdA"))
    assert _ids(results)[0] == "2019Z12806#6"


def test_star_lists_newest_first_and_sorts(index: Index) -> None:
    newest = index.search("*", limit=20)
    assert newest.total == 13
    # By submission date, else the answer's date.
    dates = [h.entry.submitted or h.entry.answered for h in newest.hits]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert newest.hits[0].document_id == "2024Z00003"
    oldest = index.search("*", limit=1, sort="date")
    assert oldest.hits[0].document_id == "2019Z12806"
    with pytest.raises(ValueError):
        index.search("*", sort="random")


def test_facets_count_the_whole_result_set(index: Index) -> None:
    results = index.search("*", limit=1, facets=True)
    assert results.facets is not None
    assert dict(results.facets["party"]) == {"PvdA": 7, "GroenLinks-PvdA": 4, "SP": 1}
    assert dict(results.facets["year"]) == {"2019": 7, "2023": 3, "2024": 1}
    assert dict(results.facets["status"]) == {"unanswered": 7, "answered": 5, "delayed": 1}
    assert results.facets["ministry"][0] == ("Buitenlandse Zaken", 7)


def test_entry_status_and_days(index: Index) -> None:
    (hit,) = index.search("datacentra steun").hits[:1]
    assert hit.entry.status == "answered"
    assert hit.entry.days_to_answer == (date(2023, 11, 7) - date(2023, 10, 2)).days


def test_cli_filters_facets_and_json(variants_path: Path) -> None:
    runner = CliRunner()
    args = ["--index-dir", str(variants_path)]
    result = runner.invoke(
        main, ["search", "*", "--party", "GL-PvdA", "--from", "2023-01-01", "--facets", *args]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1–4 van 4 voor '*'")
    assert "partij: GroenLinks-PvdA 4 · SP 1" in result.stdout
    assert "status: beantwoord 3 · uitgesteld 1" in result.stdout
    assert "beantwoord na 36 dagen" in result.stdout
    data = json.loads(runner.invoke(main, ["search", "*", "--delayed", "--json", *args]).stdout)
    assert [h["entry_id"] for h in data["hits"]] == ["2024Z00002#1"]
    assert data["hits"][0]["status"] == "delayed"
    assert {"value": "SP", "count": 1} in data["facets"]["party"]
    bad = runner.invoke(main, ["search", "*", "--from", "2024-13-01", *args])
    assert bad.exit_code == 2 and "is geen datum" in bad.stderr


def test_parliament_names() -> None:
    assert party_key("GL-PvdA") == party_key("GroenLinks-PvdA") == "groenlinks-pvda"
    assert party_display("Nieuw Sociaal Contract") == "NSC"
    assert ministry_of("de Minister van Volksgezondheid Welzijn en Sport") == (
        "Volksgezondheid, Welzijn en Sport"
    )
    assert ministry_of("minister Van Weel (Justitie en Veiligheid)") == "Justitie en Veiligheid"
    assert session_of(date(2024, 9, 16)) == "2023-2024"
    assert session_of(date(2024, 9, 17)) == "2024-2025"  # Prinsjesdag 2024
    assert session_range("2023-2024") == (date(2023, 9, 19), date(2024, 9, 16))


@pytest.mark.parametrize(
    ("args", "total"),
    [
        (["--member", "Ploumen"], 7),
        (["--lid", "kröger"], 3),
        (["--party", "GL-PvdA"], 4),
        (["--ministry", "justitie en veiligheid"], 3),  # 1 addressed, 2 answered by
        (["--from", "2023-01-01", "--to", "2023-12-31"], 3),
        (["--year", "2019"], 7),
        (["--session", "2023-2024"], 3),
        (["--answered"], 5),
        (["--unanswered"], 7),
        (["--delayed"], 1),
        (["--answered-since", "2024-01-01"], 2),
    ],
)
def test_each_filter_on_the_command_line(variants_path: Path, args: list[str], total: int) -> None:
    result = CliRunner().invoke(
        main, ["search", "*", "--json", *args, "--index-dir", str(variants_path)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] == total


def _ministry_filters(index: Index) -> tuple[int, int]:
    """``minister:"…"`` and ``--ministerie`` use the ``ministries`` keys: the entries the
    words in a row in the addressees (which also name the answerer) match, and those
    where PDF text glued two of the words (``Welzijn enSport``). Returns how many entries
    the phrases matched and how many more the keys found (glued words)."""
    from whoosh import query as wq

    from search.dutch.analysis import analyze
    from search.dutch.parliament import MINISTRIES

    searcher = index._get_searcher()
    seen = glued = 0
    for name in MINISTRIES:
        phrase = wq.Phrase("addressees", analyze(name, stemmed=False))
        expected = {searcher.stored_fields(d)["entry_id"] for d in searcher.docs_for_query(phrase)}
        found = index.search("*", filters=Filters(ministry=name.lower()), limit=10**6)
        ids = {h.entry_id for h in found.hits}
        clause = index.search(f'minister:"{name}"', limit=10**6, related=False)
        assert {h.entry_id for h in clause.hits} == ids, name
        assert expected <= ids, name
        for hit in found.hits:
            if hit.entry_id not in expected:
                data = json.loads(searcher.document(entry_id=hit.entry_id)["data"])
                text = " ".join([*data["addressees"], data["answered_by"] or ""])
                assert name.replace(",", "").lower() not in text.replace(",", "").lower()
                glued += 1
        seen += len(expected)
    return seen, glued


def test_a_ministry_in_full_matches_what_the_phrase_on_the_addressees_matches(
    fixture_index: Index,
) -> None:
    seen, glued = _ministry_filters(fixture_index)
    assert seen > 200
    assert glued < seen / 20


@pytest.mark.whole_corpus
def test_a_ministry_with_glued_words_is_found_in_the_whole_corpus(corpus_index: Index) -> None:
    # Glued ministry names (ah-tk-20242025-571, 24 entries) are not among the fixtures.
    seen, glued = _ministry_filters(corpus_index)
    assert seen > 1000
    assert 0 < glued < seen / 20
