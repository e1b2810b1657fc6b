"""The :class:`Index` facade: what an embedding application uses.

from search import Index

with Index.open("index") as index:
    for hit in index.search("gezichtsherkenning").hits:
        print(hit.entry_id, hit.snippet.marked())
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from whoosh import index as whoosh_index

from search import indexer
from search.analysis import analyze
from search.compounds import split_compound
from search.errors import IndexCorruptError
from search.highlight import make_snippet
from search.models import BuildReport, Hit, SearchResults
from search.query import ParsedQuery, highlight_terms, parse, to_whoosh
from search.schema import entry_from_stored
from search.spelling import correct_word, is_unknown

__all__ = ["Index"]

PathLike = str | os.PathLike[str]


class Index:
    """A kvsearch index on disk, opened for searching.

    Use :meth:`open` or :meth:`build`; close it (or use it as a context manager) to
    release its files.
    """

    def __init__(self, path: Path, generation: Path, ix: Any, meta: dict[str, Any]) -> None:
        """Internal: use :meth:`open` or :meth:`build`."""
        self.path = path
        self._generation = generation
        self._ix = ix
        self._meta = meta
        self._searcher: Any = None

    # --- lifecycle -----------------------------------------------------------------

    @classmethod
    def open(cls, path: PathLike) -> Index:
        """Open the index at ``path``.

        Raises:
            IndexNotFoundError: There is no index at ``path``.
            IndexVersionError: It was built with another schema or analysis.
            IndexCorruptError: It is damaged.
        """
        path = Path(path)
        gen = indexer.live_generation(path)
        meta = indexer.read_meta(path, gen)
        try:
            ix = whoosh_index.open_dir(str(gen))
            index = cls(path, gen, ix, meta)
            index._get_searcher()  # opens every segment file: find damage now
        except Exception as exc:  # Whoosh raises many kinds for a damaged index
            raise IndexCorruptError(path, f"{type(exc).__name__}: {exc}") from exc
        return index

    @classmethod
    def build(cls, path: PathLike, seeds: Sequence[PathLike]) -> Index:
        """Build the index at ``path`` from seed files and folders, then open it.

        The previous index at ``path``, if any, stays usable until the new one is
        complete. The build's report is :attr:`last_build`.
        """
        report = indexer.build(Path(path), [Path(s) for s in seeds])
        index = cls.open(path)
        index.last_build = report
        return index

    last_build: BuildReport | None = None

    def update(self, seeds: Sequence[PathLike]) -> BuildReport:
        """Rebuild this index from ``seeds`` and switch to the new version."""
        report = indexer.build(self.path, [Path(s) for s in seeds])
        self._reopen()
        self.last_build = report
        return report

    def _reopen(self) -> None:
        self.close()
        fresh = Index.open(self.path)
        self._generation, self._ix, self._meta = fresh._generation, fresh._ix, fresh._meta

    def close(self) -> None:
        """Release the index's files."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._ix is not None:
            self._ix.close()

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
    def info(self) -> dict[str, Any]:
        """What the index records about itself (versions, seeds, counts, build time)."""
        return {k: v for k, v in self._meta.items() if k != "files"}

    # --- searching -----------------------------------------------------------------

    def _get_searcher(self) -> Any:
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    def search(self, query: str, *, limit: int = 10, page: int = 1) -> SearchResults:
        """Search, best first.

        Args:
            query: Words, ``"phrases"``, ``-excluded``, ``partij:PvdA``... (see
                :mod:`search.query`). Never raises on malformed input.
            limit: Hits per page (at least 1).
            page: 1-based page number.
        """
        limit = max(1, limit)
        page = max(1, page)
        parsed = parse(query)
        if not parsed.clauses:
            return SearchResults(query, "", 0, page, limit, ())
        searcher = self._get_searcher()
        parsed, suggestion = self._correct(searcher.reader(), parsed, query)
        results = searcher.search_page(to_whoosh(parsed), page, pagelen=limit)
        terms = highlight_terms(parsed)
        hits: list[Hit] = []
        # Copy everything out while the searcher holds the files.
        for offset, hit in enumerate(results):
            entry = entry_from_stored(hit.fields())
            snippet = make_snippet((("question", entry.question), ("answer", entry.answer)), terms)
            hits.append(Hit(results.offset + offset + 1, float(hit.score), entry, snippet))
        total = results.total
        if results.pagenum != page:
            hits = []  # Whoosh clamps a page past the end to the last page
        return SearchResults(query, str(parsed), total, page, limit, tuple(hits), suggestion)

    @staticmethod
    def _correct(reader: Any, parsed: ParsedQuery, query: str) -> tuple[ParsedQuery, str | None]:
        """Replace words that occur nowhere by their likely correction."""
        clauses = list(parsed.clauses)
        suggestion = query
        corrected = False
        for i, clause in enumerate(clauses):
            if clause.phrase or clause.field or clause.negated:
                continue
            if not is_unknown(reader, clause.text):
                continue
            fixed = correct_word(reader, clause.text)
            if fixed is None:
                # An unseen compound: look for its parts together instead.
                parts = split_compound(" ".join(analyze(clause.text, stemmed=False)))
                if parts:
                    clauses[i] = replace(clause, text=" ".join(parts))
                continue
            clauses[i] = replace(clause, text=fixed)
            pattern = r"(?<!\w)" + re.escape(clause.text) + r"(?!\w)"
            suggestion = re.sub(pattern, fixed, suggestion, count=1, flags=re.I)
            corrected = True
        return ParsedQuery(tuple(clauses)), suggestion if corrected else None
