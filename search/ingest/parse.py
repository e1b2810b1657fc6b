"""A seed file -> :class:`ParsedFile`: its documents, and what was skipped or looked
odd.

What cannot be used is reported, not raised, unless nothing of a file can be used; see
:func:`parse_file`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from search.ingest.blocks import _id_from_name, _Parser
from search.ingest.decoding import _MIXED, _decode, _decode_bad_bytes
from search.ingest.entries import _finish
from search.ingest.files import source_name
from search.ingest.markdown import _block_lines
from search.models import Document, Skipped


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
