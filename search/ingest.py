"""Seed files -> documents -> question entries.

A seed file holds one or more documents, each starting at a ``## <id>`` heading. Its
intro line names the members, addressees, subject and submission date; then come
question blocks (``### Vraag N`` headings or plain ``Vraag N`` lines), answer blocks
(``Antwoord N``), footnote definitions (``<sup>1</sup> text`` or ``[1] text``) and
notices (``### Mededeling``). markdown-it-py finds the block structure (headings,
paragraphs, their source lines) and renders inline markup to plain text; the rules of
which line starts what follow ``../shared/eval/entries.py``, the reference enumeration.

This is the only module that imports markdown-it-py; it knows nothing of Whoosh.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from markdown_it import MarkdownIt
from markdown_it.token import Token

from search.errors import SeedError, SeedParseError
from search.models import Document, Footnote, Member, Question, Skipped

__all__ = [
    "ParsedFile",
    "find_seed_files",
    "merge_documents",
    "parse_dutch_date",
    "parse_file",
    "parse_text",
]

_MD = MarkdownIt("commonmark")
_T = TypeVar("_T")

# "3", "3 en 4", "7, 8, en 9", "7, 8, 9 10 en 11", "4-7", "4 t/m 6"
_NUMS = r"(?P<nums>\d+(?:(?:\s*(?:,|en\b|t/m|-|–))*\s*\d+)*)"
_QUESTION_RE = re.compile(r"^Vra(?:ag|gen)\s+" + _NUMS + r"\s*[:.]?\s*(?P<rest>.*)$", re.S)
_ANSWER_RE = re.compile(
    r"^Antwoord(?:\s+op\s+vra(?:ag|gen))?\s+" + _NUMS + r"\s*[:.]?\s*(?P<rest>.*)$", re.S
)
_FOOTNOTE_DEF_RE = re.compile(r"^(?:<sup>\s*(?P<a>\d+)\s*</sup>|\[(?P<b>\d+)\])\s*(?P<text>.*)$")
_INTRO_RE = re.compile(r"^Vra(?:ag|gen)\s+van\s", re.I)
_ANSWERED_BY_RE = re.compile(r"^Antwoord(?:en)?\s+van\s+(?P<who>.*)$", re.S)
_BRACKET_REF_RE = re.compile(r"\[(\d{1,3})\]")

_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_DATE_RE = r"(?P<day>\d{1,2})\s*(?P<month>[a-z]+)\s*(?P<year>\d{4})"
_SUBMITTED_RE = re.compile(r"ingezonden\s*" + _DATE_RE, re.I)
_RECEIVED_RE = re.compile(r"ontvangen[\s(]*(?:ontvangen\s*)?" + _DATE_RE, re.I)


def parse_numbers(text: str) -> tuple[int, ...]:
    """Turn ``'7, 8, 9 10 en 11'`` into (7, ..., 11) and ``'4 t/m 6'`` into (4, 5, 6)."""
    nums: list[int] = []
    for m in re.finditer(r"(\d+)\s*(?:(t/m|-|–)\s*(\d+))?", text):
        first = int(m.group(1))
        if m.group(2):
            nums.extend(range(first, int(m.group(3)) + 1))
        else:
            nums.append(first)
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


# --- inline rendering --------------------------------------------------------------


@dataclass
class _Inline:
    """A chunk of markdown rendered to plain text, with what it cited."""

    text: str
    refs: list[int]
    strong: list[str]
    emphasis: list[str]


def _render_inline(source: str) -> _Inline:
    """Render inline markdown to plain text; ``<sup>n</sup>`` and ``[n]`` become refs."""
    out: list[str] = []
    refs: list[int] = []
    strong: list[str] = []
    emphasis: list[str] = []
    capture: list[list[str]] = []  # open strong/em spans collecting their text
    in_sup = False
    sup_text: list[str] = []
    tokens = _MD.parseInline(source)
    children: list[Token] = tokens[0].children or [] if tokens else []
    for tok in children:
        kind = tok.type
        if kind == "html_inline":
            tag = tok.content.strip().lower()
            if tag.startswith("<sup"):
                in_sup, sup_text = True, []
            elif tag.startswith("</sup"):
                in_sup = False
                digits = "".join(sup_text).strip()
                if digits.isdigit():
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
        elif kind in ("text", "code_inline", "html_entity"):
            piece = tok.content
        elif kind == "image":
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
    for m in _BRACKET_REF_RE.finditer(text):
        refs.append(int(m.group(1)))
    text = _BRACKET_REF_RE.sub("", text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    return _Inline(text, refs, strong, emphasis)


# --- block structure ---------------------------------------------------------------


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
    for tok in _MD.parse(text):
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


# --- documents ---------------------------------------------------------------------


@dataclass
class _Block:
    """A question block under construction."""

    numbers: list[int]
    line: int
    question: list[list[str]] = field(default_factory=list)  # paragraphs of raw lines
    answer: list[list[str]] = field(default_factory=list)


@dataclass
class _DocBuilder:
    """A document under construction."""

    document_id: str
    line: int
    intro: list[str] = field(default_factory=list)
    answered_by_line: str | None = None
    blocks: list[_Block] = field(default_factory=list)
    footnotes: dict[int, list[str]] = field(default_factory=dict)
    delayed: bool = False
    warnings: list[tuple[int, str, str]] = field(default_factory=list)

    def find(self, number: int) -> _Block | None:
        for block in self.blocks:
            if number in block.numbers:
                return block
        return None


@dataclass(frozen=True)
class ParsedFile:
    """What one seed file gave: its documents, and what was skipped or looked odd."""

    path: Path
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[Skipped, ...] = ()


def parse_file(path: Path, *, name: str | None = None) -> ParsedFile:
    """Parse one seed file.

    A file that cannot be read at all (not UTF-8, no ``## <id>`` heading) raises
    :class:`SeedParseError` with the line; a document inside it that has no questions
    is reported in ``skipped`` while the file's other documents are kept.

    Args:
        path: The seed file.
        name: How to name the file in entries and messages (default: ``path`` as given).
    """
    label = name or str(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SeedParseError(path, line, "not-utf8", "not UTF-8 text") from exc
    return parse_text(text, label, path=path)


def parse_text(text: str, name: str, *, path: Path | None = None) -> ParsedFile:
    """Parse the text of a seed file; ``name`` labels its entries' ``source``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    docs: list[_DocBuilder] = []
    doc: _DocBuilder | None = None
    # What the current line belongs to: ("q"|"dupq"|"a", block), ("fn", number) or None.
    current: tuple[str, object] | None = None
    last_para = -1
    for line in _block_lines(text):
        new_para = line.para != last_para
        last_para = line.para
        if line.heading == 2:
            doc_id = re.sub(r"^#+\s*", "", line.raw).strip().rstrip("#").strip()
            doc = _DocBuilder(doc_id, line.lineno)
            docs.append(doc)
            current = None
            continue
        if doc is None:
            continue  # anything before the first document heading is not indexed
        content = re.sub(r"^#+\s*", "", line.raw).strip() if line.heading else line.text
        if not content:
            continue
        mq = _QUESTION_RE.match(content)
        ma = None if mq else _ANSWER_RE.match(content)
        if mq or ma:
            match = mq or ma
            assert match is not None
            numbers = list(parse_numbers(match.group("nums")))
            block = doc.find(numbers[0])
            if mq:
                if block is None:
                    block = _Block(numbers, line.lineno)
                    doc.blocks.append(block)
                    current = ("q", block)
                else:  # a repeated heading left by the PDF conversion
                    block.numbers = sorted(set(block.numbers) | set(numbers))
                    doc.warnings.append((line.lineno, "repeated-question", str(numbers[0])))
                    current = ("dupq", block)
            else:
                if block is None:  # the question heading was lost
                    block = _Block(numbers, line.lineno)
                    doc.blocks.append(block)
                    doc.warnings.append((line.lineno, "answer-without-question", str(numbers[0])))
                current = ("a", block)
            rest = match.group("rest").strip()
            if rest:
                _add(current, rest, new_para=True)
            continue
        if line.heading:
            # Any other heading (### Mededeling, ...) ends the current block.
            if content.lower().startswith("mededeling"):
                doc.delayed = True
            current = None
            continue
        fm = _FOOTNOTE_DEF_RE.match(line.raw.strip())
        if fm:
            number = int(fm.group("a") or fm.group("b"))
            doc.footnotes[number] = [fm.group("text").strip()]
            current = ("fn", number)
            continue
        if current is not None and current[0] == "fn" and not new_para:
            cited = current[1]
            assert isinstance(cited, int)
            doc.footnotes[cited].append(line.raw.strip())
            continue
        if current is None or current[0] == "fn":
            if not doc.blocks:
                if new_para and content.lower().startswith("mededeling van"):
                    doc.delayed = True  # answering is delayed: a status, not an entry
                ab = _ANSWERED_BY_RE.match(content)
                if ab and doc.answered_by_line is None:
                    doc.answered_by_line = line.raw.strip()
                elif _INTRO_RE.match(content) or (doc.intro and not new_para):
                    doc.intro.append(line.raw.strip())
            current = None if current is not None and current[0] == "fn" else current
            continue
        _add(current, line.raw.strip(), new_para=new_para)
    if not docs:
        raise SeedParseError(
            path or Path(name),
            1,
            "no-document",
            "no `## <document id>` heading, so no document was found",
        )
    documents: list[Document] = []
    skipped: list[Skipped] = []
    warnings: list[Skipped] = []
    for builder in docs:
        warnings.extend(Skipped(name, ln, code, detail) for ln, code, detail in builder.warnings)
        document = _finish(builder, name)
        if not document.entries:
            if document.delayed:
                warnings.append(Skipped(name, builder.line, "notice-only", builder.document_id))
            else:
                skipped.append(Skipped(name, builder.line, "no-questions", builder.document_id))
        documents.append(document)
    return ParsedFile(path or Path(name), tuple(documents), tuple(skipped), tuple(warnings))


def _add(current: tuple[str, object] | None, raw: str, *, new_para: bool) -> None:
    """Add a source line to the question or answer of the current block."""
    if current is None:
        return
    kind, target = current
    assert isinstance(target, _Block)
    paras = target.answer if kind == "a" else target.question
    if kind == "dupq":
        # A repeated heading repeats its text too: keep only lines not seen before.
        seen = {ln for para in paras for ln in para}
        if raw in seen:
            return
    if new_para or not paras:
        paras.append([raw])
    else:
        paras[-1].append(raw)


def _render(paras: list[list[str]]) -> tuple[str, list[int]]:
    texts: list[str] = []
    refs: list[int] = []
    for para in paras:
        rendered = _render_inline("\n".join(para))
        if rendered.text:
            texts.append(rendered.text)
        refs.extend(rendered.refs)
    return "\n".join(texts), refs


def _finish(b: _DocBuilder, name: str) -> Document:
    """Turn a document under construction into a :class:`Document` with its entries."""
    members: tuple[Member, ...] = ()
    addressees: tuple[str, ...] = ()
    subject: str | None = None
    submitted: date | None = None
    if b.intro:
        intro_raw = " ".join(b.intro)
        members, addressees, subject = _parse_intro(intro_raw)
        m = _SUBMITTED_RE.search(_render_inline(intro_raw).text)
        submitted = _date_from_match(m) if m else None
    answered: date | None = None
    answered_by: str | None = None
    if b.answered_by_line:
        plain = _render_inline(b.answered_by_line).text
        m = _RECEIVED_RE.search(plain)
        answered = _date_from_match(m) if m else None
        who = _ANSWERED_BY_RE.match(plain)
        if who:
            answered_by = re.split(r"\s*\(\s*ontvangen", who.group("who"))[0].strip(" .")
    footnotes = {
        n: " ".join(_render_inline(" ".join(t)).text.split()) for n, t in b.footnotes.items()
    }
    entries: list[Question] = []
    for block in b.blocks:
        question, qrefs = _render(block.question)
        answer, arefs = _render(block.answer)
        cited = [n for n in dict.fromkeys(qrefs + arefs) if n in footnotes]
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
                answered=answered if answer else None,
                answered_by=answered_by if answer else None,
                footnotes=tuple(Footnote(n, footnotes[n]) for n in cited),
                source=name,
                line=block.line,
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
    )


