"""kvsearch: full-text search for Dutch parliamentary written questions (Kamervragen).

from search import Index

with Index.build("index", seeds=["seeds"]) as index:
    results = index.search("gezichtsherkenning")
"""

from search.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexPathError,
    IndexVersionError,
    QuerySyntaxError,
    SearchError,
    SeedError,
    SeedParseError,
)
from search.index import Index
from search.models import (
    BuildReport,
    Document,
    Facets,
    Filters,
    Footnote,
    Hit,
    Member,
    Question,
    SearchResults,
    Segment,
    Skipped,
    Snippet,
)

__all__ = [
    "BuildReport",
    "Document",
    "Facets",
    "Filters",
    "Footnote",
    "Hit",
    "Index",
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
]
