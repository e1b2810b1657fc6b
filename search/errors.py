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
    truncated, when that is known (see :mod:`search.build.integrity`).
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


class IndexWriteError(SearchError):
    """Writing a new generation failed for a reason outside kvsearch; the index was not
    changed (the live generation stays live).

    Attributes:
        path: The index folder.
        code: ``os`` (an operating-system error, such as a full disk; ``detail`` is its
            text), ``memory`` (out of memory) or ``killed`` (the write helper process
            was killed, as the kernel does when memory runs out; ``detail`` names the
            signal).
        detail: The operating system's text, or the signal's name.
    """

    def __init__(self, path: Path, code: str, detail: str = "") -> None:
        self.path = path
        self.code = code
        self.detail = detail
        reason = {
            "memory": "out of memory",
            "killed": f"the write helper process was killed by {detail}",
        }.get(code, detail)
        super().__init__(
            f"Writing the index at {path} failed ({reason}); the index was not changed. "
            "Free disk space or memory, then run the build again."
        )


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
    """A query, or a part of it, that cannot be searched as written.

    Attributes:
        query: The whole query.
        part: The part that is wrong (``stikstof~5``, ``a*``).
        code: What is wrong: ``fuzzy-distance``, ``fuzzy-short``, ``prefix-short``,
            ``too-broad`` (a prefix or fuzzy word matches too many words; ``detail`` is
            the limit), ``too-long`` (too many parts; ``detail`` is the limit).
        reason: The English explanation.
        detail: A number the message names (a limit), or None.
    """

    def __init__(
        self, query: str, reason: str, *, part: str = "", code: str = "", detail: int | None = None
    ) -> None:
        self.query = query
        self.part = part or query
        self.code = code
        self.reason = reason
        self.detail = detail
        super().__init__(f"Cannot search {self.part!r}: {reason}.")


class FilterError(SearchError, ValueError):
    """A filter condition (flag, :class:`~search.Filters` field or ``jaar:``-style query
    part), or another search argument (``sort``), has a value that cannot be searched.
    Also a ``ValueError``, which such arguments raised before.

    Attributes:
        field: The :class:`~search.Filters` attribute (``date_from``, ``year``, ...), or
            ``sort``, ``status`` ... for other arguments.
        value: The value as given.
        code: What is wrong, for front ends that word their own message: ``date``,
            ``year``, ``session``, ``status``, ``empty``, ``date-order``, ``type``,
            ``sort``, ``conflict``.
        reason: The English explanation.
    """

    def __init__(self, field: str, value: object, code: str, reason: str) -> None:
        self.field = field
        self.value = value
        self.code = code
        self.reason = reason
        super().__init__(f"Invalid {field} {value!r}: {reason}.")


class WatchNotFoundError(SearchError):
    """No saved search (watch) with this name is kept with the index."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        super().__init__(
            f"No saved search {name!r} with the index at {path}. "
            "See `kvsearch watch list` for the names."
        )


class WatchExistsError(SearchError):
    """A saved search with this name exists already."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        super().__init__(
            f"A saved search {name!r} exists already with the index at {path}. "
            "Remove it first or choose another name."
        )


class WatchNameError(SearchError, ValueError):
    """A name that cannot name a saved search (empty, too long, control characters).

    Attributes:
        name: The name as given.
        code: ``empty``, ``too-long`` or ``characters``.
    """

    def __init__(self, name: str, code: str, reason: str) -> None:
        self.name = name
        self.code = code
        self.reason = reason
        super().__init__(f"Invalid name {name!r} for a saved search: {reason}.")


class WatchStoreError(SearchError):
    """The file of saved searches cannot be used; it is left as it is.

    Attributes:
        path: The file.
        code: ``unreadable`` (not JSON as kvsearch writes it) or ``version`` (written
            by a newer kvsearch; ``found`` is its version).
    """

    def __init__(self, path: Path, code: str, reason: str, found: object = None) -> None:
        self.path = path
        self.code = code
        self.reason = reason
        self.found = found
        super().__init__(
            f"The saved searches in {path} cannot be read ({reason}). "
            "Fix or move the file; kvsearch does not overwrite it."
        )


class SourceError(SearchError):
    """A source of the index cannot be used; nothing was changed.

    ``reason`` is one of ``missing`` (a recorded source folder or file is gone),
    ``empty`` (a recorded folder that held seed files holds none now: an unmounted
    disk looks like this), ``unreadable`` (it cannot be listed) or ``unknown`` (a
    path to forget that is not a source of the index). ``sources`` are the paths
    concerned, absolute; ``recorded`` are the index's sources.
    """

    def __init__(
        self,
        path: Path,
        sources: tuple[str, ...],
        reason: str,
        recorded: tuple[str, ...] = (),
    ) -> None:
        self.path = path
        self.sources = sources
        self.reason = reason
        self.recorded = recorded
        names = ", ".join(sources)
        if reason == "unknown":
            message = (
                f"{names} is not a source of the index at {path}; "
                f"its sources are: {', '.join(recorded) or 'none'}."
            )
        else:
            message = (
                f"The source {names} of the index at {path} is {reason}; the index was "
                "not changed. Bring it back, or forget it (and its entries) with "
                "forget= (`kvsearch index --forget`)."
            )
        super().__init__(message)


class IndexUntrustedError(SearchError):
    """The index folder, or a file in it, could have been written by someone else.

    Opening an index runs code from it (Whoosh stores pickles), so like git with a
    repository of another user, kvsearch refuses it unless it is trusted explicitly.
    ``reason`` is ``owner`` (``owner`` holds the uid), ``writable`` (by group or
    others), ``symlink`` (a symbolic link inside the index) or ``links`` (a lock file
    with other hard links).
    """

    def __init__(self, path: Path, file: Path, reason: str, owner: int | None = None) -> None:
        self.path = path
        self.file = file
        self.reason = reason
        self.owner = owner
        what = {
            "owner": f"is owned by another user (uid {owner})",
            "writable": "is writable by group or others",
            "symlink": "is a symbolic link",
            "links": "has other hard links",
        }.get(reason, reason)
        super().__init__(
            f"Refusing the index at {path}: {file} {what}, and opening an index runs code "
            f"from it. If you trust it, set KVSEARCH_TRUST_INDEX={path} (or pass trust=True, "
            "`--trust`)."
        )


class DependencyError(SearchError):
    """An installed dependency is another release than kvsearch was written for (its
    private names, which :mod:`search.internals` uses, may differ)."""

    def __init__(self, distribution: str, found: str, expected: str) -> None:
        self.distribution = distribution
        self.found = found
        self.expected = expected
        super().__init__(
            f"kvsearch needs {distribution} {expected}, but {found} is installed. "
            f"Install the pinned release: pip install '{distribution}=={expected}'."
        )