# --- the intro line ----------------------------------------------------------------

_INTRO_PARTS_RE = re.compile(
    r"^Vra(?:ag|gen)\s+van\s+(?:het|de)\s+(?:lid|leden)\s+(?P<members>.+?)\s+aan\s+(?P<rest>.*)$",
    re.I | re.S,
)


def _parse_intro(raw: str) -> tuple[tuple[Member, ...], tuple[str, ...], str | None]:
    """Members, addressees and subject from ``Vragen van het lid **X** (P) aan ... over *...*``."""
    inline = _render_inline(raw)
    plain = inline.text
    m = _INTRO_PARTS_RE.match(plain)
    if not m:
        return (), (), inline.emphasis[0] if inline.emphasis else None
    members = _parse_members(m.group("members"))
    rest = m.group("rest")
    subject: str | None = None
    addressee_text = rest
    # The subject is the emphasised ``over *...*`` part; without emphasis, up to the date.
    emph = [e for e in inline.emphasis if e and e in rest]
    if emph:
        subject = emph[0]
        addressee_text = rest[: rest.index(subject)]
        addressee_text = re.sub(r"\s*over\s*$", "", addressee_text)
    else:
        sm = re.match(r"(?P<to>.*?)\s*over\s+(?P<subject>.*?)\s*(?:\(ingezonden.*)?$", rest, re.S)
        if sm:
            addressee_text, subject = sm.group("to"), sm.group("subject").strip(" .")
    subject = " ".join(subject.split()) if subject else None
    return members, _parse_addressees(addressee_text), subject


