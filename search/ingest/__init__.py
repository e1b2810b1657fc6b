"""Seed files -> documents -> question entries.

A seed file holds one or more documents, each starting at a ``## <id>`` heading. Its
intro line names the members, addressees, subject and submission date; an ``Antwoord
van …`` line says who answered and when; then come question blocks (``### Vraag N``
headings or plain ``Vraag N`` lines, also combined: ``Vragen 4 en 5``), answer blocks
(``Antwoord N``, ``Antwoord op vragen 3 en 4``), footnote definitions (``<sup>1</sup>
text``, ``[1] text``, and ``1 text`` or ``1) text`` when it reads like a citation) and
notices that answering is delayed (``### Mededeling``, ``Mededeling van …``): a status
of the document whose text every entry keeps; a document that is only a notice has one
entry, number 0, holding it. Any other heading (``### Toelichting``) keeps its text with
the block above it. markdown-it-py finds the block structure (headings,
paragraphs, their source lines) and renders inline markup to plain text; which line
starts what follows ``../shared/eval/entries.py``, the reference enumeration, so that
entry ids agree with it. Footnote text is never part of a question or an answer: a
footnote is attached to the entries that cite it (``<sup>1</sup>``, ``[1]``, ``1)``, or a
bare number glued to a word for a footnote that nothing else cites).

Real input carries PDF and Word debris (``../shared/corpus/README.md``). The metadata
is repaired where the debris would hide it from a search or a filter:

- member names: an accent split off its letter is put back (``Kostic ´`` -> ``Kostić``),
  words glued together are split (``DaniëlleJansen`` -> ``Daniëlle Jansen``), a stray
  ``lid`` before a name is dropped;
- addressees: one per person (``de Ministers van A en van B`` -> two), glued words and
  known ministry names restored (``enVolksgezondheid``), the ``van`` a title lost put
  back (``Minister Justitie en Veiligheid``), ``Staatsecretaris`` spelt right;
- subject, questions and answers keep their words as written (``vande`` stays).

What cannot be used is reported, not raised, unless nothing of a file can be used; see
:func:`parse_file`. This is the only module that imports markdown-it-py; it knows
nothing of Whoosh.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import TypeVar

from markdown_it import MarkdownIt
from markdown_it.token import Token

from search.dutch.parliament import known_ministry
from search.errors import SeedError, SeedParseError
from search.models import Document, Footnote, Member, Question, Skipped

__all__ = [
    "ParsedFile",
    "find_seed_files",
    "merge_documents",
    "no_gc",
    "merge_group",
    "merge_report",
    "parse_dutch_date",
    "parse_file",
    "parse_numbers",
    "parse_text",
    "scan_seed_files",
    "source_name",
]

#: Bump when parsing rules change: an index keeps each file's parse, and an update
#: reads every file again when the rules that parsed them were different.
INGEST_VERSION = 5

_MD = MarkdownIt("commonmark")
#: The block structure only: :func:`_block_lines` reads the source lines of the blocks,
#: never their inline tokens, so the core rule that parses those is left out.
_BLOCKS = MarkdownIt("commonmark").disable("inline")
#: Characters that start inline markup in CommonMark (or that markdown-it rewrites):
#: text without them is one text token, as it is (see :func:`_render_inline`).
_INLINE_MARKUP_RE = re.compile(r"[\n\r\0\\`*_<&\[]")
_BLANKS_RE = re.compile(r"[ \t]+")
_T = TypeVar("_T")

# "3", "3 en 4", "7, 8, en 9", "7, 8, 9 10 en 11", "4-7", "4 t/m 6"; at most 9 digits
# (a longer number is no question number: such a heading is an unknown heading).
_NUM = r"\d{1,9}(?!\d)"
_NUMS = r"(?P<nums>" + _NUM + r"(?:(?:\s*(?:,|en\b|t/m|-|–))*\s*" + _NUM + r")*)"
_QUESTION_RE = re.compile(r"^Vra(?:ag|gen)\s+" + _NUMS + r"\s*[:.]?\s*(?P<rest>.*)$", re.S)
_ANSWER_RE = re.compile(
    r"^Antwoord(?:\s+op\s+vra(?:ag|gen))?\s+" + _NUMS + r"\s*[:.]?\s*(?P<rest>.*)$", re.S
)
_MAX_RANGE = 100  # "Vragen 1 t/m 9999" is debris, not 9,999 questions

_INTRO_RE = re.compile(r"^Vra(?:ag|gen)\s+van\s", re.I)
_ANSWERED_BY_RE = re.compile(r"^Antwoord(?:en)?\s+van\s+(?P<who>.*)$", re.S | re.I)
_NOTICE_RE = re.compile(r"^Mededeling\s+van\b", re.I)

# Footnote definitions: "<sup>1</sup> text", "[1] text", "1) text", and "1 text" when the
# text reads like a citation (a plain number could also start a question or a sentence).
_NOTE_MARKED_RE = re.compile(
    r"^(?:<sup>\s*(?P<a>\d{1,4})\s*</sup>|\[\s*(?P<b>\d{1,4})\s*\])\s*(?P<text>.*)$"
)
_NOTE_PLAIN_RE = re.compile(r"^(?P<n>\d{1,3})\)?\s+(?P<text>\S.*)$")
_CITATION_RE = re.compile(
    r"https?://|www\.|\b[\w-]+\.(?:nl|com|org|eu|int|net|be|de)\b|\bKamerstuk|\bAanhangsel"
    r"|\bHandelingen\b|\s\|\s|,\s*\d{1,2}\s+(?:januari|februari|maart|april|mei|juni|juli"
    r"|augustus|september|oktober|november|december)\s+\d{4}",
    re.I,
)
# A footnote the conversion glued to the end of a question: "…opslag? 7 Een aanvalsplan…".
_TRAILING_NOTE_RE = re.compile(r"^(?P<q>.*\?)\s+(?P<n>\d{1,3})\s+(?P<text>[A-ZÀ-Þ][^?]{20,})$")

# Footnote marks in running text.
_BRACKET_REF_RE = re.compile(r"\[\s*(\d{1,3}(?:\s+\d{1,3})*)\s*\]")
_PAREN_REF_RE = re.compile(r"(?<=[?!»”\"’')])\s?(\d{1,3})\)(?=\s*(?:[?.,;:!]|$))")
# A bare number glued to a word or after closing punctuation ("Attribution2", "»2?",
# "hierop? 1 2"); only read as a mark for a footnote that nothing else cites.
_LOOSE_REF_RE = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=[?!»”\"’)])\s?)(\d{1,2}(?:\s\d{1,2})*)(?![-.,/]?\w)"
    r"|(?<=[^\W\d_]\s)(\d{1,2})(?=[»”])"
)

_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_DATE_RE = r"(?P<day>\d{1,2})\s*(?P<month>[a-z]+)\s*(?P<year>\d{4})"
_SUBMITTED_RE = re.compile(r"ingezonden\s*" + _DATE_RE, re.I)
_RECEIVED_RE = re.compile(r"ontvangen[\s(]*(?:ontvangen\s*)?" + _DATE_RE, re.I)


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


def parse_dutch_date(text: str) -> date | None:
    """Parse the first ``20 juni 2019``-style date in ``text``; None when there is none."""
    m = re.search(_DATE_RE, text, re.I)
    return _date_from_match(m) if m else None


def _date_from_match(m: re.Match[str]) -> date | None:
    month = _MONTHS.get(m.group("month").lower())
    if month is None:
        return None
    try:
        return date(int(m.group("year")), month, int(m.group("day")))
    except ValueError:
        return None


# --- repairs of conversion debris ----------------------------------------------------

_SPACING_ACCENTS = {
    "´": "\u0301", "¨": "\u0308", "˜": "\u0303", "ˆ": "\u0302", "¸": "\u0327", "ˇ": "\u030c",
    "˛": "\u0328", "˚": "\u030a",
}  # fmt: skip
_SPACING_ACCENT_RE = re.compile(r"([^\W\d_])\s?([´¨˜ˆ¸ˇ˛˚])")
_PARTICLES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "in", "op"})


def _fix_accents(text: str) -> str:
    """Put an accent the conversion split off back on its letter: ``Kostic ´`` -> ``Kostić``."""
    fixed = _SPACING_ACCENT_RE.sub(lambda m: m.group(1) + _SPACING_ACCENTS[m.group(2)], text)
    return unicodedata.normalize("NFC", fixed)


def _unglue(name: str) -> str:
    """Split words glued together: ``DaniëlleJansen``, ``Inge vanDijk``.

    A capital right after a small letter starts a new word when what precedes it is a
    name particle (``van``) or at least three letters, so ``McDonald`` stays whole.
    """
    out: list[str] = []
    start = 0  # where the current run of letters began
    for i, ch in enumerate(name):
        if not ch.isalpha():
            start = i + 1
        elif i > start and ch.isupper() and name[i - 1].islower():
            left = name[start:i]
            if len(left) >= 3 or left.lower() in _PARTICLES:
                out.append(" ")
                start = i
        out.append(ch)
    return "".join(out)


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- inline rendering ----------------------------------------------------------------


@dataclass
class _Inline:
    """A chunk of markdown rendered to plain text, with what it cited."""

    text: str
    refs: list[int]
    strong: list[str]
    emphasis: list[str]


def _render_inline(source: str) -> _Inline:
    """Render inline markdown to plain text; footnote marks become refs.

    ``<sup>n</sup>``, ``[n]`` (also ``[4 5 ]``) and ``n)`` after closing punctuation are
    marks, removed from the text.
    """
    out: list[str] = []
    refs: list[int] = []
    strong: list[str] = []
    emphasis: list[str] = []
    capture: list[list[str]] = []  # open strong/em spans collecting their text
    in_sup = False
    sup_text: list[str] = []
    if _INLINE_MARKUP_RE.search(source) is None:
        children: list[Token] = []  # plain text: parsing it gives it back as it is
        out.append(source)
    else:
        tokens = _MD.parseInline(source)
        children = tokens[0].children or [] if tokens else []
    for tok in children:
        kind = tok.type
        if kind == "html_inline":
            tag = tok.content.strip().lower()
            if tag.startswith("<sup"):
                in_sup, sup_text = True, []
            elif tag.startswith("</sup"):
                in_sup = False
                digits = "".join(sup_text).strip()
                if digits.isascii() and digits.isdigit() and len(digits) <= 4:
                    refs.append(int(digits))
                else:
                    out.append(digits)
            continue
        if kind in ("strong_open", "em_open"):
            capture.append([])
            continue
        if kind in ("strong_close", "em_close"):
            if capture:
                span = "".join(capture.pop()).strip()
                (strong if kind == "strong_close" else emphasis).append(span)
            continue
        if kind in ("softbreak", "hardbreak"):
            piece = " "
        elif kind in ("text", "code_inline", "html_entity", "image"):
            piece = tok.content
        else:  # link_open/close and anything else carry no text of their own
            continue
        if in_sup:
            sup_text.append(piece)
            continue
        out.append(piece)
        for open_span in capture:
            open_span.append(piece)
    text = "".join(out)
    for pattern, bracket in ((_BRACKET_REF_RE, "["), (_PAREN_REF_RE, ")")):
        if bracket not in text:
            continue  # no mark without its bracket
        marks = [m.group(1) for m in pattern.finditer(text)]
        if marks:
            refs.extend(int(n) for mark in marks for n in mark.split())
            text = pattern.sub("", text)
    if "  " in text or "\t" in text:  # a single space stays as it is
        text = _BLANKS_RE.sub(" ", text)
    text = text.strip()
    return _Inline(text, refs, strong, emphasis)


def _note_definitions(raw: str) -> list[tuple[int, str]]:
    """The footnotes a source line defines; ``[]`` when it defines none.

    A plain ``N text`` line can hold several (``3 Kamerstuk … 4 Motie Ceder, …``).
    """
    m = _NOTE_MARKED_RE.match(raw)
    if m:
        return [(int(m.group("a") or m.group("b")), m.group("text").strip())]
    m = _NOTE_PLAIN_RE.match(raw)
    if not m or raw.endswith("?") or not _CITATION_RE.search(m.group("text")):
        return []
    number, text = int(m.group("n")), m.group("text")
    notes: list[tuple[int, str]] = []
    while True:  # the next footnote on the same line starts with the next number
        nxt = re.search(rf"\s{number + 1}\s+(?=[A-ZÀ-Þ]|https?:|www\.)", text)
        if nxt is None:
            notes.append((number, text.strip()))
            return notes
        notes.append((number, text[: nxt.start()].strip()))
        number, text = number + 1, text[nxt.end() :]


# --- block structure -----------------------------------------------------------------


@dataclass
class _Line:
    """One source line with its role in the markdown block structure."""

    text: str  # stripped of block markup (heading marks, list markers, indentation)
    raw: str  # the source line itself
    lineno: int  # 1-based
    heading: int  # heading level, 0 for text
    para: int  # id of the markdown block the line belongs to


def _block_lines(text: str) -> Iterator[_Line]:
    """Yield the document's lines in order, tagged by markdown-it's block structure."""
    raw_lines = text.split("\n")
    para = 0
    in_heading = False
    for tok in _BLOCKS.parse(text):
        if tok.type in ("heading_open", "heading_close"):
            in_heading = tok.type == "heading_open"
        if tok.map is None or (in_heading and tok.type == "inline"):
            continue
        start, end = tok.map
        if tok.type == "heading_open" and tok.markup.startswith("#"):
            para += 1
            level = len(tok.markup)
            yield _Line("", raw_lines[start], start + 1, level, para)
        elif tok.type == "heading_open":  # setext heading: keep it as text
            para += 1
            for i in range(start, end):
                if not re.fullmatch(r"\s*[=-]+\s*", raw_lines[i]):
                    yield _Line(raw_lines[i].strip(), raw_lines[i], i + 1, 0, para)
        elif tok.type == "paragraph_open":
            para += 1
        elif tok.type == "inline":
            for offset, content in enumerate(tok.content.split("\n")):
                lineno = min(start + offset, len(raw_lines) - 1)
                yield _Line(content.strip(), raw_lines[lineno], lineno + 1, 0, para)
        elif tok.type in ("code_block", "fence", "html_block"):
            para += 1
            first = start + 1 if tok.type == "fence" else start
            for offset, content in enumerate(tok.content.rstrip("\n").split("\n")):
                lineno = min(first + offset, len(raw_lines) - 1)
                yield _Line(content.strip(), raw_lines[lineno], lineno + 1, 0, para)


_OPENING_MARKS_RE = re.compile(r"^\s*#+\s*")
_CLOSING_MARKS_RE = re.compile(r"(?:^|\s+)#+\s*$")


def _heading_text(raw: str) -> str:
    return _CLOSING_MARKS_RE.sub("", _OPENING_MARKS_RE.sub("", raw)).strip()


# --- documents -----------------------------------------------------------------------


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


@dataclass(frozen=True)
class ParsedFile:
    """What one seed file gave: its documents, and what was skipped or looked odd."""

    path: Path
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[Skipped, ...] = ()


def parse_file(path: Path, *, name: str | None = None) -> ParsedFile:
    """Parse one seed file.

    Text that is not UTF-8 is read as cp1252 (latin-1 when even that fails; UTF-16 with
    a byte-order mark) with a ``legacy-encoding`` warning; UTF-8 text with a few bytes
    that are not UTF-8 stays UTF-8, only those bytes read as cp1252, with an
    ``invalid-utf8`` warning per line. Everything else that is odd
    is reported in the result (see :func:`parse_text`); only a file of which nothing
    can be used raises.

    Args:
        path: The seed file.
        name: How to name the file in entries and messages (default: ``path`` as given).

    Raises:
        SeedParseError: The file is empty (code ``empty``) or not text (``binary``).
        OSError: The file cannot be read.
    """
    label = name or source_name(path)
    text, encoding, line = _decode(path.read_bytes(), path)
    bad_bytes: list[Skipped] = []
    if encoding == _MIXED:
        text, bad = _decode_bad_bytes(text)
        bad_bytes = [Skipped(label, n, "invalid-utf8", detail) for n, detail in bad]
        encoding = None
    parsed = parse_text(text, label, path=path)
    if encoding is None:
        if bad_bytes:
            return replace(parsed, warnings=(*bad_bytes, *parsed.warnings))
        return parsed
    warning = Skipped(label, line, "legacy-encoding", encoding)
    return replace(parsed, warnings=(warning, *parsed.warnings))


#: What :func:`_decode` gives for UTF-8 text with a few bytes that are not UTF-8: the
#: text with each such byte as a lone surrogate (``surrogateescape``).
_MIXED = "utf-8+"
_ESCAPED_RE = re.compile("[\udc80-\udcff]+")
_NON_ASCII_RE = re.compile("[^\x00-\x7f\udc80-\udcff]")
#: Lines with bytes that are not UTF-8 reported one by one; more are reported as one.
MAX_BAD_LINES = 10


def _decode_bad_bytes(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Text decoded with ``surrogateescape``, each byte that was not UTF-8 read as
    cp1252 (a stray ``ï`` of a text pasted from Windows is an ``ï`` again; U+FFFD where
    cp1252 has no character), and per line what was read: ``0xef=ï``."""
    bad: dict[int, list[str]] = {}
    pos = 0
    line = 1

    def cp1252(m: re.Match[str]) -> str:
        nonlocal pos, line
        line += text.count("\n", pos, m.start())
        pos = m.start()
        raw = bytes(ord(c) - 0xDC00 for c in m.group())
        read = raw.decode("cp1252", "replace")
        bad.setdefault(line, []).extend(f"0x{b:02x}={c}" for b, c in zip(raw, read, strict=True))
        return read

    return _ESCAPED_RE.sub(cp1252, text), _bad_lines(bad)


