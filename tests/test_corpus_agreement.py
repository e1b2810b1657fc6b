"""Ingestion against the corpus's own metadata, field by field (``pytest -s`` shows it).

``../shared/corpus/metadata.jsonl`` says per file what the source said: members,
addressee, subject, dates and counts. It carries the same conversion debris as the text
in a few places; where the reference is wrong, ``data/metadata_exceptions.tsv`` names
the file and field, the value we give instead and why. An exception must still be
needed (the reference still differs) and our value must be the one written there.

Comparisons normalise only what is not content:

- text: Unicode NFC, runs of whitespace as one space, outer whitespace;
- addressee: the reference phrase is read one person at a time the way the Tweede
  Kamer writes it (``aan de Ministers van A en van B`` is two; ``de Minister en de
  Staatssecretaris van A`` two of A), and both sides compared without whitespace and
  case (``deStaatssecretaris``, ``minister``/``Minister``);
- answered: the reference's ``ontvangen`` is the date of the reply, an answer or a
  notice (Mededeling) that the answer is delayed;
- questions: the entries a question heading began (the reference counts headings), not
  those of an answer whose question heading was lost; answers: the entries with an
  answer text.
"""

from __future__ import annotations

import csv
import json
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from search.ingest import ParsedFile, parse_file
from search.models import Document
from tests.conftest import CORPUS, DATA, SEED_FILE

METADATA = CORPUS.parent / "metadata.jsonl"
EXCEPTIONS = DATA / "metadata_exceptions.tsv"
FIELDS = ("members", "addressee", "subject", "submitted", "answered", "questions", "answers")
MINIMUM = 0.99

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not METADATA.is_file(), reason=f"no corpus metadata at {METADATA}"),
]


