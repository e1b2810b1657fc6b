"""Seed files -> documents -> question entries.

:mod:`~search.ingest.files` finds the seed files and names them;
:mod:`~search.ingest.parse` reads one (bytes to text: :mod:`~search.ingest.decoding`)
into a :class:`ParsedFile`: :mod:`~search.ingest.markdown` (the only module that
imports markdown-it-py) gives its lines and renders inline markup to plain text,
:mod:`~search.ingest.blocks` groups the lines into documents with question and answer
blocks and :mod:`~search.ingest.footnotes`, :mod:`~search.ingest.metadata` (intro,
reply and notice lines, with :mod:`~search.ingest.dates` and the debris
:mod:`~search.ingest.repairs`) and :mod:`~search.ingest.entries` turn each into a
:class:`~search.models.Document` of question entries; :mod:`~search.ingest.merge`
merges a question document with its answer document. Names with a leading underscore
are shared between these modules only. The stage knows nothing of Whoosh.
"""

from __future__ import annotations

from search.formats import INGEST_VERSION
from search.ingest.blocks import parse_numbers
from search.ingest.dates import parse_dutch_date
from search.ingest.decoding import MAX_BAD_LINES
from search.ingest.files import SEED_SUFFIXES, find_seed_files, scan_seed_files, source_name
from search.ingest.merge import merge_documents, merge_group, merge_report
from search.ingest.parse import ParsedFile, no_gc, parse_file, parse_text

__all__ = [
    "INGEST_VERSION",
    "MAX_BAD_LINES",
    "SEED_SUFFIXES",
    "ParsedFile",
    "find_seed_files",
    "merge_documents",
    "merge_group",
    "merge_report",
    "no_gc",
    "parse_dutch_date",
    "parse_file",
    "parse_numbers",
    "parse_text",
    "scan_seed_files",
    "source_name",
]
