r"""What a search returns: :class:`SearchResults` with its :class:`Hit`\ s, their
:class:`Snippet`\ s, the documents of a grouped search and the facet counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from search.models.entries import Question
from search.models.filters import Preference

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
