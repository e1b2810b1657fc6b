"""The one door into Whoosh's private names: everything kvsearch relies on that Whoosh
does not promise.

kvsearch reads and writes Whoosh's W3 format faster than Whoosh does in a few places,
and for that it uses names Whoosh keeps private. They are all here, each with the
reason, so that a Whoosh upgrade breaks this module (and ``tests/test_internals.py``,
which touches every name), not a search.

Reading (:mod:`search.engine.scoring`, :mod:`search.engine.live`):

* ``SegmentReader._perdoc``: the per-document reader of a segment, to keep caches that
  live exactly as long as the segment's files (:func:`segment_cache`).
* ``W3PerDocReader._cached_reader``, ``whoosh3._lenfield`` and a column reader's
  ``_dbfile``/``_basepos``/``_count``: the encoded field lengths of a segment as one
  byte string (:func:`length_bytes`), instead of one call per document.
* ``NumericColumn.Reader._typecode``/``_fixedlen``/``_default`` with the above: a
  numeric column of a segment (the date order key) as one array
  (:func:`numeric_column`), instead of one call per document.
* ``SegmentReader._storage`` (an ``OverlayStorage`` over the folder's storage when the
  segment is a compound file): the folder of a segment's files, where its dense
  posting arrays are (:func:`segment_location`, :mod:`search.dense`).
* ``SegmentReader._terms`` and ``W3LeafMatcher._postfile``/``_fixedsize``/
  ``_baseoffset``/``_byteids``: where a term's posting blocks start, to decode them
  a block at a time (:func:`posting_file`).
* ``whoosh.system._INT_SIZE``: the size of a block's length prefix.
* ``BM25F._field_B``: per-field B values, which kvsearch's scorer does not compute.
* ``Prefix._btexts``/``FuzzyTerm._btexts``: the words a prefix or fuzzy term expands
  to, read and overridden to expand only to words of live entries
  (:func:`expanded_words`, :func:`live_expanding`).

Writing (:mod:`search.build.bulkwrite`, :mod:`search.build.postings`) and storage
(:mod:`search.build.storage`):

* ``W3Codec._blocklimit``/``_compression``: the posting block size and zlib level a
  W3 segment is written with, so that the bulk writer writes the same bytes
  (:func:`block_settings`).
* ``W3TermInfo._struct``: the layout of a term's info record (:data:`TERMINFO`).
* ``W3FieldWriter._tindex``/``_fieldid``/``_postfile``: the term index, the field's
  number and the posting file of a segment being written, which the bulk writer
  fills itself (:func:`term_index`, :func:`replace_term_index`, :func:`field_number`,
  :func:`postings_out`); ``HashWriter._write_hashes`` is overridden by its term index,
  which keeps the hash buckets in arrays, and ``W3PostingsWriter._write_block`` is
  the code its block encoder reproduces.
* ``FileIndex._read_toc``: the table of contents of a new, empty index (its schema
  and generation number) without opening a reader (:func:`read_toc`).
* ``BufferFile._buf``/``_name`` (set by the memory-mapped file class) and
  ``FileStorage._fpath``: a file's path in a storage (:func:`storage_path`).

At import the installed Whoosh's version is checked against the one these names were
read from (:data:`WRITTEN_FOR`); another raises :class:`~search.errors.DependencyError`
with what to install.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterator
from typing import Any

import whoosh
from whoosh import query as wq
from whoosh import system
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import OverlayStorage

from search.errors import DependencyError

__all__ = [
    "BUILD_NAMES",
    "INT_SIZE",
    "READ_NAMES",
    "TERMINFO",
    "WRITTEN_FOR",
    "block_settings",
    "check_version",
    "expanded_words",
    "field_b",
    "field_number",
    "length_bytes",
    "live_expanding",
    "numeric_column",
    "posting_file",
    "postings_out",
    "read_toc",
    "replace_term_index",
    "segment_cache",
    "segment_location",
    "storage_path",
    "term_index",
]

#: The Whoosh release whose private names this module was written against (the
#: ``Whoosh-Reloaded`` distribution pinned in pyproject.toml).
WRITTEN_FOR = (2, 7, 5)

#: The private names read here: (what holds it, its name). Instances are named by
#: their class; ``tests/test_internals.py`` finds each one on a real index.
READ_NAMES: tuple[tuple[str, str], ...] = (
    ("whoosh.reading.SegmentReader", "_perdoc"),
    ("whoosh.reading.SegmentReader", "_terms"),
    ("whoosh.reading.SegmentReader", "_storage"),
    ("whoosh.codec.whoosh3.W3PerDocReader", "_cached_reader"),
    ("whoosh.codec.whoosh3", "_lenfield"),
    ("whoosh.columns.FixedBytesColumn.Reader", "_dbfile"),
    ("whoosh.columns.FixedBytesColumn.Reader", "_basepos"),
    ("whoosh.columns.FixedBytesColumn.Reader", "_count"),
    ("whoosh.columns.NumericColumn.Reader", "_typecode"),
    ("whoosh.columns.NumericColumn.Reader", "_fixedlen"),
    ("whoosh.columns.NumericColumn.Reader", "_default"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_postfile"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_fixedsize"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_baseoffset"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_byteids"),
    ("whoosh.system", "_INT_SIZE"),
    ("whoosh.scoring.BM25F", "_field_B"),
    ("whoosh.query.Prefix", "_btexts"),
    ("whoosh.query.FuzzyTerm", "_btexts"),
)

#: The private names the build and the storage use (see those modules).
BUILD_NAMES: tuple[tuple[str, str], ...] = (
    ("whoosh.codec.whoosh3.W3Codec", "_blocklimit"),
    ("whoosh.codec.whoosh3.W3Codec", "_compression"),
    ("whoosh.codec.whoosh3.W3TermInfo", "_struct"),
    ("whoosh.codec.whoosh3.W3FieldWriter", "_tindex"),
    ("whoosh.codec.whoosh3.W3FieldWriter", "_fieldid"),
    ("whoosh.codec.whoosh3.W3FieldWriter", "_postfile"),
    ("whoosh.codec.whoosh3.W3PostingsWriter", "_write_block"),
    ("whoosh.filedb.filetables.HashWriter", "_write_hashes"),
    ("whoosh.index.FileIndex", "_read_toc"),
    ("whoosh.filedb.structfile.BufferFile", "_buf"),
    ("whoosh.filedb.structfile.BufferFile", "_name"),
    ("whoosh.filedb.filestore.FileStorage", "_fpath"),
)


def check_version(found: tuple[int, ...] | None = None) -> None:
    """Raise :class:`DependencyError` unless ``found`` (default: the installed
    Whoosh's version) is :data:`WRITTEN_FOR`."""
    found = tuple(whoosh.__version__) if found is None else found
    if found != WRITTEN_FOR:
        raise DependencyError(
            "Whoosh-Reloaded",
            ".".join(map(str, found)),
            ".".join(map(str, WRITTEN_FOR)),
        )


check_version()

#: The size of the length that starts each posting block of a W3 posting file.
INT_SIZE: int = system._INT_SIZE


def segment_cache(reader: Any, name: str) -> dict[Any, Any]:
    """A dict kept with one segment's reader (dropped with its files)."""
    cache: dict[Any, Any] = reader._perdoc.__dict__.setdefault(name, {})
    return cache


def segment_location(reader: Any) -> tuple[str, str] | None:
    """(folder, segment id) of one segment's files (the id as ``Segment.segment_id``
    gives it: the index's name first); None when its storage is not a folder."""
    storage = reader._storage
    if isinstance(storage, OverlayStorage):  # a compound segment: its folder is under it
        storage = storage.b
    folder = getattr(storage, "folder", None)
    if not isinstance(folder, str):
        return None
    segment_id: str = reader.segment().segment_id()
    return folder, segment_id


def length_bytes(reader: Any, fieldname: str) -> bytes:
    """The encoded length of ``fieldname`` in every document of one segment, one byte
    a document (``whoosh.util.numeric.length_to_byte``); b"" when none is stored."""
    perdoc = reader._perdoc
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if not column:
        return b""
    data: bytes = column._dbfile.get(column._basepos, column._count)
    return data


def numeric_column(reader: Any, fieldname: str) -> array[int] | None:
    """The values of a numeric column in every document of one segment, as stored
    (Whoosh's sortable form: in the order of the numbers), read in one piece; None when
    the segment has no such column. What ``column_reader(fieldname, translate=False)``
    gives one document at a time."""
    perdoc = reader._perdoc
    if not perdoc.has_column(fieldname):
        return None
    column = perdoc.column_reader(fieldname, reader.schema[fieldname].column_type)
    values: array[int] = array(column._typecode)
    if values.itemsize != column._fixedlen:  # a typecode of another size here
        return array(column._typecode, column)
    values.frombytes(column._dbfile.get(column._basepos, column._count * column._fixedlen))
    if sys.byteorder == "little":  # stored big-endian
        values.byteswap()
    missing = reader.doc_count_all() - len(values)
    if missing > 0:  # documents after the last value written have the default
        values.extend([column._default] * missing)
    return values


def posting_file(reader: Any, fieldname: str, text: bytes) -> tuple[Any, Any, int, int] | Any:
    """Where the posting blocks of a term start in one segment.

    Returns ``(matcher, posting file, fixed value size, offset of the first block)``
    for Whoosh's W3 format, or the term's matcher alone when its postings are stored
    another way (inlined in the term info, another codec): read that one posting at a
    time.
    """
    matcher = reader._terms.matcher(fieldname, text, reader.schema[fieldname].format)
    if not isinstance(matcher, whoosh3.W3LeafMatcher) or matcher._byteids:
        return matcher
    return matcher, matcher._postfile, matcher._fixedsize, matcher._baseoffset


def field_b(weighting: Any) -> dict[str, float]:
    """The per-field B values of a ``BM25F`` weighting (empty: one B for all)."""
    values: dict[str, float] = weighting._field_B
    return values


def expanded_words(q: Any, reader: Any) -> Iterator[bytes | str]:
    """The words a ``Prefix`` or ``FuzzyTerm`` stands for in one segment's reader."""
    words: Iterator[bytes | str] = q._btexts(reader)
    return words


def live_expanding(
    base: type[Any], keep: Callable[[Any, str, Iterator[bytes]], Iterator[bytes]]
) -> type[Any]:
    """A subclass of ``wq.Prefix`` or ``wq.FuzzyTerm`` whose expansion passes through
    ``keep(reader, fieldname, words)`` (which drops the words of deleted entries)."""
    if base not in (wq.Prefix, wq.FuzzyTerm):
        raise TypeError(f"{base.__name__}: only Prefix and FuzzyTerm expand")

    class Live(base):  # type: ignore[misc]  # Whoosh is untyped
        def _btexts(self, ixreader: Any) -> Iterator[bytes]:
            return keep(ixreader, self.fieldname, super()._btexts(ixreader))

    Live.__name__ = Live.__qualname__ = f"Live{base.__name__}"
    return Live


#: The ``struct`` layout of a W3 term info record.
TERMINFO: Any = whoosh3.W3TermInfo._struct


def block_settings(codec: Any) -> tuple[int, int]:
    """(postings per block, zlib level) of a W3 codec."""
    return int(codec._blocklimit), int(codec._compression)


def term_index(fieldwriter: Any) -> Any:
    """The term index a W3 field writer writes to."""
    return fieldwriter._tindex


def replace_term_index(fieldwriter: Any, wrap: Callable[[Any], Any]) -> Any:
    """Replace a W3 field writer's term index by ``wrap(term index)``; the new one."""
    fieldwriter._tindex = wrap(fieldwriter._tindex)
    return fieldwriter._tindex


def field_number(fieldwriter: Any) -> int:
    """The number of the field a W3 field writer is writing."""
    return int(fieldwriter._fieldid)


def postings_out(fieldwriter: Any) -> Any:
    """The posting file a W3 field writer writes to."""
    return fieldwriter._postfile


def read_toc(ix: Any) -> Any:
    """The table of contents of a file index."""
    return ix._read_toc()


def storage_path(storage: Any, name: str) -> str:
    """The path of file ``name`` in a file storage."""
    path: str = storage._fpath(name)
    return path
