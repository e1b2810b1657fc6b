"""Typo tolerance from the index's own vocabulary."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from search import Index
from search.cli import main


def test_unknown_word_is_corrected_and_suggested(seed_index: Index) -> None:
    results = seed_index.search("sanctie mensenrechtenschendngen")
    assert results.suggestion == "sanctie mensenrechtenschendingen"
    assert results.hits[0].entry_id in {"2019Z12806#6", "2019Z12806#2"}


def test_known_words_are_left_alone(seed_index: Index) -> None:
    assert seed_index.search("sancties china").suggestion is None
    assert seed_index.search('"social creditt"').suggestion is None  # phrases are literal


def test_y_for_ij(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(
        "## 2024Z1\n\n### Vraag 1\n\nWat kost de Lelylijn?\n", encoding="utf-8"
    )
    with Index.build(tmp_path / "index", [seeds]) as index:
        results = index.search("lelylyn")
        assert results.suggestion == "lelylijn"
        assert [h.entry_id for h in results.hits] == ["2024Z1#1"]


def test_cli_says_bedoelde_u(seed_index_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "mensenrechtenschendngen", "--index-dir", str(seed_index_path)]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("Bedoelde u: mensenrechtenschendingen?")


def test_unseen_compound_is_searched_by_its_parts(seed_index: Index) -> None:
    # "systeemsancties" occurs nowhere and is no typo; its parts occur together in #6.
    results = seed_index.search("systeemsancties", related=False)
    assert results.suggestion is None
    assert [h.entry_id for h in results.hits] == ["2019Z12806#6"]


def test_correction_works_across_segments_after_an_update(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("## 2024Z1\n\n### Vraag 1\n\nWat kost de Lelylijn?\n")
    with Index.build(tmp_path / "index", [seeds]) as index:
        (seeds / "b.txt").write_text("## 2024Z2\n\n### Vraag 1\n\nWaar komt de Nedersaksenlijn?\n")
        index.update([seeds])  # a second segment
        assert index.search("nedersaksenlyn").suggestion == "nedersaksenlijn"
        assert index.search("lelylyn").suggestion == "lelylijn"
