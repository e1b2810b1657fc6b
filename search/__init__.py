"""kvsearch: full-text search for Dutch parliamentary written questions (Kamervragen).

from search import Index

with Index.build("index", seeds=["seeds"]) as index:
    results = index.search("gezichtsherkenning")
"""

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
    IndexVersionError,
    QuerySyntaxError,
    SearchError,
    SeedError,
    SeedParseError,
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
    Question,
    SearchResults,
    Segment,
    Skipped,
    Snippet,
)
from search.watch import Watch, Watches, WatchNews

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
    "IndexVersionError",
    "Member",
    "Question",
    "QuerySyntaxError",
    "SearchError",
    "SearchResults",
    "Segment",
    "SeedError",
    "SeedParseError",
    "Skipped",
    "Snippet",
    "Watch",
    "WatchExistsError",
    "WatchNameError",
    "WatchNews",
    "WatchNotFoundError",
    "WatchStoreError",
    "Watches",
]
