"""Document-aware ranking: an entry is judged with the Kamervraag it belongs to.

The questions of one Kamervraag are about one subject, but each repeats little of it:
"Hoe groot is dat aandeel?" follows "Bent u bekend met het bericht over ...". BM25 scores
every entry on its own words, so the follow-up questions of the best-matching document
rank below stray mentions elsewhere. Two measured corrections (``bench/relevance.py``;
the weights were chosen on one half of the judged queries and hold on the other, see
the README):

- **Fusion.** Every matching entry's score gets :data:`DOCUMENT_WEIGHT` times its
  document's best entry score: the entries of a document that matches well rise
  together; a lone mention in an unrelated document does not.
- **Siblings.** The other questions of the :data:`SIBLING_DOCUMENTS` best documents are
  hits too (``Hit.related``), scored by their document alone, so they follow the
  document's own matches. A quoted phrase that occurs in Vraag 1 thus also finds
  Vraag 2-5 of the same Kamervraag, after the entries that contain it.

Before that, the words of a query are weighed against each other (:func:`coordinate`):

- **Coordination.** An entry's score is multiplied by the share of the query's
  optional words it matches (to the power :data:`COORDINATION`): an entry with both
  words of a two-word query ranks above one that repeats one of them many times.
- **Commonness.** A word that occurs in a large share of the entries (``minister``,
  ``kabinet``, ``bericht`` in Kamervragen: asked of a minister, about a report) carries
  less weight: its score is multiplied by its inverse document frequency over the
  whole entry (any text or name field) divided by :data:`COMMON_IDF`, at most 1. It is
  measured on the collection, not listed by hand, so it holds for any collection. BM25
  weighs a word per field, where *minister* is rare in subjects and questions although
  every Kamervraag is addressed to one.
- **Procedural questions.** An entry that only asks how or when the questions are
  answered (*Kunt u deze vragen afzonderlijk beantwoorden voor het debat over ...?*,
  :mod:`search.dutch.procedural`) is short, so BM25 ranks it high for any word of the
  debate it names; its score is multiplied by :data:`PROCEDURAL_WEIGHT`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from search.engine import vectors
from search.engine.vectors import Dense

__all__ = [
    "COMMON_IDF",
    "COMMON_MIN_ENTRIES",
    "COORDINATION",
    "DOCUMENT_WEIGHT",
    "PROCEDURAL_WEIGHT",
    "RERANK_DEPTH",
    "SIBLING_DOCUMENTS",
    "SIBLING_WINDOW",
    "Ranked",
    "commonness_weight",
    "coordinate",
    "demote",
    "fuse",
]

#: The exponent of the coordination factor (matched optional words / all of them);
#: 0 turns it off.
COORDINATION = 1.0
#: Words whose inverse document frequency (natural log, over entries) is below this are
#: weighed down in proportion: ln(1/0.05) = 3.0, so a word in more than about 5 % of the
#: entries; 0 turns it off.
COMMON_IDF = 3.0

#: The factor of a procedural question's score (1 turns it off).
PROCEDURAL_WEIGHT = 0.5

#: Commonness needs a collection: below this many entries one Kamervraag of twenty
#: questions is a tenth of it, and every word of its subject would count as common.
COMMON_MIN_ENTRIES = 200

#: docnum -> score.
Scores = dict[int, float]

#: How much of its document's best score every matching entry gets added.
DOCUMENT_WEIGHT = 1.0
#: How many of the best entries are re-scored (and decide the best documents).
RERANK_DEPTH = 100
#: Of how many best documents the non-matching questions are added.
SIBLING_DOCUMENTS = 5
#: How far (in question numbers) from one of its document's matches a sibling may be;
#: None for the whole document.
SIBLING_WINDOW: int | None = 2

#: (score, docnum) pairs, best first; Whoosh's ``Results.top_n`` shape.
Ranked = list[tuple[float, int]]


def fuse(
    top: Sequence[tuple[float, int]],
    document_of: Callable[[int], str],
    siblings_of: Callable[[str], Iterable[int]] | None = None,
    number_of: Callable[[int], int] | None = None,
    *,
    weight: float | None = None,
    documents: int | None = None,
    window: int | None = -1,
) -> tuple[Ranked, set[int]]:
    """Re-score ``top`` with each entry's document; add the best documents' siblings.

    Args:
        top: Matches, best first, as (score, docnum).
        document_of: A docnum's document id.
        siblings_of: The docnums of a document's entries that may be added (filters
            and exclusions already applied); None adds no siblings.
        number_of: A docnum's question number (for ``window``).
        weight: Default :data:`DOCUMENT_WEIGHT`.
        documents: Default :data:`SIBLING_DOCUMENTS`.
        window: Default :data:`SIBLING_WINDOW` (-1); None for no window.

    Returns:
        The new ranking (best first; ties by docnum) and the docnums it added.
    """
    weight = DOCUMENT_WEIGHT if weight is None else weight
    documents = SIBLING_DOCUMENTS if documents is None else documents
    window = SIBLING_WINDOW if window == -1 else window
    doc_of = {docnum: document_of(docnum) for _, docnum in top}
    best: dict[str, float] = {}
    for score, docnum in top:
        doc = doc_of[docnum]
        if score > best.get(doc, float("-inf")):
            best[doc] = score
    ranked = [(score + weight * best[doc_of[docnum]], docnum) for score, docnum in top]
    added: set[int] = set()
    if siblings_of is not None and weight > 0:
        seen = set(doc_of)
        numbers: dict[str, list[int]] = {}
        if number_of is not None and window is not None:
            for docnum, doc in doc_of.items():
                numbers.setdefault(doc, []).append(number_of(docnum))
        for doc in sorted(best, key=lambda d: (-best[d], d))[:documents]:
            near = numbers.get(doc)
            for docnum in siblings_of(doc):
                if near is not None and window is not None:
                    n = number_of(docnum) if number_of is not None else 0
                    if all(abs(n - m) > window for m in near):
                        continue
                if docnum not in seen:
                    seen.add(docnum)
                    added.add(docnum)
                    ranked.append((weight * best[doc], docnum))
    ranked.sort(key=lambda pair: (-pair[0], pair[1]))
    return ranked, added


def commonness_weight(doc_frequency: int, doc_count: int, threshold: float | None = None) -> float:
    """The weight of a query word found in ``doc_frequency`` of ``doc_count`` entries:
    its idf over :data:`COMMON_IDF` (or ``threshold``), at most 1; 1 in a collection
    of fewer than :data:`COMMON_MIN_ENTRIES` entries."""
    threshold = COMMON_IDF if threshold is None else threshold
    if threshold <= 0 or doc_count < COMMON_MIN_ENTRIES:
        return 1.0
    idf = math.log((doc_count + 1) / (doc_frequency + 1))
    return max(0.0, min(1.0, idf / threshold))


def coordinate(
    parts: Sequence[vectors.Scores],
    weights: Sequence[float] | None = None,
    exponent: float | None = None,
) -> dict[int, float]:
    """The scores of an Or of ``parts`` (one dict of scores per optional word, or
    :class:`~search.engine.vectors.Dense` scores), each weighted, the sum multiplied by
    (words matched / words) ** ``exponent`` (default :data:`COORDINATION`)."""
    exponent = COORDINATION if exponent is None else exponent
    weights = weights or [1.0] * len(parts)
    dense = [p for p in parts if isinstance(p, Dense)]
    if dense:
        return _coordinate_dense(parts, weights, exponent, len(dense[0].score))
    total: dict[int, float] = {}
    matched: Counter[int] = Counter()
    for part, weight in zip(parts, weights, strict=True):
        assert isinstance(part, dict)
        get = total.get
        total.update({d: get(d, 0.0) + weight * s for d, s in part.items()})
        matched.update(part.keys())
    n = len(parts)
    if n < 2 or not exponent:
        return total
    return {d: s * (matched[d] / n) ** exponent for d, s in total.items()}


def _coordinate_dense(
    parts: Sequence[vectors.Scores], weights: Sequence[float], exponent: float, size: int
) -> dict[int, float]:
    """:func:`coordinate` over arrays of every document: the same operations in the
    same order (a part adds 0.0 where it has no match, which changes no sum)."""
    import numpy as np

    total = np.zeros(size, dtype=np.float64)
    matched = np.zeros(size, dtype=np.int64)
    for part, weight in zip(parts, weights, strict=True):
        if isinstance(part, Dense):
            total += weight * part.score
            matched += part.hit
        elif part:
            docs = np.fromiter(part.keys(), dtype=np.intp, count=len(part))
            total[docs] += weight * np.fromiter(part.values(), dtype=np.float64, count=len(part))
            matched[docs] += 1
    docs = np.flatnonzero(matched)
    scores = total[docs]
    n = len(parts)
    if n >= 2 and exponent:
        # the factors as Python computes them (numpy's pow may differ in the last bit)
        factors = np.array([(k / n) ** exponent for k in range(n + 1)], dtype=np.float64)
        scores = scores * factors[matched[docs]]
    return dict(zip(docs.tolist(), scores.tolist(), strict=True))


def demote(
    scores: dict[int, float], procedural: Iterable[int], weight: float | None = None
) -> None:
    """Multiply the scores of the procedural entries by ``weight`` (default
    :data:`PROCEDURAL_WEIGHT`), in place."""
    weight = PROCEDURAL_WEIGHT if weight is None else weight
    if weight == 1.0:
        return
    for docnum in procedural:
        if docnum in scores:
            scores[docnum] *= weight
