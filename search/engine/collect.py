"""Collecting the entries a query matches: every match scored, weighed, ranked with
its Kamervraag, counted exactly.

:func:`query_scores` scores every matching entry (:mod:`search.engine.scoring`),
weighs each word by its commonness and coordinates them (:mod:`search.engine.ranking`);
:func:`collect` keeps the best as a :class:`Ranked`, kvsearch's own result, and
:func:`rerank` judges the best with their documents and brings in their neighbours.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from whoosh import query as wq

from search.dutch.analysis import analyze
from search.engine.interpret import preference_weight as interpretation_weight
from search.engine.live import break_ties, cached_column
from search.engine.query import clause_query, filter_query, to_whoosh
from search.engine.ranking import RERANK_DEPTH, commonness_weight, coordinate, demote, fuse
from search.engine.scoring import matching_docs, score_query, score_query_any
from search.engine.stored import date_keys, procedural_entries
from search.engine.syntax import Clause, ParsedQuery
from search.engine.vectors import Scores
from search.engine.whoosh_types import Reader, Searcher
from search.models import Preference
from search.schema import NAME_FIELDS, STEMMED_FIELDS

__all__ = ["Ranked", "collect", "collect_by_date", "depth", "prefer", "query_scores", "rerank"]


@dataclass
class Ranked:
    """The entries a query matches, ranked: kvsearch's own result, not Whoosh's.

    ``top`` holds (score, docnum) pairs in rank order, as many as were collected (a
    sort by date puts its sort key where the score is); ``matched`` every entry that
    matches, so ``total`` is exact however few are ranked; ``related`` the entries
    that only their document brought in (:func:`rerank`).
    """

    top: list[tuple[Any, int]]
    matched: set[int]
    related: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        """How many entries match."""
        return len(self.matched)

    @classmethod
    def of(cls, results: Any) -> Ranked:
        """The ranking of Whoosh's results (copied: they may be closed afterwards)."""
        return cls(list(results.top_n), set(results.docs()))


def prefer(searcher: Searcher, scores: dict[int, float], preferences: Sequence[Preference]) -> None:
    """Raise the scores of the entries that meet each preference (in place)."""
    for preference in preferences:
        factor = 1.0 + interpretation_weight(preference)
        allow = filter_query(preference.filters)
        if allow is None or factor == 1.0:
            continue
        for docnum in matching_docs(searcher, allow) & scores.keys():
            scores[docnum] *= factor


@overload
def scores_of(searcher: Searcher, q: Any) -> dict[int, float]: ...
@overload
def scores_of(searcher: Searcher, q: Any, *, dense: bool) -> Scores: ...
def scores_of(searcher: Searcher, q: Any, *, dense: bool = False) -> Scores:
    """Every entry ``q`` matches with its score: by :mod:`search.engine.scoring`, or by
    Whoosh's matchers for a weighting that module does not compute. With ``dense``,
    as :class:`~search.engine.vectors.Dense` scores when many entries match."""
    scores = score_query_any(searcher, q) if dense else score_query(searcher, q)
    if scores is None:
        scores = {docnum: score for score, docnum in searcher.search(q, limit=None).top_n}
    return scores


def query_scores(searcher: Searcher, parsed: ParsedQuery) -> dict[int, float]:
    """Every entry a query with words matches, scored: the optional words' BM25F scores
    weighed by their commonness and coordinated (:func:`search.engine.ranking.coordinate`),
    plus the required clauses' scores, procedural questions weighed down
    (:func:`search.engine.ranking.demote`); excluded entries left out. The same entries
    as :func:`search.engine.query.to_whoosh`'s query matches."""
    should = [c for c in parsed.clauses if not (c.required or c.negated)]
    must = [clause_query(c) for c in parsed.clauses if c.required and not c.negated]
    nots = [clause_query(c, places=False) for c in parsed.clauses if c.negated]
    if not should and not must:
        return scores_of(searcher, to_whoosh(parsed))  # only exclusions: every entry
    reader = searcher.reader()
    count = reader.doc_count()
    parts = [scores_of(searcher, clause_query(clause), dense=True) for clause in should]
    weights = [commonness_weight(document_frequency(reader, c), count) for c in should]
    scores = coordinate(parts, weights)
    if must:
        required = scores_of(searcher, must[0] if len(must) == 1 else wq.And(must))
        if scores:
            get = scores.get
            scores = {d: s + get(d, 0.0) for d, s in required.items()}
        else:  # only required clauses (a phrase alone): s + 0.0 is s
            scores = required
    if nots and scores:
        excluded = matching_docs(searcher, nots[0] if len(nots) == 1 else wq.Or(nots))
        scores = {d: s for d, s in scores.items() if d not in excluded}
    if scores:
        demote(scores, procedural_entries(searcher))
    return scores


def document_frequency(reader: Reader, clause: Clause) -> int:
    """In how many entries a clause's words occur, in any text or name field (the most
    for one field, a lower bound); a word of several tokens counts its rarest one, a
    prefix or fuzzy word 0 (it is weighed fully)."""
    if clause.prefix or clause.fuzzy:
        return 0
    plains, stems = analyze(clause.text, stemmed=False), analyze(clause.text)
    return min(  # Whoosh is untyped
        int(
            max(
                reader.doc_frequency("exact", plain),
                *(reader.doc_frequency(f, plain) for f in NAME_FIELDS),
                *(reader.doc_frequency(f, stem) for f in STEMMED_FIELDS),
            )
        )
        for plain, stem in zip(plains, stems, strict=True)
    )


