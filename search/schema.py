"""The Whoosh schema of a kvsearch index and the conversion of entries to and from it.

One Whoosh document per entry. The text an entry is found by lives in analysed fields
(question, answer, subject with stemming; names and ``exact`` folded but unstemmed);
what a hit shows is stored: the question and answer text (the highlighter needs them)
and one JSON blob with the rest.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from search.analysis import dutch_analyzer, exact_analyzer, name_analyzer
from search.models import Footnote, Member, Question

__all__ = ["SCHEMA_VERSION", "SEARCH_FIELDS", "entry_from_stored", "fields_for", "make_schema"]

#: Bump when fields change: an index of another version must be rebuilt.
SCHEMA_VERSION = 1

#: The analysed fields a plain query word is looked up in.
SEARCH_FIELDS = ("subject", "question", "answer", "members", "parties", "addressees")


def make_schema() -> Any:
    """A new Whoosh schema (analyzers included, as Whoosh pickles them into the index)."""
    dutch = dutch_analyzer()
    names = name_analyzer()
    return Schema(
        entry_id=ID(stored=True, unique=True),
        document_id=ID(stored=True),
        subject=TEXT(analyzer=dutch, phrase=True),
        question=TEXT(analyzer=dutch, phrase=True, stored=True),
        answer=TEXT(analyzer=dutch, phrase=True, stored=True),
        exact=TEXT(analyzer=exact_analyzer(), phrase=True, spelling=True),
        members=TEXT(analyzer=names, phrase=True),
        parties=TEXT(analyzer=names, phrase=True),
        addressees=TEXT(analyzer=names, phrase=True),
        submitted=DATETIME(sortable=True),
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
    }
    fields: dict[str, Any] = {
        "entry_id": entry.entry_id,
        "document_id": entry.document_id,
        "subject": entry.subject or "",
        "question": entry.question,
        "answer": entry.answer,
        "exact": "\n".join(t for t in (entry.subject, entry.question, entry.answer) if t),
        "members": "\n".join(m.name for m in entry.members),
        "parties": "\n".join(m.party or "" for m in entry.members),
        "addressees": "\n".join((*entry.addressees, entry.answered_by or "")),
        "data": json.dumps(data, ensure_ascii=False),
    }
    if entry.submitted:
        fields["submitted"] = datetime(
            entry.submitted.year, entry.submitted.month, entry.submitted.day
        )
    return fields


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
    )
