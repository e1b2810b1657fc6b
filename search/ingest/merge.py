"""Merging the documents that share an id: a question document and its answer
document, matched entry by entry; documents with the same id that are no pair are
kept apart as ``<id>~2``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from typing import TypeVar

from search.dutch.folding import strip_diacritics
from search.models import Document, Question, Skipped

_T = TypeVar("_T")


def merge_documents(documents: Iterable[Document]) -> list[Document]:
    """Merge documents that share an id (see :func:`merge_report`); documents only."""
    return merge_report(documents)[0]


def merge_report(documents: Iterable[Document]) -> tuple[list[Document], list[Skipped]]:
    """Merge documents that share an id: a question document and its answer document.

    Entries are matched by question number, or by question text where the numbering
    differs (PDF debris such as "uitgebreidgesproken" does not matter). Metadata comes
    from the document that has it; where both have a different value, the more
    complete one wins and the conflict is reported. Two documents with the same id
    whose questions do not match are no pair: the later one (by file name) is kept as
    ``<id>~2`` with a warning, never merged silently. The result does not depend on
    the order of the input.

    Returns:
        The documents, and warnings (``merge-conflict``, ``duplicate-id``).
    """
    by_id: dict[str, list[Document]] = {}
    for doc in documents:
        by_id.setdefault(doc.document_id, []).append(doc)
    merged: list[Document] = []
    warnings: list[Skipped] = []
    for docs in by_id.values():
        group, conflicts = merge_group(docs)
        merged.extend(group)
        warnings.extend(conflicts)
    return merged, warnings


def merge_group(docs: Sequence[Document]) -> tuple[list[Document], list[Skipped]]:
    """Merge the documents of one id (see :func:`merge_report`), in the order
    :func:`merge_report` gives them: documents kept apart as ``<id>~<n>`` first, then
    the merged pair.

    Returns:
        The documents, and warnings (``merge-conflict``, ``duplicate-id``).
    """
    if len(docs) == 1:
        return [docs[0]], []
    docs = sorted(docs, key=lambda d: (d.source, d.line))
    merged: list[Document] = []
    warnings: list[Skipped] = []
    pair = [docs[0]]
    for n, doc in enumerate(docs[1:], start=2):
        if _is_pair(pair, doc):
            pair.append(doc)
            continue
        new_id = f"{doc.document_id}~{n}"
        warnings.append(Skipped(doc.source, doc.line, "duplicate-id", new_id))
        merged.append(_renamed(doc, new_id))
    # Most complete first; ties by source name so the order of input does not matter.
    pair.sort(key=lambda d: (-_completeness(d), d.source, d.line))
    if len(pair) == 1:
        merged.append(pair[0])
    else:
        document, conflicts = _merge_group(pair)
        merged.append(document)
        warnings.extend(conflicts)
    return merged, warnings


def _text_key(text: str) -> str:
    """A question's text without case, accents, spaces and punctuation."""
    return re.sub(r"[^a-z0-9]", "", strip_diacritics(text.lower()))


def _same_text(a: str, b: str) -> bool:
    """The same question, apart from PDF debris (glued or split words, hyphens)."""
    ka, kb = _text_key(a), _text_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    return SequenceMatcher(None, ka[:400], kb[:400], autojunk=False).ratio() >= 0.9


def _is_pair(docs: list[Document], other: Document) -> bool:
    """Whether ``other`` repeats the questions of ``docs`` (an answer document does)."""
    mine = [e.question for d in docs for e in d.entries if e.question and not e.is_notice]
    theirs = [e.question for e in other.entries if e.question and not e.is_notice]
    if not mine or not theirs:
        return True  # one side lost its questions: nothing contradicts the pairing
    shared = sum(1 for q in theirs if any(_same_text(q, m) for m in mine))
    return shared * 2 >= min(len(mine), len(theirs))


def _renamed(doc: Document, new_id: str) -> Document:
    entries = tuple(
        replace(e, document_id=new_id, entry_id=f"{new_id}#{e.numbers[0]}") for e in doc.entries
    )
    return replace(doc, document_id=new_id, entries=entries)


def _completeness(doc: Document) -> int:
    fields = (doc.members, doc.addressees, doc.subject, doc.submitted, doc.answered)
    return sum(1 for f in fields if f) * 10 + len(doc.entries)


