"""The Whoosh objects the engine is handed, as small typing protocols.

Whoosh ships no type hints. Rather than annotating its searcher and reader ``Any``,
the engine names here the part of each that it calls, so that mypy checks every call
and ``tests/test_internals.py`` checks that Whoosh's real objects still have them
(the protocols are runtime-checkable). Whoosh's own classes never appear in a
signature of the public API (:mod:`search`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

__all__ = ["Reader", "Searcher"]


@runtime_checkable
class Reader(Protocol):
    """What the engine reads of an index reader (``whoosh.reading.IndexReader``)."""

    schema: Any

    def doc_count(self) -> int:
        """Live documents."""

    def doc_count_all(self) -> int:
        """Documents, deleted ones included."""

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        """In how many documents a term occurs."""

    def field_length(self, fieldname: str) -> int:
        """The total length of a field over all documents."""

    def has_deletions(self) -> bool:
        """Whether some documents are deleted."""

    @property
    def deleted_docs_set(self) -> Any:
        """The deleted document numbers (a reader of one segment)."""

    def is_atomic(self) -> bool:
        """Whether this reads one segment."""

    def leaf_readers(self) -> list[tuple[Any, int]]:
        """(reader, first document number) of each segment."""

    def column_reader(self, fieldname: str, **kwargs: Any) -> Any:
        """The reader of a column field."""

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        """The stored fields of one document."""

    def __contains__(self, term: tuple[str, Any]) -> bool:
        """Whether a (field name, text) term occurs."""


@runtime_checkable
class Searcher(Protocol):
    """What the engine calls on a searcher (``whoosh.searching.Searcher``)."""

    schema: Any
    weighting: Any

    def reader(self) -> Reader:
        """The searcher's reader."""

    def search(self, q: Any, **kwargs: Any) -> Any:
        """Run a query with Whoosh's collectors (sorted results, id look-ups)."""

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        """The stored fields of one document."""

    def document(self, **kwargs: Any) -> dict[str, Any] | None:
        """The stored fields of the first document whose fields have these values."""

    def documents(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """The stored fields of every document whose fields have these values."""

    def docs_for_query(self, q: Any) -> Iterable[int]:
        """The document numbers a query matches."""

    def leaf_searchers(self) -> list[tuple[Any, int]]:
        """(searcher, first document number) of each segment."""

    def doc_count(self) -> int:
        """Live documents."""

    def idf(self, fieldname: str, text: Any) -> float:
        """The inverse document frequency of a term."""

    def avg_field_length(self, fieldname: str, default: float | None = None) -> float:
        """The average length of a field."""

    def context(self, **kwargs: Any) -> Any:
        """The search context matchers are made in."""

    def key_terms_from_text(self, fieldname: str, text: str, **kwargs: Any) -> Any:
        """The terms of a text that best tell it apart (for "more like this")."""

    def close(self) -> None:
        """Release the searcher's files."""
