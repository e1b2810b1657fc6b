"""kvsearch: full-text search for Dutch parliamentary written questions (Kamervragen).

from search import Index

with Index.build("index", seeds=["seeds"]) as index:
    results = index.search("gezichtsherkenning")
"""

from typing import TYPE_CHECKING

# First: imports Whoosh without the modules kvsearch never uses (see the module).
from search import dependencies  # noqa: F401
from search.errors import (
    EntryNotFoundError,
    FilterError,
    IndexClosedError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexPathError,
    IndexUntrustedError,
    IndexVersionError,
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
from search.index import Index
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

from search.stats import Stats, StatsRow

if TYPE_CHECKING:
    from search.watch import Watch, Watches, WatchNews

#: Public names of a module a search does not use, imported on first use.
_LAZY = {"Watch": "watch", "Watches": "watch", "WatchNews": "watch"}


def __getattr__(name: str) -> object:
    """The saved-search types, imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"search.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'search' has no attribute {name!r}")
