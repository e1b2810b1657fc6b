"""The postings of a full build, in Whoosh's W3 format, without Whoosh's posting pool.

Whoosh's ``SegmentWriter`` puts every posting into a pool as a tuple
``(field, term, docnum, weight, value)``, sorts the pool, spills it to temporary files
with pickle and merges them back at commit: about half of a build's time. Postings of a
full build arrive in document order, so only the terms need sorting:
:class:`PostingsBuilder` appends each document's postings to per-term lists (docnums,
weights, values), sorts the terms when it writes, and encodes whole posting blocks as
``W3PostingsWriter`` does (:func:`encode_postings`); :class:`TermIndex` is Whoosh's
term index with its hash buckets in arrays.

Text fields whose analyzer is one of ours are analysed with
:func:`search.dutch.analysis.index_words` (once per distinct word, the same terms);
other fields go through Whoosh's ``field.index``.

Memory is bounded: after ``run_postings`` postings the lists are written, terms sorted,
to a run file (marshal) and cleared; at commit the runs are merged term by term (a
k-way merge over sorted terms whose posting lists concatenate, as the runs hold
consecutive documents), so the index is still one segment.
"""

from __future__ import annotations

import heapq
import marshal
import os
import struct
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from pickle import dumps
from typing import Any, BinaryIO

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as _MAGIC
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.formats import Existence, Frequency, Positions
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.dense import DenseWriter
from search.dutch.analysis import common_grams, grams_chain, index_chain, index_words
from search.internals import (
    TERMINFO,
    block_settings,
)

__all__ = [
    "RUN_BATCH",
    "RUN_POSTINGS",
    "SPLIT_FIELD",
    "PostingsBuilder",
    "TermIndex",
    "dump_batch",
    "encode_postings",
    "load_batches",
]

#: Postings held in memory (per process) before they are written to a run file.
RUN_POSTINGS = 3_000_000

#: The pickle protocol of a posting block's data. Whoosh writes protocol 2, in which
#: each of the block's values (a ``bytes`` object per posting: its positions) becomes a
#: ``_codecs.encode`` call: 75 us to write and 80 us to read a block of 128 postings,
#: against 10 and 8 with protocol 5, which is also half the size (before zlib). Whoosh
#: reads either (``pickle.loads``), so updates and merges are unaffected.
BLOCK_PROTOCOL = 5

#: Terms per marshal record of a run file (one load per term is slow).
RUN_BATCH = 512

#: With a helper process, it writes the fields from this name on (``exact``,
#: ``question``, ``subject``, ...: about 60 % of the postings); this process the others
#: and the per-document data.
SPLIT_FIELD = "exact"

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
_pack_uint = struct.Struct("!I").pack
#: ``whoosh.system.pack_int``: a block's length.
_INT = struct.Struct("!i")
#: The size of a batch of run records.
_BATCH = struct.Struct("<Q")
#: The end of ``W3TermInfo.to_bytes``: postings offset and length.
_OFFSET = struct.Struct("!qi")
#: ``whoosh.filedb.filetables``: a key's and a value's length; a hash table slot.
_LENGTHS = struct.Struct("!ii")
_POINTER = struct.Struct("!Iq")


def _positions_value(poslist: list[int]) -> bytes:
    """``Positions.encode``, with the single positions cached."""
    if len(poslist) == 1:
        pos = poslist[0]
        value = _ONE_POSITION.get(pos)
        if value is None:
            value = _ONE_POSITION[pos] = _pack_uint(1) + dumps([pos], 2)
        return value
    deltas = [poslist[0]]
    deltas.extend([b - a for a, b in zip(poslist, poslist[1:], strict=False)])
    return _pack_uint(len(deltas)) + dumps(deltas, 2)


def _frequency_value(freq: int) -> bytes:
    value = _FREQUENCY.get(freq)
    if value is None:
        value = _FREQUENCY[freq] = _pack_uint(freq)
    return value


def dump_batch(batch: list[Any], fh: BinaryIO) -> None:
    """A batch of run records, its size first (``marshal.load`` from a file reads in
    small pieces, ``marshal.loads`` of one read is several times faster)."""
    data = marshal.dumps(batch)
    fh.write(_BATCH.pack(len(data)))
    fh.write(data)


def load_batches(path: Path) -> Iterator[Any]:
    """The records of the batches :func:`dump_batch` wrote to ``path``."""
    with open(path, "rb") as fh:
        while header := fh.read(_BATCH.size):
            (size,) = _BATCH.unpack(header)
            yield from marshal.loads(fh.read(size))


