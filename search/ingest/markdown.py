"""Markdown to lines and plain text, with markdown-it-py: the only module that
imports it.

markdown-it-py finds the block structure of a seed file (headings, paragraphs, their
source lines: :func:`_block_lines`) and renders inline markup to plain text, taking
footnote marks out as references (:func:`_render_inline`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from search.ingest.footnotes import _BRACKET_REF_RE, _PAREN_REF_RE

_MD = MarkdownIt("commonmark")
#: The block structure only: :func:`_block_lines` reads the source lines of the blocks,
#: never their inline tokens, so the core rule that parses those is left out.
_BLOCKS = MarkdownIt("commonmark").disable("inline")
#: Characters that start inline markup in CommonMark (or that markdown-it rewrites):
#: text without them is one text token, as it is (see :func:`_render_inline`).
_INLINE_MARKUP_RE = re.compile(r"[\n\r\0\\`*_<&\[]")
_BLANKS_RE = re.compile(r"[ \t]+")


# --- inline rendering -------------------------------------------------------------


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


def _render(paras: list[list[str]]) -> tuple[str, list[int]]:
    """Paragraphs of source lines -> their plain text (a line per paragraph) and the
    footnotes they cite."""
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
