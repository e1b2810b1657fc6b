"""Writing a generation's Whoosh index from spooled documents.

A full build writes one segment with :class:`~search.build.bulkwrite.BulkWriter`,
with a forked helper process for half of the postings when it is large; an update
goes through Whoosh's own writer into a copy (hard links) of the live index.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from search.build.generations import open_for_reading, open_for_writing
from search.build.parse import ingest, usable_cpus
from search.build.spool import SpooledDocuments
from search.dutch.analysis import add_words, known_words
from search.models import Document
from search.schema import fields_for, make_schema

__all__ = [
    "PARALLEL_WRITE_ENTRIES",
    "Progress",
    "count_documents",
    "entry_fields",
    "fork_helper",
    "write_whoosh",
]

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stage ``read`` counts files, ``write``
counts entries."""

#: A full build of at least this many entries writes with two processes (see
#: ``BulkWriter.start_helper``).
PARALLEL_WRITE_ENTRIES = 2000


def entry_fields(documents: Iterable[Document]) -> Iterator[dict[str, Any]]:
    """The Whoosh fields of every entry of ``documents``, in index order."""
    for doc in documents:
        for entry in doc.entries:
            if doc.delayed and not entry.delayed:
                entry = replace(entry, delayed=True)
            yield fields_for(entry)


def fork_helper(gen: Path) -> Any:
    """A process forked now to write half of the postings later (``HelperProcess``)."""
    from search.build.bulkwrite import HelperProcess  # builds only

    return HelperProcess(gen)


class _HelperFields:
    """The write helper's ``fields()`` (see ``BulkWriter.start_helper``), pickled to a
    process forked before the seeds were parsed: the words analysed since come along,
    so that it does not analyse them again."""

    #: Words per marshalled chunk: pickling them at once would hold a memo entry per
    #: object (about 150 MB for the 500,000 words of a 500k build) until it is done.
    WORDS_PER_CHUNK = 20_000

    def __init__(self, documents: SpooledDocuments) -> None:
        self._documents = documents
        words = known_words()
        step = self.WORDS_PER_CHUNK
        self._words = [marshal.dumps(words[i : i + step]) for i in range(0, len(words), step)]

    def __call__(self) -> Iterator[dict[str, Any]]:
        chunks, self._words = self._words, []
        while chunks:
            add_words(marshal.loads(chunks.pop()))
        return entry_fields(self._documents)


def write_whoosh(
    gen: Path,
    documents: SpooledDocuments,
    replace_ids: set[str] | None,
    progress: Progress | None,
    helper: Any = None,
) -> int:
    """Write the entries of ``documents`` into the generation; with ``replace_ids``,
    into a copy of the live index after deleting the entries of those document ids.

    A full build writes one segment with :class:`BulkWriter`, with a helper process
    for half of the postings when it is large (``helper``: one forked earlier; else
    one is forked now); an update goes through Whoosh's own writer (a new segment,
    merged by Whoosh's policy).

    Raises:
        IndexWriteError: The write helper ran out of disk space or memory, or was
            killed.
    """
    with ingest().no_gc():
        return _write_entries(gen, documents, replace_ids, progress, helper)


def _write_entries(
    gen: Path,
    documents: SpooledDocuments,
    replace_ids: set[str] | None,
    progress: Progress | None,
    helper: Any,
) -> int:
    total = documents.entries
    if replace_ids is None:
        ix = whoosh_index.create_in(str(gen), make_schema())
        from search.build.bulkwrite import BulkWriter  # builds only

        writer: Any = BulkWriter(ix)
        if total >= PARALLEL_WRITE_ENTRIES and usable_cpus() > 1:
            if helper is not None:
                writer.start_helper(_HelperFields(documents), process=helper)
            else:
                writer.start_helper(lambda: entry_fields(documents))
    else:
        ix = open_for_writing(gen)
        writer = ix.writer(limitmb=256)
    done = 0
    try:
        for doc_id in sorted(replace_ids or ()):
            writer.delete_by_term("document_id", doc_id)
        for fields in entry_fields(documents):
            if replace_ids is None:
                writer.add_document(fields)
            else:
                writer.add_document(**fields)
            done += 1
            if progress and done % 50 == 0:
                progress("write", done, total)
    except BaseException:
        writer.cancel()
        ix.close()
        raise
    writer.commit()
    ix.close()
    ix = open_for_reading(gen)
    with ix.reader() as reader:
        count: int = reader.doc_count()
    ix.close()
    if progress:
        progress("write", total, total)
    return count


def count_documents(gen: Path, doc_ids: set[str]) -> int:
    """How many of ``doc_ids`` have entries in the generation's index: those among the
    words of its ``document_id`` field (a word is there when it has a posting, as
    ``doc_frequency`` counts them), read in one pass over that field's words instead of
    one look-up per document (4.4 of the 13.6 s of an update at 500,000 entries)."""
    ix = open_for_reading(gen)
    try:
        with ix.reader() as reader:
            return len(doc_ids.intersection(reader.field_terms("document_id")))
    finally:
        ix.close()
