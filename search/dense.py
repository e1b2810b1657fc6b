"""Long posting lists as plain arrays, in a file beside a segment's Whoosh postings.

Whoosh stores a term's postings in blocks of 128: a pickle of id deltas, weights and
positions, compressed with zlib. Reading one posting that way costs about 0.65 us, and a
phrase of common words (``"van de"``) reads millions: seconds at 500,000 entries,
though the positions are not needed when the phrase's common gram answers it
(:data:`search.schema.GRAM_FIELDS`). For every term with at least :data:`DENSE_MIN`
postings, the bulk writer also writes its document numbers and weights as plain
arrays (:class:`DenseWriter`); :mod:`search.engine.vectors` scores them with numpy.

The file is ``<index>_<segment>.dense``: Whoosh's name pattern for a segment's
files, so that Whoosh deletes it with its segment (a merge) and the integrity record
covers it. Layout: :data:`MAGIC`, then per term its document numbers (``uint16``
gaps from the first when every gap fits, else ``uint32`` numbers) and its weights
(``uint8`` when every weight is a whole number below 256, else ``float32``: the bulk
writer's weights are float32 already), and for a field with positions, every
posting's positions in a row (``uint16``, or ``uint32`` when one does not fit; a
posting has as many as its weight), all little-endian; then the table (a pickled dict:
(field, term bytes) -> (offset, count, first number, id code, weight code, positions
code)), then the table's offset (``<Q``). A phrase's positions are then compared with
numpy (:mod:`search.engine.scoring`) instead of unpickled per posting.

A segment without the file (written by Whoosh's own writer: an update's small segment)
is read from its blocks; so is a term below the threshold. The file only repeats what
the blocks hold (``tests/test_dense.py`` compares every term's arrays with them).
"""

from __future__ import annotations

import mmap
import os
import pickle
import struct
from array import array
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "DENSE_EXTENSION",
    "DENSE_MIN",
    "MAGIC",
    "DenseTable",
    "DenseWriter",
    "dense_path",
    "read_table",
]

#: Terms with at least this many postings in a segment get arrays (8 posting blocks:
#: below it, the blocks are read in about a millisecond).
DENSE_MIN = 1024
#: The file's extension (after the segment's name).
DENSE_EXTENSION = "dense"
MAGIC = b"KVDENSE2"
_TRAILER = struct.Struct("<Q")
#: Bytes copied at a time from a helper's file.
_CHUNK = 1 << 24

#: (field, term bytes) -> (offset, count, first document number, id code, weight code,
#: positions code: "" when the term's positions are not in the file).
DenseTable = dict[tuple[str, bytes], tuple[int, int, int, str, str, str]]


def dense_path(folder: str | Path, segment_id: str) -> Path:
    """Where the arrays of a segment are (or go); ``segment_id`` is Whoosh's
    ``Segment.segment_id()`` (the index's name, ``_``, the segment's)."""
    return Path(folder) / f"{segment_id}.{DENSE_EXTENSION}"


def _positions(values: list[bytes], weights: array[float]) -> tuple[bytes, str] | None:
    """The positions of every posting in a row (``uint16``, or ``uint32`` when one is
    65,536 or more), decoded from Whoosh's ``Positions`` values (a 4-byte count, then
    the pickled position deltas); None when a weight is not its posting's number of
    positions (a field boost), as the reader counts them by the weights."""
    import numpy as np

    single: dict[bytes, list[int]] = {}  # most values are one early position: repeated
    out = array("I")  # 4 bytes a position, not a Python int's 28 (a build's RSS)
    extend = out.extend
    for value, weight in zip(values, weights, strict=True):
        positions = single.get(value)
        if positions is None:
            positions = list(accumulate(pickle.loads(value[4:])))
            if len(positions) == 1:
                single[value] = positions
        if len(positions) != weight:
            return None
        extend(positions)
    found = np.frombuffer(out, dtype=np.uint32)
    if int(found.max()) < 1 << 16:
        return found.astype("<u2").tobytes(), "H"
    return found.astype("<u4").tobytes(), "I"


