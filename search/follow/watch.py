"""Saved searches ("watches"): follow a subject over time.

A watch is a query and its filters, kept with the index in ``<index>/watches.json``,
beside the generations: a build or ``rebuild`` never touches it, and it holds the
query as text and the filters as :class:`~search.Filters` field values (JSON), never
Whoosh objects, under a format version. Each watch remembers the entries it has
reported ("seen") with their status then, so that :meth:`Watches.check` reports what
is new since the last check, and what was seen unanswered and is answered now.

Concurrency: a change of the file (add, remove, check) holds an ``flock`` on
``watches.lock`` from reading the file to replacing it (a write to a temporary file,
then an atomic rename), so two checks never report an entry twice and never lose a
mark. A build does not write the file; a check that runs while a build swaps
generations marks exactly what it reported, and the next check reports the rest.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from search.build.layout import WATCH_FILE, WATCH_LOCK_FILE
from search.errors import (
    FilterError,
    QuerySyntaxError,
    SearchError,
    WatchExistsError,
    WatchNameError,
    WatchNotFoundError,
    WatchStoreError,
)
from search.index import Index
from search.models import Changes, Filters, Hit
from search.models.filters import filters_from_json, filters_to_json

__all__ = ["WATCH_FILE", "Watch", "WatchNews", "Watches"]

FORMAT = "kvsearch-watches"
#: The version of ``watches.json``; a newer one is refused, never overwritten.
VERSION = 1
MAX_NAME = 60


@dataclass(frozen=True)
class Watch:
    """A saved search.

    Attributes:
        name: Its name, unique (ignoring case) among the index's watches.
        query: The query as typed (``*`` for filters alone).
        filter_values: The filters as stored (:func:`search.models.filters.filters_to_json`); see
            :attr:`filters`.
        exact: Search the words as typed (no spelling correction).
        created: When it was saved (UTC).
        checked: When :meth:`Watches.check` last reported on it, or None.
        seen: How many entries it has marked seen.
    """

    name: str
    query: str
    filter_values: tuple[tuple[str, Any], ...] = ()
    exact: bool = False
    created: datetime | None = None
    checked: datetime | None = None
    seen: int = 0

    @property
    def filters(self) -> Filters:
        """The filters, checked anew (raises :class:`~search.FilterError` when a stored
        value is no longer accepted)."""
        return filters_from_json(dict(self.filter_values))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (without the seen marks)."""
        return {
            "name": self.name,
            "query": self.query,
            "filters": dict(self.filter_values),
            "exact": self.exact,
            "created": self.created.isoformat(timespec="seconds") if self.created else None,
            "checked": self.checked.isoformat(timespec="seconds") if self.checked else None,
            "seen": self.seen,
        }


