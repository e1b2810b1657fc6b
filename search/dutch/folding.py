"""Diacritic folding: one definition for every module that compares or indexes text
without accents (``financiële`` -> ``financiele``, ``Kostić`` -> ``Kostic``)."""

from __future__ import annotations

import unicodedata


def strip_diacritics(text: str, *, compatibility: bool = True) -> str:
    """``text`` without diacritics: decomposed, with the combining marks dropped.

    Args:
        text: Any text; its case is kept.
        compatibility: Decompose compatibility characters too (NFKD: ``ﬁ`` -> ``fi``,
            ``²`` -> ``2``), as the keys that match names and texts do; False keeps them
            (NFD), as the analyzer does, whose tokens are NFKC already.
    """
    decomposed = unicodedata.normalize("NFKD" if compatibility else "NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