def _encode(ids: array[int], weights: array[float]) -> tuple[bytes, str, bytes, str]:
    import numpy as np  # builds only (its import takes 0.2 s)

    numbers = np.frombuffer(ids, dtype=np.uint32)
    deltas = np.diff(numbers, prepend=numbers[:1])  # the first is 0: ``first`` holds it
    if int(deltas.max()) < 1 << 16:
        id_bytes, id_code = deltas.astype("<u2").tobytes(), "H"
    else:
        id_bytes, id_code = numbers.astype("<u4").tobytes(), "I"
    values = np.frombuffer(weights, dtype=np.float32)
    if bool(((values >= 0) & (values < 256) & (values == np.floor(values))).all()):
        weight_bytes, weight_code = values.astype(np.uint8).tobytes(), "B"
    else:
        weight_bytes, weight_code = values.astype("<f4").tobytes(), "f"
    return id_bytes, id_code, weight_bytes, weight_code


class DenseWriter:
    """Writes the arrays of the long posting lists of one segment (or of one process's
    share of its fields: :meth:`append_file` adds another writer's finished file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: BinaryIO = open(path, "wb")  # noqa: SIM115  # closed in finish/cancel
        self._fh.write(MAGIC)
        self._table: DenseTable = {}

    def add(
        self,
        fieldname: str,
        btext: bytes,
        ids: array[int],
        weights: array[float],
        positions: list[bytes] | None = None,
    ) -> None:
        """A term's postings (segment document numbers, ascending, and weights), and
        their encoded values when they are Whoosh ``Positions`` (else None)."""
        if len(ids) < DENSE_MIN:
            return
        id_bytes, id_code, weight_bytes, weight_code = _encode(ids, weights)
        found = None
        if positions is not None and weight_code == "B":
            found = _positions(positions, weights)
        fh = self._fh
        offset = fh.tell()
        fh.write(id_bytes)
        fh.write(weight_bytes)
        position_code = ""
        if found is not None:
            position_bytes, position_code = found
            fh.write(position_bytes)
        self._table[(fieldname, btext)] = (
            offset,
            len(ids),
            ids[0],
            id_code,
            weight_code,
            position_code,
        )

    def append_file(self, path: Path) -> None:
        """Add the terms of a file another :class:`DenseWriter` finished (then delete
        that file)."""
        if not path.exists():  # it had no term
            return
        table, data = _load(path)
        try:
            base = self._fh.tell() - len(MAGIC)
            end = data_end(data)
            for start in range(len(MAGIC), end, _CHUNK):  # not all of it in memory at once
                self._fh.write(data[start : min(start + _CHUNK, end)])
        finally:
            data.close()
        for key, (offset, *rest) in table.items():
            self._table[key] = (offset + base, *rest)  # type: ignore[assignment]
        path.unlink()

    def finish(self) -> bool:
        """Write the table and close the file; or delete it when it has no term (a
        small segment has no long posting list). Whether the file is there."""
        if not self._table:
            self.cancel()
            return False
        fh = self._fh
        at = fh.tell()
        pickle.dump(self._table, fh, protocol=5)
        fh.write(_TRAILER.pack(at))
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        return True

    def cancel(self) -> None:
        """Close and delete the file."""
        self._fh.close()
        self.path.unlink(missing_ok=True)


def data_end(data: Any) -> int:
    """Where the table starts in a dense file's bytes."""
    at: int = _TRAILER.unpack_from(data, len(data) - _TRAILER.size)[0]
    return at


def _load(path: Path) -> tuple[DenseTable, mmap.mmap]:
    with open(path, "rb") as fh:
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    if len(data) < len(MAGIC) + _TRAILER.size or data[: len(MAGIC)] != MAGIC:
        data.close()
        raise ValueError(f"{path.name} is not a dense postings file")
    at = data_end(data)
    table: DenseTable = pickle.loads(data[at : len(data) - _TRAILER.size])
    return table, data


def read_table(path: Path) -> tuple[DenseTable, mmap.mmap] | None:
    """A segment's table and its file mapped into memory; None when it has no file."""
    if not path.is_file():
        return None
    return _load(path)
