"""Frozen value types of the public API.

Nothing here knows about Whoosh: these are what an embedding application receives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from search.dutch.parliament import FIRST_YEAR, LAST_YEAR, official_url, session_range
from search.errors import FilterError

#: Status names a user or an application may give (Dutch or English), to the stored ones.
STATUS_NAMES: dict[str, str] = {
    "beantwoord": "answered",
    "answered": "answered",
    "onbeantwoord": "unanswered",
    "open": "unanswered",
    "unanswered": "unanswered",
    "uitgesteld": "delayed",
    "delayed": "delayed",
}


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


@dataclass(frozen=True)
class Filters:
    """Conditions every hit must meet; None means no condition.

    Values are checked (and normalised) when a ``Filters`` is made: a bad one raises
    :class:`~search.errors.FilterError` naming the field and the value.

    Attributes:
        member: A member's name (``Van Nispen``), case- and accent-insensitive.
        party: A party, with its usual variants (``GL-PvdA`` = ``GroenLinks-PvdA``).
        ministry: Words of an addressee or answering minister (``Buitenlandse Zaken``).
        date_from: Submitted on or after (a ``date`` or an ISO string, ``2024-01-31``).
        date_to: Submitted on or before (likewise).
        year: Submitted in this calendar year (an int or a string of four digits).
        session: Submitted in this parliamentary year (vergaderjaar), ``2023-2024``
            (also ``2023``, ``2023-24``); stored as ``2023-2024``.
        status: ``answered``, ``unanswered`` or ``delayed``, or the Dutch
            ``beantwoord``, ``onbeantwoord``, ``uitgesteld``; stored in English.
        answered_since: Answered on or after (a ``date`` or an ISO string).
    """

    member: str | None = None
    party: str | None = None
    ministry: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    year: int | None = None
    session: str | None = None
    status: str | None = None
    answered_since: date | None = None

    def __post_init__(self) -> None:
        for name in ("member", "party", "ministry"):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise FilterError(name, value, "type", "give a name as a string")
            if not value.strip():
                raise FilterError(name, value, "empty", "give a name, not an empty string")
            object.__setattr__(self, name, " ".join(value.split()))
        for name in ("date_from", "date_to", "answered_since"):
            object.__setattr__(self, name, _as_date(name, getattr(self, name)))
        if self.year is not None:
            object.__setattr__(self, "year", _as_year(self.year))
        if self.session is not None:
            object.__setattr__(self, "session", _as_session(self.session))
        if self.status is not None:
            status = STATUS_NAMES.get(str(self.status).strip().lower())
            if status is None:
                raise FilterError(
                    "status", self.status, "status", "use answered, unanswered or delayed"
                )
            object.__setattr__(self, "status", status)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterError(
                "date_to",
                self.date_to.isoformat(),
                "date-order",
                f"the period ends before it starts ({self.date_from.isoformat()})",
            )

    def __bool__(self) -> bool:
        return any(v is not None for v in vars(self).values())


def _as_date(name: str, value: object) -> date | None:
    """A filter's date: a ``date`` (a ``datetime`` loses its time) or an ISO string."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FilterError(name, value, "date", "write a date as YYYY-MM-DD, for example 2024-01-31")


def _as_year(value: object) -> int:
    year = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        year = int(value)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise FilterError(
            "year", value, "year", f"give a year from {FIRST_YEAR} to {LAST_YEAR}, like 2024"
        )
    return year


def _as_session(value: object) -> str:
    span = session_range(str(value)) if isinstance(value, str | int) else None
    if span is None:
        raise FilterError(
            "session",
            value,
            "session",
            f"give a parliamentary year from {FIRST_YEAR} on, like 2023-2024",
        )
    return f"{span[0].year}-{span[0].year + 1}"


