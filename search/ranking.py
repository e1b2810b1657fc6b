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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "DOCUMENT_WEIGHT",
    "RERANK_DEPTH",
    "SIBLING_DOCUMENTS",
    "SIBLING_WINDOW",
    "Ranked",
    "fuse",
]

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
