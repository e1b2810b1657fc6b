"""What an updated index answers as a fresh build of the same seeds would: live terms.

An update deletes the entries of changed and removed files and adds them again in a
new segment (``search/build/write.py``). Whoosh marks the deleted entries; their words stay
in the term dictionary of the segment they were deleted from, with document
frequencies that still count them, until the segment is merged away. Anything that
*expands* or *judges* words by the term dictionary then sees words that occur only in
deleted entries:

- a typo correction takes an unknown word for known (its deleted-only occurrence), or
  corrects to a word that no live entry has (:mod:`search.engine.spelling`);
- ``klimaat*`` and ``klimaat~`` expand to deleted-only words: no hit comes of them, but
  every bound on the number of expansions would count them.

The functions here count only postings of live entries, and :class:`LivePrefix` and
:class:`LiveFuzzyTerm` expand only to words with one. A segment without deletions (any
fresh build, the segments an update adds) costs nothing extra; in a segment with
deletions a look-up reads the term's postings up to the first live one (all of them
for :func:`live_doc_frequency`).

**Ties.** Entries with equal scores (every match of ``klimaat*`` scores the same) were
ranked by document number, which an update changes: a changed file's entries move to
the new segment at the end. The best of them decide which Kamervragen bring in their
neighbouring questions (``search/engine/ranking.py``), so even the totals differed
(``klimaat*``: 1,669 after four updates of a 10k index, 1,674 after a fresh build).
:func:`break_ties` orders equal scores by the entries' ``order`` key (document id and
question number) instead, which is the same in both.

What remains: BM25's statistics (document frequencies, entry count, average field
lengths) still count deleted entries, as in Lucene, until the segment is merged; scores
after an update differ a little from a fresh build's (see the README).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from whoosh import query as wq

from search.engine.whoosh_types import Reader, Searcher
from search.internals import expanded_words, live_expanding

__all__ = [
    "LiveFuzzyTerm",
    "LivePrefix",
    "break_ties",
    "expansions",
    "has_live_posting",
    "live_doc_frequency",
]


def _leaves(reader: Reader) -> Iterator[Any]:
    if reader.is_atomic():
        yield reader
    else:
        for leaf, _ in reader.leaf_readers():
            yield leaf


def _btext(reader: Reader, fieldname: str, text: str | bytes) -> bytes | None:
    if fieldname not in reader.schema:
        return None
    if isinstance(text, bytes):
        return text
    try:
        return bytes(reader.schema[fieldname].to_bytes(text))
    except ValueError:
        return None


def has_live_posting(reader: Reader, fieldname: str, text: str | bytes) -> bool:
    """True when a live (not deleted) entry has the term."""
    btext = _btext(reader, fieldname, text)
    if btext is None:
        return False
    for leaf in _leaves(reader):
        if (fieldname, btext) not in leaf:
            continue
        if not leaf.has_deletions() or leaf.postings(fieldname, btext).is_active():
            return True  # postings() skips deleted entries
    return False


def live_doc_frequency(reader: Reader, fieldname: str, text: str | bytes) -> int:
    """How many live entries have the term (``doc_frequency`` counts deleted ones)."""
    btext = _btext(reader, fieldname, text)
    if btext is None:
        return 0
    count = 0
    for leaf in _leaves(reader):
        if (fieldname, btext) not in leaf:
            continue
        if leaf.has_deletions():
            count += sum(1 for _ in leaf.postings(fieldname, btext).all_ids())
        else:
            count += int(leaf.doc_frequency(fieldname, btext))
    return count


def expansions(reader: Reader, q: Any) -> list[str]:
    """The words of live entries that a ``Prefix`` or ``FuzzyTerm`` stands for, over
    the whole index (segment by segment: Whoosh's fuzzy look-up over several segments
    falls back to a scan of every word), in order."""
    fieldname = q.fieldname
    if fieldname not in reader.schema:
        return []
    field = reader.schema[fieldname]
    found: set[bytes] = set()
    for leaf in _leaves(reader):
        for text in expanded_words(q, leaf):
            btext = text if isinstance(text, bytes) else field.to_bytes(text)
            if btext not in found and (
                not leaf.has_deletions() or has_live_posting(leaf, fieldname, btext)
            ):
                found.add(btext)
    return [field.from_bytes(b) for b in sorted(found)]


def _live(reader: Reader, fieldname: str, btexts: Iterator[bytes]) -> Iterator[bytes]:
    if not reader.has_deletions():
        yield from btexts
        return
    for btext in btexts:
        if has_live_posting(reader, fieldname, btext):
            yield btext


#: ``wq.Prefix`` that expands only to words of live entries.
LivePrefix = live_expanding(wq.Prefix, _live)

#: ``wq.FuzzyTerm`` that expands only to words of live entries.
LiveFuzzyTerm = live_expanding(wq.FuzzyTerm, _live)


def cached_column(reader: Reader, name: str) -> Any:
    """The column reader of field ``name``, made once per reader: Whoosh reads a column's
    offsets table anew at each ``column_reader`` call (5 ms at 10k entries)."""
    cache: dict[str, Any] = reader.__dict__.setdefault("_kvsearch_columns", {})
    found = cache.get(name)
    if found is None:
        found = cache[name] = reader.column_reader(name)
    return found


def break_ties(searcher: Searcher, ranked: Sequence[tuple[float, int]]) -> list[tuple[float, int]]:
    """``ranked`` (score, docnum) pairs, best first, with each run of equal scores put
    in the order of the entries' ``order`` keys (see the module); only tied entries
    have their key read."""
    column = None
    result: list[tuple[float, int]] = []
    for _, run in groupby(ranked, key=lambda pair: pair[0]):
        tied = list(run)
        if len(tied) > 1:
            if column is None:
                column = cached_column(searcher.reader(), "order")
            tied.sort(key=lambda pair: column[pair[1]])
        result.extend(tied)
    return result
