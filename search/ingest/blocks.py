"""A seed file's lines -> documents under construction: intro, reply and notice
paragraphs, question and answer blocks, footnote definitions.

A seed file holds one or more documents, each starting at a ``## <id>`` heading. Its
intro line and ``Antwoord van …`` line come first; then question blocks (``### Vraag
N`` headings or plain ``Vraag N`` lines, also combined: ``Vragen 4 en 5``), answer
blocks (``Antwoord N``, ``Antwoord op vragen 3 en 4``), footnote definitions (see
:mod:`search.ingest.footnotes`) and notices that answering is delayed (``###
Mededeling``, ``Mededeling van …``): a status of the document whose text every entry
keeps. Any other heading (``### Toelichting``) keeps its text with the block above it.
Which line starts what follows ``../shared/eval/entries.py``, the reference
enumeration, so that entry ids agree with it. PDF debris is kept out: a repeated
question heading and its repeated text, a footnote glued to the end of a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from search.ingest.footnotes import _TRAILING_NOTE_RE, _note_definitions
from search.ingest.markdown import _heading_text, _Line
from search.ingest.metadata import _ANSWERED_BY_RE, _INTRO_RE, _NOTICE_RE
from search.models import Skipped

# "3", "3 en 4", "7, 8, en 9", "7, 8, 9 10 en 11", "4-7", "4 t/m 6"; at most 9 digits
# (a longer number is no question number: such a heading is an unknown heading).
_NUM = r"\d{1,9}(?!\d)"
_NUMS = r"(?P<nums>" + _NUM + r"(?:(?:\s*(?:,|en\b|t/m|-|–))*\s*" + _NUM + r")*)"
_QUESTION_RE = re.compile(r"^Vra(?:ag|gen)\s+" + _NUMS + r"\s*[:.]?\s*(?P<rest>.*)$", re.S)
_ANSWER_RE = re.compile(
    r"^Antwoord(?:\s+op\s+vra(?:ag|gen))?\s+" + _NUMS + r"\s*[:.]?\s*(?P<rest>.*)$", re.S
)
_MAX_RANGE = 100  # "Vragen 1 t/m 9999" is debris, not 9,999 questions
_NUMBER_OR_RANGE_RE = re.compile(r"(\d+)\s*(?:(t/m|-|–)\s*(\d+))?")


def parse_numbers(text: str) -> tuple[int, ...]:
    """Turn ``'7, 8, 9 10 en 11'`` into (7, ..., 11) and ``'4 t/m 6'`` into (4, 5, 6).

    A range of more than 100 numbers, or one that runs backwards, is not spelled out:
    its two ends are kept.
    """
    if text.isdigit() and len(text) <= 9:  # one number: the usual case
        return (int(text),)
    nums: list[int] = []
    for m in _NUMBER_OR_RANGE_RE.finditer(text):
        if len(m.group(1)) > 9:
            continue
        first = int(m.group(1))
        last = int(m.group(3)) if m.group(2) and len(m.group(3)) <= 9 else None
        if last is not None and first <= last <= first + _MAX_RANGE:
            nums.extend(range(first, last + 1))
        else:
            nums.extend([first] if last is None else [first, last])
    return tuple(dict.fromkeys(nums))


@dataclass
class _Block:
    """A question block under construction; ``numbers[0]`` names its entry."""

    numbers: list[int]
    line: int
    question: list[list[str]] = field(default_factory=list)  # paragraphs of raw lines
    answer: list[list[str]] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)  # footnotes glued to its text
    #: Every source line of ``question``, to tell a repeated line in one look-up.
    question_lines: set[str] = field(default_factory=set)


@dataclass
class _DocBuilder:
    """A document under construction."""

    document_id: str
    line: int
    intro: list[str] = field(default_factory=list)  # the ``Vragen van …`` paragraph
    reply: list[str] = field(default_factory=list)  # the ``Antwoord van …`` paragraph
    notice: list[str] = field(default_factory=list)  # the ``Mededeling van …`` paragraph
    #: The whole notice: its ``Mededeling van …`` paragraph and the paragraphs after it
    #: (or after a ``### Mededeling`` heading), raw lines per paragraph.
    notice_paras: list[list[str]] = field(default_factory=list)
    #: The line each of the intro, reply and notice paragraphs starts at.
    meta_lines: dict[str, int] = field(default_factory=dict)
    blocks: list[_Block] = field(default_factory=list)
    footnotes: dict[int, list[str]] = field(default_factory=dict)
    delayed: bool = False
    warnings: list[tuple[int, str, str]] = field(default_factory=list)
    #: Question numbers an answer block names (``Antwoord op vragen 1, 2 en 3``).
    answered_numbers: set[int] = field(default_factory=set)
    #: The block that holds each question number: finding a block is one look-up, so
    #: that parsing stays linear in the number of headings.
    owners: dict[int, _Block] = field(default_factory=dict)

    def find(self, number: int) -> _Block | None:
        return self.owners.get(number)

    def new_block(self, numbers: list[int], line: int) -> _Block:
        """A block for the numbers no other block holds (``numbers[0]`` is free)."""
        block = _Block([n for n in numbers if n not in self.owners], line)
        for n in block.numbers:
            self.owners[n] = block
        self.blocks.append(block)
        return block

    def extend(self, block: _Block, numbers: list[int]) -> None:
        """Give ``block`` those of ``numbers`` that no other block holds."""
        free = [n for n in numbers if n not in self.owners]
        for n in free:
            self.owners[n] = block
        block.numbers = [block.numbers[0], *sorted(set(free) | set(block.numbers[1:]))]


def _id_from_name(name: str) -> str:
    return Path(name).stem.strip() or "document"


class _Parser:
    """Walks a file's lines in order and builds its documents."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.docs: list[_DocBuilder] = []
        self.warnings: list[Skipped] = []
        self.seen: dict[str, int] = {}
        self.doc: _DocBuilder | None = None
        # Where text goes: ("q"|"dupq"|"a", block); None outside blocks.
        self.block: tuple[str, _Block] | None = None
        self.note: int | None = None  # the footnote whose paragraph is being read
        self.meta: list[str] | None = None  # the intro/reply/notice paragraph being read
        self.in_notice = False  # text outside blocks belongs to the notice
        self.para = -1

    def start_document(self, doc_id: str, line: int, *, missing: bool = False) -> None:
        if missing or not doc_id:
            doc_id = _id_from_name(self.name)
            self.warnings.append(Skipped(self.name, line, "no-heading", doc_id))
        if doc_id in self.seen:  # never overwrite: the later document gets a distinct id
            count = self.seen[doc_id] + 1
            while f"{doc_id}~{count}" in self.seen:
                count += 1
            self.seen[doc_id] = count
            doc_id = f"{doc_id}~{count}"
            self.warnings.append(Skipped(self.name, line, "duplicate-id", doc_id))
        self.seen[doc_id] = self.seen.get(doc_id, 1)
        self.doc = _DocBuilder(doc_id, line)
        self.docs.append(self.doc)
        self.block = None
        self.note = None
        self.meta = None
        self.in_notice = False

    def feed(self, line: _Line) -> None:
        new_para = line.para != self.para
        self.para = line.para
        if line.heading == 2:
            self.start_document(_heading_text(line.raw), line.lineno)
            return
        doc = self.doc
        if doc is None:
            return  # anything before the first document heading is not indexed
        content = _heading_text(line.raw) if line.heading else line.text
        if not content or self.start_block(doc, content, line):
            return
        if line.heading:
            self.other_heading(doc, content, line.lineno)
            return
        raw = line.raw.strip()
        notes = _note_definitions(raw)
        if notes:
            for number, text in notes:
                doc.footnotes[number] = [text]
            self.note = notes[-1][0]
            return
        if self.note is not None:
            if not new_para:  # a footnote's text continues on the next line
                doc.footnotes[self.note].append(raw)
                return
            self.note = None  # text after a footnote continues the block it interrupted
        if self.block is None:
            in_meta = self.meta is not None and self.meta is not doc.notice and not new_para
            if (
                self.in_notice
                and not in_meta
                and not (new_para and self.starts_metadata(doc, content))
            ):
                if new_para:
                    self.meta = None
                elif self.meta is doc.notice:  # the ``Mededeling van …`` paragraph goes on
                    doc.notice.append(raw)
                self.notice_line(doc, raw, new_para)
            elif not doc.blocks or self.in_notice:
                self.metadata(doc, content, raw, new_para, line.lineno)
            return
        self.add(doc, raw, new_para=new_para)

    def other_heading(self, doc: _DocBuilder, content: str, lineno: int) -> None:
        """A heading that starts no document and no block.

        ``### Mededeling`` starts the notice. Any other heading (``### Toelichting``,
        ``#### Bijlage``) is reported; the text under it stays with what it follows:
        the question or answer above it (the heading's words too), or the notice.
        """
        self.note = None
        if content.lower().startswith("mededeling"):
            doc.delayed = True
            self.block = self.meta = None
            self.in_notice = True
            return
        if self.block is not None:
            doc.warnings.append((lineno, "unknown-heading", content))
            self.add(doc, content, new_para=True)
        elif self.in_notice:
            doc.warnings.append((lineno, "unknown-heading", content))
            self.notice_line(doc, content, True)
        else:  # cover text before the first question is not part of any entry
            doc.warnings.append((lineno, "unknown-heading-lost", content))
        self.meta = None

    @staticmethod
    def starts_metadata(doc: _DocBuilder, content: str) -> bool:
        """Whether a paragraph is the document's (first) intro or reply paragraph."""
        if _ANSWERED_BY_RE.match(content):
            return not doc.reply
        return bool(_INTRO_RE.match(content)) and not doc.intro

    @staticmethod
    def notice_line(doc: _DocBuilder, raw: str, new_para: bool) -> None:
        if new_para or not doc.notice_paras:
            doc.notice_paras.append([raw])
        else:
            doc.notice_paras[-1].append(raw)

    def start_block(self, doc: _DocBuilder, content: str, line: _Line) -> bool:
        """Start (or resume) a question or answer block if ``content`` is its heading."""
        mq = _QUESTION_RE.match(content)
        match = mq or _ANSWER_RE.match(content)
        if match is None:
            return False
        numbers = list(parse_numbers(match.group("nums")))
        block = doc.find(numbers[0])
        if mq and block is None:
            block, kind = doc.new_block(numbers, line.lineno), "q"
        elif mq:  # a repeated heading left by the PDF conversion
            assert block is not None
            doc.extend(block, numbers)
            doc.warnings.append((line.lineno, "repeated-question", str(numbers[0])))
            kind = "dupq"
        else:
            if block is None:  # the question heading was lost
                block = doc.new_block(numbers, line.lineno)
                doc.warnings.append((line.lineno, "answer-without-question", str(numbers[0])))
            kind = "a"
            doc.answered_numbers.update(numbers)
        self.block = (kind, block)
        self.note = self.meta = None
        self.in_notice = False
        rest = match.group("rest").strip()
        if rest:
            self.add(doc, rest, new_para=True)
        return True

    def metadata(
        self, doc: _DocBuilder, content: str, raw: str, new_para: bool, lineno: int
    ) -> None:
        """Text before the first block: the intro, reply and notice lines; cover text."""
        if _ANSWERED_BY_RE.match(content) and not doc.reply:
            self.meta = doc.reply
            doc.meta_lines["reply"] = lineno
        elif _NOTICE_RE.match(content) and not doc.notice:
            doc.delayed = True  # answering is delayed: a status of the document
            self.meta = doc.notice
            doc.meta_lines["notice"] = lineno
            self.in_notice = True
            self.notice_line(doc, raw, True)
        elif _INTRO_RE.match(content) and not doc.intro:
            self.meta = doc.intro
            doc.meta_lines["intro"] = lineno
        elif new_para:
            self.meta = None
        if self.meta is not None:
            self.meta.append(raw)

    def add(self, doc: _DocBuilder, raw: str, *, new_para: bool) -> None:
        """Add a source line to the question or answer of the current block."""
        assert self.block is not None
        kind, block = self.block
        paras = block.answer if kind == "a" else block.question
        if kind != "a":
            glued = _TRAILING_NOTE_RE.match(raw)
            if glued and int(glued.group("n")) not in doc.footnotes:
                doc.footnotes[int(glued.group("n"))] = [glued.group("text")]
                block.notes.append(int(glued.group("n")))
                raw = glued.group("q")
        if kind == "dupq" and raw in block.question_lines:
            return  # a repeated heading repeats its text too: keep only what is new
        if kind != "a":
            block.question_lines.add(raw)
        if new_para or not paras:
            paras.append([raw])
        else:
            paras[-1].append(raw)
