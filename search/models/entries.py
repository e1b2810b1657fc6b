"""The entries of the index as an application receives them: a question with its
answer (:class:`Question`), its askers (:class:`Member`), footnotes and document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from search.dutch.parliament import official_url


@dataclass(frozen=True)
class Member:
    """A member of parliament who asked the question."""

    name: str
    party: str | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.party})" if self.party else self.name


@dataclass(frozen=True)
class Footnote:
    """A footnote of a document: its number and its text (often a URL)."""

    number: int
    text: str


@dataclass(frozen=True)
class Question:
    """One entry: a question block of a document with the answer that belongs to it.

    Attributes:
        entry_id: ``<document id>#<n>``, n the first number of the block.
        document_id: The text of the document's ``##`` heading.
        numbers: All question numbers of the block (``Vragen 4 en 5`` -> (4, 5)).
        question: The question text, plain (markdown and footnote marks removed).
        answer: The answer text, plain; empty when not (yet) answered.
        members: Who asked, with their party.
        addressees: To whom, e.g. ``Minister van Buitenlandse Zaken``.
        subject: The ``over *...*`` part of the intro line.
        submitted: The ``ingezonden`` date.
        answered: The ``ontvangen`` date of the answer.
        answered_by: Who answered, e.g. ``Minister Agema (Volksgezondheid, ...)``.
        footnotes: The footnotes the question or its answer cites.
        source: The seed file the entry was read from.
        line: The 1-based line of the block's heading in ``source``.
        delayed: A notice (Mededeling) said that the answer comes later.
        sources: Every seed file of the entry, when it comes from more than one.
        notice: The text of the document's notice (Mededeling), plain; empty without.
        notice_received: The ``ontvangen`` date of the notice.

    A document that holds only a notice has one entry, number 0 (``<id>#0``), whose
    ``question`` is the notice's text (:attr:`is_notice`): so it is shown and found.
    """

    entry_id: str
    document_id: str
    numbers: tuple[int, ...]
    question: str
    answer: str = ""
    members: tuple[Member, ...] = ()
    addressees: tuple[str, ...] = ()
    subject: str | None = None
    submitted: date | None = None
    answered: date | None = None
    answered_by: str | None = None
    footnotes: tuple[Footnote, ...] = ()
    source: str = ""
    line: int = 0
    delayed: bool = False
    sources: tuple[str, ...] = ()
    notice: str = ""
    notice_received: date | None = None

    @property
    def is_notice(self) -> bool:
        """The entry of a document that holds only a notice (number 0, no answer)."""
        return (
            self.numbers == (0,) and bool(self.notice) and self.question == self.notice
        ) and not self.answer

    @property
    def all_sources(self) -> tuple[str, ...]:
        """Every seed file the entry comes from (a question and an answer document)."""
        return self.sources or (self.source,)

    @property
    def parties(self) -> tuple[str, ...]:
        """The distinct parties of the members, in order."""
        return tuple(dict.fromkeys(m.party for m in self.members if m.party))

    @property
    def status(self) -> str:
        """``answered``, ``delayed`` (a notice said the answer comes later) or ``unanswered``."""
        if self.answer or self.answered:
            return "answered"
        return "delayed" if self.delayed else "unanswered"

    @property
    def url(self) -> str | None:
        """The official publication of the entry's document (``officielebekendmakingen.nl``),
        None when its id has no known form (see :func:`search.dutch.parliament.official_url`)."""
        return official_url(self.document_id)

    @property
    def days_to_answer(self) -> int | None:
        """Days from submission to answer, when both dates are known."""
        if self.submitted and self.answered:
            return (self.answered - self.submitted).days
        return None

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready data (dates as ISO strings or None)."""
        return {
            "entry_id": self.entry_id,
            "document_id": self.document_id,
            "url": self.url,
            "numbers": list(self.numbers),
            "members": [{"name": m.name, "party": m.party} for m in self.members],
            "addressees": list(self.addressees),
            "subject": self.subject,
            "submitted": self.submitted.isoformat() if self.submitted else None,
            "answered": self.answered.isoformat() if self.answered else None,
            "answered_by": self.answered_by,
            "question": self.question,
            "answer": self.answer,
            "footnotes": [{"number": f.number, "text": f.text} for f in self.footnotes],
            "status": self.status,
            "days_to_answer": self.days_to_answer,
            "source": f"{self.source}:{self.line}",
            "sources": list(self.all_sources),
            "notice": self.notice or None,
            "notice_received": self.notice_received.isoformat() if self.notice_received else None,
        }


@dataclass(frozen=True)
class Document:
    """One ``## <id>`` section of a seed file, with its entries."""

    document_id: str
    source: str
    line: int
    entries: tuple[Question, ...]
    members: tuple[Member, ...] = ()
    addressees: tuple[str, ...] = ()
    subject: str | None = None
    submitted: date | None = None
    answered: date | None = None
    answered_by: str | None = None
    delayed: bool = False
    #: The ``ontvangen`` date of a notice (Mededeling) that answering is delayed.
    notice_received: date | None = None
    #: The text of the notice, plain; empty without one.
    notice: str = ""