def _first(values: Iterable[_T]) -> _T | None:
    return next((v for v in values if v), None)


def _intro_fields(doc: Document) -> int:
    return sum(1 for f in (doc.members, doc.subject, doc.submitted) if f)


def _longest(values: Iterable[_T]) -> _T | None:
    found = [v for v in values if v]
    return max(found, key=lambda v: len(str(v))) if found else None


def _conflicts(docs: list[Document]) -> list[Skipped]:
    """Fields that both documents give, differently."""

    def values(d: Document) -> dict[str, object]:
        return {
            "members": sorted(_text_key(m.name) for m in d.members),
            "addressees": sorted(_text_key(a) for a in d.addressees),
            "subject": _text_key(d.subject or ""),
            "submitted": d.submitted,
            "answered": d.answered,
        }

    found: list[Skipped] = []
    base = values(docs[0])
    for other in docs[1:]:
        for name, value in values(other).items():
            if value and base[name] and value != base[name]:
                found.append(Skipped(other.source, other.line, "merge-conflict", name))
    return found


def _merge_group(docs: list[Document]) -> tuple[Document, list[Skipped]]:
    base = docs[0]
    # The question document (intro line, no answers of its own) gives the question's
    # fields and numbering; the answer document the answer's. Longer values win.
    by_intro = sorted(
        docs, key=lambda d: (-_intro_fields(d), d.answered is not None, d.source, d.line)
    )
    by_answer = sorted(docs, key=lambda d: (d.answered is None, d.source, d.line))
    members = _longest(d.members for d in by_intro) or ()
    addressees = _longest(d.addressees for d in by_intro) or ()
    subject = _longest(d.subject for d in by_intro)
    submitted = _first(d.submitted for d in by_intro)
    answered = _first(d.answered for d in by_answer)
    answered_by = _longest(d.answered_by for d in by_answer)
    delayed = any(d.delayed for d in docs)
    notice = _longest(d.notice for d in docs) or ""
    notice_received = _first(d.notice_received for d in docs)
    sources = tuple(sorted({d.source for d in docs}))
    # A notice-only document's entry stands for the Kamervraag only while no document
    # of the pair has questions.
    questions = any(not e.is_notice for d in docs for e in d.entries)
    entries: dict[int, Question] = {}
    for doc in by_intro:
        for e in doc.entries:
            if questions and e.is_notice:
                continue
            key = _match(entries, e)
            old = entries.get(key)
            if old is None:
                entries[key] = e
                continue
            question = old.question if len(old.question) >= len(e.question) else e.question
            answer = old.answer if len(old.answer) >= len(e.answer) else e.answer
            notes = {f.number: f for f in old.footnotes + e.footnotes}
            others = sorted((set(old.numbers) | set(e.numbers)) - {key})
            entries[key] = replace(
                old,
                question=question,
                answer=answer,
                answered=old.answered or e.answered,
                numbers=(key, *others),
                footnotes=tuple(notes[n] for n in sorted(notes)),
            )
    final = tuple(
        replace(
            e,
            members=members,
            addressees=addressees,
            subject=subject,
            submitted=submitted,
            answered=answered if e.answer or e.answered else None,
            answered_by=answered_by if e.answer or e.answered else None,
            delayed=delayed,
            sources=sources,
            notice=notice,
            notice_received=notice_received,
            question=notice if e.is_notice else e.question,
        )
        for _, e in sorted(entries.items())
    )
    document = replace(
        base,
        entries=final,
        members=members,
        addressees=addressees,
        subject=subject,
        submitted=submitted,
        answered=answered,
        answered_by=answered_by,
        delayed=delayed,
        notice_received=notice_received,
        notice=notice,
    )
    return document, _conflicts(by_intro)


def _match(entries: dict[int, Question], entry: Question) -> int:
    """The number under which ``entry`` belongs: its own when the question there is the
    same (or either has none), else that of the entry with the same question text."""
    key = entry.numbers[0]
    old = entries.get(key)
    if old is not None and (
        not old.question or not entry.question or _same_text(old.question, entry.question)
    ):
        return key
    if entry.question:
        for number, candidate in entries.items():
            if number != key and _same_text(candidate.question, entry.question):
                return number
    return key
