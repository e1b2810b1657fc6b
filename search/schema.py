"""The Whoosh schema of a kvsearch index and the conversion of entries to and from it.

One Whoosh document per entry. The text an entry is found by lives in analysed fields
(question, answer, subject with stemming; names and ``exact`` folded but unstemmed);
what a hit shows is stored: the question and answer text (the highlighter needs them)
and one JSON blob with the rest.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema
from whoosh.formats import Existence

from search.dutch.analysis import (
    dutch_analyzer,
    dutch_grams_analyzer,
    exact_analyzer,
    exact_grams_analyzer,
    name_analyzer,
)
from search.dutch.parliament import ministry_keys, ministry_of, party_display, party_key, session_of
from search.dutch.procedural import is_procedural
from search.models import Footnote, Member, Question

__all__ = [
    "GRAM_FIELDS",
    "NAME_FIELDS",
    "PROCEDURAL",
    "STEMMED_FIELDS",
    "analysed_texts",
    "entry_from_stored",
    "facet_values",
    "fields_for",
    "make_schema",
]

#: The field of common grams (:class:`search.dutch.analysis.CommonGramsAnalyzer`) of
#: each long text field: a phrase with a common word in it ("van de", "bent u") is
#: narrowed by its word pairs there before any positions are read. Not scorable, no
#: positions: only which entries have a pair. (Named to sort before ``exact``: the bulk
#: writer's main process writes them, its helper the fields from ``exact`` on.)
GRAM_FIELDS = {
    "exact": "bigrams_exact",
    "subject": "bigrams_subject",
    "question": "bigrams_question",
    "answer": "bigrams_answer",
}


#: The ``kind`` of an entry whose question only asks how or when it is answered.
PROCEDURAL = "procedural"


def _grams_field(analyzer: Any) -> Any:
    return FieldType(format=Existence(), analyzer=analyzer, scorable=False, stored=False)


def make_schema() -> Any:
    """A new Whoosh schema (analyzers included, as Whoosh pickles them into the index)."""
    dutch = dutch_analyzer()
    names = name_analyzer()
    dutch_grams = dutch_grams_analyzer()
    grams = {
        GRAM_FIELDS["exact"]: _grams_field(exact_grams_analyzer()),
        **{GRAM_FIELDS[f]: _grams_field(dutch_grams) for f in ("subject", "question", "answer")},
    }
    return Schema(
        **grams,
        entry_id=ID(stored=True, unique=True),
        document_id=ID(stored=True, sortable=True),
        subject=TEXT(analyzer=dutch, phrase=True),
        question=TEXT(analyzer=dutch, phrase=True, stored=True),
        answer=TEXT(analyzer=dutch, phrase=True, stored=True),
        exact=TEXT(analyzer=exact_analyzer(), phrase=True, spelling=True),
        members=TEXT(analyzer=names, phrase=True),
        parties=TEXT(analyzer=names, phrase=True),
        addressees=TEXT(analyzer=names, phrase=True),
        submitted=DATETIME(),
        answered=DATETIME(),
        sortdate=NUMERIC(int, bits=32, sortable=True),
        order=ID(sortable=True),
        party_key=KEYWORD(),
        # The ministries named by the addressees and the answering minister, as keys: a
        # ministry written out in full is one posting list, not a phrase of four words
        # over a fifth of the archive.
        ministries=KEYWORD(scorable=True),
        status=ID(),
        session=ID(),
        # "procedural" for a question that only asks how or when the questions are
        # answered (search.dutch.procedural): the ranking weighs it down.
        kind=ID(),
        facets=COLUMN(VarBytesColumn()),
        data=STORED(),
    )


def fields_for(entry: Question) -> dict[str, Any]:
    """The Whoosh fields of one entry."""
    data = {
        "numbers": list(entry.numbers),
        "members": [[m.name, m.party] for m in entry.members],
        "addressees": list(entry.addressees),
        "subject": entry.subject,
        "submitted": entry.submitted.isoformat() if entry.submitted else None,
        "answered": entry.answered.isoformat() if entry.answered else None,
        "answered_by": entry.answered_by,
        "footnotes": [[f.number, f.text] for f in entry.footnotes],
        "source": entry.source,
        "line": entry.line,
        "delayed": entry.delayed,
        "sources": list(entry.sources),
        "notice": entry.notice,
        "notice_received": entry.notice_received.isoformat() if entry.notice_received else None,
    }
    exact = "\n".join(t for t in (entry.subject, entry.question, entry.answer) if t)
    fields: dict[str, Any] = {
        "entry_id": entry.entry_id,
        "document_id": entry.document_id,
        "subject": entry.subject or "",
        "question": entry.question,
        "answer": entry.answer,
        "exact": exact,
        "members": "\n".join(m.name for m in entry.members),
        "parties": "\n".join(m.party or "" for m in entry.members),
        "addressees": "\n".join((*entry.addressees, entry.answered_by or "")),
        "party_key": " ".join(party_key(m.party) for m in entry.members if m.party),
        "ministries": " ".join(
            dict.fromkeys(
                k for a in (*entry.addressees, entry.answered_by or "") for k in ministry_keys(a)
            )
        ),
        "status": entry.status,
        "facets": json.dumps(facet_values(entry), ensure_ascii=False).encode("utf-8"),
        "data": json.dumps(data, ensure_ascii=False),
        GRAM_FIELDS["exact"]: exact,
        GRAM_FIELDS["subject"]: entry.subject or "",
        GRAM_FIELDS["question"]: entry.question,
        GRAM_FIELDS["answer"]: entry.answer,
    }
    if is_procedural(entry.question):
        fields["kind"] = PROCEDURAL
    day = entry.submitted or entry.answered
    if day:
        fields["session"] = session_of(day)
    # Date order: submitted, else answered; an undated entry sorts as the oldest.
    fields["sortdate"] = int(day.strftime("%Y%m%d")) if day else 0
    # Ties in date order: by document, then question number (independent of insertion).
    fields["order"] = f"{entry.document_id}#{entry.numbers[0]:09d}"
    if entry.submitted:
        fields["submitted"] = datetime.combine(entry.submitted, time.min)
    if entry.answered:
        fields["answered"] = datetime.combine(entry.answered, time.min)
    return fields


def analysed_texts(entry: Question) -> list[str]:
    """The texts whose words an entry's text fields index (``exact`` is made of them):
    to analyse the words ahead, in parallel. The same texts as :func:`fields_for` gives
    those fields, without the rest of its work (JSON, facets), which a parsing process
    does not need."""
    members = entry.members
    texts = (
        entry.subject or "",
        entry.question,
        entry.answer,
        "\n".join(m.name for m in members),
        "\n".join(m.party or "" for m in members),
        "\n".join((*entry.addressees, entry.answered_by or "")),
    )
    return [t for t in texts if t]


#: The searchable text fields (dutch_analyzer: stemmed, compounds split).
STEMMED_FIELDS = ("subject", "question", "answer")
#: The fields of names (name_analyzer).
NAME_FIELDS = ("members", "parties", "addressees")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def entry_from_stored(stored: dict[str, Any]) -> Question:
    """Rebuild the :class:`Question` from a hit's stored fields."""
    data = json.loads(stored["data"])
    return Question(
        entry_id=stored["entry_id"],
        document_id=stored["document_id"],
        numbers=tuple(data["numbers"]),
        question=stored.get("question", ""),
        answer=stored.get("answer", ""),
        members=tuple(Member(name, party) for name, party in data["members"]),
        addressees=tuple(data["addressees"]),
        subject=data["subject"],
        submitted=_date(data["submitted"]),
        answered=_date(data["answered"]),
        answered_by=data["answered_by"],
        footnotes=tuple(Footnote(n, text) for n, text in data["footnotes"]),
        source=data["source"],
        line=data["line"],
        delayed=data.get("delayed", False),
        sources=tuple(data.get("sources", ())),
        notice=data.get("notice", ""),
        notice_received=_date(data.get("notice_received")),
    )


def facet_values(entry: Question) -> dict[str, list[str]]:
    """What an entry counts towards, per facet (stored in a column for fast counting)."""
    ministries = [m for m in (ministry_of(a) for a in entry.addressees) if m]
    return {
        "party": list(dict.fromkeys(party_display(p) for p in entry.parties)),
        "member": list(dict.fromkeys(m.name for m in entry.members)),
        "ministry": list(dict.fromkeys(ministries)),
        "year": [str(entry.submitted.year)] if entry.submitted else [],
        "status": [entry.status],
    }
