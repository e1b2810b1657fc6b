"""What a build reports: files skipped (:class:`Skipped`), what changed
(:class:`Changes`), the :class:`BuildReport` and the :class:`CheckReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