def collect(
    searcher: Searcher,
    q: Any,
    allow: Any,
    limit: int | None,
    scores: dict[int, float] | None = None,
) -> Ranked:
    """Run ``q``: the top ``limit`` by score (every match with None), counted.

    Every match is scored by :mod:`search.engine.scoring` (Whoosh's BM25F scores, summed
    posting block by posting block; or ``scores``, computed already), then ranked:
    higher score first, on a tie by the entries' order keys
    (:func:`search.engine.live.break_ties`).
    """
    if scores is None:
        scores = score_query(searcher, q)
    if scores is None:
        return collect_whoosh(searcher, q, allow, limit)
    if allow is not None:
        allowed = matching_docs(searcher, allow)
        scores = {d: s for d, s in scores.items() if d in allowed}
    if limit is not None and len(scores) > limit:
        # The limit-th best score first (floats only), then just the entries that reach it.
        floor = heapq.nlargest(limit, scores.values())[-1]
        candidates = {d: s for d, s in scores.items() if s >= floor}
    else:
        candidates = scores
    best = [(-s, d) for s, d in sorted((-s, d) for d, s in candidates.items())]
    best = break_ties(searcher, best)[:limit]  # as in a fresh build (search/engine/live.py)
    return Ranked(best, set(scores))


def collect_by_date(
    searcher: Searcher, q: Any, allow: Any, limit: int | None, *, newest_first: bool
) -> Ranked:
    """Every match of ``q`` that ``allow`` lets through, counted, the first ``limit`` in
    date order (oldest or newest first; on the same date by document and question
    number): what Whoosh's search sorted by the ``sortdate`` and ``order`` columns gives,
    without reading both columns for every match. The dates come from one array
    (:func:`search.engine.stored.date_keys`); the order keys are read only for the
    entries that can be among the first ``limit``: those up to the ``limit``-th date,
    every entry of that date included. The "score" of each is its date key.
    """
    matched = matching_docs(searcher, q)
    if allow is not None and matched:
        matched &= matching_docs(searcher, allow)
    dates = date_keys(searcher.reader())
    sign = -1 if newest_first else 1
    chosen: Any = matched
    if limit is not None and len(matched) > limit:
        last = heapq.nsmallest(limit, (sign * dates[d] for d in matched))[-1]
        chosen = [d for d in matched if sign * dates[d] <= last]
    order = cached_column(searcher.reader(), "order")
    first = sorted(chosen, key=lambda d: (sign * dates[d], order[d]))[:limit]
    return Ranked([(dates[d], d) for d in first], set(matched))


def collect_whoosh(searcher: Searcher, q: Any, allow: Any, limit: int | None) -> Ranked:
    """Whoosh's own collection, for a weighting :mod:`search.engine.scoring` does not know
    (only ``bench/tune.py`` makes one): every match, ranked as :func:`collect` ranks
    (ties by entry), then cut at ``limit``."""
    ranked = Ranked.of(searcher.search(q, filter=allow, limit=None))
    ranked.top = break_ties(searcher, ranked.top)[:limit]
    return ranked


def depth(limit: int | None) -> int | None:
    """How many best matches to collect so that the top ``limit`` can be re-ranked."""
    return None if limit is None else max(limit, RERANK_DEPTH)


def rerank(
    searcher: Searcher, ranked: Ranked, parsed: ParsedQuery, allow: Any, *, related: bool
) -> None:
    """Re-score ``ranked`` in place with their documents (see :mod:`search.engine.ranking`).

    Only the best :data:`RERANK_DEPTH` are re-scored; the rest scored lower already and
    keep their order. Siblings are added unless a clause is bound to one text field
    (``vraag:``, ``antwoord:``, ``onderwerp:``: the user asked for that field); they
    pass the filters and the excluded words like any hit. ``ranked.related`` holds
    the docnums that only their document brought in.
    """
    top = list(ranked.top)
    head, tail = top[:RERANK_DEPTH], top[RERANK_DEPTH:]
    column = cached_column(searcher.reader(), "document_id")
    siblings = None
    if related and not any(c.field in STEMMED_FIELDS for c in parsed.positive):
        nots = [clause_query(c, places=False) for c in parsed.clauses if c.negated]
        allowed: list[set[int]] = []  # the filter's entries, read once for all documents

        def siblings(document_id: str) -> list[int]:
            q: Any = wq.Term("document_id", document_id)
            if nots:
                q = wq.AndNot(q, wq.Or(nots))
            found = matching_docs(searcher, q)
            if allow is not None and found:
                if not allowed:  # (a filter of 50,000 entries took 30 ms a document)
                    allowed.append(matching_docs(searcher, allow))
                found &= allowed[0]
            return sorted(found)

    order = cached_column(searcher.reader(), "order")  # "<document id>#<number:06d>"

    def number(docnum: int) -> int:
        return int(order[docnum].rsplit("#", 1)[1])

    matched = ranked.matched
    if siblings is not None:
        documents_entries = siblings

        def siblings(document_id: str) -> list[int]:  # a match stays where it ranks
            return [d for d in documents_entries(document_id) if d not in matched]

    fused, added = fuse(head, column.__getitem__, siblings, number)
    ranked.top = break_ties(searcher, fused) + tail
    ranked.related = added - matched
    matched.update(added)
