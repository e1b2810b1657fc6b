"""Procedural questions: a Kamervraag's request about its own answering.

Many Kamervragen end with a question that asks nothing about their subject, only how or
when the questions are to be answered: *Kunt u deze vragen afzonderlijk beantwoorden?*,
*Kunt u deze vragen beantwoorden voor de begrotingsbehandeling Buitenlandse Handel en
Ontwikkelingshulp?* Such an entry is short, so BM25 ranks it high for any word of the
debate or ministry it names, above the questions that are about the subject (in the
judged set of ``../shared/eval``: 31 of 1,160 entries, none judged relevant to any
query, 6 in the top 10 of a judged query). The ranking weighs them down
(:data:`search.engine.ranking.PROCEDURAL_WEIGHT`); they stay found and counted.

The test is on the form, not on a list of entries: every sentence of the question must
be a request to answer "these questions" (*deze/de/alle/bovenstaande vragen ...
beantwoorden*), addressed to the minister (*Kunt/Wilt/Bent/Zou u ...*). A question
with any other sentence (*Wilt u tot die tijd geen onomkeerbare stappen nemen?*) or
that asks for something in the answer (*Kunt u in de beantwoording van deze vragen
ook ingaan op ...*) is not procedural.
"""

from __future__ import annotations

import re

from search.dutch.folding import strip_diacritics

__all__ = ["is_procedural"]

#: One sentence: a request to the addressee to answer the questions (folded, lower case).
_REQUEST = re.compile(
    r"^(kunt|kan|wilt|wil|bent|zou|zoudt)\s+u\b"
    r".*\b(deze|de|alle|bovenstaande|voornoemde|gestelde|ingediende)\s+vragen\b"
    r".*\bbeantwoorden\b"
)
#: Where one sentence ends.
_SENTENCE_END = re.compile(r"(?<=[?!.])\s+")


def is_procedural(question: str) -> bool:
    """Whether a question only asks how or when the questions are to be answered."""
    sentences = [s for s in _SENTENCE_END.split(strip_diacritics(question).lower().strip()) if s]
    return bool(sentences) and all(_REQUEST.search(s) for s in sentences)
