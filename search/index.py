"""The :class:`Index` facade: what an embedding application uses.

from search import Index

with Index.open("index") as index:
    for hit in index.search("gezichtsherkenning").hits:
        print(hit.entry_id, hit.snippet.marked())
"""

from __future__ import annotations

import copy
import heapq
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from whoosh import query as wq
from whoosh import searching, sorting

from search.build import generations, indexer, integrity, manifest
from search.build.indexer import Progress
from search.build.integrity import VerifyReport, guard_iteration, guard_reads
from search.build.trust import check_trust
from search.dutch.analysis import analyze
from search.dutch.compounds import split_compound
from search.engine.highlight import make_snippet, mark_all, mark_names, snippet_and_fields
from search.engine.interpret import interpret
from search.engine.interpret import preference_weight as interpretation_weight
from search.engine.live import LiveFuzzyTerm, LivePrefix, break_ties, cached_column, expansions
from search.engine.query import (
    Clause,
    ParsedQuery,
    clause_query,
    filter_query,
    highlight_terms,
    name_marks,
    normalize,
    parse,
    to_whoosh,
)
from search.engine.ranking import RERANK_DEPTH, commonness_weight, coordinate, fuse
from search.engine.scoring import matching_docs, score_query, similar_weighting, weighting
from search.engine.spelling import correct_word, is_unknown
from search.errors import (
    EntryNotFoundError,
    FilterError,
    IndexClosedError,
    IndexCorruptError,
    QuerySyntaxError,
    SearchError,
)
from search.follow.stats import Stats, check_by, compute
from search.models import (
    BuildReport,
    CheckReport,
    Facets,
    Filters,
    Group,
    Hit,
    Preference,
    Question,
    SearchResults,
    Snippet,
)
from search.schema import NAME_FIELDS, STEMMED_FIELDS, entry_from_stored

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
        self._searcher: Any = None

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
        except Exception as exc:  # Whoosh raises many kinds for a damaged index
            if ix is not None:
                ix.close()
            raise IndexCorruptError(path, f"{type(exc).__name__}: {exc}") from exc
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

    def _get_searcher(self) -> Any:
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
                entry, a document or entry id... (see :mod:`search.engine.query`). Never raises
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
            FilterError: ``sort`` is not one of :data:`SORTS`, or a filter in the query
                has a bad value (``jaar:0000``).
            QuerySyntaxError: A part of the query cannot be searched as written
                (``stikstof~5``, ``a*``).
        """
        limit = max(1, limit)
        page = max(1, page)
        run = self._run(
            query, filters, sort, None if group else page * limit, related=related, exact=exact
        )
        if isinstance(run, ParsedQuery):  # nothing to search
            return SearchResults(query, "", 0, page, limit, (), ignored=run.ignored)
        searcher, parsed, results, marks = (run.searcher, run.parsed, run.results, run.marks)
        first = (page - 1) * limit
        groups: tuple[Group, ...] | None = None
        # Copy everything out while the searcher holds the files.
        if group:
            by_doc: dict[str, list[Any]] = {}
            column = cached_column(searcher.reader(), "document_id")
            for hit in results:
                by_doc.setdefault(column[hit.docnum], []).append(hit)
            chosen = list(by_doc.items())[first : first + limit]
            groups = tuple(
                Group(doc_id, rank, tuple(self._hit(h, r, marks) for r, h in enumerate(hs, 1)))
                for rank, (doc_id, hs) in enumerate(chosen, start=first + 1)
            )
            hits = tuple(replace(g.hits[0], rank=g.rank) for g in groups)
            total = len(by_doc)
        else:
            hits = tuple(
                self._hit(hit, rank, marks)
                for rank, hit in enumerate(results[first : first + limit], start=first + 1)
            )
            total = len(results)
        counts = _count_facets(searcher.reader(), results.docs()) if facets else None
        n_related = len(getattr(results, "related", ()))
        if group:
            n_related = sum(all(h.related for h in g.hits) for g in groups or ())
        normalized = str(parsed) or query.strip()
        return SearchResults(
            query,
            normalized,
            total,
            page,
            limit,
            hits,
            run.suggestion,
            counts,
            groups,
            n_related,
            run.unknown,
            run.corrections,
            parsed.ignored,
            run.preferences,
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
            run = self._run(query, filters, sort, None, searcher, related=related, exact=exact)
            if isinstance(run, ParsedQuery):
                return
            marks = run.marks if marked else _Marks(frozenset(), frozenset(), (), run.marks.scored)
            for rank, hit in enumerate(run.results, start=1):
                yield self._hit(hit, rank, marks)
        finally:
            searcher.close()

    def _run(
        self,
        query: str,
        filters: Filters | None,
        sort: str,
        limit: int | None,
        searcher: Any = None,
        *,
        related: bool = True,
        exact: bool = False,
    ) -> _Run | ParsedQuery:
        """Parse, correct and run a query; the parsed query when it asks for nothing."""
        if sort not in SORTS:
            raise FilterError("sort", sort, "sort", f"use one of {', '.join(SORTS)}")
        searcher = searcher or self._get_searcher()
        flags = filters or Filters()
        named = _lookup(searcher, query) if _looks_like_id(query) else ()
        if named:  # a document or entry id goes straight to it, in question order
            q = wq.Or([wq.Term("entry_id", e.entry_id) for e in named])
            order = [sorting.FieldFacet("order")]
            results = searcher.search(q, filter=filter_query(flags), limit=limit, sortedby=order)
            marks = _Marks(frozenset(), frozenset(), (), scored=False)
            return _Run(searcher, ParsedQuery(()), results, marks)
        parsed = parse(query)
        allow = filter_query(flags, *parsed.filters)
        suggestion: str | None = None
        corrections: tuple[tuple[str, str], ...] = ()
        unknown: tuple[str, ...] = ()
        preferences: tuple[Preference, ...] = ()
        if parsed.clauses:
            reader = searcher.reader()
            if not exact:
                understood = interpret(reader, parsed)
                parsed, preferences = understood.parsed, understood.preferences
            unknown = _unknown_words(searcher, parsed)
            if not exact and unknown:
                parsed, suggestion, corrections = self._correct(reader, parsed, query, unknown)
            q = to_whoosh(parsed)
        elif parsed.match_all or allow is not None:
            # Every entry that meets the filters: the filter itself is the query, so
            # that only its entries are walked (not every entry against the filter).
            q, allow = (wq.Every(), None) if allow is None else (allow, None)
            if sort == "relevance":
                sort = "-date"
        else:
            return parsed
        _check_expansions(searcher, query, parsed)
        sortedby: Any = None
        if sort != "relevance":
            sortedby = [
                sorting.FieldFacet("sortdate", reverse=sort == "-date"),
                sorting.FieldFacet("order"),
            ]
        if sortedby is None and parsed.clauses:
            scores = _query_scores(searcher, parsed)
            _prefer(searcher, scores, preferences)
            results = _collect(searcher, q, allow, _depth(limit), None, scores)
            _rerank(searcher, results, parsed, allow, related=related)
        else:
            results = _collect(searcher, q, allow, limit, sortedby)
        marks = _Marks(
            *highlight_terms(parsed), scored=sortedby is None, names=name_marks(parsed, flags)
        )
        return _Run(searcher, parsed, results, marks, suggestion, corrections, unknown, preferences)

    @staticmethod
    def _hit(hit: Any, rank: int, marks: _Marks) -> Hit:
        entry = entry_from_stored(hit.fields())
        # Sorted by date, Whoosh puts the sort key in the score: no relevance to report.
        score = float(hit.score or 0.0) if marks.scored else 0.0
        related = hit.docnum in getattr(hit.results, "related", ())
        if related:  # it matches no query word: mark none of its stray ones
            return Hit(rank, score, entry, _snippet(entry, frozenset()), related=True)
        snippet, texts = snippet_and_fields(
            (("question", entry.question), ("answer", entry.answer)),
            marks.terms,
            prefixes=marks.prefixes,
            fuzzy=marks.fuzzy,
        )
        marked = _marked_lines(entry, marks)
        # The texts (question, answer), then the lines (subject, members, addressees).
        matched_in = texts + tuple(m.field for m in marked)
        return Hit(rank, score, entry, snippet, matched_in=matched_in, marked=marked)

    # --- looking up ----------------------------------------------------------------

    @guard_reads
    def get(self, entry_id: str) -> Question | None:
        """The entry with this id (``2019Z12806#4``), or None."""
        return _get(self._get_searcher(), entry_id)

    @guard_reads
    def document(self, document_id: str) -> tuple[Question, ...]:
        """The entries of a document (``2019Z12806``), in question order; () if unknown."""
        return _document(self._get_searcher(), document_id)

    @guard_reads
    def lookup(self, ident: str) -> tuple[Question, ...]:
        """The entry or the document that ``ident`` names, or ()."""
        return _lookup(self._get_searcher(), ident)

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
        from search.engine.similar import similar_query  # imported here: searching does not use it

        if (entry_id is None) == (text is None):
            raise ValueError("give exactly one of entry_id and text")
        limit = max(1, limit)
        searcher = self._get_searcher()
        source: Question | None = None
        if entry_id is not None:
            source = _get(searcher, entry_id)
            if source is None:
                raise EntryNotFoundError(self.path, entry_id)
            text = "\n".join(t for t in (source.subject, source.question, source.answer) if t)
        assert text is not None
        exclude = source.document_id if source and not include_own else None
        q, terms = similar_query(searcher, text, exclude_document=exclude)
        label = entry_id or text[:60]
        if q is None:
            return SearchResults(label, "", 0, 1, limit, ())
        if source is not None and include_own:
            q = wq.AndNot(q, wq.Term("entry_id", source.entry_id))
        # A whole question as the query: Whoosh's usual length normalisation (B=0.75)
        # ranks better here (bench/similar.py 4.94 against 4.65 with the search's B).
        similar_searcher = searching.Searcher(
            searcher.reader(), weighting=similar_weighting(), closereader=False
        )
        results = similar_searcher.search(q, filter=filter_query(filters or Filters()), limit=limit)
        hits = tuple(
            Hit(rank, float(hit.score or 0.0), entry, _snippet(entry, terms))
            for rank, (hit, entry) in enumerate(
                ((h, entry_from_stored(h.fields())) for h in results), start=1
            )
        )
        return SearchResults(label, "", len(results), 1, limit, hits)

    @staticmethod
    def _correct(
        reader: Any, parsed: ParsedQuery, query: str, unknown: Sequence[str]
    ) -> tuple[ParsedQuery, str | None, tuple[tuple[str, str], ...]]:
        """Replace the ``unknown`` words (:func:`_unknown_words`) by their likely
        correction (see :func:`search.engine.spelling.correct_word`), or an unseen compound by
        its parts.

        Returns the corrected query, the suggestion (the typed query with the spelling
        corrections) and (word, searched instead) pairs.
        """
        clauses = list(parsed.clauses)
        suggestion = normalize(query)
        corrections: list[tuple[str, str]] = []
        spelled = False
        for i, clause in enumerate(clauses):
            if clause.negated or clause.text not in unknown:  # looked up once, there
                continue
            fixed = correct_word(reader, clause.text)
            if fixed is None:
                # An unseen compound: look for its parts together instead.
                words = analyze(clause.text, stemmed=False)
                parts = split_compound(words[0]) if len(words) == 1 else ()
                if parts:
                    clauses[i] = replace(clause, text=" ".join(parts))
                    corrections.append((clause.text, " ".join(parts)))
                continue
            clauses[i] = replace(clause, text=fixed)
            corrections.append((clause.text, fixed))
            pattern = r"(?<!\w)" + re.escape(clause.text) + r"(?!\w)"
            suggestion = re.sub(pattern, fixed, suggestion, count=1, flags=re.I)
            spelled = True
        return (
            replace(parsed, clauses=tuple(clauses)),
            suggestion if spelled else None,
            tuple(corrections),
        )


#: The orders :meth:`Index.search` knows.
SORTS = ("relevance", "date", "-date")

#: The facets counted, in the order they are reported.
FACETS = ("party", "member", "ministry", "year", "status")


@dataclass(frozen=True)
class _Marks:
    """What snippets mark, and whether the hits carry relevance scores.

    ``names`` are the folded words and party keys the member, party and addressee
    lines mark (:func:`search.engine.query.name_marks`).
    """

    terms: frozenset[str]
    prefixes: frozenset[str]
    fuzzy: tuple[tuple[str, int], ...]
    scored: bool
    names: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


@dataclass
class _Run:
    """A query that ran: its searcher (holding the files), what was searched, the
    results and what their snippets mark."""

    searcher: Any
    parsed: ParsedQuery
    results: Any
    marks: _Marks
    suggestion: str | None = None
    corrections: tuple[tuple[str, str], ...] = ()
    unknown: tuple[str, ...] = ()
    preferences: tuple[Preference, ...] = ()


def _marked_lines(entry: Question, marks: _Marks) -> tuple[Snippet, ...]:
    """The subject, members and addressees lines of a hit that have a match, marked."""
    words, parties = marks.names
    if not (marks.terms or marks.prefixes or marks.fuzzy or words or parties):
        return ()  # nothing can match: skip analysing the names (``*``, stats, watches)
    lines = [
        mark_all("subject", entry.subject or "", marks.terms, marks.prefixes, marks.fuzzy),
        mark_names("members", ((m.name, m.party) for m in entry.members), words, parties),
        mark_names(
            "addressees",
            ((a, None) for a in (*entry.addressees, entry.answered_by or "") if a),
            words,
            separator="; ",
        ),
    ]
    return tuple(line for line in lines if line is not None)


def _unknown_words(searcher: Any, parsed: ParsedQuery) -> tuple[str, ...]:
    """The unquoted words of the query that occur nowhere in the index: a word none of
    whose forms is indexed, or a word of several tokens (``F-35``) that never occurs."""
    reader = searcher.reader()
    unknown = []
    for clause in parsed.positive:
        if clause.quoted or clause.field or clause.prefix or clause.fuzzy:
            continue
        if len(analyze(clause.text, stemmed=False)) == 1:
            missing = is_unknown(reader, clause.text)
        else:
            missing = not matching_docs(searcher, clause_query(clause))
        if missing:
            unknown.append(clause.text)
    return tuple(unknown)


#: At most this many indexed words may a prefix or fuzzy word stand for.
MAX_EXPANSIONS = 5000


def _check_expansions(searcher: Any, query: str, parsed: ParsedQuery) -> None:
    """Refuse a prefix or fuzzy word that stands for more than :data:`MAX_EXPANSIONS`
    indexed words: its cost grows with every one of them."""
    reader = searcher.reader()
    for clause in parsed.clauses:
        if not (clause.prefix or clause.fuzzy):
            continue
        (word,) = analyze(clause.text, stemmed=False)
        if clause.prefix:  # counted as a fresh build would: words of live entries
            q: Any = LivePrefix("exact", word)
        else:
            q = LiveFuzzyTerm("exact", word, maxdist=clause.fuzzy, prefixlength=1)
        if len(expansions(reader, q)) > MAX_EXPANSIONS:
            raise QuerySyntaxError(
                query,
                f"it stands for more than {MAX_EXPANSIONS} words; make it longer",
                part=str(clause),
                code="too-broad",
                detail=MAX_EXPANSIONS,
            )


def _snippet(
    entry: Question,
    terms: frozenset[str],
    prefixes: frozenset[str] = frozenset(),
    fuzzy: tuple[tuple[str, int], ...] = (),
) -> Snippet:
    """The snippet of an entry: its best passage of question or answer."""
    return make_snippet(
        (("question", entry.question), ("answer", entry.answer)),
        terms,
        prefixes=prefixes,
        fuzzy=fuzzy,
    )


_ID_RE = re.compile(r"^\s*(?:\d{4}Z\d{5}|ah-tk-\d{8}-\d+|[^\s\"*:]+#\d+)(?:#\d+)?\s*$", re.I)


def _looks_like_id(query: str) -> bool:
    """``2019Z12806``, ``2019Z12806#4``, ``ah-tk-20232024-1314``: worth a direct look-up."""
    return bool(_ID_RE.match(query))


def _prefer(searcher: Any, scores: dict[int, float], preferences: Sequence[Preference]) -> None:
    """Raise the scores of the entries that meet each preference (in place)."""
    for preference in preferences:
        factor = 1.0 + interpretation_weight(preference)
        allow = filter_query(preference.filters)
        if allow is None or factor == 1.0:
            continue
        for docnum in matching_docs(searcher, allow) & scores.keys():
            scores[docnum] *= factor


def _scores(searcher: Any, q: Any) -> dict[int, float]:
    """Every entry ``q`` matches with its score: by :mod:`search.engine.scoring`, or by
    Whoosh's matchers for a weighting that module does not compute."""
    scores = score_query(searcher, q)
    if scores is None:
        scores = {docnum: score for score, docnum in searcher.search(q, limit=None).top_n}
    return scores


def _query_scores(searcher: Any, parsed: ParsedQuery) -> dict[int, float]:
    """Every entry a query with words matches, scored: the optional words' BM25F scores
    weighed by their commonness and coordinated (:func:`search.engine.ranking.coordinate`),
    plus the required clauses' scores; excluded entries left out. The same entries as
    :func:`search.engine.query.to_whoosh`'s query matches."""
    should = [c for c in parsed.clauses if not (c.required or c.negated)]
    must = [clause_query(c) for c in parsed.clauses if c.required and not c.negated]
    nots = [clause_query(c, places=False) for c in parsed.clauses if c.negated]
    if not should and not must:
        return _scores(searcher, to_whoosh(parsed))  # only exclusions: every entry
    reader = searcher.reader()
    count = reader.doc_count()
    parts = [_scores(searcher, clause_query(clause)) for clause in should]
    weights = [commonness_weight(_document_frequency(reader, c), count) for c in should]
    scores = coordinate(parts, weights)
    if must:
        required = _scores(searcher, must[0] if len(must) == 1 else wq.And(must))
        get = scores.get
        scores = {d: s + get(d, 0.0) for d, s in required.items()}
    if nots and scores:
        excluded = matching_docs(searcher, nots[0] if len(nots) == 1 else wq.Or(nots))
        scores = {d: s for d, s in scores.items() if d not in excluded}
    return scores


def _document_frequency(reader: Any, clause: Clause) -> int:
    """In how many entries a clause's words occur, in any text or name field (the most
    for one field, a lower bound); a word of several tokens counts its rarest one, a
    prefix or fuzzy word 0 (it is weighed fully)."""
    if clause.prefix or clause.fuzzy:
        return 0
    plains, stems = analyze(clause.text, stemmed=False), analyze(clause.text)
    return min(  # Whoosh is untyped
        int(
            max(
                reader.doc_frequency("exact", plain),
                *(reader.doc_frequency(f, plain) for f in NAME_FIELDS),
                *(reader.doc_frequency(f, stem) for f in STEMMED_FIELDS),
            )
        )
        for plain, stem in zip(plains, stems, strict=True)
    )


def _collect(
    searcher: Any,
    q: Any,
    allow: Any,
    limit: int | None,
    sortedby: Any,
    scores: dict[int, float] | None = None,
) -> Any:
    """Run ``q``: the top ``limit`` by score (every match with None), counted.

    In relevance order every match is scored by :mod:`search.engine.scoring` (Whoosh's BM25F
    scores, summed posting block by posting block; or ``scores``, computed already),
    then ranked: higher score first, on a tie by the entries' order keys
    (:func:`search.engine.live.break_ties`).
    """
    if sortedby is not None:
        return searcher.search(q, filter=allow, limit=limit, sortedby=sortedby)
    if scores is None:
        scores = score_query(searcher, q)
    if scores is None:
        return _collect_whoosh(searcher, q, allow, limit)
    if allow is not None:
        allowed = matching_docs(searcher, allow)
        scores = {d: s for d, s in scores.items() if d in allowed}
    if limit is not None and len(scores) > limit:
        # The limit-th best score first (floats only), then just the entries that reach it.
        floor = heapq.nlargest(limit, scores.values())[-1]
        candidates = {d: s for d, s in scores.items() if s >= floor}
    else:
        candidates = scores
    best = [(-s, d) for s, d in sorted((-s, d) for d, s in candidates.items())]
    best = break_ties(searcher, best)[:limit]  # as in a fresh build (search/engine/live.py)
    results = searching.Results(searcher, q, best, docset=set(scores))
    results._total = len(scores)
    return results


def _collect_whoosh(searcher: Any, q: Any, allow: Any, limit: int | None) -> Any:
    """Whoosh's own collection, for a weighting :mod:`search.engine.scoring` does not know
    (only ``bench/tune.py`` makes one): every match, ranked as :func:`_collect` ranks
    (ties by entry), then cut at ``limit``."""
    results = searcher.search(q, filter=allow, limit=None)
    results.top_n = break_ties(searcher, results.top_n)[:limit]
    return results


def _depth(limit: int | None) -> int | None:
    """How many best matches to collect so that the top ``limit`` can be re-ranked."""
    return None if limit is None else max(limit, RERANK_DEPTH)


def _rerank(searcher: Any, results: Any, parsed: ParsedQuery, allow: Any, *, related: bool) -> None:
    """Re-score ``results`` in place with their documents (see :mod:`search.engine.ranking`).

    Only the best :data:`RERANK_DEPTH` are re-scored; the rest scored lower already and
    keep their order. Siblings are added unless a clause is bound to one text field
    (``vraag:``, ``antwoord:``, ``onderwerp:``: the user asked for that field); they
    pass the filters and the excluded words like any hit. ``results.related`` holds
    the docnums that only their document brought in.
    """
    top = list(results.top_n)
    head, tail = top[:RERANK_DEPTH], top[RERANK_DEPTH:]
    column = cached_column(searcher.reader(), "document_id")
    siblings = None
    if related and not any(c.field in STEMMED_FIELDS for c in parsed.positive):
        nots = [clause_query(c, places=False) for c in parsed.clauses if c.negated]

        def siblings(document_id: str) -> list[int]:
            q: Any = wq.Term("document_id", document_id)
            if nots:
                q = wq.AndNot(q, wq.Or(nots))
            if allow is not None:
                q = wq.And([q, allow])
            return sorted(matching_docs(searcher, q))

    order = cached_column(searcher.reader(), "order")  # "<document id>#<number:06d>"

    def number(docnum: int) -> int:
        return int(order[docnum].rsplit("#", 1)[1])

    matched = results.docs()
    if siblings is not None:
        documents_entries = siblings

        def siblings(document_id: str) -> list[int]:  # a match stays where it ranks
            return [d for d in documents_entries(document_id) if d not in matched]

    ranked, added = fuse(head, column.__getitem__, siblings, number)
    results.top_n = break_ties(searcher, ranked) + tail
    results.related = added - matched
    matched.update(added)
    results._total = len(matched)  # Whoosh caches the count of the collector's matches


def _get(searcher: Any, entry_id: str) -> Question | None:
    stored = searcher.document(entry_id=entry_id)
    return entry_from_stored(stored) if stored else None


def _document(searcher: Any, document_id: str) -> tuple[Question, ...]:
    entries = [entry_from_stored(f) for f in searcher.documents(document_id=document_id)]
    return tuple(sorted(entries, key=lambda e: e.numbers))


def _lookup(searcher: Any, ident: str) -> tuple[Question, ...]:
    ident = re.sub(r"^(\d{4})z(\d{5})", r"\1Z\2", ident.strip())  # 2019z12806
    entry = _get(searcher, ident) if "#" in ident else None
    return (entry,) if entry else _document(searcher, ident)


def _count_facets(reader: Any, docnums: Iterable[int]) -> Facets:
    """Count each facet value over ``docnums`` from the facets column."""
    column = cached_column(reader, "facets")
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    # The entries of one Kamervraag mostly share one blob: parse each distinct one once.
    for blob, times in Counter(column[docnum] for docnum in docnums).items():
        values = json.loads(blob)
        for name in FACETS:
            counter = counters[name]
            for value in values.get(name, ()):
                counter[value] += times
    return {
        name: tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
        for name, counter in counters.items()
    }
