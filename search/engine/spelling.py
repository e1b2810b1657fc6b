"""Typo tolerance: corrections from the index's own unstemmed vocabulary.

A query word that occurs nowhere in the index (not as a word, not as a stem, not as a
part of a compound) is looked up in the ``exact`` field's word list within a small edit
distance (1 for short words, 2 from 8 letters on). The closest, then most frequent,
candidate becomes the correction: the search also looks for it, and the results carry
the corrected query as a suggestion ("Bedoelde u: …").

Parliamentary text is well edited, so its own vocabulary is a better dictionary than a
web word list (which holds misspellings such as ``belastingsdienst``).

Only words of live entries count (:mod:`search.engine.live`): after an update a word that
occurs only in deleted entries is unknown, and no correction, as in a fresh build.
"""

from __future__ import annotations

from search.dutch.analysis import analyze
from search.engine.live import has_live_posting, live_doc_frequency
from search.engine.whoosh_types import Reader
from search.schema import NAME_FIELDS, STEMMED_FIELDS

__all__ = ["correct_word", "correctable", "inflection_of", "is_unknown"]

#: Longer "words" are no typos (a pasted URL, debris): not worth an edit-distance scan.
MAX_WORD = 40


def is_unknown(reader: Reader, word: str) -> bool:
    """True when no form of ``word`` occurs anywhere in the index: not in the text, not
    as a stem, not as a compound part, not in a name (``Boswijk``)."""
    folded = analyze(word, stemmed=False)
    stems = analyze(word)
    if not folded:
        return False
    for plain, stem in zip(folded, stems, strict=True):
        if any(has_live_posting(reader, f, plain) for f in ("exact", *NAME_FIELDS)):
            return False  # a word of the text, or a member's, party's or minister's name
        if any(has_live_posting(reader, f, stem) for f in STEMMED_FIELDS):
            return False
    return True


#: Words this short are not corrected: too many other words are one edit away.
MIN_CORRECTED = 5


def correctable(word: str) -> bool:
    """Whether an unknown ``word`` (as typed) may be corrected at all: not a short
    word (four letters or fewer: ``pfas`` is one edit from ``pas``), not a number or a
    word with digits, not an acronym typed in capitals (``NAVO``)."""
    folded = analyze(word, stemmed=False)
    if len(folded) != 1 or not folded[0].isalpha():
        return False
    if not MIN_CORRECTED <= len(folded[0]) <= MAX_WORD:
        return False
    letters = [c for c in word if c.isalpha()]
    return not (len(letters) > 1 and all(c.isupper() for c in letters))


#: Endings of Dutch inflection: two words are forms of one another when each is one
#: base plus one of these (``bezuinig`` + ``d`` and + ``en``).
INFLECTIONS = frozenset({"", "d", "t", "de", "te", "den", "ten", "e", "en", "s", "es", "er", "st"})


def inflection_of(word: str, other: str) -> bool:
    """Whether folded ``word`` and ``other`` are one base (of at least
    :data:`MIN_CORRECTED` letters: a shorter one is too ambiguous, ``duur`` and
    ``duurt``) with inflectional endings."""
    for cut in range(min(len(word), len(other)), MIN_CORRECTED - 1, -1):
        if word[:cut] != other[:cut]:
            continue
        if word[cut:] in INFLECTIONS and other[cut:] in INFLECTIONS:
            return True
    return False


def correct_word(reader: Reader, word: str) -> str | None:
    """The most likely intended word for an unknown ``word``, or None.

    Only a :func:`correctable` word is corrected. A word of the Dutch lexicon is no
    typo: it is corrected only to another form of itself (``bezuinigd`` ->
    ``bezuinigen``, which the stemmer does not join; :func:`inflection_of`), never to
    a different word (``buffels`` is not ``buffers``, ``duurt`` not ``duur``).
    """
    if not correctable(word):
        return None
    text = analyze(word, stemmed=False)[0]
    from search.dutch.compounds import lexicon  # loaded only for an unknown word

    real_word = text in lexicon()
    # Dutch typists write y for ij (lelylyn for lelylijn): try those spellings first.
    frequencies = {v: live_doc_frequency(reader, "exact", v) for v in _ij_variants(text)}
    variants = [v for v, freq in frequencies.items() if freq]
    if variants and not real_word:
        return max(variants, key=frequencies.__getitem__)
    maxdist = 2 if len(text) >= 8 else 1
    best: tuple[int, int, str] | None = None
    for dist in range(1, maxdist + 1):
        for candidate in _terms_within(reader, text, dist):
            if candidate == text or (real_word and not inflection_of(text, candidate)):
                continue
            freq = live_doc_frequency(reader, "exact", candidate)
            if not freq:  # only in deleted entries
                continue
            key = (dist, -freq, candidate)
            if best is None or key < best:
                best = key
        if best is not None:
            break
    return best[2] if best else None


def _ij_variants(word: str) -> list[str]:
    """``word`` with one or more of its (at most three) y's written as ij."""
    positions = [i for i, c in enumerate(word) if c == "y"][:3]
    variants = []
    for mask in range(1, 2 ** len(positions)):
        chars = list(word)
        for bit, pos in enumerate(positions):
            if mask >> bit & 1:
                chars[pos] = "ij"
        variants.append("".join(chars))
    return variants


def _terms_within(reader: Reader, text: str, maxdist: int) -> set[str]:
    """Words of the ``exact`` field within ``maxdist`` edits, segment by segment.

    On a multi-segment index (after an update) Whoosh's own ``terms_within`` falls
    back to a slow scan; each segment has its word graph, so ask them one by one.
    """
    words: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        words.update(leaf.terms_within("exact", text, maxdist, prefix=1))
    return words
