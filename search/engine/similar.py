"""“More like this”: a query from the text of a question.

The text is analysed as the index analyses it (stems, compound parts), and its most
distinctive terms are chosen by how much more often they occur in the text than in the
whole collection (Whoosh's Bo1 divergence model, on the question field). The query ORs
those terms over subject, question and answer, each weighted by its distinctiveness, so
the entries that share most of the rare vocabulary come first.
"""

from __future__ import annotations

from typing import Any

from whoosh import classify
from whoosh import query as wq

from search.dutch.analysis import QUERY_STOP_WORDS, stem
from search.engine.query import FIELD_BOOSTS
from search.engine.whoosh_types import Searcher
from search.schema import STEMMED_FIELDS

__all__ = ["KEY_TERMS", "similar_query"]

#: How many distinctive terms describe a text.
KEY_TERMS = 25

#: Function words say nothing about a subject, however often a text uses them.
_STOP_STEMS = frozenset(stem(w) for w in QUERY_STOP_WORDS)


def similar_query(
    searcher: Searcher, text: str, *, exclude_document: str | None = None
) -> tuple[Any, frozenset[str]]:
    """The Whoosh query for entries like ``text`` (None when it has no usable terms),
    and the terms it uses (for highlighting)."""
    terms = searcher.key_terms_from_text(
        "question", text, numterms=KEY_TERMS, model=classify.Bo1Model, normalize=True
    )
    terms = [(t, w) for t, w in terms if t not in _STOP_STEMS]
    if not terms:
        return None, frozenset()
    q: Any = wq.Or(
        [
            wq.Term(field, term, boost=weight * FIELD_BOOSTS[field])
            for term, weight in terms
            for field in STEMMED_FIELDS
        ]
    )
    if exclude_document is not None:
        q = wq.AndNot(q, wq.Term("document_id", exclude_document))
    return q, frozenset(t for t, _ in terms)