@dataclass(frozen=True)
class Preference:
    """One recognised word: what it was taken as.

    Attributes:
        kind: ``member``, ``party``, ``minister``, ``year`` or ``status``.
        value: The name, party, year or status (``answered``...).
        words: The words of the query it came from.
        filters: The entries it prefers.
    """

    kind: str
    value: str
    words: str
    filters: Filters

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"kind": self.kind, "value": self.value, "words": self.words}


#: Facet counts: per facet name (party, member, ministry, year), (value, count) pairs,
#: most frequent first.
Facets = dict[str, tuple[tuple[str, int], ...]]


@dataclass(frozen=True)
class Segment:
    """A run of snippet text; ``match`` is true for a highlighted query match."""

    text: str
    match: bool = False


@dataclass(frozen=True)
class Snippet:
    """A passage of an entry with its query matches marked.

    Render it with :meth:`plain`, :meth:`marked`, :meth:`ansi` or :meth:`html`.
    """

    field: str
    segments: tuple[Segment, ...]

    def __str__(self) -> str:
        """The readable passage, matches between ``**`` (:meth:`marked`)."""
        return self.marked()

    def plain(self) -> str:
        """The passage without any marking."""
        return "".join(s.text for s in self.segments)

    def marked(self, start: str = "**", end: str = "**") -> str:
        """The passage with each match between ``start`` and ``end``."""
        return "".join(f"{start}{s.text}{end}" if s.match else s.text for s in self.segments)

    def ansi(self) -> str:
        """The passage with matches in bold yellow for a terminal."""
        return self.marked("\x1b[1;33m", "\x1b[0m")

    def html(self) -> str:
        """The passage as escaped HTML with matches in ``<mark>``."""
        from html import escape

        return "".join(
            f"<mark>{escape(s.text)}</mark>" if s.match else escape(s.text) for s in self.segments
        )

    @property
    def matches(self) -> tuple[str, ...]:
        """The matched words, in order."""
        return tuple(s.text for s in self.segments if s.match)


@dataclass(frozen=True)
class Hit:
    """One ranked search result: an entry, its score and a highlighted snippet.

    ``related`` is True for an entry that does not match the query itself but belongs
    to one of the best-matching documents (see :mod:`search.engine.ranking`).

    Attributes:
        matched_in: Where the query's words were found, in this order: ``question``,
            ``answer``, ``subject``, ``members`` (a member's name or party),
            ``addressees`` (an addressee or the answering minister). Empty for a
            related hit and for a query without words.
        marked: The entry's metadata lines with the matches marked, for the lines
            that have one: ``subject``, ``members`` (``Ploumen (PvdA), …``) and
            ``addressees`` (``; ``-separated, the answering minister last).
    """

    rank: int
    score: float
    entry: Question
    snippet: Snippet
    related: bool = False
    matched_in: tuple[str, ...] = ()
    marked: tuple[Snippet, ...] = ()

    @property
    def entry_id(self) -> str:
        """The entry id, ``<document id>#<n>``."""
        return self.entry.entry_id

    @property
    def document_id(self) -> str:
        """The document id."""
        return self.entry.document_id

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready data: rank, score, snippet and the entry's fields."""
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "snippet": self.snippet.marked(),
            "snippet_html": self.snippet.html(),
            "related": self.related,
            "matched_in": list(self.matched_in),
            "marked": {m.field: m.marked() for m in self.marked},
            **self.entry.to_dict(),
        }


