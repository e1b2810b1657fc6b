"""Parsed documents kept on disk while a build runs, not in memory.

A full build parses every seed file before it writes (documents with the same id in
different files are merged first), and 500,000 entries are about 1.2 GB of parsed
documents: held in memory, and copied page by page into the forked process that
writes half of the postings (``search.build.bulkwrite``). Instead, every process that parses
appends the documents it parsed to a spool file of its own (one pickle per document)
in the folder of the generation being built, and hands on only where each one is
(:class:`Spooled`); the build reads them back one at a time, in index order, as often
as it needs to (once per writing process).

Spool files are named ``.spool-<pid>.tmp``: a build removes them when it has written
the index, and a killed build's are removed with its unfinished generation.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from search.models import Document

__all__ = ["Spool", "Spooled", "SpooledDocuments"]

SPOOL_PREFIX = ".spool-"
SPOOL_SUFFIX = ".tmp"


@dataclass(frozen=True, slots=True)
class Spooled:
    """Where a spooled document is, and what the build needs to know without it."""

    document_id: str
    entries: int
    file: str
    offset: int
    size: int


class Spool:
    """The spool files of one build, in ``folder``; any process may write to it (each
    to a file of its own) and read what any process wrote."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        #: Open file descriptors for reading, by file name (``os.pread``: a forked
        #: process may share them).
        self._readers: dict[str, int] = {}

    def write(self, documents: Iterable[Document]) -> list[Spooled]:
        """Append documents to this process's spool file; where they are, in order."""
        name = f"{SPOOL_PREFIX}{os.getpid()}{SPOOL_SUFFIX}"
        where: list[Spooled] = []
        # Opened per call: a pool worker has no hook at exit to close a file, and what
        # is written must be readable by the parent as soon as this returns.
        with open(self.folder / name, "ab") as fh:
            offset = fh.tell()
            for doc in documents:
                data = pickle.dumps(doc, pickle.HIGHEST_PROTOCOL)
                fh.write(data)
                where.append(Spooled(doc.document_id, len(doc.entries), name, offset, len(data)))
                offset += len(data)
        return where

    def load(self, where: Spooled) -> Document:
        """A spooled document."""
        fd = self._readers.get(where.file)
        if fd is None:
            fd = self._readers[where.file] = os.open(self.folder / where.file, os.O_RDONLY)
        data = os.pread(fd, where.size, where.offset)
        if len(data) != where.size:
            raise OSError(f"spool file {where.file} is shorter than expected")
        document: Document = pickle.loads(data)
        return document

    def documents(self, where: Iterable[Spooled]) -> Iterator[Document]:
        """The spooled documents, one at a time."""
        for item in where:
            yield self.load(item)

    def close(self) -> None:
        """Close the files this process reads."""
        while self._readers:
            _, fd = self._readers.popitem()
            os.close(fd)

    def remove(self) -> None:
        """Close and delete every spool file in the folder."""
        self.close()
        for file in self.folder.glob(f"{SPOOL_PREFIX}*{SPOOL_SUFFIX}"):
            file.unlink(missing_ok=True)


@dataclass(frozen=True)
class SpooledDocuments:
    """Spooled documents in index order, to read as often as needed (by any process:
    it pickles as the folder and the places)."""

    folder: Path
    where: list[Spooled]

    @property
    def entries(self) -> int:
        """How many entries the documents have."""
        return sum(w.entries for w in self.where)

    def __iter__(self) -> Iterator[Document]:
        spool = Spool(self.folder)
        try:
            yield from spool.documents(self.where)
        finally:
            spool.close()