@dataclass(frozen=True)
class WatchNews:
    """What is new for one watch.

    Attributes:
        watch: The watch (as it was before this check).
        new: Matching entries not reported before, newest first.
        answered: Matching entries reported while unanswered (or delayed) and answered
            now, newest first.
        error: Why the watch could not be run (its query or a filter is no longer
            accepted: a :class:`~search.QuerySyntaxError` or
            :class:`~search.FilterError`); the watch is kept and nothing is marked.
    """

    watch: Watch
    new: tuple[Hit, ...] = ()
    answered: tuple[Hit, ...] = ()
    error: SearchError | None = None

    @property
    def count(self) -> int:
        """How many entries are reported."""
        return len(self.new) + len(self.answered)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the watch, its new and newly answered hits, the error."""
        return {
            **self.watch.to_dict(),
            "new": [h.to_dict() for h in self.new],
            "answered": [h.to_dict() for h in self.answered],
            "error": str(self.error) if self.error else None,
        }


def check_name(name: str) -> str:
    """A watch name, stripped; raises :class:`~search.errors.WatchNameError` for one
    that is empty, longer than :data:`MAX_NAME` or holds control characters."""
    stripped = unicodedata.normalize("NFC", name.strip())
    if not stripped:
        raise WatchNameError(name, "empty", "give a name")
    if len(stripped) > MAX_NAME:
        raise WatchNameError(name, "too-long", f"at most {MAX_NAME} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in stripped):
        raise WatchNameError(name, "characters", "no control or invisible characters")
    return stripped


class Watches:
    """The saved searches of an index (``index.watches``)."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self.path = Path(index.path) / WATCH_FILE

    # --- reading -------------------------------------------------------------------

    def all(self) -> tuple[Watch, ...]:
        """Every watch, in the order they were added.

        Raises:
            WatchStoreError: The file is damaged or from a newer kvsearch.
        """
        return tuple(_watch(r) for r in _read(self.path)["watches"])

    def get(self, name: str) -> Watch:
        """The watch called ``name`` (ignoring case).

        Raises:
            WatchNotFoundError: There is none.
        """
        return _watch(_find(_read(self.path), self.path, name))

    # --- changing ------------------------------------------------------------------

    def add(
        self, name: str, query: str, *, filters: Filters | None = None, exact: bool = False
    ) -> Watch:
        """Save a search; what it matches now counts as seen.

        Args:
            name: Its name (see :func:`check_name`).
            query: The query, as :meth:`Index.search` takes it; empty means ``*``.
            filters: Filters, as :meth:`Index.search` takes them.
            exact: Search the words as typed.

        Raises:
            WatchNameError: A name that cannot be used.
            WatchExistsError: A watch of that name exists.
            QuerySyntaxError, FilterError: The search cannot be run (nothing is saved).
        """
        name = check_name(name)
        query = query.strip() or "*"
        filters = filters or Filters()
        with _locked(self.path), self._live() as live:
            data = _read(self.path)
            if any(r["name"].casefold() == name.casefold() for r in data["watches"]):
                raise WatchExistsError(self._index.path, name)
            hits = _matches(live, query, filters, exact)
            record = {
                "name": name,
                "query": query,
                "filters": filters_to_json(filters),
                "exact": exact,
                "created": _now(),
                "checked": None,
                "seen": {h.entry_id: h.entry.status for h in hits},
            }
            data["watches"].append(record)
            _write(self.path, data)
        return _watch(record)

    def remove(self, name: str) -> Watch:
        """Remove the watch called ``name`` (ignoring case); returns it.

        Raises:
            WatchNotFoundError: There is none.
        """
        with _locked(self.path):
            data = _read(self.path)
            record = _find(data, self.path, name)
            data["watches"].remove(record)
            _write(self.path, data)
        return _watch(record)

    def check(self, name: str | None = None) -> tuple[WatchNews, ...]:
        """What is new for each watch (or the one called ``name``) since its last
        check; then mark it seen.

        A watch that cannot be run any more is reported with its error and kept, its
        marks unchanged.

        Raises:
            WatchNotFoundError: ``name`` names no watch.
        """
        with _locked(self.path), self._live() as live:
            data = _read(self.path)
            records = [_find(data, self.path, name)] if name is not None else data["watches"]
            out = []
            for record in records:
                watch = _watch(record)
                try:
                    hits = _matches(live, watch.query, watch.filters, watch.exact)
                except (QuerySyntaxError, FilterError) as exc:
                    out.append(WatchNews(watch, error=exc))
                    continue
                seen: dict[str, str] = record["seen"]
                new = [h for h in hits if h.entry_id not in seen]
                answered = [
                    h
                    for h in hits
                    if h.entry.status == "answered"
                    and seen.get(h.entry_id, "answered") != "answered"
                ]
                seen.update((h.entry_id, h.entry.status) for h in hits)
                record["checked"] = _now()
                if new or answered:  # the news with its matches marked, from the same index
                    wanted = {h.entry_id for h in (*new, *answered)}
                    full = {
                        h.entry_id: h
                        for h in _matches(live, watch.query, watch.filters, watch.exact, True)
                        if h.entry_id in wanted
                    }
                    new = [full.get(h.entry_id, h) for h in new]
                    answered = [full.get(h.entry_id, h) for h in answered]
                out.append(WatchNews(watch, _ranked(new), _ranked(answered)))
            if records:
                _write(self.path, data)
        return tuple(out)

    def changes(self, changes: Changes) -> tuple[WatchNews, ...]:
        """What a build's changes (``BuildReport.changes``) mean for each watch: its
        matching entries of the new and of the newly answered Kamervragen. Marks
        nothing seen (that is :meth:`check`'s); watches without any are left out."""
        new_docs = {c.document_id for c in changes.new}
        answered_docs = {c.document_id for c in changes.answered}
        if not (new_docs or answered_docs):
            return ()
        out = []
        for watch in self.all():
            try:
                hits = _matches(self._index, watch.query, watch.filters, watch.exact)
            except (QuerySyntaxError, FilterError) as exc:
                out.append(WatchNews(watch, error=exc))
                continue
            new = [h for h in hits if h.document_id in new_docs]
            answered = [
                h for h in hits if h.document_id in answered_docs and h.entry.status == "answered"
            ]
            if new or answered:
                out.append(WatchNews(watch, _ranked(new), _ranked(answered)))
        return tuple(out)

    def _live(self) -> Index:
        """The index as it is live now, opened afresh. Checks search it under the lock,
        so each searches a generation at least as new as the one before it: a check
        that opened the index before a build and got the lock after another check
        must not mark an entry unanswered again that the other saw answered."""
        return Index.open(self._index.path, trust=self._index._trust)


