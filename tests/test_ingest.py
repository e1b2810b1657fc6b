"""Ingestion: seed files -> documents -> question entries."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import Footnote, Member, SeedParseError
from search.cli.texts import SKIP_REASONS_NL
from search.ingest import (
    ParsedFile,
    markdown,
    merge_documents,
    merge_report,
    parse_dutch_date,
    parse_file,
    parse_numbers,
    parse_text,
)
from search.models import SKIP_REASONS, Skipped
from tests.conftest import CORPUS, DATA, SEED_FILE, SHARED, examples


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


def test_latin1_file_is_read_with_a_warning() -> None:
    parsed = parse_file(DATA / "malformed" / "latin1.txt")
    (doc,) = parsed.documents
    assert doc.addressees == ("Minister van Financiën",)
    assert [e.entry_id for e in doc.entries] == ["2024Z00009#1"]
    assert [(w.line, w.code, w.detail) for w in parsed.warnings] == [
        (3, "legacy-encoding", "cp1252")
    ]


def test_file_without_heading_is_named_after_the_file() -> None:
    parsed = parse_file(DATA / "malformed" / "no_heading.txt")
    (doc,) = parsed.documents
    assert [e.entry_id for e in doc.entries] == ["no_heading#1"]
    assert doc.entries[0].question == "Waar hoort dit bij?"
    assert [(w.line, w.code, w.detail) for w in parsed.warnings] == [
        (1, "no-heading", "no_heading")
    ]


@pytest.mark.parametrize(
    ("data", "line", "code"),
    [
        (b"", 0, "empty"),
        (b"  \n\n\t\n", 0, "empty"),
        (b"\xef\xbb\xbf\n", 0, "empty"),
        (b"## 2024Z1\n\n### Vraag 1\n\x00\x01\x02", 4, "binary"),
        (bytes(range(1, 32)) * 4 + b"\n## 2024Z1\n", 1, "binary"),
    ],
)
def test_unusable_file_raises_with_line(tmp_path: Path, data: bytes, line: int, code: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(SeedParseError) as info:
        parse_file(path)
    assert (info.value.line, info.value.code) == (line, code)
    assert str(path) in str(info.value)


def test_other_encodings_are_decoded(tmp_path: Path) -> None:
    text = (
        "## 2024Z1\n\nVragen van het lid **Kröger** (GL) aan de Minister van Financiën over "
        "*€ en ‘geld’* (ingezonden 1 mei 2024).\n\n### Vraag 1\n\nWaarom?\n"
    )
    for encoding, expected in (("cp1252", "cp1252"), ("utf-16", "UTF-16")):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        parsed = parse_file(path)
        (doc,) = parsed.documents
        assert (doc.members[0].name, doc.subject) == ("Kröger", "€ en ‘geld’")
        assert [(w.code, w.detail) for w in parsed.warnings] == [("legacy-encoding", expected)]


def test_duplicate_ids_in_one_file_are_both_kept() -> None:
    parsed = parse_text(
        "## 2024Z1\n\n### Vraag 1\n\nEerste?\n\n## 2024Z1\n\n### Vraag 1\n\nTweede?\n\n"
        "## 2024Z1\n\n### Vraag 1\n\nDerde?\n",
        "dup.txt",
    )
    assert [d.document_id for d in parsed.documents] == ["2024Z1", "2024Z1~2", "2024Z1~3"]
    assert [d.entries[0].question for d in parsed.documents] == ["Eerste?", "Tweede?", "Derde?"]
    assert [(w.line, w.code, w.detail) for w in parsed.warnings] == [
        (7, "duplicate-id", "2024Z1~2"),
        (13, "duplicate-id", "2024Z1~3"),
    ]


def test_document_without_questions_is_skipped_and_the_rest_kept() -> None:
    parsed = parse_text(
        "## 2024Z1\n\nAlleen een brief.\n\n## 2024Z2\n\n### Vraag 1\n\nWaarom?\n", "x.txt"
    )
    assert [len(d.entries) for d in parsed.documents] == [0, 1]
    assert [(s.line, s.code, s.detail) for s in parsed.skipped] == [(1, "no-questions", "2024Z1")]
    assert parse_text(" \n", "x.txt").skipped == (Skipped("x.txt", 0, "empty"),)


def test_every_code_has_an_english_and_a_dutch_reason() -> None:
    assert set(SKIP_REASONS) == set(SKIP_REASONS_NL)
    for code in SKIP_REASONS:
        assert Skipped("f.txt", 1, code, "X").reason != code


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


@pytest.mark.whole_corpus(SHARED / "eval" / "entries.py")
def test_whole_corpus_parses_and_matches_reference_enumeration() -> None:
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
            # The reference does not count a notice-only document's entry (#0).
            ours.extend(e.entry_id for e in doc.entries if not e.is_notice)
    assert len(expected) == 1165
    assert abs(len(ours) - len(expected)) <= len(expected) // 100
    assert sorted(ours) == expected


def test_notice_only_document_is_one_entry_holding_the_notice() -> None:
    # It used to give no entry at all: `kvsearch show 2024Z17538` found nothing (#13).
    parsed = parse_text(
        "## 2024Z17538\n\nMededeling van staatssecretaris X (Landbouw) (ontvangen 20 november "
        "2024)\n\nDe vragen over *buffels* kunnen niet binnen de termijn worden "
        "beantwoord.\n\nIk zal de antwoorden zo spoedig mogelijk sturen.\n",
        "notice.txt",
    )
    (doc,) = parsed.documents
    text = (
        "Mededeling van staatssecretaris X (Landbouw) (ontvangen 20 november 2024)\n"
        "De vragen over buffels kunnen niet binnen de termijn worden beantwoord.\n"
        "Ik zal de antwoorden zo spoedig mogelijk sturen."
    )
    assert doc.delayed and doc.notice == text and doc.notice_received == date(2024, 11, 20)
    (entry,) = doc.entries
    assert (entry.entry_id, entry.numbers, entry.question, entry.line) == (
        "2024Z17538#0",
        (0,),
        text,
        3,
    )
    assert entry.is_notice and entry.status == "delayed"
    assert entry.to_dict()["notice_received"] == "2024-11-20"
    assert parsed.skipped == ()
    assert [(w.code, w.detail) for w in parsed.warnings] == [("notice-only", "2024Z17538")]


def test_notice_text_under_a_heading_after_the_questions_is_kept() -> None:
    parsed = parse_text(
        "## 2024Z1\n\nMededeling van minister X (ontvangen 3 juni 2024).\n\n### Vraag 1\n\n"
        "Waarom?\n\n### Mededeling\n\nDe vragen kunnen niet binnen de termijn worden "
        "beantwoord.\n\n<sup>1</sup> https://example.nl\n",
        "q.txt",
    )
    (doc,) = parsed.documents
    (entry,) = doc.entries
    assert entry.question == "Waarom?" and not entry.is_notice
    assert (
        entry.notice
        == doc.notice
        == (
            "Mededeling van minister X (ontvangen 3 juni 2024).\n"
            "De vragen kunnen niet binnen de termijn worden beantwoord."
        )
    )
    assert entry.notice_received == date(2024, 6, 3) and entry.status == "delayed"


def test_conversion_debris_in_metadata_is_repaired() -> None:
    parsed = parse_file(DATA / "variants" / "debris.txt")
    doc, other = parsed.documents
    assert doc.members == (
        Member("Daniëlle Jansen", "Nieuw Sociaal Contract"),
        Member("Kostić", "PvdD"),
        Member("Inge van Dijk", "CDA"),
    )
    assert doc.addressees == (
        "Minister van Onderwijs, Cultuur en Wetenschap",
        "Minister voor Buitenlandse Handel en Ontwikkelingshulp",
        "Staatssecretaris van Binnenlandse Zaken en Koninkrijksrelaties",
        "Minister van Binnenlandse Zaken en Koninkrijksrelaties",
    )
    assert doc.subject == "het bericht «Scholen sluiten eerder»"
    assert (doc.submitted, doc.answered) == (date(2023, 10, 2), date(2024, 11, 18))
    assert doc.answered_by == (
        "Minister Yeşilgöz-Zegerius (Justitie en Veiligheid) "
        "en Staatssecretaris Van Rij (Financiën)"
    )
    # Without bold or italics, "over" glued to the subject; a notice with its date.
    assert other.addressees == (
        "Minister van Volksgezondheid, Welzijn en Sport",
        "Staatssecretaris van Volksgezondheid, Welzijn en Sport",
    )
    assert other.subject == "het verdwijnen van de restitutiepolis"
    assert other.delayed and other.notice_received == date(2024, 6, 7) and other.answered is None
    assert other.entries[0].delayed and other.entries[0].status == "delayed"


def test_footnotes_in_every_form_attach_to_the_entries_that_cite_them() -> None:
    doc = parse_file(DATA / "variants" / "debris.txt").documents[0]
    first, combined, third = doc.entries
    assert [e.entry_id for e in doc.entries] == ["2024Z00010#1", "2024Z00010#7", "2024Z00010#3"]
    # "[1 ]" and "2)" marks; the definitions "1 NOS, …" and "2) …" are not answer text.
    assert first.question == "Kent u het bericht? En het rapport?"
    assert [f.number for f in first.footnotes] == [1, 2]
    assert first.footnotes[0].text.startswith("NOS, 1 oktober 2023")
    # "Vraag 7, 8, 9 10 en 11 <text>"; a footnote glued to the question is cut off;
    # text after the footnotes continues the answer they interrupted.
    assert combined.numbers == (7, 8, 9, 10, 11)
    assert combined.question == "Wat gaat u doen?"
    assert combined.footnotes == (
        Footnote(3, "Een voetnoot die de conversie aan de vraag plakte."),
    )
    assert combined.answer == "Niets.\nNog een zin van het antwoord, na de voetnoten."
    # A bare "?4" cites footnote 4, defined after the notice at the end.
    assert third.answer == "Daarom." and [f.number for f in third.footnotes] == [4]
    assert doc.delayed and third.status == "answered"
    assert all("https" not in e.question for e in doc.entries)


def test_merge_keeps_the_notice_and_the_first_number() -> None:
    question = parse_text(
        "## 2024Z1\n\nMededeling van minister X (ontvangen 3 juni 2024)\n\n"
        "### Vragen 3 en 4\n\nWaarom?\n",
        "q.txt",
    ).documents[0]
    answer = parse_text(
        "## 2024Z1\n\nAntwoord van minister X (ontvangen 9 juli 2024)\n\n"
        "### Vraag 3\n\nWaarom?\n\n### Antwoord 3\n\nDaarom.\n",
        "a.txt",
    ).documents[0]
    notice = parse_text(
        "## 2024Z1\n\nMededeling van minister X (ontvangen 3 juni 2024)\n\nLater.\n",
        "n.txt",
    ).documents[0]
    assert [e.entry_id for e in notice.entries] == ["2024Z1#0"]
    for docs in ([notice, answer], [answer, notice]):  # the notice entry gives way
        (merged,) = merge_documents(docs)
        assert [(e.entry_id, e.notice_received) for e in merged.entries] == [
            ("2024Z1#3", date(2024, 6, 3))
        ]
        assert (
            merged.entries[0].notice == "Mededeling van minister X (ontvangen 3 juni 2024)\nLater."
        )
    for docs in ([question, answer], [answer, question]):
        (merged,) = merge_documents(docs)
        assert merged.delayed and merged.notice_received == date(2024, 6, 3)
        assert merged.notice.startswith("Mededeling van minister X")
        (entry,) = merged.entries
        assert (entry.entry_id, entry.numbers, entry.answer) == ("2024Z1#3", (3, 4), "Daarom.")
        assert entry.answered == date(2024, 7, 9) and entry.status == "answered"


# --- properties ------------------------------------------------------------------------

_FRAGMENTS = [
    "## 2024Z1",
    "## 2024Z1",
    "## 2024Z1~2",
    "## ",
    "### Vraag 1",
    "### Vragen 2 en 3",
    "Vraag 3 Hoe zit dat?",
    "### Vragen 5 t/m 9",
    "Vragen 9999 t/m 1",
    "### Antwoord 2",
    "Antwoord op vragen 3 en 4",
    "### Antwoord op vragen 10-12",
    "### Mededeling",
    "Vragen van het lid **A** (X) aan de Minister van Y over *z* (ingezonden 1 mei 2024).",
    "Antwoord van minister B (Y) (ontvangen 2 mei 2024)",
    "<sup>1</sup> https://example.nl",
    "[2] Kamerstuk 1, nr. 2",
    "3 NOS, 1 mei 2024",
    "Waarom?[1] En dan?<sup>2</sup>",
]


_NUMBER = st.integers(min_value=1, max_value=12).map(str)
_HEADING = st.builds(
    lambda prefix, kind, numbers, joiner: f"{prefix}{kind} {joiner.join(numbers)}",
    st.sampled_from(["### ", ""]),
    st.sampled_from(["Vraag", "Vragen", "Antwoord", "Antwoord op vragen"]),
    st.lists(_NUMBER, min_size=1, max_size=4),
    st.sampled_from([" en ", ", ", "-", " t/m "]),
)


@st.composite
def seed_like_text(draw: st.DrawFn) -> str:
    """Seed-shaped text: document and block headings, intro lines, footnotes."""
    pieces = draw(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), _HEADING), max_size=40))
    return "".join(p + draw(st.sampled_from(["\n", "\n\n", " "])) for p in pieces)


def _question_numbers(parsed: ParsedFile) -> None:
    """No two entries of a document share a number; ids are unique and well formed."""
    assert len({d.document_id for d in parsed.documents}) == len(parsed.documents)
    for doc in parsed.documents:
        numbers = [n for e in doc.entries for n in e.numbers]
        assert len(numbers) == len(set(numbers)), doc.entries
        assert len({e.entry_id for e in doc.entries}) == len(doc.entries)
        assert all(e.entry_id == f"{doc.document_id}#{e.numbers[0]}" for e in doc.entries)


@settings(max_examples=examples(300), deadline=None)
@given(st.text())
def test_parse_text_never_raises_on_arbitrary_text(text: str) -> None:
    _question_numbers(parse_text(text, "x.txt"))


@settings(max_examples=examples(300), deadline=None)
@given(seed_like_text())
def test_every_question_number_yields_exactly_one_entry(text: str) -> None:
    parsed = parse_text(text, "x.txt")
    _question_numbers(parsed)
    # Each number of a question heading belongs to exactly one entry of its document.
    docs = iter(parsed.documents)
    doc = None if re.search(r"^## ", text, re.M) else next(docs, None)
    for line in text.split("\n"):
        if line.startswith("## "):
            doc = next(docs)
            continue
        m = re.match(r"^(?:### )?Vra(?:ag|gen) (\d[\d ,en/t/m-]*)", line)
        if m and doc is not None:
            for n in parse_numbers(m.group(1)):
                assert sum(n in e.numbers for e in doc.entries) == 1, (n, doc.entries)


def test_pair_matched_by_text_when_numbering_differs_and_conflicts_reported() -> None:
    question = parse_text(
        "## 2024Z5\n\nVragen van het lid **A** (CDA) aan de Minister van Financiën over "
        "*iets* (ingezonden 1 mei 2024).\n\n### Vraag 1\n\nIs er uitgebreid gesproken?\n\n"
        "### Vraag 2\n\nWie was erbij?\n",
        "q.txt",
    ).documents[0]
    # The answer document numbers its questions otherwise and has PDF debris.
    answer = parse_text(
        "## 2024Z5\n\nVragen van het lid **B** (VVD) aan de Minister van Financiën over "
        "*iets* (ingezonden 1 mei 2024).\n\nAntwoord van minister C (ontvangen 3 juni 2024)\n\n"
        "### Vraag 7\n\nIs er uitgebreidgesproken?\n\n### Antwoord 7\n\nJa.\n",
        "a.txt",
    ).documents[0]
    for docs in ([question, answer], [answer, question]):
        merged, warnings = merge_report(docs)
        (doc,) = merged
        assert [e.entry_id for e in doc.entries] == ["2024Z5#1", "2024Z5#2"]
        assert doc.entries[0].answer == "Ja." and doc.entries[0].sources == ("a.txt", "q.txt")
        assert [(w.path, w.code, w.detail) for w in warnings] == [
            ("a.txt", "merge-conflict", "members")
        ]


def test_same_id_with_other_questions_is_not_merged() -> None:
    one = parse_text("## 2024Z6\n\n### Vraag 1\n\nOver stikstof?\n", "one.txt").documents[0]
    two = parse_text("## 2024Z6\n\n### Vraag 1\n\nOver wonen?\n", "two.txt").documents[0]
    merged, warnings = merge_report([two, one])
    assert sorted(d.document_id for d in merged) == ["2024Z6", "2024Z6~2"]
    assert [(w.path, w.code, w.detail) for w in warnings] == [
        ("two.txt", "duplicate-id", "2024Z6~2")
    ]


def test_combined_answer_answers_every_number_it_names() -> None:
    doc = parse_text(
        "## 2024Z9\n\nAntwoord van minister X (ontvangen 2 juni 2024)\n\n### Vraag 1\n\nEen?\n\n"
        "### Vraag 2\n\nTwee?\n\n### Vraag 3\n\nDrie?\n\n### Antwoord op vragen 1 en 2\n\nSamen.\n",
        "c.txt",
    ).documents[0]
    assert [e.answer for e in doc.entries] == ["Samen.", "", ""]
    assert [e.status for e in doc.entries] == ["answered", "answered", "unanswered"]


def _block_tokens(md: Any, text: str) -> list[tuple[Any, ...]]:
    return [(t.type, t.map, t.markup, t.content, t.info) for t in md.parse(text)]


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(st.text(), seed_like_text()))
def test_block_parse_without_inline_pass_has_the_same_blocks(text: str) -> None:
    assert _block_tokens(markdown._BLOCKS, text) == _block_tokens(markdown._MD, text)


@settings(max_examples=examples(500), deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \t!#$%()-:=>@]^{}~")))
def test_text_without_inline_markup_renders_as_itself(text: str) -> None:
    if markdown._INLINE_MARKUP_RE.search(text):
        return
    tokens = markdown._MD.parseInline(text)
    assert [(t.type, t.content) for t in tokens[0].children or []] == (
        [("text", text)] if text else []
    )


# --- issue #14: parsing is linear, nothing is lost without a word ---------------------


def _cpu_seconds(text: str) -> tuple[float, ParsedFile]:
    """CPU time of parsing ``text``: the machine may be shared, the bound is on our work."""
    started = time.process_time()
    parsed = parse_text(text, "x.txt")
    return time.process_time() - started, parsed


@pytest.mark.slow  # seconds of parsing each: the bound is 5 s (issue #15)
@pytest.mark.parametrize("numbered", [True, False], ids=["numbered", "repeated"])
def test_100000_headings_parse_in_under_5_seconds(numbered: bool) -> None:
    # 1.5 MB of headings: each one used to scan every block before it (#14, fault 5).
    if numbered:
        text = "## 2024Z1\n" + "".join(f"### Vraag {n}\n" for n in range(1, 100_001))
    else:
        text = "## 2024Z1\n" + "### Vraag 1\n" * 100_000
    seconds, parsed = _cpu_seconds(text)
    assert seconds < 5, f"{seconds:.1f} s"
    (doc,) = parsed.documents
    assert len(doc.entries) == (100_000 if numbered else 1)  # Vraag 10000 and up too


@pytest.mark.slow  # a bound on seconds of parsing, as the two above (issue #15)
def test_repeated_heading_with_new_text_each_time_is_linear() -> None:
    # A repeated heading keeps only new lines: each used to be compared with every
    # paragraph kept before it.
    text = "## 2024Z1\n" + "".join(f"### Vraag 1\n\nregel {n}\n\n" for n in range(20_000))
    seconds, parsed = _cpu_seconds(text)
    (entry,) = parsed.documents[0].entries
    assert entry.question.count("regel") == 20_000
    assert seconds < 5, f"{seconds:.1f} s"


def test_one_invalid_byte_does_not_turn_a_utf8_file_into_mojibake(tmp_path: Path) -> None:
    # One byte of a cp1252 paste used to make the whole file cp1252: OekraÃ¯ne.
    text = (
        "## 2024Z1\n\nVragen van het lid **Kröger** (GL) aan de Minister van Financiën over "
        "*de oorlog in Oekraïne* (ingezonden 1 mei 2024).\n\n### Vraag 1\n\nWat doet u voor "
        "Oekraïne?\n\n### Vraag 2\n\nEn voor de naBADeve burger?\xa0Of BADBAD?\n"
    )
    path = tmp_path / "mixed.txt"
    path.write_bytes(text.encode("utf-8").replace(b"BAD", b"\xef"))
    parsed = parse_file(path)
    (doc,) = parsed.documents
    assert doc.subject == "de oorlog in Oekraïne" and doc.addressees == ("Minister van Financiën",)
    assert [e.question for e in doc.entries] == [
        "Wat doet u voor Oekraïne?",
        "En voor de naïeve burger?\xa0Of ïï?",
    ]
    assert [(w.line, w.code, w.detail) for w in parsed.warnings] == [
        (11, "invalid-utf8", "0xef=ï 0xef=ï 0xef=ï")
    ]
    assert "Ã" not in repr(doc)


def test_many_lines_with_invalid_bytes_are_reported_as_one_after_ten(tmp_path: Path) -> None:
    lines = "".join(f"### Vraag {n}\n\nWaarom? é \xff\n\n" for n in range(1, 31))
    path = tmp_path / "mixed.txt"
    path.write_bytes(("## 2024Z1\n\n" + lines).encode("utf-8", "surrogateescape"))
    path.write_bytes(path.read_bytes().replace("\xff".encode(), b"\xff"))
    parsed = parse_file(path)
    assert len(parsed.documents[0].entries) == 30
    reported = [(w.line, w.detail) for w in parsed.warnings if w.code == "invalid-utf8"]
    assert [line for line, _ in reported] == [5 + 4 * n for n in range(11)]
    assert reported[-1][1] == "and 20 more lines, up to line 121"


def test_text_under_unknown_headings_stays_with_its_entry_and_is_reported() -> None:
    # It used to be dropped: any heading other than Vraag/Antwoord ended the block.
    parsed = parse_text(
        "## 2024Z1\n\n#### Inhoud\n\nDit staat vóór de eerste vraag.\n\n### Vraag 1\n\n"
        "Waarom?\n\n### Toelichting\n\nOmdat het **moet**.\n\n### Antwoord 1\n\nDaarom.\n\n"
        "#### Bijlage\n\nTabel 1.\n\n### Vraag 10000\n\nNog een?\n\n"
        "### Vraag 12345678901\n\nTe lang nummer.\n",
        "x.txt",
    )
    first, last = parsed.documents[0].entries
    assert first.question == "Waarom?\nToelichting\nOmdat het moet."
    assert first.answer == "Daarom.\nBijlage\nTabel 1."
    assert (last.entry_id, last.question) == (
        "2024Z1#10000",
        "Nog een?\nVraag 12345678901\nTe lang nummer.",
    )
    assert [(w.line, w.code, w.detail) for w in parsed.warnings] == [
        (3, "unknown-heading-lost", "Inhoud"),
        (11, "unknown-heading", "Toelichting"),
        (19, "unknown-heading", "Bijlage"),
        (27, "unknown-heading", "Vraag 12345678901"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "detail"),
    [
        ("Vragen van het lid A (X) aan de Minister van Y over *z* (ingezonden 31 februari "
         "2024).", 3, "31 februari 2024"),
        ("Vragen van het lid A (X) aan de Minister van Y over *z* (ingezonden 3 febuari "
         "2024).", 3, "3 febuari 2024"),
        ("Antwoord van minister B (Y) (ontvangen 30 februari 2024)", 3, "30 februari 2024"),
        ("Mededeling van minister B (Y) (ontvangen 32 mei 2024)", 3, "32 mei 2024"),
    ],
)  # fmt: skip
def test_a_date_that_does_not_exist_is_reported(text: str, line: int, detail: str) -> None:
    # It used to become "zonder datum" without a word (#13).
    parsed = parse_text(f"## 2024Z1\n\n{text}\n\n### Vraag 1\n\nWaarom?\n", "x.txt")
    (entry,) = parsed.documents[0].entries
    assert entry.submitted is None and entry.answered is None and entry.notice_received is None
    assert [(w.line, w.code, w.detail) for w in parsed.warnings] == [(line, "invalid-date", detail)]


def test_dates_that_exist_give_no_warning() -> None:
    parsed = parse_text(
        "## 2024Z1\n\nVragen van het lid A (X) aan de Minister van Y over *z* (ingezonden 29 "
        "februari 2024).\n\nAntwoord van minister B (Y) (ontvangen 1 maart 2024)\n\n"
        "### Vraag 1\n\nWaarom?\n\n### Antwoord 1\n\nDaarom.\n",
        "x.txt",
    )
    (entry,) = parsed.documents[0].entries
    assert (entry.submitted, entry.answered) == (date(2024, 2, 29), date(2024, 3, 1))
    assert parsed.warnings == ()
