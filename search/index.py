"""The :class:`Index` facade: what an embedding application uses.

from search import Index

with Index.open("index") as index:
    for hit in index.search("gezichtsherkenning").hits:
        print(hit.entry_id, hit.snippet.marked())
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from search.build import generations, indexer, integrity, manifest
from search.build.indexer import Progress
from search.build.integrity import VerifyReport, guard_iteration, guard_reads
from search.build.trust import check_trust
from search.engine import pipeline
from search.engine.scoring import weighting
from search.engine.whoosh_types import Searcher
from search.errors import (
    IndexClosedError,
    SearchError,
)
from search.follow.stats import Stats, check_by, compute
from search.models import (
    BuildReport,
    CheckReport,
    Filters,
    Hit,
    Question,
    SearchResults,
)

if TYPE_CHECKING:
    from search.follow.watch import Watches

__all__ = ["Index"]

PathLike = str | os.PathLike[str]


class Index:
    """A kvsearch index on disk, opened for searching.

    Use :meth:`open` or :meth:`build`; close it (or use it as a context manager) to
    release its files.
    """

    def __init__(
        self, path: Path, generation: Path, ix: Any, meta: dict[str, Any], trust: bool = False
    ) -> None:
        """Internal: use :meth:`open` or :meth:`build`."""
        self.path = path
        self._trust = trust
        self._generation = generation
        self._ix = ix
        self._meta = meta
        self._searcher: Searcher | None = None

    # --- lifecycle -----------------------------------------------------------------

    @classmethod
    def open(cls, path: PathLike, *, trust: bool = False) -> Index:
        """Open the index at ``path``.

        Opening an index runs code from its files (Whoosh stores pickles): an index
        folder or file that belongs to another user or that group or others can
        write is refused unless ``trust`` or ``KVSEARCH_TRUST_INDEX`` names it (see
        :mod:`search.build.trust`).

        Raises:
            IndexNotFoundError: There is no index at ``path``.
            IndexVersionError: It was built with another schema or analysis.
            IndexCorruptError: It is damaged.
            IndexUntrustedError: Someone else could have written it.
        """
        path = Path(path)
        for attempt in range(3):
            gen = generations.live_generation(path)
            try:
                return cls._open_generation(path, gen, trust)
            except SearchError:
                # A build may have swapped generations while we opened: try the new one.
                if attempt == 2 or generations.read_current(path) == gen.name:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    @classmethod
    def _open_generation(cls, path: Path, gen: Path, trust: bool = False) -> Index:
        check_trust(path, gen, trust=trust)
        meta = manifest.read_meta(path, gen, manifest=False)  # searching needs no manifest
        ix: Any = None
        try:
            ix = generations.open_for_reading(gen)
            index = cls(path, gen, ix, meta, trust)
            index._searcher = ix.searcher(
                weighting=weighting()
            )  # opens every segment file: find damage now
        except Exception as exc:
            if ix is not None:
                ix.close()
            corrupt = integrity.opening_error(path, gen, exc)
            if corrupt is None:
                raise  # a bug, not a damaged index
            raise corrupt from exc
        return index

    @classmethod
    def build(
        cls,
        path: PathLike,
        seeds: Sequence[PathLike] = (),
        *,
        forget: Sequence[PathLike] = (),
        default: Sequence[PathLike] = (),
        full: bool = False,
        wait: bool = False,
        progress: Progress | None = None,
        trust: bool = False,
    ) -> Index:
        """Build or update the index at ``path`` from its sources; open it.

        The index records the folders and files it is built from (its
        :attr:`sources`, absolute paths): ``seeds`` are added to them, ``forget``
        removed (with their entries). An existing index is updated: only added and
        changed files are read, removed files' entries deleted; ``full`` builds anew.
        Either way the previous index stays usable until the new one is complete,
        and the result is the same. The build's report is :attr:`last_build`.

        A recorded source that is missing (a renamed folder, an unmounted disk: also
        a folder that held seed files and holds none now) or unreadable never loses
        its entries: the build raises :class:`SourceError` and changes nothing.

        Args:
            path: The index folder (created when missing).
            seeds: Seed files and folders to add to the recorded sources (none: update
                from the recorded ones).
            forget: Recorded sources to drop, with their entries.
            default: The sources of a new index when no ``seeds`` are given (the CLI
                passes ``seeds/``).
            full: Rebuild from scratch (after an upgrade of kvsearch, or to repair a
                damaged index; its sources are recovered from any generation that
                still names them).
            wait: Wait for another writer instead of raising IndexLockedError.
            progress: Called as ``progress(stage, done, total)`` while building.
            trust: Use an existing index folder even when someone else could have
                written it (see :meth:`open`).
        """
        report = indexer.build(
            Path(path),
            [Path(s) for s in seeds],
            forget=[Path(s) for s in forget],
            default=[Path(s) for s in default],
            full=full,
            wait=wait,
            progress=progress,
            trust=trust,
        )
        index = cls.open(path, trust=trust)
        index.last_build = report
        return index

    last_build: BuildReport | None = None

    def update(
        self,
        seeds: Sequence[PathLike] = (),
        *,
        forget: Sequence[PathLike] = (),
        full: bool = False,
        wait: bool = False,
        progress: Progress | None = None,
    ) -> BuildReport:
        """Update this index from its recorded sources, plus ``seeds``, minus
        ``forget`` (see :meth:`build`), and switch to it."""
        report = indexer.build(
            self.path,
            [Path(s) for s in seeds],
            forget=[Path(s) for s in forget],
            full=full,
            wait=wait,
            progress=progress,
            trust=self._trust,
        )
        self._reopen()
        self.last_build = report
        return report

    def check(self, seeds: Sequence[PathLike] = ()) -> CheckReport:
        """Compare this index with its recorded sources (plus ``seeds``, as
        :meth:`update` with them would): files added, changed or removed since, and
        sources that are missing."""
        return indexer.check(self.path, [Path(s) for s in seeds], trust=self._trust)

    def verify(self) -> VerifyReport:
        """Read every file of the live generation and compare it with the checksum
        recorded when it was written (see :mod:`search.build.integrity`)."""
        return integrity.verify(self.path, generations.live_generation(self.path))

    def _reopen(self) -> None:
        fresh = Index.open(self.path, trust=self._trust)  # first: if it fails, keep this one
        self.close()
        self._generation, self._ix, self._meta = fresh._generation, fresh._ix, fresh._meta
        self._searcher = fresh._searcher

    def close(self) -> None:
        """Release the index's files."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- information ---------------------------------------------------------------

    @property
    def entry_count(self) -> int:
        """How many entries the index holds."""
        return int(self._meta["entries"])

    @property
    def document_count(self) -> int:
        """How many documents the index holds."""
        return int(self._meta["documents"])

    @property
    def sources(self) -> tuple[Path, ...]:
        """The folders and files the index is built from (absolute paths); an update
        without seeds reads them again."""
        return tuple(Path(x) for x in manifest.recorded_sources(self._meta))

    @property
    def info(self) -> dict[str, Any]:
        """What the index records about itself (versions, seeds, counts, build time)."""
        return copy.deepcopy({k: v for k, v in self._meta.items() if k != "files"})

    @property
    def watches(self) -> Watches:
        """The saved searches kept with this index (see :mod:`search.follow.watch`)."""
        from search.follow.watch import Watches  # imported here: a search does not use it

        return Watches(self)

    def stats(
        self,
        query: str = "*",
        *,
        filters: Filters | None = None,
        by: str | None = None,
        today: date | None = None,
        exact: bool = False,
    ) -> Stats:
        """How many Kamervragen and questions match, how many are answered, open,
        delayed and overdue on ``today`` (default: today), and how many days answering
        took (median, 90th percentile); per ministry, party, member, year or month
        with ``by`` (see :mod:`search.follow.stats`). Counts the entries that match the query
        themselves (``related=False``).

        Raises:
            FilterError: ``by`` is no grouping, or a filter has a bad value.
            QuerySyntaxError: A part of the query cannot be searched.
        """
        grouping = check_by(by)  # before searching: a bad value fails fast
        query = query.strip() or "*"
        hits = self.iter_hits(
            query, filters=filters, sort="-date", related=False, exact=exact, marked=False
        )
        return compute(
            (h.entry for h in hits), query=query, filters=filters, by=grouping, today=today
        )

    # --- searching -----------------------------------------------------------------

    def _get_searcher(self) -> Searcher:
        """The searcher for one public call: taken once, at its start.

        When another process has made a new generation live, switch to it first.
        """
        if self._ix is None:
            raise IndexClosedError(self.path)
        live = generations.read_current(self.path)
        if live is not None and live != self._generation.name:
            try:
                self._reopen()
            except SearchError:
                pass  # keep searching the generation we have
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=weighting())
        return self._searcher

    @guard_reads
    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        limit: int = 10,
        page: int = 1,
        sort: str = "relevance",
        facets: bool = False,
        group: bool = False,
        related: bool = True,
        exact: bool = False,
    ) -> SearchResults:
        """Search, best first (or by date).

        Args:
            query: Words, ``"phrases"``, ``-excluded``, ``partij:PvdA``, ``*`` for every
                entry, a document or entry id... (see :mod:`search.engine.syntax`). Never raises
                on malformed input.
            filters: Conditions every hit meets; they add to those in the query.
            limit: Hits (or, with ``group``, documents) per page (at least 1).
            page: 1-based page number.
            sort: ``relevance``, ``date`` (oldest first) or ``-date`` (newest first). A
                query without words (``*``, only filters) is listed newest first.
            facets: Count party, member, ministry, year and status over all matches.
            group: One result per document: ``groups`` holds each document's matching
                entries in rank order, ``hits`` the best entry of each, ``total`` counts
                documents.
            related: In relevance order, also list the neighbouring questions of the
                best-matching Kamervragen that do not contain the words themselves
                (:attr:`Hit.related`, after their document's own matches; see
                :mod:`search.engine.ranking`). False lists only entries that match.
            exact: Search the words as typed: no spelling correction of unknown words
                (they are still reported in ``unknown_words``).

        A query of only common words (``de het wat``) searches nothing: ``total`` is 0
        and ``ignored`` names them. An empty query gives empty results.

        Raises:
            FilterError: ``sort`` is not one of
                :data:`search.engine.pipeline.SORTS`, or a filter in the query has a bad
                value (``jaar:0000``).
            QuerySyntaxError: A part of the query cannot be searched as written
                (``stikstof~5``, ``a*``).
        """
        return pipeline.search(
            self._get_searcher(),
            query,
            filters=filters,
            limit=limit,
            page=page,
            sort=sort,
            facets=facets,
            group=group,
            related=related,
            exact=exact,
        )

    @guard_iteration
    def iter_hits(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        sort: str = "relevance",
        related: bool = True,
        exact: bool = False,
        marked: bool = True,
    ) -> Iterator[Hit]:
        """Every hit of a query, in order, one at a time (for export); the arguments
        are :meth:`search`'s.

        With ``marked=False`` the hits carry no marks: the snippet is the entry's first
        passage unmarked, ``matched_in`` and ``marked`` are empty. That is several times
        faster, for counting or listing many entries (statistics, saved searches).

        It reads with a searcher of its own, so using the index meanwhile is safe.
        """
        self._get_searcher()  # follows a new generation, as search does
        searcher = self._ix.searcher(weighting=weighting())
        try:
            yield from pipeline.iter_hits(
                searcher,
                query,
                filters=filters,
                sort=sort,
                related=related,
                exact=exact,
                marked=marked,
            )
        finally:
            searcher.close()

    # --- looking up ----------------------------------------------------------------

    @guard_reads
    def get(self, entry_id: str) -> Question | None:
        """The entry with this id (``2019Z12806#4``), or None."""
        return pipeline.get(self._get_searcher(), entry_id)

    @guard_reads
    def document(self, document_id: str) -> tuple[Question, ...]:
        """The entries of a document (``2019Z12806``), in question order; () if unknown."""
        return pipeline.document(self._get_searcher(), document_id)

    @guard_reads
    def lookup(self, ident: str) -> tuple[Question, ...]:
        """The entry or the document that ``ident`` names, or ()."""
        return pipeline.lookup(self._get_searcher(), ident)

    @guard_reads
    def similar(
        self,
        entry_id: str | None = None,
        *,
        text: str | None = None,
        limit: int = 10,
        include_own: bool = False,
        filters: Filters | None = None,
    ) -> SearchResults:
        """The entries most like an entry, or like a text (a new question).

        Args:
            entry_id: An entry of the index; its own document is left out unless
                ``include_own`` (the entry itself always is).
            text: Any text, instead of an entry.
            limit: How many.
            include_own: Keep the other entries of the entry's own document.
            filters: Conditions every hit meets.

        Raises:
            EntryNotFoundError: ``entry_id`` is not in the index.
            ValueError: Neither or both of ``entry_id`` and ``text`` are given.
        """
        return pipeline.similar(
            self._get_searcher(),
            self.path,
            entry_id,
            text=text,
            limit=limit,
            include_own=include_own,
            filters=filters,
        )
