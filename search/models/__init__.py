"""Frozen value types of the public API.

Nothing here knows about Whoosh: these are what an embedding application receives.
:mod:`~search.models.entries` holds the entries and documents,
:mod:`~search.models.filters` the conditions on them, :mod:`~search.models.results`
what a search returns and :mod:`~search.models.reports` what a build reports.
"""

from search.models.entries import Document, Footnote, Member, Question
from search.models.filters import STATUS_NAMES, Filters, Preference
from search.models.reports import (
    SKIP_REASONS,
    BuildReport,
    Changes,
    CheckReport,
    DocumentChange,
    Skipped,
)
from search.models.results import Facets, Group, Hit, SearchResults, Segment, Snippet

__all__ = [
    "SKIP_REASONS",
    "STATUS_NAMES",
    "BuildReport",
    "Changes",
    "CheckReport",
    "Document",
    "DocumentChange",
    "Facets",
    "Filters",
    "Footnote",
    "Group",
    "Hit",
    "Member",
    "Preference",
    "Question",
    "SearchResults",
    "Segment",
    "Skipped",
    "Snippet",
]
