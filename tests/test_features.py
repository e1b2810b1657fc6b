"""Paging, grouping, look-up, full view, similar questions and export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import EntryNotFoundError, Index
from search.cli import main
from tests.conftest import SEEDS, VARIANTS


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed and the variant seeds: 13 entries of 4 documents."""
    p = tmp_path_factory.mktemp("features") / "index"
    with Index.build(p, [SEEDS, *VARIANTS]):
        pass
    return p


def _cli(path: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--index-dir", str(path)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_pages_say_which_of_how_many(path: Path) -> None:
    code, out, _ = _cli(path, "search", "*", "--limit", "5", "--page", "2")
    assert code == 0 and out.startswith("6–10 van 13 voor '*'")
    data = json.loads(_cli(path, "search", "*", "--limit", "5", "--page", "3", "--json")[1])
    assert (data["total"], data["page"], data["limit"], len(data["hits"])) == (13, 3, 5, 3)


def test_group_gives_one_result_per_document(path: Path) -> None:
    with Index.open(path) as index:
        results = index.search("stikstof datacentra", group=True)
        assert results.groups is not None
        assert [g.document_id for g in results.groups] == ["2024Z00001"]
        assert results.total == 1
        assert [h.entry_id for h in results.groups[0].hits][0] == "2024Z00001#1"
    code, out, _ = _cli(path, "search", "niet", "--group")
    assert code == 0 and "van 2 documenten voor 'niet'" in out
    data = json.loads(_cli(path, "search", "niet", "--group", "--json")[1])
    assert {g["document_id"] for g in data["groups"]} == {"2019Z12806", "2024Z00001"}
    assert all(g["hits"] for g in data["groups"])


def test_an_id_goes_straight_to_it(path: Path) -> None:
    with Index.open(path) as index:
        assert [h.entry_id for h in index.search("2019Z12806#4").hits] == ["2019Z12806#4"]
        assert index.search("2019z12806").total == 7
        assert index.get("2019Z12806#9") is None
        assert [e.entry_id for e in index.document("2024Z00001")] == [
            "2024Z00001#1",
            "2024Z00001#2",
            "2024Z00001#4",
        ]


def test_prefix_and_fuzzy(path: Path) -> None:
    with Index.open(path) as index:
        prefix = index.search("datacent*")
        assert {h.document_id for h in prefix.hits} == {"2024Z00001"}
        assert prefix.normalized == "datacent*"
        fuzzy = index.search("gezichtsherkening~", related=False)
        assert [h.entry_id for h in fuzzy.hits] == ["2019Z12806#4", "2019Z12806#7"]
        assert fuzzy.suggestion is None  # explicit fuzzy is not corrected


def test_show_entry_and_document(path: Path) -> None:
    code, out, _ = _cli(path, "show", "2024Z00001#2")
    assert code == 0
    assert out.splitlines()[0] == "2024Z00001#2"
    assert "Gesteld door: Kröger (GroenLinks-PvdA), Gabriëls (GroenLinks-PvdA)" in out
    assert "Vragen 2 en 3" in out and "Antwoord" in out
    assert "Beantwoord: 7 november 2023 door Minister Hermans" in out
    code, out, _ = _cli(path, "show", "2019Z12806")
    assert code == 0 and out.count("Vraag ") == 7
    assert "[1] https://twitter.com/ministerBlok" in out
    data = json.loads(_cli(path, "show", "2019Z12806#1", "--json")[1])
    assert data["entries"][0]["footnotes"][0]["number"] == 1
    code, _, err = _cli(path, "show", "2019Z99999")
    assert code == 1 and err.startswith("Fout: geen vraag of document '2019Z99999'")


def test_similar_to_an_entry_and_to_pasted_text(path: Path) -> None:
    with Index.open(path) as index:
        own = index.similar("2019Z12806#4", include_own=True, limit=3)
        assert own.hits[0].entry_id == "2019Z12806#7"  # the other gezichtsherkenning question
        assert "2019Z12806#4" not in [h.entry_id for h in own.hits]
        other = index.similar("2019Z12806#4")
        assert all(h.document_id != "2019Z12806" for h in other.hits)
        with pytest.raises(EntryNotFoundError):
            index.similar("2019Z12806#99")
    text = "Hoeveel stikstof stoten datacentra uit en wat doet u daartegen?"
    code, out, _ = _cli(path, "similar", stdin=text)
    assert code == 0 and out.startswith("Vergelijkbare vragen")
    assert out.splitlines()[2].split()[1] == "2024Z00001#1"
    data = json.loads(_cli(path, "similar", "--text", text, "--json")[1])
    assert data["hits"][0]["entry_id"] == "2024Z00001#1"


def test_export_streams_every_match(path: Path) -> None:
    code, out, _ = _cli(path, "search", "*", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 13  # not just one page of 10
    assert rows[0]["entry_id"]
    code, out, _ = _cli(path, "search", "*", "--format", "jsonl", "--limit", "4")
    assert len(out.splitlines()) == 4
    code, out, _ = _cli(path, "search", "niet", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    with Index.open(path) as index:
        assert code == 0 and len(table) == index.search("niet").total > 0
    assert table[0]["members"] and table[0]["status"] in ("answered", "unanswered", "delayed")
    assert list(table[0])[:3] == ["rank", "entry_id", "document_id"]


def test_sort_by_date_both_ways(path: Path) -> None:
    with Index.open(path) as index:
        new = [h.entry_id for h in index.search("niet", sort="-date", limit=20).hits]
        old = [h.entry_id for h in index.search("niet", sort="date", limit=20).hits]
    assert new[0].startswith("2024Z00001") and old[0].startswith("2019Z12806")