def _text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _key(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", value)).casefold()


_TITLE_RE = re.compile(r"minister-president|staatss?ecretaris(?:sen)?|ministers?")


def reference_addressees(phrase: str | None) -> list[str]:
    """The reference's addressee phrase as one key (no whitespace, lower case) a person."""
    if not phrase:
        return []
    s = re.sub(r"^aan(?:de|het)?", "", _key(phrase))
    titles = list(_TITLE_RE.finditer(s))
    if not titles:
        return [s]
    people: list[str] = []
    group: list[str] = []
    for i, title in enumerate(titles):
        group.append(re.sub(r"^(minister|staatss?ecretaris)(?:s|sen)$", r"\1", title.group()))
        last = i + 1 == len(titles)
        between = s[title.end() : len(s) if last else titles[i + 1].start()]
        if not last and re.fullmatch(r"(?:,|en)?(?:de|het)?", between):
            continue  # "de Minister en de Staatssecretaris van A": both of A
        if not last:
            between = re.sub(r"(?:,|en)(?:de|het)?$", "", between)
        parts = re.split(r"(?:,|en)(?=van|voor)", between) if between else [""]
        people.extend(t + p for t in group for p in parts)
        group = []
    return people


@dataclass(frozen=True)
class Field:
    """How to read one field from the reference and from a parsed document."""

    reference: Callable[[dict[str, Any]], object]
    ours: Callable[[Document, ParsedFile], object]
    show: Callable[[object], str]  # our value as written in the exceptions file


def _ref_members(row: dict[str, Any]) -> list[str]:
    return [
        _text(f"{m['name']} ({m['party']})" if m["party"] else m["name"]) for m in row["members"]
    ]


def _question_blocks(doc: Document, parsed: ParsedFile) -> int:
    """Entries begun by a question heading: not those of an answer whose question was lost,
    nor the entry of a document that holds only a notice."""
    orphans = {w.line for w in parsed.warnings if w.code == "answer-without-question"}
    return sum(1 for e in doc.entries if e.line not in orphans and not e.is_notice)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _joined(value: object) -> str:
    return "; ".join(value) if isinstance(value, list) else str(value)


FIELD_SPECS: dict[str, Field] = {
    "members": Field(_ref_members, lambda d, p: [_text(str(m)) for m in d.members], _joined),
    "addressee": Field(
        lambda r: reference_addressees(r["addressee"]), lambda d, p: list(d.addressees), _joined
    ),
    "subject": Field(
        lambda r: _text(r["subject"]) or None, lambda d, p: _text(d.subject) or None, str
    ),
    "submitted": Field(lambda r: r["ingezonden"], lambda d, p: _iso(d.submitted), str),
    "answered": Field(
        lambda r: r["ontvangen"], lambda d, p: _iso(d.answered or d.notice_received), str
    ),
    "questions": Field(lambda r: r["n_questions"], _question_blocks, str),
    "answers": Field(
        lambda r: r["n_answers"], lambda d, p: sum(1 for e in d.entries if e.answer), str
    ),
}

#: How a field's values are compared: addressees without whitespace and case.
SAME: dict[str, Callable[[Any, Any], bool]] = {
    "addressee": lambda ref, ours: ref == [_key(a) for a in ours],
}


@dataclass(frozen=True)
class KnownException:
    expected: str
    reason: str


def load_exceptions() -> dict[tuple[str, str], KnownException]:
    """``file <TAB> field <TAB> our value <TAB> why the reference is wrong``; ``#`` comments."""
    exceptions: dict[tuple[str, str], KnownException] = {}
    with EXCEPTIONS.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or row[0].startswith("#"):
                continue
            file, field, expected, reason = row
            assert field in FIELDS, f"unknown field {field!r} in {EXCEPTIONS.name}"
            assert (file, field) not in exceptions, f"{file} {field} listed twice"
            exceptions[(file, field)] = KnownException(expected, reason)
    return exceptions


@dataclass(frozen=True)
class Outcome:
    file: str
    field: str
    reference: object
    ours: object
    shown: str
    verdict: str  # "agree", "exception" (pinned and matching), "differ", "stale"


@cache
def outcomes() -> tuple[Outcome, ...]:
    exceptions = load_exceptions()
    rows = [json.loads(line) for line in METADATA.read_text(encoding="utf-8").splitlines()]
    found: list[Outcome] = []
    for row in rows:
        parsed = parse_file(CORPUS / row["file"])
        doc = next((d for d in parsed.documents if d.document_id == row["id"]), None)
        assert doc is not None, f"{row['file']}: no document {row['id']}"
        for name in FIELDS:
            spec = FIELD_SPECS[name]
            reference, ours = spec.reference(row), spec.ours(doc, parsed)
            shown = spec.show(ours)
            exception = exceptions.get((row["file"], name))
            if SAME.get(name, operator.eq)(reference, ours):
                verdict = "stale" if exception else "agree"
            elif exception and exception.expected == shown:
                verdict = "exception"
            else:
                verdict = "differ"
            found.append(Outcome(row["file"], name, reference, ours, shown, verdict))
    known = {(o.file, o.field) for o in found}
    for file, name in exceptions:
        assert (file, name) in known, f"exception for unknown file {file}"
    return tuple(found)


def agreement_table(results: tuple[Outcome, ...]) -> str:
    exceptions = load_exceptions()
    lines = [
        f"{'field':<10} {'agree':>6} {'except':>6} {'differ':>6} {'total':>6} {'agreement':>10}",
    ]
    for name in FIELDS:
        rows = [o for o in results if o.field == name]
        count = {v: sum(1 for o in rows if o.verdict == v) for v in ("agree", "exception")}
        good = count["agree"] + count["exception"]
        lines.append(
            f"{name:<10} {count['agree']:>6} {count['exception']:>6} {len(rows) - good:>6} "
            f"{len(rows):>6} {good / len(rows):>9.1%}"
        )
    for o in results:
        if o.verdict == "agree":
            continue
        lines.append(f"  {o.verdict:<9} {o.file} {o.field}: reference {o.reference!r}")
        lines.append(f"  {'':<9} {'':<16} {'ours':>{len(o.field) + 1}} {o.shown!r}")
        if o.verdict == "exception":
            why = exceptions[(o.file, o.field)].reason
            lines.append(f"  {'':<9} {'':<16} {'why':>{len(o.field) + 1}} {why}")
    return "\n".join(lines)


def test_fields_agree_with_the_reference() -> None:
    results = outcomes()
    print("\n" + agreement_table(results))
    stale = [f"{o.file} {o.field}" for o in results if o.verdict == "stale"]
    assert not stale, f"exceptions no longer needed: {stale}"
    for name in FIELDS:
        rows = [o for o in results if o.field == name]
        good = sum(1 for o in rows if o.verdict in ("agree", "exception"))
        assert good / len(rows) >= MINIMUM, f"{name}: {good}/{len(rows)} agree"


def test_no_footnote_text_inside_a_question() -> None:
    leaks: list[str] = []
    for path in [SEED_FILE, *sorted(CORPUS.glob("*.txt"))]:
        notes = footnote_texts(path)
        for doc in parse_file(path).documents:
            for entry in doc.entries:
                question = _plain(entry.question)
                leaks.extend(f"{entry.entry_id}: {n[:60]!r}" for n in notes if n in question)
    print(f"\n{len(leaks)} footnote texts inside question texts")
    for leak in leaks:
        print("  " + leak)
    assert leaks == []


_NOTE_LINE_RE = re.compile(r"^(?:<sup>\s*\d+\s*</sup>|\[\s*\d+\s*\]|\d{1,3}\))\s*(?P<text>.+)$")
_PLAIN_NOTE_LINE_RE = re.compile(r"^\d{1,3}\s+(?P<text>.*(?:https?://|www\.|\.nl\b|\s\|\s).*)$")


def footnote_texts(path: Path) -> list[str]:
    """The text of every footnote definition line of a file, normalised as ``_plain``.

    A line is one when it starts with a footnote mark (``<sup>1</sup>``, ``[1]``,
    ``1)``), or with a bare number when it holds a web address or a ``|`` separator.
    """
    found: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _NOTE_LINE_RE.match(line.strip()) or _PLAIN_NOTE_LINE_RE.match(line.strip())
        if m and len(text := _plain(m.group("text"))) >= 15:
            found.append(text)
    return found


def _plain(text: str) -> str:
    return " ".join(re.sub(r"</?sup>|[<>*_]", " ", text).split()).casefold()