def _bad_lines(bad: dict[int, list[str]]) -> list[tuple[int, str]]:
    lines = sorted(bad)
    found = [(n, " ".join(bad[n])) for n in lines[:MAX_BAD_LINES]]
    if len(lines) > MAX_BAD_LINES:
        more = len(lines) - MAX_BAD_LINES
        found.append((lines[MAX_BAD_LINES], f"and {more} more lines, up to line {lines[-1]}"))
    return found


def _decode(data: bytes, path: Path) -> tuple[str, str | None, int]:
    """The text of a file, the legacy encoding it was read in (None for UTF-8) and the
    line of its first byte that is not UTF-8.

    A file that is UTF-8 but for a few bytes (it has at least as many valid non-ASCII
    characters as bytes that are not UTF-8) is not read in a legacy encoding, which
    would turn each of its accented letters into two (``OekraÃ¯ne``): it comes back
    decoded with ``surrogateescape`` and the encoding :data:`_MIXED`.
    """
    if not data.strip():
        raise SeedParseError(path, 0, "empty", "the file is empty")
    encoding: str | None = None
    line = 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding, line = data.decode("utf-16"), "UTF-16", 1
        except UnicodeDecodeError:
            text = ""
    if encoding is None:
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise SeedParseError(path, line, "binary", "not text (it holds NUL bytes)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            mixed = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
            bad = sum(len(m.group()) for m in _ESCAPED_RE.finditer(mixed))
            if len(_NON_ASCII_RE.findall(mixed)) >= bad:
                return _checked_text(mixed, path), _MIXED, line
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
    return _checked_text(text, path), encoding, line


def _checked_text(text: str, path: Path) -> str:
    """``text``, unless it is empty or not text.

    Raises:
        SeedParseError: The file is empty (code ``empty``) or not text (``binary``).
    """
    if not text.strip():
        raise SeedParseError(path, 0, "empty", "the file is empty")
    controls = [m.start() for m in _CONTROL_RE.finditer(text)]
    if len(controls) * 20 > len(text):  # more than 5 % control characters: not text
        line = text.count("\n", 0, controls[0]) + 1
        raise SeedParseError(path, line, "binary", "not text (control characters)")
    return text


#: Control characters (Unicode category Cc) other than whitespace (\t \n \v \f \r).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def parse_text(text: str, name: str, *, path: Path | None = None) -> ParsedFile:
    """Parse the text of a seed file; ``name`` labels its entries' ``source``.

    Never raises. Left out (``skipped``): a document without questions, empty text.
    Kept with a warning: no ``## <id>`` heading (the id is taken from ``name``), an id
    that occurs twice in the file (the later document gets ``~2``), a repeated question
    block, an answer whose question heading was lost, a notice without questions (its
    entry ``<id>#0``), an unknown heading, a date that does not exist. Said but not kept:
    text under an unknown heading before the first question (``unknown-heading-lost``).
    """
    with no_gc():
        return _parse_text(text, name, path or Path(name))


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Without the cyclic garbage collector: parsing and building make many small
    objects (tokens, lines, entries; posting lists) that every full collection would
    walk again (up to 40 % of the time of parsing a large file, 12 % of a 10k build);
    what they keep holds no cycles to collect."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_text(text: str, name: str, source: Path) -> ParsedFile:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        return ParsedFile(source, (), (Skipped(name, 0, "empty"),))
    parser = _Parser(name)
    lines = list(_block_lines(text))
    if not any(line.heading == 2 for line in lines):
        parser.start_document(_id_from_name(name), 1, missing=True)
    for line in lines:
        parser.feed(line)
    documents: list[Document] = []
    skipped: list[Skipped] = []
    warnings = parser.warnings
    for builder in parser.docs:
        document = _finish(builder, name)
        in_order = sorted(builder.warnings, key=lambda w: w[0])  # by line
        warnings.extend(Skipped(name, ln, code, detail) for ln, code, detail in in_order)
        if not document.entries:
            skipped.append(Skipped(name, builder.line, "no-questions", builder.document_id))
        elif document.entries[0].is_notice:
            warnings.append(Skipped(name, builder.line, "notice-only", builder.document_id))
        documents.append(document)
    return ParsedFile(source, tuple(documents), tuple(skipped), tuple(warnings))


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


def _render(paras: list[list[str]]) -> tuple[str, list[int]]:
    if not paras:
        return "", []
    texts: list[str] = []
    refs: list[int] = []
    for para in paras:
        rendered = _render_inline("\n".join(para))
        if rendered.text:
            texts.append(rendered.text)
        refs.extend(rendered.refs)
    return "\n".join(texts), refs


def _loose_refs(text: str, numbers: set[int]) -> list[int]:
    """The footnotes among ``numbers`` that ``text`` cites with a bare number."""
    found: list[int] = []
    for m in _LOOSE_REF_RE.finditer(text):
        found.extend(n for n in map(int, (m.group(1) or m.group(2)).split()) if n in numbers)
    return found


def _finish(b: _DocBuilder, name: str) -> Document:
    """Turn a document under construction into a :class:`Document` with its entries."""
    members: tuple[Member, ...] = ()
    addressees: tuple[str, ...] = ()
    subject: str | None = None
    submitted: date | None = None
    intro = _render_inline(" ".join(b.intro))
    if b.intro:
        members, addressees, subject, submitted = _parse_intro(intro)
    answered, answered_by = _parse_reply(b.reply)
    notice_received = _received(b.notice)
    for kind, lines, pattern in (
        ("intro", b.intro, _SUBMITTED_RE),
        ("reply", b.reply, _RECEIVED_RE),
        ("notice", b.notice, _RECEIVED_RE),
    ):
        wrong = _impossible_date(lines, pattern)
        if wrong:
            b.warnings.append((b.meta_lines.get(kind, b.line), "invalid-date", wrong))
    notice = _render(b.notice_paras)[0]
    footnotes = {n: _squash(_render_inline(" ".join(t)).text) for n, t in b.footnotes.items()}
    blocks = [(block, _render(block.question), _render(block.answer)) for block in b.blocks]
    cited = set(intro.refs)
    cited.update(n for block, (_, q), (_, a) in blocks for n in q + a + block.notes)
    uncited = set(footnotes) - cited
    entries: list[Question] = []
    for block, (question, qrefs), (answer, arefs) in blocks:
        refs = qrefs + arefs + block.notes
        if uncited:
            refs += _loose_refs(f"{question}\n{answer}", uncited)
        notes = [n for n in dict.fromkeys(refs) if n in footnotes]
        covered = bool(b.answered_numbers & set(block.numbers))
        entries.append(
            Question(
                entry_id=f"{b.document_id}#{block.numbers[0]}",
                document_id=b.document_id,
                numbers=tuple(block.numbers),
                question=question,
                answer=answer,
                members=members,
                addressees=addressees,
                subject=subject,
                submitted=submitted,
                # A combined answer ("Antwoord op vragen 1, 2 en 3") stands with the
                # first number's entry but answers the others too.
                answered=answered if answer or covered else None,
                answered_by=answered_by if answer or covered else None,
                footnotes=tuple(Footnote(n, footnotes[n]) for n in notes),
                source=name,
                line=block.line,
                delayed=b.delayed,
                notice=notice,
                notice_received=notice_received,
            )
        )
    if not entries and b.delayed:
        # A document that is only a notice: one entry (number 0) whose text is the
        # notice, so that the Kamervraag can be shown and found.
        entries.append(
            Question(
                entry_id=f"{b.document_id}#0",
                document_id=b.document_id,
                numbers=(0,),
                question=notice,
                members=members,
                addressees=addressees,
                subject=subject,
                submitted=submitted,
                source=name,
                line=b.meta_lines.get("notice", b.line),
                delayed=True,
                notice=notice,
                notice_received=notice_received,
            )
        )
    return Document(
        document_id=b.document_id,
        source=name,
        line=b.line,
        entries=tuple(entries),
        members=members,
        addressees=addressees,
        subject=subject,
        submitted=submitted,
        answered=answered,
        answered_by=answered_by,
        delayed=b.delayed,
        notice_received=notice_received,
        notice=notice,
    )


def _impossible_date(lines: list[str], pattern: re.Pattern[str]) -> str | None:
    """The date of an intro, reply or notice paragraph (``ingezonden …``, ``ontvangen
    …``) when it does not exist (``31 februari 2024``, ``3 febuari 2024``); else None."""
    m = pattern.search(_render_inline(" ".join(lines)).text) if lines else None
    if m is None or _date_from_match(m) is not None:
        return None
    return f"{m.group('day')} {m.group('month')} {m.group('year')}"


# --- the intro, reply and notice lines -------------------------------------------------

_INTRO_PARTS_RE = re.compile(
    r"^Vra(?:ag|gen)\s+van\s+(?:het|de)\s+(?:lid|leden)\s+(?P<members>.+?)\s+aan\s+(?P<rest>.*)$",
    re.I | re.S,
)
# "over" between addressee and subject, also glued on either side ("Sportover zorg",
# "overhet verdwijnen"); no ministry name holds "over".
_OVER_RE = re.compile(r"(?<![^\W\d_])over(?=\s|[^\W\d_])|(?<=[a-zß-ÿ])over(?=\s)")
_SUBMITTED_CUT_RE = re.compile(r"\s*(?:\(\s*ingezonden\b|\bingezonden\s*\d).*$", re.I | re.S)


def _parse_intro(
    inline: _Inline,
) -> tuple[tuple[Member, ...], tuple[str, ...], str | None, date | None]:
    """Members, addressees, subject and submission date from the rendered intro line.

    ``Vragen van het lid **X** (P) aan de Minister van … over *…* (ingezonden 1 mei
    2024)``; the subject is the emphasised part, or without emphasis what follows
    ``over``.
    """
    plain = inline.text
    m = _SUBMITTED_RE.search(plain)
    submitted = _date_from_match(m) if m else None
    parts = _INTRO_PARTS_RE.match(plain)
    if not parts:
        emphasis = max(inline.emphasis, key=len, default="")
        return (), (), _clean_subject(emphasis), submitted
    members = _parse_members(parts.group("members"))
    rest = _SUBMITTED_CUT_RE.sub("", parts.group("rest"))
    emphasised = [e for e in inline.emphasis if e and e in rest]
    subject: str | None = None
    to = rest
    if emphasised:
        subject = max(emphasised, key=len)  # the outer span, not one nested in it
        to = re.sub(r"\s*over\s*$", "", rest[: rest.index(subject)])
    else:
        over = _OVER_RE.search(rest)
        if over:
            to, subject = rest[: over.start()], rest[over.end() :].strip(" .")
    return members, _parse_addressees(to), _clean_subject(subject), submitted


def _clean_subject(subject: str | None) -> str | None:
    """The subject with stray emphasis marks of the conversion (``_spreekkamer``) gone."""
    if not subject:
        return None
    subject = re.sub(r"(?<!\w)_+(?=\w)|(?<=\w)_+(?!\w)|(?<!\w)_+(?!\w)", "", subject)
    return _squash(subject) or None


def _parse_members(text: str) -> tuple[Member, ...]:
    """``Van Nispen (SP) en Lahlah (GroenLinks-PvdA)``, ``X en Y (beiden D66)``."""
    members: list[Member] = []
    pos = 0
    for m in re.finditer(r"\(([^()]*)\)", text):
        names_text = text[pos : m.start()]
        pos = m.end()
        party = re.sub(
            r"^(?:beiden|allen|alle\s+\w+|allebei)\s+", "", _squash(m.group(1)), flags=re.I
        )
        for name in _split_names(names_text):
            members.append(Member(name, _fix_accents(party) or None))
    for name in _split_names(text[pos:]):
        members.append(Member(name, None))
    return tuple(members)


def _split_names(text: str) -> list[str]:
    parts = re.split(r"\s*,\s*|\s+en\s+|^\s*en\s+", " " + text.strip(" ,") + " ")
    names = (re.sub(r"^(?:lid|leden)\s+", "", _squash(p).strip(" ,")) for p in parts)
    return [_unglue(_fix_accents(n)) for n in names if n]


_TITLE_RE = re.compile(
    r"(?<![^\W\d_])(minister-president|staatss?ecretaris(?:sen)?|ministers?)", re.I
)
_GLUED_WORD_RE = re.compile(r"(?<![^\W\d_])(de|en|van|voor)(?=[A-ZÀ-Þ])")
_GLUED_TITLE_RE = re.compile(
    r"(?<![^\W\d_])((?:[Mm]inister|[Ss]taatss?ecretaris)(?:s|sen)?)(?=[A-ZÀ-Þ])"
)
_JOIN_RE = re.compile(r"\s*(?:,|\ben\b)?\s*(?:\b(?:de|het)\b)?\s*")
_TRAILING_JOIN_RE = re.compile(r"\s*(?:,|\ben\b)\s*(?:\b(?:de|het)\b)?\s*$")


def _parse_addressees(text: str) -> tuple[str, ...]:
    """One addressee per person, ``Minister van A``.

    Handles ``de Minister van A en de Staatssecretaris van B``, ``de Ministers van A, van
    B en voor C``, ``de Minister en de Staatssecretaris van A`` (both of A), and the
    conversion's glue (``deStaatssecretaris``, ``vanBinnenlandse``, ``MinisterKlimaat``).
    """
    text = _GLUED_TITLE_RE.sub(r"\1 ", _GLUED_WORD_RE.sub(r"\1 ", _squash(text))).strip(" ,.")
    titles = list(_TITLE_RE.finditer(text))
    lead = re.sub(r"^(?:de|het)\s+", "", text[: titles[0].start()] if titles else text, flags=re.I)
    lead = _TRAILING_JOIN_RE.sub("", lead).strip(" ,")
    result = [lead[0].upper() + lead[1:]] if lead and lead.lower() not in ("de", "het") else []
    group: list[str] = []
    for i, title in enumerate(titles):
        group.append(_title(title.group(1)))
        last = i + 1 == len(titles)
        between = text[title.end() : len(text) if last else titles[i + 1].start()]
        if not last and _JOIN_RE.fullmatch(between):
            continue  # "de Minister en de Staatssecretaris van A": they share A
        ministries = _ministries(between if last else _TRAILING_JOIN_RE.sub("", between))
        result.extend(f"{t} {m}".strip() for t in group for m in ministries)
        group = []
    return tuple(dict.fromkeys(result))


def _title(word: str) -> str:
    word = word.lower().replace("staatsecretaris", "staatssecretaris")
    word = re.sub(r"^(minister|staatssecretaris)(?:s|sen)$", r"\1", word)
    return word[0].upper() + word[1:]


def _ministries(text: str) -> list[str]:
    """``van A en van B`` -> [``van A``, ``van B``]; a known ministry spelt as usual."""
    text = text.strip(" ,.")
    if not text:
        return [""]
    result: list[str] = []
    for segment in re.split(r"\s*(?:,|\ben\b)\s*(?=(?:van|voor)\s)", text):
        m = re.match(r"^(van|voor)\s+(.*)$", segment, re.I | re.S)
        prep, name = (m.group(1).lower(), m.group(2)) if m else ("", segment)
        for ministry in _known_ministries(name.strip(" ,")):
            known = known_ministry(ministry)
            if prep or known:  # a title followed directly by a ministry lost its "van"
                result.append(f"{prep or 'van'} {known or ministry}")
            else:
                result.append(ministry)
    return result


def _known_ministries(name: str) -> list[str]:
    """``Onderwijs, Cultuur en Wetenschap en Volksgezondheid, …`` -> the two ministries.

    A name is split at an ``en`` only when every piece is a known ministry.
    """
    if known_ministry(name):
        return [name]
    for m in re.finditer(r"\s+en\s+", name):
        left, right = name[: m.start()], name[m.end() :]
        if known_ministry(left):
            rest = _known_ministries(right)
            if all(known_ministry(r) for r in rest):
                return [left, *rest]
    return [name]


def _parse_reply(lines: list[str]) -> tuple[date | None, str | None]:
    """The date and the answering minister of an ``Antwoord van …`` paragraph."""
    if not lines:
        return None, None
    plain = _render_inline(" ".join(lines)).text
    received = _RECEIVED_RE.search(plain)
    who_match = _ANSWERED_BY_RE.match(plain)
    who = who_match.group("who") if who_match else plain
    # Up to the date, or in a ministry's letter up to "op Kamervragen van …".
    who = re.split(
        r"\(\s*ontvangen|\s+op\s+(?:de\s+)?(?:kamer)?vragen\b", who, maxsplit=1, flags=re.I
    )[0]
    who = re.sub(
        r"\s+en\s+(?:antwoord\s+)?van\s+(?=(?:minister|staatssecretaris)\b)",
        " en ",
        who,
        flags=re.I,
    )
    who = re.sub(r"^(?:de|het)\s+", "", _fix_accents(_squash(who)).strip(" .,"))
    if who.count("(") > who.count(")"):
        who += ")"
    return (_date_from_match(received) if received else None), who or None


def _received(lines: list[str]) -> date | None:
    m = _RECEIVED_RE.search(_render_inline(" ".join(lines)).text) if lines else None
    return _date_from_match(m) if m else None


# --- seeds ---------------------------------------------------------------------------


def source_name(path: Path) -> str:
    """How a seed file is named in entries, the manifest and messages: ``str(path)``,
    with the bytes of a name that is not UTF-8 written as ``\\xff`` (Python keeps them
    as lone surrogates, which no UTF-8 file, JSON or terminal can take)."""
    name = str(path)
    if name.isprintable() or not any("\udc80" <= c <= "\udcff" for c in name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def find_seed_files(seeds: Iterable[Path]) -> list[Path]:
    """The seed files under the given files and folders (see :func:`scan_seed_files`,
    without what it reports).

    Raises:
        SeedError: A path does not exist.
    """
    return scan_seed_files(seeds)[0]


SEED_SUFFIXES = (".txt", ".md")


def scan_seed_files(seeds: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """The seed files under the given files and folders, sorted per folder, and what
    could not be used; a file reached twice (``seeds`` and ``/abs/seeds``, or through a
    link) is listed once.

    Symbolic links are followed. Reported (code, with the path and line 0), never
    passed over in silence: a folder that cannot be listed (``unreadable``), a link
    to nothing (``dangling-link``), a link that points back to itself
    (``link-loop``), a ``.txt``/``.md`` name that is not a regular file.

    Raises:
        SeedError: A path does not exist.
    """
    files: list[Path] = []
    problems: list[Skipped] = []
    seen: set[tuple[int, int]] = set()
    for seed in seeds:
        if seed.is_dir():
            found = sorted(_walk(seed, problems))
        elif seed.is_file():
            found = [seed]
        else:
            raise SeedError(seed, "no such file or folder")
        for file in found:
            try:
                st = file.stat()
            except OSError as exc:
                problems.append(_unusable(file, exc))
                continue
            if not stat.S_ISREG(st.st_mode):
                if not stat.S_ISDIR(st.st_mode):
                    problems.append(Skipped(source_name(file), 0, "not-a-file"))
                continue
            # One stat per file: its device and inode name it however it was reached.
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                files.append(file)
    return files, problems


def _walk(folder: Path, problems: list[Skipped]) -> Iterator[Path]:
    """The paths with a seed suffix under ``folder``, following links to folders but
    entering each folder once; a folder that cannot be listed is reported."""
    entered: set[tuple[int, int]] = set()
    todo = [folder]
    while todo:
        current = todo.pop()
        try:
            st = current.stat()
            if (st.st_dev, st.st_ino) in entered:
                continue  # a link back to a folder already read: nothing new there
            entered.add((st.st_dev, st.st_ino))
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as exc:
            problems.append(_unusable(current, exc))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows a link; False for a link to nothing
            except OSError:
                is_dir = False
            if is_dir:
                todo.append(path)
            elif path.suffix in SEED_SUFFIXES:
                yield path


def _unusable(path: Path, exc: OSError) -> Skipped:
    """Why a path found while looking for seeds cannot be used."""
    name = source_name(path)
    if exc.errno == errno.ELOOP:
        return Skipped(name, 0, "link-loop")
    if exc.errno == errno.ENOENT and path.is_symlink():
        return Skipped(name, 0, "dangling-link", source_name(Path(os.readlink(path))))
    return Skipped(name, 0, "unreadable", exc.strerror or str(exc))


def merge_documents(documents: Iterable[Document]) -> list[Document]:
    """Merge documents that share an id (see :func:`merge_report`); documents only."""
    return merge_report(documents)[0]


def merge_report(documents: Iterable[Document]) -> tuple[list[Document], list[Skipped]]:
    """Merge documents that share an id: a question document and its answer document.

    Entries are matched by question number, or by question text where the numbering
    differs (PDF debris such as "uitgebreidgesproken" does not matter). Metadata comes
    from the document that has it; where both have a different value, the more
    complete one wins and the conflict is reported. Two documents with the same id
    whose questions do not match are no pair: the later one (by file name) is kept as
    ``<id>~2`` with a warning, never merged silently. The result does not depend on
    the order of the input.

    Returns:
        The documents, and warnings (``merge-conflict``, ``duplicate-id``).
    """
    by_id: dict[str, list[Document]] = {}
    for doc in documents:
        by_id.setdefault(doc.document_id, []).append(doc)
    merged: list[Document] = []
    warnings: list[Skipped] = []
    for docs in by_id.values():
        group, conflicts = merge_group(docs)
        merged.extend(group)
        warnings.extend(conflicts)
    return merged, warnings


def merge_group(docs: Sequence[Document]) -> tuple[list[Document], list[Skipped]]:
    """Merge the documents of one id (see :func:`merge_report`), in the order
    :func:`merge_report` gives them: documents kept apart as ``<id>~<n>`` first, then
    the merged pair.

    Returns:
        The documents, and warnings (``merge-conflict``, ``duplicate-id``).
    """
    if len(docs) == 1:
        return [docs[0]], []
    docs = sorted(docs, key=lambda d: (d.source, d.line))
    merged: list[Document] = []
    warnings: list[Skipped] = []
    pair = [docs[0]]
    for n, doc in enumerate(docs[1:], start=2):
        if _is_pair(pair, doc):
            pair.append(doc)
            continue
        new_id = f"{doc.document_id}~{n}"
        warnings.append(Skipped(doc.source, doc.line, "duplicate-id", new_id))
        merged.append(_renamed(doc, new_id))
    # Most complete first; ties by source name so the order of input does not matter.
    pair.sort(key=lambda d: (-_completeness(d), d.source, d.line))
    if len(pair) == 1:
        merged.append(pair[0])
    else:
        document, conflicts = _merge_group(pair)
        merged.append(document)
        warnings.extend(conflicts)
    return merged, warnings


def _text_key(text: str) -> str:
    """A question's text without case, accents, spaces and punctuation."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)))


def _same_text(a: str, b: str) -> bool:
    """The same question, apart from PDF debris (glued or split words, hyphens)."""
    ka, kb = _text_key(a), _text_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    return SequenceMatcher(None, ka[:400], kb[:400], autojunk=False).ratio() >= 0.9


def _is_pair(docs: list[Document], other: Document) -> bool:
    """Whether ``other`` repeats the questions of ``docs`` (an answer document does)."""
    mine = [e.question for d in docs for e in d.entries if e.question and not e.is_notice]
    theirs = [e.question for e in other.entries if e.question and not e.is_notice]
    if not mine or not theirs:
        return True  # one side lost its questions: nothing contradicts the pairing
    shared = sum(1 for q in theirs if any(_same_text(q, m) for m in mine))
    return shared * 2 >= min(len(mine), len(theirs))


def _renamed(doc: Document, new_id: str) -> Document:
    entries = tuple(
        replace(e, document_id=new_id, entry_id=f"{new_id}#{e.numbers[0]}") for e in doc.entries
    )
    return replace(doc, document_id=new_id, entries=entries)


def _completeness(doc: Document) -> int:
    fields = (doc.members, doc.addressees, doc.subject, doc.submitted, doc.answered)
    return sum(1 for f in fields if f) * 10 + len(doc.entries)


def _first(values: Iterable[_T]) -> _T | None:
    return next((v for v in values if v), None)


def _intro_fields(doc: Document) -> int:
    return sum(1 for f in (doc.members, doc.subject, doc.submitted) if f)


def _longest(values: Iterable[_T]) -> _T | None:
    found = [v for v in values if v]
    return max(found, key=lambda v: len(str(v))) if found else None


def _conflicts(docs: list[Document]) -> list[Skipped]:
    """Fields that both documents give, differently."""

    def values(d: Document) -> dict[str, object]:
        return {
            "members": sorted(_text_key(m.name) for m in d.members),
            "addressees": sorted(_text_key(a) for a in d.addressees),
            "subject": _text_key(d.subject or ""),
            "submitted": d.submitted,
            "answered": d.answered,
        }

    found: list[Skipped] = []
    base = values(docs[0])
    for other in docs[1:]:
        for name, value in values(other).items():
            if value and base[name] and value != base[name]:
                found.append(Skipped(other.source, other.line, "merge-conflict", name))
    return found


def _merge_group(docs: list[Document]) -> tuple[Document, list[Skipped]]:
    base = docs[0]
    # The question document (intro line, no answers of its own) gives the question's
    # fields and numbering; the answer document the answer's. Longer values win.
    by_intro = sorted(
        docs, key=lambda d: (-_intro_fields(d), d.answered is not None, d.source, d.line)
    )
    by_answer = sorted(docs, key=lambda d: (d.answered is None, d.source, d.line))
    members = _longest(d.members for d in by_intro) or ()
    addressees = _longest(d.addressees for d in by_intro) or ()
    subject = _longest(d.subject for d in by_intro)
    submitted = _first(d.submitted for d in by_intro)
    answered = _first(d.answered for d in by_answer)
    answered_by = _longest(d.answered_by for d in by_answer)
    delayed = any(d.delayed for d in docs)
    notice = _longest(d.notice for d in docs) or ""
    notice_received = _first(d.notice_received for d in docs)
    sources = tuple(sorted({d.source for d in docs}))
    # A notice-only document's entry stands for the Kamervraag only while no document
    # of the pair has questions.
    questions = any(not e.is_notice for d in docs for e in d.entries)
    entries: dict[int, Question] = {}
    for doc in by_intro:
        for e in doc.entries:
            if questions and e.is_notice:
                continue
            key = _match(entries, e)
            old = entries.get(key)
            if old is None:
                entries[key] = e
                continue
            question = old.question if len(old.question) >= len(e.question) else e.question
            answer = old.answer if len(old.answer) >= len(e.answer) else e.answer
            notes = {f.number: f for f in old.footnotes + e.footnotes}
            others = sorted((set(old.numbers) | set(e.numbers)) - {key})
            entries[key] = replace(
                old,
                question=question,
                answer=answer,
                answered=old.answered or e.answered,
                numbers=(key, *others),
                footnotes=tuple(notes[n] for n in sorted(notes)),
            )
    final = tuple(
        replace(
            e,
            members=members,
            addressees=addressees,
            subject=subject,
            submitted=submitted,
            answered=answered if e.answer or e.answered else None,
            answered_by=answered_by if e.answer or e.answered else None,
            delayed=delayed,
            sources=sources,
            notice=notice,
            notice_received=notice_received,
            question=notice if e.is_notice else e.question,
        )
        for _, e in sorted(entries.items())
    )
    document = replace(
        base,
        entries=final,
        members=members,
        addressees=addressees,
        subject=subject,
        submitted=submitted,
        answered=answered,
        answered_by=answered_by,
        delayed=delayed,
        notice_received=notice_received,
        notice=notice,
    )
    return document, _conflicts(by_intro)


def _match(entries: dict[int, Question], entry: Question) -> int:
    """The number under which ``entry`` belongs: its own when the question there is the
    same (or either has none), else that of the entry with the same question text."""
    key = entry.numbers[0]
    old = entries.get(key)
    if old is not None and (
        not old.question or not entry.question or _same_text(old.question, entry.question)
    ):
        return key
    if entry.question:
        for number, candidate in entries.items():
            if number != key and _same_text(candidate.question, entry.question):
                return number
    return key
