"""Ingestion: seed files -> documents -> question entries."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from search import Footnote, Member, SeedParseError
from search.ingest import (
    merge_documents,
    parse_dutch_date,
    parse_file,
    parse_numbers,
    parse_text,
)
from tests.conftest import CORPUS, DATA, SEED_FILE, SHARED


def test_seed_gives_seven_entries_with_metadata() -> None:
    parsed = parse_file(SEED_FILE)
    assert [d.document_id for d in parsed.documents] == ["2019Z12806"]
    entries = parsed.documents[0].entries
    assert [e.entry_id for e in entries] == [f"2019Z12806#{n}" for n in range(1, 8)]
    for e in entries:
        assert e.members == (Member("Ploumen", "PvdA"),)
        assert e.addressees == ("Minister van Buitenlandse Zaken",)
        assert e.submitted == date(2019, 6, 20)
        assert e.subject is not None and e.subject.startswith("de ontmoeting met de Chinese")
        assert e.answer == "" and e.answered is None
    assert entries[0].footnotes == (
        Footnote(1, "https://twitter.com/ministerBlok/status/1141298991684096001"),
    )
    assert all(e.footnotes == () for e in entries[1:])


def test_footnote_between_questions_never_leaks_into_text() -> None:
    entries = parse_file(SEED_FILE).documents[0].entries
    for e in entries:
        assert "twitter.com" not in e.question
        assert "<sup>" not in e.question
    assert entries[4].question.endswith("Zo nee, waarom niet?")
    assert entries[5].question.startswith("Bent u van mening dat het invoeren")


def test_plain_vraag_lines_and_headings_both_start_blocks() -> None:
    entries = parse_file(SEED_FILE).documents[0].entries
    # Vraag 6 and 7 are plain lines in the seed, 1-5 are ### headings.
    assert entries[5].numbers == (6,) and entries[6].numbers == (7,)
    assert entries[5].line == 29 and entries[0].line == 7
    assert "Social Credit Score-systeem" in entries[6].question


def test_markdown_is_removed_from_text() -> None:
    parsed = parse_file(DATA / "variants" / "two_documents.txt")
    doc = parsed.documents[0]
    assert doc.subject == "de stikstofuitstoot van datacentra"
    assert all("**" not in e.question and "[2]" not in e.question for e in doc.entries)


def test_variants_members_addressees_answers_combined_blocks() -> None:
    parsed = parse_file(DATA / "variants" / "two_documents.txt")
    first, second = parsed.documents
    assert first.members == (
        Member("Kröger", "GroenLinks-PvdA"),
        Member("Gabriëls", "GroenLinks-PvdA"),
    )
    assert first.addressees == (
        "Minister van Klimaat en Groene Groei",
        "Minister van Infrastructuur en Waterstaat",
    )
    assert first.submitted == date(2023, 10, 2)
    assert first.answered == date(2023, 11, 7)
    assert first.answered_by == "Minister Hermans (Klimaat en Groene Groei)"
    ids = [e.entry_id for e in first.entries]
    assert ids == ["2024Z00001#1", "2024Z00001#2", "2024Z00001#4"]
    combined = first.entries[1]
    assert combined.numbers == (2, 3)
    assert combined.answer == "Dat is niet bekend. Het kabinet vindt dat dit wenselijk is."
    assert combined.answered == date(2023, 11, 7)
    assert first.entries[0].footnotes == (
        Footnote(1, "NOS, 1 oktober 2023, «Datacentra stoten veel uit»"),
    )
    assert first.entries[0].answer == "Ja."  # the footnote after the answer is not in it
    assert first.entries[2].footnotes[0].number == 2
    assert first.entries[2].answer == "Geen."
    assert second.members == (Member("Van Nispen", "SP"), Member("Lahlah", "GroenLinks-PvdA"))
    assert second.addressees == ("Staatssecretaris van Justitie en Veiligheid",)
    assert second.delayed is True
    assert [e.entry_id for e in second.entries] == ["2024Z00002#1"]


def test_answer_document_repeated_question_and_lost_heading() -> None:
    parsed = parse_file(DATA / "variants" / "answer_only.txt")
    doc = parsed.documents[0]
    assert doc.members == () and doc.submitted is None
    assert doc.answered == date(2024, 11, 20)
    assert doc.answered_by == "minister Van Weel (Justitie en Veiligheid)"
    assert [e.entry_id for e in doc.entries] == ["2024Z00003#1", "2024Z00003#2"]
    assert doc.entries[0].question == "Hoe is het kwaliteitskader tot stand gekomen?"
    assert doc.entries[1].question == ""
    assert {w.code for w in parsed.warnings} == {"repeated-question", "answer-without-question"}


@pytest.mark.parametrize(
    ("name", "line", "code"),
    [("latin1.txt", 3, "not-utf8"), ("no_heading.txt", 1, "no-document")],
)
def test_malformed_file_raises_with_line(name: str, line: int, code: str) -> None:
    with pytest.raises(SeedParseError) as info:
        parse_file(DATA / "malformed" / name)
    assert (info.value.line, info.value.code) == (line, code)
    assert name in str(info.value)


def test_numbers_and_dates() -> None:
    assert parse_numbers("7, 8, 9 10 en 11") == (7, 8, 9, 10, 11)
    assert parse_numbers("4 t/m 6") == (4, 5, 6)
    assert parse_numbers("3 en 4") == (3, 4)
    assert parse_dutch_date("ingezonden 20 juni 2019") == date(2019, 6, 20)
    assert parse_dutch_date("18 november2024") == date(2024, 11, 18)
    assert parse_dutch_date("31 februari 2024") is None


def test_merge_is_independent_of_order(tmp_path: Path) -> None:
    question = tmp_path / "q.txt"
    answer = tmp_path / "a.txt"
    question.write_text(
        "## 2024Z1\n\nVragen van het lid **A** (CDA) aan de Minister van Financiën over "
        "*iets* (ingezonden 1 mei 2024).\n\n### Vraag 1\n\nWaarom?\n",
        encoding="utf-8",
    )
    answer.write_text(
        "## 2024Z1\n\nAntwoord van minister B (Financiën) (ontvangen 2 juni 2024)\n\n"
        "### Vraag 1\n\nWaarom?\n\n### Antwoord 1\n\nDaarom.\n",
        encoding="utf-8",
    )
    docs = [parse_file(p).documents[0] for p in (question, answer)]
    one = merge_documents(docs)
    other = merge_documents(list(reversed(docs)))
    assert len(one) == 1
    assert one[0].entries == other[0].entries
    entry = one[0].entries[0]
    assert (entry.members[0].name, entry.answer, entry.answered) == (
        "A",
        "Daarom.",
        date(2024, 6, 2),
    )


@pytest.mark.slow
def test_whole_corpus_parses_and_matches_reference_enumeration() -> None:
    if not CORPUS.is_dir():
        pytest.skip("no shared corpus")
    reference = subprocess.run(
        [sys.executable, str(SHARED / "eval" / "entries.py"), str(SHARED / "seeds"), str(CORPUS)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    expected = sorted(json.loads(line)["id"] for line in reference)
    ours: list[str] = []
    for path in [SEED_FILE, *sorted(CORPUS.glob("*.txt"))]:
        for doc in parse_file(path).documents:  # must not raise on any real document
            ours.extend(e.entry_id for e in doc.entries)
    assert len(expected) == 1165
    assert abs(len(ours) - len(expected)) <= len(expected) // 100
    assert sorted(ours) == expected


def test_notice_document_is_a_status_not_an_entry() -> None:
    parsed = parse_text(
        "## 2024Z17538\n\nMededeling van staatssecretaris X (Landbouw) (ontvangen 20 november "
        "2024)\n\nDe vragen kunnen niet binnen de termijn worden beantwoord.\n",
        "notice.txt",
    )
    (doc,) = parsed.documents
    assert doc.delayed and doc.entries == ()
    assert parsed.skipped == ()
    assert [(w.code, w.detail) for w in parsed.warnings] == [("notice-only", "2024Z17538")]
