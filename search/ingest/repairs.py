"""Repairs of PDF and Word conversion debris in names: accents split off their
letters, words glued together, runs of white space.

Real input carries such debris (``../shared/corpus/README.md``); the metadata is
repaired where it would hide a name from a search or a filter (see
:mod:`search.ingest.metadata`). Questions, answers and subjects keep their words as
written (``vande`` stays).
"""

from __future__ import annotations

import re
import unicodedata

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
