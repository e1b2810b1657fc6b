"""Index access for a threaded server: one :class:`~search.index.Index` per request.

An ``Index`` is for one thread at a time. The pool lends each request an ``Index`` of
its own and takes it back afterwards, so there are at most as many open as requests run
at once (the server's worker threads). Each ``Index`` follows a new generation by
itself: every call reads ``CURRENT`` and re-opens when another process (``kvsearch
index``) made a new generation live, keeping the old one when the new one cannot be
opened yet. A call that fails on a damaged or vanished generation (a swap between the
look at ``CURRENT`` and reading a file; builds in a row remove the generations before
the previous one) is tried again on a freshly opened ``Index`` while generations keep
switching; the user's own mistakes (a bad filter, an unknown id) are not retried.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from search.build.generations import read_current
from search.errors import (
    EntryNotFoundError,
    FilterError,
    IndexClosedError,
    IndexCorruptError,
    QuerySyntaxError,
)
from search.index import Index

__all__ = ["IndexPool"]

T = TypeVar("T")

#: How often a call is tried while builds keep switching generations under it.
ATTEMPTS = 5

#: Errors that come from the request, not from the index: never retried.
_USER_ERRORS = (FilterError, QuerySyntaxError, EntryNotFoundError, ValueError)


class IndexPool:
    """Lends an open :class:`Index` of ``path`` to one caller at a time.

    Args:
        path: The index folder.
        size: At most this many indexes are open at once (the server's threads);
            more callers wait.
        trust: Passed to :meth:`Index.open`.
    """

    def __init__(self, path: Path, size: int = 4, *, trust: bool = False) -> None:
        self.path = Path(path)
        self.size = max(1, size)
        self._trust = trust
        self._idle: list[Index] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.size)
        self._closed = False
        self.opened = 0  #: How many indexes the pool opened (for tests and the bench).

    def _take(self) -> Index:
        with self._lock:
            if self._closed:
                raise IndexClosedError(self.path)
            if self._idle:
                return self._idle.pop()
        index = Index.open(self.path, trust=self._trust)
        with self._lock:
            self.opened += 1
        return index

    def _give_back(self, index: Index) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(index)
                return
        index.close()

    def run(self, call: Callable[[Index], T]) -> T:
        """``call(index)`` with an index lent for the call; again on a fresh index when
        it fails on the index's files while a new generation was made live (see the
        module), up to :data:`ATTEMPTS` times."""
        with self._slots:
            for attempt in range(1, ATTEMPTS + 1):
                live = read_current(self.path)
                index = self._take()
                try:
                    result = call(index)
                except _USER_ERRORS:
                    self._give_back(index)
                    raise
                except (IndexCorruptError, IndexClosedError, OSError):
                    index.close()  # never lend this one again
                    # Retried only when a build switched generations meanwhile (or on
                    # the first failure: the switch may have come just before the call).
                    switched = read_current(self.path) != live
                    if attempt == ATTEMPTS or not (switched or attempt == 1):
                        raise
                    continue
                except BaseException:
                    index.close()
                    raise
                self._give_back(index)
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    def check(self) -> dict[str, int | str]:
        """Open an index now (so that a missing or damaged one fails at start) and
        say what it holds: ``entries``, ``documents`` and when it was ``built``."""
        return self.run(_describe)

    def close(self) -> None:
        """Close the idle indexes; those lent out are closed when given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for index in idle:
            index.close()


def _describe(index: Index) -> dict[str, int | str]:
    return {
        "entries": index.entry_count,
        "documents": index.document_count,
        "built": str(index.info.get("built_at") or ""),
    }
