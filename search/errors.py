"""The exception tree: every error kvsearch raises is a :class:`SearchError`.

Each exception carries its data as attributes so that a front end (the CLI speaks
Dutch) can word its own message; ``str(exc)`` is a full English sentence that says
what to do next.
"""

from __future__ import annotations

from pathlib import Path


class SearchError(Exception):
    """Base class of all kvsearch errors."""


class IndexNotFoundError(SearchError):
    """There is no kvsearch index at the given path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"No index at {path}. Run `kvsearch index` first.")


class EntryNotFoundError(SearchError):
    """No entry or document with the given id is in the index."""

    def __init__(self, path: Path, ident: str) -> None:
        self.path = path
        self.ident = ident
        super().__init__(
            f"No entry or document {ident!r} in the index at {path}. "
            "Check the id (for example 2019Z12806#4) or search for it."
        )


class IndexClosedError(SearchError):
    """The :class:`~search.Index` was closed and used again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"The index at {path} is closed. Open it again with Index.open.")


class IndexVersionError(SearchError):
    """The index was built with another schema or analysis than this code uses."""

    def __init__(self, path: Path, what: str, found: str, expected: str) -> None:
        self.path = path
        self.what = what
        self.found = found
        self.expected = expected
        super().__init__(
            f"The index at {path} was built with {what} {found!r}, this kvsearch uses "
            f"{expected!r}. Run `kvsearch rebuild` to rebuild it."
        )


class IndexCorruptError(SearchError):
    """The index exists but cannot be read (missing or damaged files).

    ``damaged`` names the files of the generation that failed their checksums or were
    truncated, when that is known (see :mod:`search.integrity`).
    """

    def __init__(self, path: Path, reason: str, *, damaged: tuple[str, ...] = ()) -> None:
        self.path = path
        self.reason = reason
        self.damaged = damaged
        super().__init__(
            f"The index at {path} is damaged ({reason}). Run `kvsearch rebuild` to rebuild it."
        )


class IndexLockedError(SearchError):
    """Another process is writing the index."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        holder = f"process {pid}" if pid else "another process"
        super().__init__(
            f"The index at {path} is being updated by {holder}. Wait for it to finish."
        )


class IndexPathError(SearchError):
    """The index path is taken by something that is not a kvsearch index."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Cannot use {path} as an index: {reason}. Choose another --index-dir.")


class SeedError(SearchError):
    """The seed paths given to a build are unusable as a whole."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Cannot read seeds at {path}: {reason}.")


class SeedParseError(SearchError):
    """One seed file (or one document in it) could not be parsed; it is skipped."""

    def __init__(self, path: Path, line: int, code: str, reason: str) -> None:
        self.path = path
        self.line = line
        self.code = code
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}. Fix the file; it was skipped.")


class QuerySyntaxError(SearchError):
    """A query that cannot be searched even as plain words."""

    def __init__(self, query: str, reason: str) -> None:
        self.query = query
        self.reason = reason
        super().__init__(f"Cannot search {query!r}: {reason}.")
