"""Snowball's ``dutch_porter`` stemmer, written out for speed.

snowballstemmer's pure-Python stemmers are generated code that walks the word one
character at a time through a generic machine: about 50 µs a word, most of a build's
analysis time when PyStemmer (``kvsearch[fast]``) is not installed. :func:`stem_word`
is the same algorithm (snowballstem.org/algorithms/dutch_porter) with string
operations, about 20 times faster, and gives the same stem for every word:
``tests/test_stemmer.py`` compares it with snowballstemmer's own implementation on the
lexicon and on generated words. Each step below names the routine of the generated
code (``dutch_porter_stemmer.py``) it replaces.
"""

from __future__ import annotations

__all__ = ["stem_word"]

#: The groupings of the Snowball script: vowels (``g_v``), and with ``I`` or ``j``.
_V = frozenset("aeiouyè")
_V_I = _V | {"I"}
_V_J = _V | {"j"}
_ACCENTS = str.maketrans("áäéëíïóöúü", "aaeeiioouu")
_DOUBLES = ("dd", "kk", "tt")
_LONG_VOWELS = ("aa", "ee", "oo", "uu")


def stem_word(word: str) -> str:
    """The ``dutch_porter`` stem of ``word``, exactly as snowballstemmer gives it."""
    w = _prelude(word)
    p1, p2 = _regions(w)
    n = len(w)
    # standard_suffix, step 1: the longest of heden, ene, en, se, s.
    if w.endswith("heden"):
        if n - 5 >= p1:
            w = w[:-5] + "heid"
    elif w.endswith("en"):
        w = _en_ending(w, n - 2, p1)
    elif w.endswith("ene"):
        w = _en_ending(w, n - 3, p1)
    elif w.endswith("s") or w.endswith("se"):
        b = n - 1 if w[-1] == "s" else n - 2
        if b >= p1 and b > 0 and w[b - 1] not in _V_J:
            w = w[:b]
    # Step 2: a final e.
    w, e_found = _e_ending(w, p1)
    # Step 3a: heid, not after c; then an en before it as in step 1.
    if w.endswith("heid"):
        b = len(w) - 4
        if b >= p2 and not (b > 0 and w[b - 1] == "c"):
            w = w[:b]
            if w.endswith("en"):
                w = _en_ending(w, b - 2, p1)
    # Step 3b: the longest of end, ing, ig, lijk, baar, bar.
    if w.endswith(("end", "ing")):
        b = len(w) - 3
        if b >= p2:
            w = w[:b]
            if w.endswith("ig") and b - 2 >= p2 and not (b > 2 and w[b - 3] == "e"):
                w = w[:-2]
            else:
                w = _undouble(w)
    elif w.endswith("ig"):
        b = len(w) - 2
        if b >= p2 and not (b > 0 and w[b - 1] == "e"):
            w = w[:b]
    elif w.endswith("lijk"):
        if len(w) - 4 >= p2:
            w = _e_ending(w[:-4], p1)[0]
    elif w.endswith("baar"):
        if len(w) - 4 >= p2:
            w = w[:-4]
    elif w.endswith("bar"):
        if len(w) - 3 >= p2 and e_found:
            w = w[:-3]
    # Step 4: undouble a long vowel between consonants at the end (maan -> man).
    n = len(w)
    if n >= 4 and w[-1] not in _V_I and w[-3:-1] in _LONG_VOWELS and w[-4] not in _V:
        w = w[:-2] + w[-1]
    # postlude
    if "I" in w or "Y" in w:
        w = w.replace("I", "i").replace("Y", "y")
    # The word itself when it is its stem, as snowballstemmer returns it: a pickle of
    # analysed words then holds the string once.
    return word if w == word else w


def _prelude(word: str) -> str:
    """Accents off; an initial y, a y after a vowel and an i between vowels upper case
    (``I`` and ``Y`` count as consonants from here on)."""
    w = word if word.isascii() else word.translate(_ACCENTS)
    if "i" not in w and "y" not in w:
        return w
    chars = list(w)
    n = len(chars)
    if chars[0] == "y":
        chars[0] = "Y"
    c = 0
    while True:  # from each vowel, look at the letter after it
        while c < n and chars[c] not in _V:
            c += 1
        c += 1
        if c >= n:
            break
        if chars[c] == "i":
            c += 1
            if c < n and chars[c] in _V:
                chars[c - 1] = "I"
        elif chars[c] == "y":
            chars[c] = "Y"
            c += 1
    return "".join(chars)


def _past_vowel_consonant(w: str, i: int) -> int:
    """From ``i``: the index of the first non-vowel that follows a vowel (``len(w)``
    when there is none)."""
    n = len(w)
    while i < n and w[i] not in _V:
        i += 1
    i += 1
    while i < n and w[i] in _V:
        i += 1
    return i


def _regions(w: str) -> tuple[int, int]:
    """mark_regions: the starts of R1 (at least 3) and R2; ``len(w)`` for an empty one."""
    n = len(w)
    p1 = p2 = n
    if n < 3:
        return p1, p2
    i = _past_vowel_consonant(w, 0)
    if i < n:
        p1 = max(i + 1, 3)
        i = _past_vowel_consonant(w, i + 1)
        if i < n:
            p2 = i + 1
    return p1, p2


def _undouble(w: str) -> str:
    return w[:-1] if w.endswith(_DOUBLES) else w


def _en_ending(w: str, b: int, p1: int) -> str:
    """en_ending: drop ``w[b:]`` when it is in R1, after a consonant, not after gem."""
    if b < p1 or b == 0 or w[b - 1] in _V or w.endswith("gem", 0, b):
        return w
    return _undouble(w[:b])


def _e_ending(w: str, p1: int) -> tuple[str, bool]:
    """e_ending: drop a final e in R1 after a consonant; whether it did."""
    b = len(w) - 1
    if b < p1 or b <= 0 or w[b] != "e" or w[b - 1] in _V:
        return w, False
    return _undouble(w[:b]), True
