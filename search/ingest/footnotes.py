"""How a seed file writes footnotes: their definitions and the marks that cite them.

A definition is a line ``<sup>1</sup> text``, ``[1] text``, or ``1 text`` / ``1) text``
when it reads like a citation; the conversion also glues one to the end of a question.
Running text cites one with ``<sup>1</sup>``, ``[1]``, ``1)``, or a bare number glued to
a word for a footnote that nothing else cites. Footnote text is never part of a
question or an answer: a footnote is attached to the entries that cite it.
"""

from __future__ import annotations

import re

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


def _loose_refs(text: str, numbers: set[int]) -> list[int]:
    """The footnotes among ``numbers`` that ``text`` cites with a bare number."""
    found: list[int] = []
    for m in _LOOSE_REF_RE.finditer(text):
        found.extend(n for n in map(int, (m.group(1) or m.group(2)).split()) if n in numbers)
    return found