def _first(item: tuple[bytes, _Postings]) -> bytes:
    return item[0]


def _fast_fields(schema: Any) -> dict[str, tuple[int, bool]]:
    """Text fields :func:`index_words` can analyse: (chain, positions?) by name."""
    fast: dict[str, tuple[int, bool]] = {}
    for name, field in schema.items():
        fmt = getattr(field, "format", None)
        kind = index_chain(getattr(field, "analyzer", None))
        if kind is None or fmt is None or fmt.field_boost != 1.0 or field.column_type:
            continue
        if field.scorable and type(fmt) in (Positions, Frequency):
            fast[name] = (kind, type(fmt) is Positions)
    return fast


def _gram_fields(schema: Any) -> dict[str, tuple[int, frozenset[str]]]:
    """Fields of common grams :func:`index_words` can analyse: (chain, common words)."""
    grams: dict[str, tuple[int, frozenset[str]]] = {}
    for name, field in schema.items():
        chain = grams_chain(getattr(field, "analyzer", None))
        if chain is not None and type(field.format) is Existence and not field.scorable:
            grams[name] = chain
    return grams


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


class PostingsBuilder:
    """The postings of some fields, per term in docnum order, spilled to sorted runs."""

    def __init__(self, schema: Any, names: set[str], folder: Path, run_postings: int) -> None:
        self._schema = schema
        self._names = names
        self._folder = folder
        self._run_postings = run_postings
        self._fast = _fast_fields(schema)
        self._grams = _gram_fields(schema)
        self._gram_memo: dict[str, tuple[str, list[bytes]]] = {}
        self._pending = 0
        self._runs: list[Path] = []
        #: Per field, its terms' postings; terms are str in fast fields, else bytes.
        self._terms: dict[str, dict[Any, _Postings]] = {}
        self._has_values: dict[str, bool] = {}
        #: Per scorable field, the length byte of every document (0: none).
        self._lengths: dict[str, bytearray] = {}
        #: Per field, the last value and its postings (an entry's subject and
        #: names repeat in the next entry of the same document).
        self._memo: dict[str, tuple[str, _Items]] = {}
        self._lengths_memo: dict[str, tuple[str, int]] = {}
        self.doc_count = 0

    def length(self, name: str, field: Any, value: Any) -> int:
        """The field length Whoosh records for ``value`` (without keeping postings)."""
        fast = self._fast.get(name)
        if fast is not None and isinstance(value, str):
            memo = self._lengths_memo.get(name)
            if memo is not None and memo[0] == value:
                return memo[1]
            kind = fast[0]
            length = sum([len(word[kind]) for word in index_words(value)])
            self._lengths_memo[name] = (value, length)
            return length
        return sum(freq for _, freq, _, _ in field.index(value)) if field.scorable else 0

    def _items(self, name: str, value: str, fast: tuple[int, bool]) -> _Items:
        memo = self._memo.get(name)
        if memo is not None and memo[0] == value:
            return memo[1]
        items = _analyse(value, *fast)
        self._memo[name] = (value, items)
        return items

    def _gram_terms(self, name: str, value: str, kind: int, common: frozenset[str]) -> list[bytes]:
        """A common-gram field's terms, as its analyzer gives them (UTF-8)."""
        memo = self._gram_memo.get(name)
        if memo is not None and memo[0] == value:
            return memo[1]
        words = [word[kind] for word in index_words(value)]
        found = [g.encode("utf-8") for g in common_grams(words, common)]
        self._gram_memo[name] = (value, found)
        return found

    def add(self, docnum: int, name: str, field: Any, value: Any) -> int:
        """Add a field's postings for a document; return its length."""
        terms = self._terms.get(name)
        if terms is None:
            terms = self._terms[name] = {}
            self._has_values[name] = field.format.fixed_value_size() != 0
        fast = self._fast.get(name)
        length = 0
        grams = self._grams.get(name)
        if grams is not None and isinstance(value, str):
            for btext in self._gram_terms(name, value, *grams):
                postings = terms.get(btext)
                if postings is None:
                    postings = terms[btext] = (array("I"), array("f"), [])
                postings[0].append(docnum)
                postings[1].append(1.0)
                self._pending += 1
        elif fast is not None and isinstance(value, str):
            items, length = self._items(name, value, fast)
            for term, weight, vbytes in items:
                postings = terms.get(term)
                if postings is None:
                    postings = terms[term] = (array("I"), array("f"), [])
                postings[0].append(docnum)
                postings[1].append(weight)
                postings[2].append(vbytes)
            self._pending += len(items)
        else:
            keep_values = self._has_values[name]
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
                self._pending += 1
        if field.scorable:
            self._set_length(name, docnum, length)
        return length

    def add_document(self, docnum: int, fields: Mapping[str, Any]) -> None:
        """Add the postings of the fields of this builder (the helper process)."""
        schema = self._schema
        for name in sorted(fields):
            value = fields[name]
            if name in self._names and value is not None and schema[name].indexed:
                self.add(docnum, name, schema[name], value)
        self.finish_document(docnum)

    def finish_document(self, docnum: int) -> None:
        self.doc_count = docnum + 1
        if self._pending >= self._run_postings:
            self._write_run()

    def _set_length(self, name: str, docnum: int, length: int) -> None:
        lengths = self._lengths.get(name)
        if lengths is None:
            lengths = self._lengths[name] = bytearray()
        if len(lengths) < docnum:
            lengths.extend(bytes(docnum - len(lengths)))
        lengths.append(length_to_byte(length) if length else 0)

    # Runs

    def _sorted_field(self, name: str) -> list[tuple[bytes, _Postings]]:
        """A field's terms as UTF-8 (fast fields key them by str), in byte order."""
        terms = self._terms.pop(name)
        if name in self._fast:
            return sorted(((t.encode("utf-8"), p) for t, p in terms.items()), key=_first)
        return sorted(terms.items(), key=_first)

    def _write_run(self) -> None:
        path = self._folder / f".bulk-{os.getpid()}-{len(self._runs)}.run"
        self._runs.append(path)
        with open(path, "wb") as fh:
            batch: list[_RunRecord] = []
            for name in sorted(self._terms):
                for btext, (ids, weights, values) in self._sorted_field(name):
                    batch.append((name, btext, ids.tobytes(), weights.tobytes(), values))
                    if len(batch) >= RUN_BATCH:
                        dump_batch(batch, fh)
                        batch = []
            if batch:
                dump_batch(batch, fh)
        self._terms.clear()
        self._pending = 0

    @staticmethod
    def _read_run(path: Path) -> Iterator[_RunRecord]:
        return load_batches(path)

    def merged(self) -> Iterator[tuple[str, bytes, _Postings]]:
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
        # heapq.merge is stable: equal terms come in run order, that is docnum order.
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

    def cleanup(self) -> None:
        self._terms.clear()
        for path in self._runs:
            path.unlink(missing_ok=True)
        self._runs.clear()

    # Writing

    def write(
        self,
        codec: Any,
        postfile: Any,
        term: Callable[[str, bytes, bytes], None],
        dense: DenseWriter | None = None,
    ) -> None:
        """Write every term's postings to ``postfile`` in the codec's format (the bytes
        ``W3PostingsWriter`` writes) and pass (field, term, term info bytes) to
        ``term``, in order; the long posting lists also to ``dense``
        (:mod:`search.dense`)."""
        blocklimit, compression = block_settings(codec)
        lastname: str | None = None
        fixed: int | None = None
        positions = False
        lengths = bytearray()
        no_lengths = bytearray(self.doc_count)
        write = postfile.write
        for name, btext, (ids, weights, values) in self.merged():
            if name != lastname:
                lastname = name
                fixed = self._schema[name].format.fixed_value_size()
                positions = type(self._schema[name].format) is Positions
                lengths = self._lengths.get(name, no_lengths)
                if len(lengths) < self.doc_count:
                    lengths.extend(bytes(self.doc_count - len(lengths)))
            offset = postfile.tell()
            data, info = encode_postings(
                ids, weights, values, lengths, fixed, blocklimit, compression
            )
            write(data)
            term(name, btext, info + _OFFSET.pack(offset, len(data)))
            if dense is not None:
                dense.add(name, btext, ids, weights, values if positions else None)


