"""Snippets: the best passage of an entry with the query's words marked.

The stored text is re-analysed with the index's own chain, so a match is found in
any form the query matched (``schending`` marks ``schendingen``, ``financiele`` marks
``financiële``). The passage is the window of text with the most distinct query
terms, then the most matches; it is cut at word boundaries and marked with ``…``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from search.dutch.analysis import folded_words, stem, stem_prefix
from search.dutch.compounds import compound_terms
from search.models import Segment, Snippet

__all__ = ["make_snippet", "mark_all", "mark_names", "snippet_and_fields"]

# The words are :func:`search.dutch.analysis.folded_words` (those of ``name_analyzer``);
# ``exact_analyzer`` adds each word's compound parts (:func:`compound_terms`) after it,
# which :func:`_matches` does for the words that can match.

#: The target length of a snippet, in characters.
SNIPPET_CHARS = 240


def _within(a: str, b: str, maxdist: int) -> bool:
    """Whether the edit distance of ``a`` and ``b`` is at most ``maxdist``."""
    if abs(len(a) - len(b)) > maxdist:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > maxdist:
            return False
        previous = current
    return previous[-1] <= maxdist


def _matches(
    text: str,
    terms: frozenset[str],
    prefixes: frozenset[str] = frozenset(),
    fuzzy: tuple[tuple[str, int], ...] = (),
) -> list[tuple[int, int, str]]:
    """(start, end, key) of every word of ``text`` that the query matched: its stem is
    in ``terms``, its folded form starts with one of ``prefixes`` or is near a ``fuzzy``
    word. A compound matches through its parts too.

    Only the words that contain one of :func:`_needles` are stemmed and split: stemming
    and splitting every word of ten hits was most of the time a search took in a new
    process (and splitting loads the compound lexicon).
    """
    needles = None if fuzzy else _needles(terms, prefixes)
    if needles is None:
        words: Iterable[tuple[int, int, str]] = folded_words(text)
    else:
        words = folded_words(text, re.compile("|".join(map(re.escape, needles))).search)
    spans: list[tuple[int, int, str]] = []
    for start, end, word in words:
        for folded in _word_and_parts(word):  # as exact_analyzer() yields them
            key = stem(folded)
            hit = key in terms
            if not hit and prefixes:
                hit = any(folded.startswith(p) for p in prefixes)
                key = folded
            if not hit and fuzzy:
                hit = any(_within(folded, w, d) for w, d in fuzzy)
                key = folded
            if hit:
                spans.append((start, end, key))
                break  # the word is marked once; its parts need not be split or stemmed
    return spans


def _word_and_parts(word: str) -> Iterator[str]:
    """The word, then its compound parts (split only when asked for)."""
    yield word
    yield from compound_terms(word)


def _needles(terms: frozenset[str], prefixes: frozenset[str]) -> tuple[str, ...] | None:
    """Strings of which a word that matches ``terms`` or ``prefixes`` (itself or by a
    compound part, a substring of it) contains at least one; None when that can be any
    word."""
    needles = {stem_prefix(t) for t in terms} | prefixes
    return None if "" in needles else tuple(needles)


def _best_window(
    spans: list[tuple[int, int, str]], length: int
) -> tuple[int, int, tuple[int, int]]:
    """The window start and its (distinct terms, matches) score, best first.

    A sliding window over the spans (two pointers): linear in the number of matches.
    """
    best = (spans[0][0], spans[0][1], (0, 0))
    counts: Counter[str] = Counter()
    end = 0
    for i, (start, _, _) in enumerate(spans):
        while end < len(spans) and spans[end][1] <= start + length:
            counts[spans[end][2]] += 1
            end += 1
        inside = end - i
        if inside:
            score = (len(counts), inside)
            if score > best[2]:
                best = (start, spans[end - 1][1], score)
        if i < end:
            key = spans[i][2]
            counts[key] -= 1
            if not counts[key]:
                del counts[key]
        else:
            end = i + 1
    return best


def make_snippet(
    fields: Iterable[tuple[str, str]],
    terms: frozenset[str],
    length: int = SNIPPET_CHARS,
    *,
    prefixes: frozenset[str] = frozenset(),
    fuzzy: tuple[tuple[str, int], ...] = (),
) -> Snippet:
    """The best snippet over ``fields`` (name, text), earlier fields winning ties.

    ``terms`` are stems; ``prefixes`` and ``fuzzy`` (word, distance) match folded words.
    With no match anywhere, the start of the first non-empty field.
    """
    return snippet_and_fields(fields, terms, length, prefixes=prefixes, fuzzy=fuzzy)[0]


def snippet_and_fields(
    fields: Iterable[tuple[str, str]],
    terms: frozenset[str],
    length: int = SNIPPET_CHARS,
    *,
    prefixes: frozenset[str] = frozenset(),
    fuzzy: tuple[tuple[str, int], ...] = (),
) -> tuple[Snippet, tuple[str, ...]]:
    """:func:`make_snippet`, and the names of the fields that have a match (each text
    is scanned once for both)."""
    fields = [(name, text) for name, text in fields if text]
    best: tuple[tuple[int, int], str, str, list[tuple[int, int, str]], int] | None = None
    matched: list[str] = []
    for name, text in fields:
        spans = _matches(text, terms, prefixes, fuzzy) if terms or prefixes or fuzzy else []
        if not spans:
            continue
        matched.append(name)
        start, _, score = _best_window(spans, length)
        if best is None or score > best[0]:
            best = (score, name, text, spans, start)
    if best is None:
        if not fields:
            return Snippet("question", ()), ()
        name, text = fields[0]
        return Snippet(name, tuple(_cut(text, 0, length, []))), ()
    _, name, text, spans, first = best
    # Start a little before the first match, at a sentence or word boundary.
    lead = max(0, first - length // 4)
    sentence = text.rfind(". ", lead, first)
    start = sentence + 2 if sentence >= 0 else lead
    return Snippet(name, tuple(_cut(text, start, length, spans))), tuple(matched)


def _cut(text: str, start: int, length: int, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """Segments of ``text[start:start+length]`` widened to whole words, matches marked."""
    if start > 0:
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start:
            end = space
    # Never cut a match in two.
    for s, e, _ in spans:
        if s < end < e:
            end = e
    segments: list[Segment] = []
    if start > 0:
        segments.append(Segment("…"))
    pos = start
    for s, e, _ in spans:
        if e <= start or s >= end:
            continue
        s = max(s, start)
        if s > pos:
            segments.append(Segment(text[pos:s]))
        segments.append(Segment(text[s:e], match=True))
        pos = e
    if pos < end:
        segments.append(Segment(text[pos:end]))
    if end < len(text):
        segments.append(Segment("…"))
    return _join_adjacent([Segment(" ".join(seg.text.split("\n")), seg.match) for seg in segments])


def _join_adjacent(segments: list[Segment]) -> list[Segment]:
    """Mark ``social credit`` as one run, not two, when only spaces separate matches."""
    out: list[Segment] = []
    for seg in segments:
        if (
            seg.match
            and len(out) >= 2
            and out[-2].match
            and not out[-1].match
            and out[-1].text.strip() == ""
        ):
            gap = out.pop()
            out[-1] = Segment(out[-1].text + gap.text + seg.text, match=True)
        else:
            out.append(seg)
    return out


def mark_all(
    field: str,
    text: str,
    terms: frozenset[str],
    prefixes: frozenset[str] = frozenset(),
    fuzzy: tuple[tuple[str, int], ...] = (),
) -> Snippet | None:
    """The whole of a short ``text`` (a subject) with its matches marked, as the text
    fields match (stems, prefixes, fuzzy words); None when nothing in it matches."""
    spans = _matches(text, terms, prefixes, fuzzy) if text else []
    return Snippet(field, tuple(_segments(text, spans))) if spans else None


def mark_names(
    field: str,
    names: Iterable[tuple[str, str | None]],
    words: frozenset[str],
    party_keys: frozenset[str] = frozenset(),
    separator: str = ", ",
) -> Snippet | None:
    """Names (with a party in brackets when given) joined by ``separator``, with the
    words in ``words`` (folded, as the name fields match them) and the parties whose
    key is in ``party_keys`` marked; None when nothing matches."""
    from search.dutch.parliament import party_key

    segments: list[Segment] = []
    found = False
    for i, (name, party) in enumerate(names):
        if i:
            segments.append(Segment(separator))
        spans = [span for span in folded_words(name) if span[2] in words]
        segments += _segments(name, spans)
        found = found or bool(spans)
        if party:
            party_spans = [span for span in folded_words(party) if span[2] in words]
            if party_key(party) in party_keys:
                party_spans = [(0, len(party), party)]
            segments += [Segment(" (")] + _segments(party, party_spans) + [Segment(")")]
            found = found or bool(party_spans)
    return Snippet(field, tuple(_join_adjacent(_merge_plain(segments)))) if found else None


def _name_spans(text: str, words: frozenset[str]) -> list[tuple[int, int, str]]:
    """The words of a name that are in ``words`` (folded as the name fields fold)."""
    return [span for span in folded_words(text) if span[2] in words]


def _segments(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """All of ``text`` as segments, the ``spans`` marked."""
    segments: list[Segment] = []
    pos = 0
    for s, e, _ in sorted(spans):
        if s < pos:
            continue
        if s > pos:
            segments.append(Segment(text[pos:s]))
        segments.append(Segment(text[s:e], match=True))
        pos = e
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return _join_adjacent(segments)


def _merge_plain(segments: list[Segment]) -> list[Segment]:
    """Adjacent unmarked segments as one."""
    out: list[Segment] = []
    for seg in segments:
        if out and not seg.match and not out[-1].match:
            out[-1] = Segment(out[-1].text + seg.text)
        elif seg.text:
            out.append(seg)
    return out
