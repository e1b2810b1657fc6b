"""kvsearch: full-text search for Dutch parliamentary written questions (Kamervragen).

from search import Index

with Index.build("index", seeds=["seeds"]) as index:
    results = index.search("gezichtsherkenning")
"""

from typing import TYPE_CHECKING

from search.errors import (
    DependencyError,
    EntryNotFoundError,
    FilterError,
    IndexClosedError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexPathError,
    IndexUntrustedError,
    IndexVersionError,
    IndexWriteError,
    QuerySyntaxError,
    SearchError,
    SeedError,
    SeedParseError,
    SourceError,
    WatchExistsError,
    WatchNameError,
    WatchNotFoundError,
    WatchStoreError,
)
from search.models import (
    BuildReport,
    CheckReport,
    Document,
    Facets,
    Filters,
    Footnote,
    Group,
    Hit,
    Member,
    Preference,
    Question,
    SearchResults,
    Segment,
    Skipped,
    Snippet,
)

__all__ = [
    "BuildReport",
    "CheckReport",
    "DependencyError",
    "Document",
    "EntryNotFoundError",
    "Facets",
    "FilterError",
    "Filters",
    "Footnote",
    "Group",
    "Hit",
    "Index",
    "IndexClosedError",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexPathError",
    "IndexUntrustedError",
    "IndexVersionError",
    "IndexWriteError",
    "Member",
    "Preference",
    "Question",
    "QuerySyntaxError",
    "SearchError",
    "SearchResults",
    "Segment",
    "SeedError",
    "SeedParseError",
    "Skipped",
    "Snippet",
    "SourceError",
    "Stats",
    "StatsRow",
    "Watch",
    "WatchExistsError",
    "WatchNameError",
    "WatchNews",
    "WatchNotFoundError",
    "WatchStoreError",
    "Watches",
]

from search.follow.stats import Stats, StatsRow

if TYPE_CHECKING:
    from search.follow.watch import Watch, Watches, WatchNews
    from search.index import Index

#: Public names imported on first use: the saved-search types (a search does not use
#: them), and ``Index``, which imports Whoosh: ``import search.cli`` (the ``kvsearch``
#: command) first imports Whoosh without what it never uses (:mod:`search.dependencies`),
#: an application that imports ``search`` gets Whoosh as it is.
_LAZY = {
    "Index": "index",
    "Watch": "follow.watch",
    "Watches": "follow.watch",
    "WatchNews": "follow.watch",
}


def __getattr__(name: str) -> object:
    """``Index`` and the saved-search types, imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"search.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'search' has no attribute {name!r}")