def encode_postings(
    ids: array[int],
    weights: array[float],
    values: list[bytes],
    lengths: bytearray,
    fixed: int | None,
    blocklimit: int,
    compression: int,
) -> tuple[bytes, bytes]:
    """One term's posting list as ``W3PostingsWriter`` writes it (blocks of
    ``blocklimit``: header, block info and zlib'd pickle of ids, weights and values),
    and the start of its ``W3TermInfo.to_bytes`` (without the offset and length)."""
    parts = [_MAGIC]
    count = len(ids)
    total = 0.0
    minlength: int | None = None
    maxlength = 0
    maxweight: float = 0
    for start in range(0, count, blocklimit):
        end = start + blocklimit
        block_ids = ids[start:end]
        block_weights = weights[start:end]
        lens = bytes(map(lengths.__getitem__, block_ids))
        top = max(lens)
        low = min(lens) if top else 0
        if not low and top:
            low = min(b for b in lens if b)
        block_min = byte_to_length(low) if low else None
        block_max = byte_to_length(top) if top else 0
        block_weight = max(0, max(block_weights))
        # W3TermInfo.add_block
        total += sum(block_weights)
        if minlength is None:
            minlength = block_min
        elif block_min is not None:
            minlength = min(minlength, block_min)
        maxlength = max(maxlength, block_max)
        maxweight = max(maxweight, block_weight)
        # W3PostingsWriter._write_block and its _mini_* methods
        first = block_weights[0]
        if first == 1.0 and block_weights.count(1.0) == len(block_weights):
            mini_weights: Any = None
        elif block_weights.count(first) == len(block_weights):
            mini_weights = first
        else:
            mini_weights = tuple(block_weights)
        if fixed is None or fixed < 0:
            mini_values: Any = tuple(values[start:end])
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(values[start:end])
        deltas = [block_ids[0]]
        deltas.extend([b - a for a, b in zip(block_ids, block_ids[1:], strict=False)])
        databytes = dumps((tuple(deltas), mini_weights, mini_values), BLOCK_PROTOCOL)
        if compression:
            databytes = zlib.compress(databytes, compression)
        infobytes = dumps(
            (
                len(block_ids),
                block_ids[-1],
                block_weight,
                compression,
                length_to_byte(block_min),
                length_to_byte(block_max),
            ),
            2,
        )
        size = len(infobytes) + len(databytes)
        parts.append(_INT.pack(-size if end >= count else size))
        parts.append(infobytes)
        parts.append(databytes)
    info = TERMINFO.pack(
        0,
        total,
        count,
        0 if minlength is None else length_to_byte(minlength),
        length_to_byte(maxlength),
        maxweight,
        ids[0],
        ids[-1],
    )
    return b"".join(parts), info


