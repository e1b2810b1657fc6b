"""Full builds written as one Whoosh segment, without Whoosh's posting pool.

Whoosh's ``SegmentWriter`` puts every posting into a pool as a tuple
``(field, term, docnum, weight, value)``, sorts the pool, spills it to temporary files
with pickle and merges them back at commit: about half of a build's time. Postings of a
full build arrive in document order, so only the terms need sorting: :class:`BulkWriter`
appends each document's postings to per-term lists (docnums, weights, values), sorts the
terms when it writes, and writes the segment through the codec exactly as
``SegmentWriter`` does (the per-document writer for stored fields, field lengths and
columns; the field writer for terms and postings; then the table of contents). The
result is an ordinary single-segment Whoosh index: the same schema, readers, queries
and incremental updates through Whoosh's normal writer.

Memory is bounded: after :data:`RUN_POSTINGS` postings the lists are written, terms
sorted, to a run file (marshal) and cleared; at commit the runs are merged term by term
(a k-way merge over sorted terms whose posting lists concatenate, as the runs hold
consecutive documents), so the index is still one segment.

Whoosh types stay inside this module; callers pass field dicts as for
``IndexWriter.add_document``.
"""

from __future__ import annotations

import heapq
import marshal
import os
import struct
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Frequency, Positions
from whoosh.index import TOC, LockError, clean_files
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.analysis import index_chain, index_words

__all__ = ["RUN_POSTINGS", "BulkWriter"]

#: Postings held in memory before they are written to a run file. About 40 bytes
#: each with the Python objects around them.
RUN_POSTINGS = 4_000_000

#: One term's postings: docnums, weights and encoded values (empty when the field's
#: format has no values).
_Postings = tuple["array[int]", "array[float]", list[bytes]]
#: What a run file holds per term, in term order.
_RunRecord = tuple[str, bytes, bytes, bytes, list[bytes]]
#: One field's postings of one document: (term, weight, encoded value), and its length.
_Items = tuple[list[tuple[Any, float, bytes]], int]

#: Encoded values, by position (Positions) or frequency (Frequency), of a single
#: occurrence: most postings, the same few hundred byte strings.
_ONE_POSITION: dict[int, bytes] = {}
_FREQUENCY: dict[int, bytes] = {}
#: ``whoosh.system.pack_uint``.
pack_uint = struct.Struct("!I").pack


def _positions_value(poslist: list[int]) -> bytes:
    """``Positions.encode``, with the single positions cached."""
    if len(poslist) == 1:
        pos = poslist[0]
        value = _ONE_POSITION.get(pos)
        if value is None:
            value = _ONE_POSITION[pos] = pack_uint(1) + dumps([pos], 2)
        return value
    deltas = [poslist[0]]
    deltas.extend([b - a for a, b in zip(poslist, poslist[1:], strict=False)])
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def _frequency_value(freq: int) -> bytes:
    value = _FREQUENCY.get(freq)
    if value is None:
        value = _FREQUENCY[freq] = pack_uint(freq)
    return value


def _first(item: tuple[bytes, _Postings]) -> bytes:
    return item[0]


