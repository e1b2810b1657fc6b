"""The fixture corpus, ``tests/data/corpus``: 15 real documents of the shared corpus that
cover every variant the parser handles, so that the tests comparing with Whoosh run on
real input in any clone. These tests keep the set honest: each variant its README names
is checked here on the parsed files, and (with ``../shared``) the files are checked to be
unchanged copies that span the corpus's kinds of documents."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import pytest

from search.ingest import merge_documents, parse_file
from search.models import Document
from tests.conftest import CORPUS, FIXTURES, QUESTION_AND_ANSWER

FILES = sorted(FIXTURES.glob("*.txt"))
PARSED = {f.name: parse_file(f) for f in FILES}


def _documents() -> Iterator[tuple[str, Document]]:
    for name, parsed in PARSED.items():
        for doc in parsed.documents:
            yield name, doc


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _with(predicate: Callable[[Document], object]) -> list[str]:
    """The files of which some document meets ``predicate``."""
    return sorted({name for name, doc in _documents() if predicate(doc)})


def test_at_most_15_files_named_as_in_the_shared_corpus() -> None:
    assert 10 <= len(FILES) <= 15
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{8}\.txt", f.name) for f in FILES)
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted([*PARSED, "README.md"])
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in PARSED), "every file is explained"


def test_several_members_parties_and_addressees() -> None:
    assert _with(lambda d: len(d.members) >= 3 and len({m.party for m in d.members}) >= 3)
    assert _with(lambda d: len(d.addressees) >= 3)
    parties = {m.party for _, d in _documents() for m in d.members}
    addressees = {a for _, d in _documents() for a in d.addressees}
    assert len(parties) >= 8 and len(addressees) >= 8


def test_combined_questions_and_answers() -> None:
    combined = _with(lambda d: any(len(e.numbers) > 1 and e.answer for e in d.entries))
    assert len(combined) >= 2
    for name in combined:
        text = _text(name)
        assert re.search(r"^### Vragen \d+(, \d+)* en \d+$", text, re.M), name
        assert re.search(r"^### Antwoord op vragen \d+", text, re.M), name


def test_footnotes_marked_both_ways() -> None:
    cited = _with(lambda d: any(e.footnotes for e in d.entries))
    assert any(re.search(r"^<sup>\d+</sup>", _text(n), re.M) for n in cited)
    assert any(re.search(r"^\[\d+\]", _text(n), re.M) for n in cited)
    # Both forms in one file: a ministry letter.
    assert any("<sup>" in _text(n) and re.search(r"^\[\d+\]", _text(n), re.M) for n in cited)


def test_a_question_document_and_its_answer_document_merge() -> None:
    question, answer = (PARSED[name].documents for name in QUESTION_AND_ANSWER)
    assert [d.document_id for d in question] == [d.document_id for d in answer]
    assert question[0].members and not any(e.answer for e in question[0].entries)
    assert not answer[0].members and any(e.answer for e in answer[0].entries)
    (merged,) = merge_documents([*question, *answer])
    assert merged.members == question[0].members and merged.answered == answer[0].answered
    assert len(merged.entries) == len(question[0].entries)


def test_a_delayed_answer_notice_with_and_without_questions() -> None:
    assert _with(lambda d: d.delayed and d.entries and d.notice_received)
    notice_only = [n for n, p in PARSED.items() if any(w.code == "notice-only" for w in p.warnings)]
    assert notice_only and all(not p.skipped for p in PARSED.values())


def test_a_ministry_letter_with_its_cover_text() -> None:
    letters = [
        name
        for name in PARSED
        if re.search(r"^Aan de Voorzitter van de Tweede", _text(name), re.M)
        and "Retouradres" in _text(name).split("### ")[0]
    ]
    assert letters
    for name in letters:
        entries = [e for d in PARSED[name].documents for e in d.entries]
        assert entries and sum(1 for e in entries if e.answer) > len(entries) / 2
        # The cover text is neither a question nor an answer.
        assert not any("Retouradres" in e.question + e.answer for e in entries)


def test_answer_only_word_documents() -> None:
    answer_only = _with(
        lambda d: d.answered_by and not d.members and all(e.answer for e in d.entries)
    )
    assert len(set(answer_only) - set(QUESTION_AND_ANSWER)) >= 1
    # They start with "Antwoord van …": no intro line says who asked.
    assert not any(re.search(r"^Vragen van", _text(n), re.M) for n in answer_only)


def test_pdf_debris() -> None:
    # Words glued by the PDF conversion: a member's name repaired, text kept as written.
    glued = [
        (name, m.name)
        for name, doc in _documents()
        for m in doc.members
        if " " in m.name and f"**{m.name.replace(' ', '')}**" in _text(name)
    ]
    assert glued
    assert any(" vande " in _text(name) for name in PARSED)
    # An answer whose question heading was lost.
    assert any(w.code == "answer-without-question" for p in PARSED.values() for w in p.warnings)


def test_both_kinds_of_ids() -> None:
    ids = [d.document_id for _, d in _documents()]
    assert any(re.fullmatch(r"\d{4}Z\d{5}", i) for i in ids)
    assert any(i.startswith("ah-tk-") for i in ids)


def _metadata() -> dict[str, dict[str, object]]:
    lines = (CORPUS.parent / "metadata.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["file"]: row for row in map(json.loads, lines)}


@pytest.mark.whole_corpus(CORPUS.parent / "metadata.jsonl")
def test_the_fixtures_are_copies_that_span_the_corpus() -> None:
    """Byte for byte the shared corpus's files, of every kind its metadata names."""
    metadata = _metadata()
    for f in FILES:
        assert f.read_bytes() == (CORPUS / f.name).read_bytes(), f.name
    chosen = [metadata[f.name] for f in FILES]
    for key in ("doc_type", "source_format", "numbering", "has_intro"):
        assert {row[key] for row in chosen} == {row[key] for row in metadata.values()}, key
    # As many entries as the metadata counts, up to the pair's shared questions.
    assert sum(int(str(row["n_questions"])) for row in chosen) >= 150