class TermIndex(OrderedHashWriter):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's term index writer (``OrderedHashWriter``, the same file), with its hash
    buckets in arrays: Whoosh keeps a tuple of two ints per term until it closes the
    file, about 120 bytes a term and 300 MB for the 2.6 million terms of 500k
    entries; these arrays take 12 bytes a term."""

    lastkey: bytes

    def __init__(self, writer: OrderedHashWriter) -> None:
        # Takes over a writer that has written the header and nothing else.
        if any(writer.buckets) or len(writer.index):
            raise ValueError("the term index has keys already")
        self.__dict__.update(writer.__dict__)
        self._hashes = [array("I") for _ in range(256)]
        self._positions = [array("q") for _ in range(256)]
        self.buckets = None  # not used: see _write_hashes

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        dbfile = self.dbfile
        pos = dbfile.tell()
        self.index.append(pos)
        dbfile.write(_LENGTHS.pack(len(key), len(value)))
        dbfile.write(key)
        dbfile.write(value)
        h = self.hashfn(key)
        self._hashes[h & 255].append(h)
        self._positions[h & 255].append(pos)
        self.lastkey = key

    def _write_hashes(self) -> None:
        """``HashWriter._write_hashes`` (the same open addressing, the same bytes)."""
        dbfile = self.dbfile
        for hashes, positions in zip(self._hashes, self._positions, strict=True):
            pos = dbfile.tell()
            numslots = 2 * len(hashes)
            self.directory.append((pos, numslots))
            table_hashes = array("I", bytes(4 * numslots))
            table_positions = array("q", bytes(8 * numslots))
            for hashval, position in zip(hashes, positions, strict=True):
                slot = (hashval >> 8) % numslots
                # (0, 0) is an empty slot: no key starts at position 0 (the header)
                while table_hashes[slot] or table_positions[slot]:
                    slot = (slot + 1) % numslots
                table_hashes[slot] = hashval
                table_positions[slot] = position
            dbfile.write(b"".join(map(_POINTER.pack, table_hashes, table_positions)))
        self._hashes = self._positions = []