def _matches(
    index: Index, query: str, filters: Filters, exact: bool, marked: bool = False
) -> list[Hit]:
    """Every entry the search matches itself (no neighbours brought in by their
    Kamervraag: which those are depends on the ranking), newest first; with their
    matches marked only when ``marked`` (which costs several times more)."""
    hits = index.iter_hits(
        query, filters=filters, sort="-date", related=False, exact=exact, marked=marked
    )
    return list(hits)


def _ranked(hits: list[Hit]) -> tuple[Hit, ...]:
    return tuple(replace(h, rank=i) for i, h in enumerate(hits, 1))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _watch(record: Mapping[str, Any]) -> Watch:
    def when(value: Any) -> datetime | None:
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    return Watch(
        name=record["name"],
        query=record["query"],
        filter_values=tuple(sorted(record["filters"].items())),
        exact=bool(record.get("exact", False)),
        created=when(record.get("created")),
        checked=when(record.get("checked")),
        seen=len(record["seen"]),
    )


def _find(data: dict[str, Any], path: Path, name: str) -> dict[str, Any]:
    wanted = name.strip().casefold()
    for record in data["watches"]:
        if record["name"].casefold() == wanted:
            return record  # type: ignore[no-any-return]
    raise WatchNotFoundError(path.parent, name)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the watches' lock (an ``flock``, released by the kernel if we die)."""
    fd = os.open(path.with_name(WATCH_LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read(path: Path) -> dict[str, Any]:
    """The file's data, checked; an empty list when there is no file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"format": FORMAT, "version": VERSION, "watches": []}
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchStoreError(path, "unreadable", str(exc)) from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise WatchStoreError(path, "unreadable", "not JSON") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise WatchStoreError(path, "unreadable", "not a file of kvsearch watches")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise WatchStoreError(
            path, "version", f"format version {version}, this kvsearch reads {VERSION}", version
        )
    watches = data.get("watches")
    if not isinstance(watches, list) or not all(_valid(r) for r in watches):
        raise WatchStoreError(path, "unreadable", "a watch lacks its name, query or marks")
    return data


def _valid(record: object) -> bool:
    return (
        isinstance(record, dict)
        and isinstance(record.get("name"), str)
        and isinstance(record.get("query"), str)
        and isinstance(record.get("filters"), dict)
        and isinstance(record.get("seen"), dict)
    )


def _write(path: Path, data: dict[str, Any]) -> None:
    """Replace the file atomically. The temporary file's name does not start with a
    dot: a build removes ``.*.tmp`` leftovers of its own in the index folder (and
    knows this one's name: :func:`search.build.layout.is_watch_temporary`)."""
    data["format"], data["version"] = FORMAT, VERSION
    for stale in path.parent.glob(f"{path.name}.*.new"):  # of a killed process (we hold the lock)
        stale.unlink(missing_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.new")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