def _parse_members(text: str) -> tuple[Member, ...]:
    """``Van Nispen (SP) en Lahlah (GroenLinks-PvdA)``, ``X en Y (beiden D66)``."""
    members: list[Member] = []
    pos = 0
    for m in re.finditer(r"\(([^()]*)\)", text):
        names_text = text[pos : m.start()]
        pos = m.end()
        party = re.sub(
            r"^(?:beiden|allen|alle\s+drie|allebei)\s+", "", m.group(1).strip(), flags=re.I
        )
        for name in _split_names(names_text):
            members.append(Member(name, party or None))
    for name in _split_names(text[pos:]):
        members.append(Member(name, None))
    return tuple(members)


def _split_names(text: str) -> list[str]:
    parts = re.split(r"\s*,\s*|\s+en\s+|^\s*en\s+", " " + text.strip(" ,") + " ")
    return [" ".join(p.split()).strip(" ,") for p in parts if p.strip(" ,")]


def _parse_addressees(text: str) -> tuple[str, ...]:
    """``de Minister van A en de Staatssecretaris van B``, ``de Ministers van A en van B``."""
    text = " ".join(text.split()).strip(" ,.")
    text = re.sub(r"^(?:de|het)\s+", "", text, flags=re.I)
    result: list[str] = []
    for part in re.split(r"\s+en\s+(?:de|het)\s+|,\s+(?:de|het)\s+", text):
        part = part.strip(" ,")
        plural = re.match(
            r"^(Minister|Staatssecretaris)(?:s|sen)\s+(van|voor)\s+(.*)$", part, flags=re.I
        )
        if plural:
            title = plural.group(1)
            title = title[0].upper() + title[1:].lower()
            pieces = re.split(
                r"\s+en\s+(?=(?:van|voor)\s)|,\s+(?=(?:van|voor)\s)",
                plural.group(2) + " " + plural.group(3),
            )
            for piece in pieces:
                result.append(f"{title} {piece.strip()}")
        elif part:
            result.append(part[0].upper() + part[1:])
    return tuple(result)