@dataclass(frozen=True)
class Group:
    """One document's matching entries, in rank order (``search(..., group=True)``)."""

    document_id: str
    rank: int
    hits: tuple[Hit, ...]

    def to_dict(self) -> dict[str, Any]:
        """The group as JSON-ready data."""
        first = self.hits[0].entry.to_dict()
        return {
            "rank": self.rank,
            **{k: first[k] for k in ("document_id", "subject", "members", "submitted")},
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass(frozen=True)
class SearchResults:
    """One page of ranked hits.

    Attributes:
        query: The query as the user typed it.
        normalized: The query as it was searched (words analysed, stop words dropped).
        total: How many entries match in all (not just this page).
        page: The 1-based page number.
        limit: Hits per page.
        hits: The hits of this page, best first.
        suggestion: A corrected query when the typed one looks misspelt, else None.
        facets: Counts over all matching entries (not just this page), when asked for.
        groups: With grouping, this page's documents with their matching entries.
        related: How many of ``total`` match no query word themselves but were brought
            in by their document (:attr:`Hit.related`).
        unknown_words: Words of the query that occur nowhere in the index (folded as
            typed); they match nothing unless corrected.
        corrections: (word, what was searched instead) for each unknown word that was
            corrected (``suggestion`` spells the corrected query) or, for an unseen
            compound, split into its parts (``zonnepark`` -> ``zon park``).
        ignored: Common words of the query that were not searched (``de``, ``wat``);
            with no other word, nothing is searched and ``total`` is 0.
        interpreted: The words taken as a member, party, minister, year or status that
            entries preferably meet (:class:`Preference`; not with
            ``exact``).
    """

    query: str
    normalized: str
    total: int
    page: int
    limit: int
    hits: tuple[Hit, ...]
    suggestion: str | None = None
    facets: Facets | None = None
    groups: tuple[Group, ...] | None = None
    related: int = 0
    unknown_words: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    ignored: tuple[str, ...] = ()
    interpreted: tuple[Preference, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The results as JSON-ready data."""
        data: dict[str, Any] = {
            "query": self.query,
            "normalized": self.normalized,
            "total": self.total,
            "related": self.related,
            "page": self.page,
            "limit": self.limit,
            "suggestion": self.suggestion,
            "unknown_words": list(self.unknown_words),
            "corrected": dict(self.corrections),
            "ignored_words": list(self.ignored),
            "interpreted": [p.to_dict() for p in self.interpreted],
        }
        if self.facets is not None:
            data["facets"] = {
                name: [{"value": v, "count": n} for v, n in pairs]
                for name, pairs in self.facets.items()
            }
        if self.groups is not None:
            data["groups"] = [g.to_dict() for g in self.groups]
        else:
            data["hits"] = [h.to_dict() for h in self.hits]
        return data


#: What :attr:`Skipped.code` means, in English; ``{detail}`` is filled in.
SKIP_REASONS: dict[str, str] = {
    # the whole file is left out
    "empty": "the file is empty",
    "too-large": "the file is too large for a seed ({detail}; at most 20 MB)",
    "binary": "not text but a binary file",
    "unreadable": "cannot be read ({detail})",
    "dangling-link": "a symbolic link to {detail}, which does not exist",
    "link-loop": "a symbolic link that leads back to itself",
    "not-a-file": "not a regular file",
    # a document is left out
    "no-questions": "document {detail} has no `Vraag N` blocks",
    # kept, but odd
    "legacy-encoding": "not UTF-8; read as {detail}",
    "invalid-utf8": "bytes that are not UTF-8 ({detail}); only those were read as cp1252",
    "no-heading": "no `## <document id>` heading; the document is called {detail}, after the file",
    "duplicate-id": "a document id occurs twice in the file; this document is kept as {detail}",
    "merge-conflict": "its {detail} differs from that of the other document with this id; "
    "the more complete value is used",
    "notice-only": "document {detail} is a notice (Mededeling) without questions",
    "repeated-question": "question {detail} is repeated; its text was joined",
    "answer-without-question": "answer {detail} has no question block",
    "unknown-heading": "unknown heading `{detail}`; the text under it is kept with the "
    "question, answer or notice above it",
    "unknown-heading-lost": "unknown heading `{detail}` before the first question; the text "
    "under it is not indexed",
    "invalid-date": "the date {detail} does not exist; the entry is indexed without it",
    "name-not-utf8": "the file name is not UTF-8; indexed as {detail} (rename the file)",
    # no longer given (such files are now read); kept for reports of older indexes
    "not-utf8": "not UTF-8 text",
    "no-document": "no `## <document id>` heading, so no document was found",
}


@dataclass(frozen=True)
class Skipped:
    """A seed file or document left out of the index, or an oddity in one, and why.

    Attributes:
        path: The seed file.
        line: The 1-based line the problem is at (0 when it is the whole file).
        code: A key of :data:`SKIP_REASONS`.
        detail: The variable part of the reason (a document id, a number).
    """

    path: str
    line: int
    code: str
    detail: str = ""

    @property
    def reason(self) -> str:
        """The reason as an English sentence fragment."""
        return SKIP_REASONS.get(self.code, self.code).format(detail=self.detail)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class DocumentChange:
    """A Kamervraag that a build added, saw answered, or saw delayed."""

    document_id: str
    subject: str | None
    answered: date | None = None


@dataclass(frozen=True)
class Changes:
    """What an update changed for the user, per Kamervraag (document)."""

    new: tuple[DocumentChange, ...] = ()
    answered: tuple[DocumentChange, ...] = ()
    delayed: tuple[DocumentChange, ...] = ()
    removed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""

        def items(changes: tuple[DocumentChange, ...]) -> list[dict[str, Any]]:
            return [
                {
                    "document_id": c.document_id,
                    "subject": c.subject,
                    "answered": c.answered.isoformat() if c.answered else None,
                }
                for c in changes
            ]

        return {
            "new": items(self.new),
            "answered": items(self.answered),
            "delayed": items(self.delayed),
            "removed": list(self.removed),
        }


@dataclass(frozen=True)
class BuildReport:
    """What a build or update did.

    ``files``, ``documents`` and ``entries`` describe the whole index afterwards;
    ``added``, ``changed``, ``removed`` and ``unchanged`` count seed files against the
    previous index (a full build counts every file as added). ``skipped`` and
    ``warnings`` cover every seed file, also those not read again; ``read`` names the
    files read this time. ``sources`` are the folders and files the index is built
    from now (absolute paths, recorded in the index), ``new_sources`` those this build
    added, ``forgotten`` those it dropped, each with how many of its files' entries
    were removed.
    """

    files: int
    documents: int
    entries: int
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[Skipped, ...] = ()
    seconds: float = 0.0
    index_path: str = ""
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    incremental: bool = False
    changes: Changes = field(default_factory=Changes)
    read: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    new_sources: tuple[str, ...] = ()
    forgotten: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "index": self.index_path,
            "files": self.files,
            "documents": self.documents,
            "entries": self.entries,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "incremental": self.incremental,
            "seconds": round(self.seconds, 3),
            "sources": list(self.sources),
            "new_sources": list(self.new_sources),
            "forgotten": [{"source": s, "files": n} for s, n in self.forgotten],
            "changes": self.changes.to_dict(),
            "skipped": [
                {"path": s.path, "line": s.line, "code": s.code, "reason": s.reason}
                for s in self.skipped
            ],
            "warnings": [
                {"path": w.path, "line": w.line, "code": w.code, "reason": w.reason}
                for w in self.warnings
            ],
        }


@dataclass(frozen=True)
class CheckReport:
    """How an index compares with its seeds (see ``Index.check``).

    ``sources`` are the folders and files compared with (absolute); ``missing`` those
    of them that are gone, empty or unreadable (their files are not counted as
    removed: an update refuses to run until they are back or forgotten).
    """

    index_path: str
    documents: int
    entries: int
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    problems: tuple[str, ...] = ()
    #: What looking for seed files could not use (folders that cannot be listed, links
    #: to nothing); said, not counted against being up to date.
    skipped: tuple[Skipped, ...] = ()
    sources: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def up_to_date(self) -> bool:
        """True when the index holds exactly the seeds, all its sources are there and
        it has no problems."""
        return not (self.added or self.changed or self.removed or self.problems or self.missing)