class BulkWriter:
    """Writes a new index's documents as one segment (a full build only).

    Use as ``add_document(fields)`` for each document, then :meth:`commit`, or
    :meth:`cancel` on failure. The index must be empty (just created).
    """

    def __init__(self, ix: Any, *, run_postings: int = RUN_POSTINGS) -> None:
        self._ix = ix
        self._storage = ix.storage
        self._indexname = ix.indexname
        self._lock = ix.lock("WRITELOCK")
        if not self._lock.acquire():
            raise LockError
        try:
            info = ix._read_toc()
            if info.segments:
                raise ValueError("BulkWriter writes new indexes only; this one has segments")
            self._generation: int = info.generation + 1
            self._schema = info.schema
            self._check_schema()
            self._codec = W3Codec()
            self._segment = self._codec.new_segment(self._storage, self._indexname)
            self._perdoc = self._codec.per_document_writer(self._storage, self._segment)
        except BaseException:
            self._lock.release()
            raise
        self._run_postings = run_postings
        self._docnum = 0
        self._pending = 0
        self._runs: list[Path] = []
        #: Per field, its terms' postings; terms are str in fast fields, else bytes.
        self._terms: dict[str, dict[Any, _Postings]] = {}
        self._has_values: dict[str, bool] = {}
        #: Per scorable field, the length byte of every document (0: none).
        self._lengths: dict[str, bytearray] = {}
        #: Text fields analysed by :func:`index_words` (chain, positions?) instead of
        #: Whoosh's analyzer: exactly the same terms, a cache per word.
        self._fast: dict[str, tuple[int, bool]] = {}
        for name, field in self._schema.items():
            fmt = getattr(field, "format", None)
            kind = index_chain(getattr(field, "analyzer", None))
            if kind is None or fmt is None or fmt.field_boost != 1.0 or field.column_type:
                continue
            if not field.scorable:
                continue
            if type(fmt) in (Positions, Frequency):
                self._fast[name] = (kind, type(fmt) is Positions)
        #: Per field, the last value and its postings (an entry's subject, context and
        #: names repeat in the next entry of the same document).
        self._memo: dict[str, tuple[str, _Items]] = {}
        self._closed = False

    def _check_schema(self) -> None:
        for name, field in self._schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"BulkWriter cannot write field {name!r} (vectors, spelling)")

    @property
    def doc_count(self) -> int:
        """Documents added so far."""
        return self._docnum

    def add_document(self, fields: Mapping[str, Any]) -> None:
        """Add one document, as ``SegmentWriter.add_document(**fields)`` would."""
        if self._closed:
            raise ValueError("this writer is closed")
        schema = self._schema
        names = sorted(fields)
        for name in names:
            if name.startswith("_") or name not in schema:
                raise ValueError(f"BulkWriter: unknown or unsupported field {name!r}")
        docnum = self._docnum
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        added = 0
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    terms = self._terms.get(name)
                    if terms is None:
                        terms = self._terms[name] = {}
                        self._has_values[name] = field.format.fixed_value_size() != 0
                    keep_values = self._has_values[name]
                    fast = self._fast.get(name)
                    if fast is not None and isinstance(value, str):
                        memo = self._memo.get(name)
                        if memo is not None and memo[0] == value:
                            items, length = memo[1]
                        else:
                            items, length = self._analyse(value, *fast)
                            self._memo[name] = (value, (items, length))
                        for term, weight, vbytes in items:
                            postings = terms.get(term)
                            if postings is None:
                                postings = terms[term] = (array("I"), array("f"), [])
                            postings[0].append(docnum)
                            postings[1].append(weight)
                            postings[2].append(vbytes)
                        added += len(items)
                        self._set_length(name, docnum, length)
                        perdoc.add_field(name, field, value if field.stored else None, length)
                        continue
                    scorable = field.scorable
                    for btext, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        postings = terms.get(btext)
                        if postings is None:
                            postings = terms[btext] = (array("I"), array("f"), [])
                        postings[0].append(docnum)
                        postings[1].append(weight)
                        if keep_values:
                            if not vbytes:
                                raise ValueError(f"empty posting value in field {name!r}")
                            postings[2].append(vbytes)
                        added += 1
                    if scorable:
                        self._set_length(name, docnum, length)
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._docnum += 1
        self._pending += added
        if self._pending >= self._run_postings:
            self._write_run()

    @staticmethod
    def _analyse(value: str, kind: int, positions: bool) -> _Items:
        """A text field's postings, as ``Positions``/``Frequency.word_values`` with the
        field's analyzer would give them (terms as str; boosts are all 1)."""
        poses: dict[str, list[int]] = {}
        get = poses.get
        pos = 0
        for word in index_words(value):
            for term in word[kind]:
                found = get(term)
                if found is None:
                    poses[term] = [pos]
                else:
                    found.append(pos)
            pos += 1
        if positions:
            items = [(t, float(len(p)), _positions_value(p)) for t, p in poses.items()]
        else:
            items = [(t, float(len(p)), _frequency_value(len(p))) for t, p in poses.items()]
        return items, sum(len(p) for p in poses.values())

    def _set_length(self, name: str, docnum: int, length: int) -> None:
        lengths = self._lengths.get(name)
        if lengths is None:
            lengths = self._lengths[name] = bytearray()
        if len(lengths) < docnum:
            lengths.extend(bytes(docnum - len(lengths)))
        lengths.append(length_to_byte(length) if length else 0)

    # Runs

    def _sorted_terms(self) -> Iterator[_RunRecord]:
        for name in sorted(self._terms):
            for btext, (ids, weights, values) in self._sorted_field(name):
                yield name, btext, ids.tobytes(), weights.tobytes(), values

    def _sorted_field(self, name: str) -> list[tuple[bytes, _Postings]]:
        """A field's terms as UTF-8 (fast fields key them by str), in byte order."""
        terms = self._terms.pop(name)
        if name in self._fast:
            return sorted(((t.encode("utf-8"), p) for t, p in terms.items()), key=_first)
        return sorted(terms.items(), key=_first)

    def _write_run(self) -> None:
        folder = Path(self._storage.folder)
        path = folder / f".bulk-{os.getpid()}-{len(self._runs)}.run"
        self._runs.append(path)
        with open(path, "wb") as fh:
            for record in self._sorted_terms():
                marshal.dump(record, fh)
        self._terms.clear()
        self._pending = 0

    @staticmethod
    def _read_run(path: Path) -> Iterator[_RunRecord]:
        with open(path, "rb") as fh:
            while True:
                try:
                    record: _RunRecord = marshal.load(fh)
                except EOFError:
                    return
                yield record

    def _merged(self) -> Iterator[tuple[str, bytes, _Postings]]:
        """All terms in (field, term) order with their whole posting lists."""
        if not self._runs:
            for name in sorted(self._terms):
                sorted_terms = self._sorted_field(name)
                sorted_terms.reverse()
                while sorted_terms:
                    btext, found = sorted_terms.pop()
                    yield name, btext, found
            return
        if self._terms:
            self._write_run()
        streams = [self._read_run(p) for p in self._runs]
        merged = heapq.merge(*streams, key=lambda r: (r[0], r[1]))
        current: tuple[str, bytes] | None = None
        postings: _Postings = (array("I"), array("f"), [])
        for name, btext, ids, weights, values in merged:
            if current != (name, btext):
                if current is not None:
                    yield current[0], current[1], postings
                current = (name, btext)
                postings = (array("I"), array("f"), [])
            postings[0].frombytes(ids)
            postings[1].frombytes(weights)
            postings[2].extend(values)
        if current is not None:
            yield current[0], current[1], postings

    # Writing the segment

    def commit(self) -> int:
        """Write the segment and make it the index's content; return the doc count."""
        if self._closed:
            raise ValueError("this writer is closed")
        try:
            self._perdoc.close()
            self._segment.set_doc_count(self._docnum)
            self._write_postings()
            segment = self._segment
            if segment.should_assemble():
                segment.create_compound_file(self._storage)
                segment.compound = True
            toc = TOC(self._schema, [segment], self._generation)
            toc.write(self._storage, self._indexname)
            clean_files(self._storage, self._indexname, self._generation, [segment])
        finally:
            self._finish()
        return self._docnum

    def cancel(self) -> None:
        """Give up: nothing is committed (the index stays empty)."""
        if self._closed:
            return
        try:
            if not self._perdoc.is_closed:
                self._perdoc.close()
        finally:
            self._finish()

    def _finish(self) -> None:
        self._closed = True
        self._terms.clear()
        for path in self._runs:
            path.unlink(missing_ok=True)
        self._runs.clear()
        self._lock.release()

    def _write_postings(self) -> None:
        schema = self._schema
        fieldwriter = self._codec.field_writer(self._storage, self._segment)
        blocklimit: int = self._codec._blocklimit
        lastname: str | None = None
        lengths = bytearray()
        no_lengths = bytearray(self._docnum)
        try:
            for name, btext, (ids, weights, values) in self._merged():
                if name != lastname:
                    if lastname is not None:
                        fieldwriter.finish_field()
                    fieldwriter.start_field(name, schema[name])
                    lastname = name
                    lengths = self._lengths.get(name, no_lengths)
                    if len(lengths) < self._docnum:
                        lengths.extend(bytes(self._docnum - len(lengths)))
                fieldwriter.start_term(btext)
                postwriter = fieldwriter._postwriter
                count = len(ids)
                for start in range(0, count, blocklimit):
                    end = start + blocklimit
                    block_ids = ids[start:end]
                    block_weights = weights[start:end]
                    lens = bytes(map(lengths.__getitem__, block_ids))
                    top = max(lens)
                    low = min(lens) if top else 0
                    if not low and top:
                        low = min(b for b in lens if b)
                    postwriter._ids = block_ids
                    postwriter._weights = block_weights
                    postwriter._values = values[start:end]
                    postwriter._minlength = byte_to_length(low) if low else None
                    postwriter._maxlength = byte_to_length(top) if top else 0
                    postwriter._maxweight = max(0, max(block_weights))
                    postwriter._write_block(last=end >= count)
                fieldwriter.finish_term()
            if lastname is not None:
                fieldwriter.finish_field()
        finally:
            fieldwriter.close()