# --- seeds -------------------------------------------------------------------------


def find_seed_files(seeds: Iterable[Path]) -> list[Path]:
    """The seed files under the given files and folders, sorted per folder.

    Raises:
        SeedError: A path does not exist.
    """
    files: list[Path] = []
    for seed in seeds:
        if seed.is_dir():
            files.extend(
                sorted(p for p in seed.rglob("*") if p.is_file() and p.suffix in (".txt", ".md"))
            )
        elif seed.is_file():
            files.append(seed)
        else:
            raise SeedError(seed, "no such file or folder")
    return files


def merge_documents(documents: Iterable[Document]) -> list[Document]:
    """Merge documents that share an id (a question document and its answer document).

    Per question number the entry with a question text and the one with an answer are
    combined; metadata comes from whichever document has it. The result does not depend
    on the order of the input.
    """
    by_id: dict[str, list[Document]] = {}
    for doc in documents:
        by_id.setdefault(doc.document_id, []).append(doc)
    merged: list[Document] = []
    for docs in by_id.values():
        if len(docs) == 1:
            merged.append(docs[0])
            continue
        # Most complete first; ties by source name so the order of input does not matter.
        docs = sorted(docs, key=lambda d: (-_completeness(d), d.source, d.line))
        merged.append(_merge_group(docs))
    return merged


def _completeness(doc: Document) -> int:
    fields = (doc.members, doc.addressees, doc.subject, doc.submitted, doc.answered)
    return sum(1 for f in fields if f) * 10 + len(doc.entries)


def _first(values: Iterable[_T]) -> _T | None:
    return next((v for v in values if v), None)


def _merge_group(docs: list[Document]) -> Document:
    base = docs[0]
    members = _first(d.members for d in docs) or ()
    addressees = _first(d.addressees for d in docs) or ()
    subject = _first(d.subject for d in docs)
    submitted = _first(d.submitted for d in docs)
    answered = _first(d.answered for d in docs)
    answered_by = _first(d.answered_by for d in docs)
    entries: dict[int, Question] = {}
    for doc in docs:
        for e in doc.entries:
            key = e.numbers[0]
            old = entries.get(key)
            if old is None:
                entries[key] = e
                continue
            question = old.question if len(old.question) >= len(e.question) else e.question
            answer = old.answer if len(old.answer) >= len(e.answer) else e.answer
            notes = {f.number: f for f in old.footnotes + e.footnotes}
            entries[key] = replace(
                old,
                question=question,
                answer=answer,
                numbers=tuple(sorted(set(old.numbers) | set(e.numbers))),
                footnotes=tuple(notes[n] for n in sorted(notes)),
            )
    final = tuple(
        replace(
            e,
            members=members,
            addressees=addressees,
            subject=subject,
            submitted=submitted,
            answered=answered if e.answer else None,
            answered_by=answered_by if e.answer else None,
        )
        for _, e in sorted(entries.items())
    )
    return replace(
        base,
        entries=final,
        members=members,
        addressees=addressees,
        subject=subject,
        submitted=submitted,
        answered=answered,
        answered_by=answered_by,
        delayed=any(d.delayed for d in docs),
    )
