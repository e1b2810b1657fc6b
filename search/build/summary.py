"""The change summary of a build: which Kamervragen are new, newly answered or newly
delayed, from the state of each document before and after.

A document's state is taken from its entries as they are parsed (after) and as the
live generation stores them (before); the summary is a
:class:`~search.models.Changes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from search.build import integrity
from search.build.generations import open_for_reading
from search.models import Changes, Document, DocumentChange, Question
from search.schema import entry_from_stored

__all__ = ["State", "changes", "document_states", "state", "state_of"]

#: A document's state for the change summary: (subject, answered date, answered, delayed).
State = tuple[str | None, date | None, bool, bool]


def state_of(entries: Sequence[Question]) -> State:
    """A document's state from its entries' statuses (see ``Question.status``)."""
    statuses = {e.status for e in entries}
    when = max((e.answered for e in entries if e.answered), default=None)
    answered = "answered" in statuses
    return entries[0].subject, when, answered, "delayed" in statuses and not answered


def state(doc: Document) -> State:
    """A parsed document's state."""
    return state_of(doc.entries)


def document_states(gen: Path, ids: set[str] | None) -> dict[str, State]:
    """The state of documents in a generation (all when ``ids`` is None).

    A damaged generation (see :func:`damage`) gives no states: a rebuild over it
    reports every document as new rather than fail; any other error is a bug and
    propagates.
    """
    states: dict[str, State] = {}
    try:
        ix = open_for_reading(gen)
    except (*integrity.READ_ERRORS, *integrity.SUSPECT_ERRORS) as exc:
        if integrity.damage(gen, exc):
            return states
        raise
    try:
        with ix.searcher() as searcher:
            if ids is None:
                stored = list(searcher.reader().all_stored_fields())
            else:
                stored = [f for d in sorted(ids) for f in searcher.documents(document_id=d)]
        grouped: dict[str, list[Question]] = {}
        for fields in stored:
            entry = entry_from_stored(fields)
            grouped.setdefault(entry.document_id, []).append(entry)
        for doc_id, entries in grouped.items():
            states[doc_id] = state_of(entries)
    except (*integrity.READ_ERRORS, *integrity.SUSPECT_ERRORS) as exc:
        if integrity.damage(gen, exc):
            return {}
        raise
    finally:
        ix.close()
    return states


def changes(
    before: dict[str, State], after: dict[str, State], gone: list[str], *, first_build: bool
) -> Changes:
    """New, newly answered and newly delayed Kamervragen, by comparing states."""
    new, answered, delayed = [], [], []
    for doc_id in sorted(after):
        subject, when, is_answered, is_delayed = after[doc_id]
        old = before.get(doc_id)
        change = DocumentChange(doc_id, subject, when)
        if old is None:
            new.append(change)
        elif is_answered and not old[2]:
            answered.append(change)
        if is_delayed and (old is None or not old[3]) and not first_build:
            delayed.append(change)
    return Changes(tuple(new), tuple(answered), tuple(delayed), tuple(gone))
