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
    IndexUntrustedError,
    IndexVersionError,
    QuerySyntaxError,
    SearchError,
    SeedError,
    SeedParseError,
    SourceError,
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
]
