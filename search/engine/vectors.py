"""Scores of many entries as numpy arrays, and the dense posting arrays they come from.

:mod:`search.engine.scoring` keeps a query part's scores in a dict (document number ->
score). A common word matches a large part of the index, and a dict of hundreds of
thousands of entries costs about 0.45 us an entry to fill and as much to merge: for
such parts it keeps :class:`Dense` scores instead (an array of scores and one of hits
over every document number), filled from the term's dense posting arrays
(:mod:`search.dense`) without a Python step per posting.

The arithmetic is Whoosh's, in the same order as the dict code: a term's BM25F
contribution ``top * tf / (tf + norm)`` in float64, and a sum adds one part at a time
into what is summed so far (float addition of two numbers does not depend on their
order, so the results are equal to the last bit; the tests compare them).

numpy is imported when the first long posting list is scored (:func:`arrays_pay`):
a search for rarer words in a new process does not load it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, Union

from search.dense import DenseTable, dense_path, read_table
from search.internals import segment_cache, segment_location

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "NUMPY_WORTH",
    "Dense",
    "Scores",
    "add",
    "arrays_pay",
    "as_dict",
    "dense_positions",
    "dense_postings",
    "docs_mask",
    "exclude",
    "has_positions",
    "intersect",
    "optional",
    "scale",
    "values_at",
]


#: Postings a term (or a phrase's words) must have for its arrays to be read in a
#: process that has not imported numpy yet: the import takes about 0.1 s, as long as
#: reading some 100,000 postings from their blocks. A search in a new process for
#: words of a few thousand entries stays without numpy; once it is imported, every
#: term with arrays is read from them (the results are the same either way).
NUMPY_WORTH = 50_000


def arrays_pay(postings: int) -> bool:
    """Whether to read ``postings`` postings from dense arrays (see :data:`NUMPY_WORTH`)."""
    return postings >= NUMPY_WORTH or "numpy" in sys.modules


class Dense:
    """The scores of a query part over every document number (always 0.0 where it
    has none), and which documents it matches (a match may score 0). The functions
    below never share an array between two of them: :func:`add` changes its first in
    place."""

    __slots__ = ("score", "hit", "_count")

    def __init__(self, score: NDArray[np.float64], hit: NDArray[np.bool_]) -> None:
        self.score = score
        self.hit = hit
        self._count: int | None = None

    @classmethod
    def empty(cls, size: int) -> Dense:
        import numpy as np

        return cls(np.zeros(size, dtype=np.float64), np.zeros(size, dtype=np.bool_))

    def __len__(self) -> int:
        if self._count is None:
            self._count = int(self.hit.sum())
        return self._count

    def changed(self) -> None:
        """Forget the cached count (after changing ``hit`` in place)."""
        self._count = None

    def documents(self) -> NDArray[np.intp]:
        import numpy as np

        return np.flatnonzero(self.hit)

    def to_dict(self) -> dict[int, float]:
        docs = self.documents()
        return dict(zip(docs.tolist(), self.score[docs].tolist(), strict=True))

    def add_pairs(self, docs: NDArray[Any], values: NDArray[np.float64]) -> None:
        """Add ``values`` to the scores of ``docs`` (distinct document numbers)."""
        self.score[docs] += values
        self.hit[docs] = True
        self._count = None


#: A query part's scores: a dict for few documents, :class:`Dense` for many.
Scores = Union[dict[int, float], Dense]  # noqa: UP007  # a runtime alias


def _pairs(scores: Mapping[int, float]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    import numpy as np

    n = len(scores)
    return (
        np.fromiter(scores.keys(), dtype=np.intp, count=n),
        np.fromiter(scores.values(), dtype=np.float64, count=n),
    )


def as_dict(scores: Scores) -> dict[int, float]:
    return scores.to_dict() if isinstance(scores, Dense) else scores


def add(total: Scores, part: Scores, size: int) -> Scores:
    """``total + part`` for every document of either (``total`` may be changed)."""
    if isinstance(total, Dense):
        if isinstance(part, Dense):
            total.score += part.score
            total.hit |= part.hit
            total.changed()
        elif part:
            total.add_pairs(*_pairs(part))
        return total
    if isinstance(part, Dense):
        merged = Dense(part.score.copy(), part.hit.copy())
        if total:
            merged.add_pairs(*_pairs(total))
        return merged
    get = total.get
    total.update({d: get(d, 0.0) + s for d, s in part.items()})
    return total


def intersect(first: Scores, other: Scores) -> Scores:
    """``first + other`` for the documents of both."""
    if isinstance(first, Dense):
        if isinstance(other, Dense):
            import numpy as np

            hit = first.hit & other.hit
            return Dense(np.where(hit, first.score + other.score, 0.0), hit)
        return intersect(other, first)  # a + b == b + a
    if isinstance(other, Dense):
        if not first:
            return {}
        docs, values = _pairs(first)
        keep = other.hit[docs]
        docs = docs[keep]
        summed = values[keep] + other.score[docs]
        return dict(zip(docs.tolist(), summed.tolist(), strict=True))
    return {d: s + other[d] for d, s in first.items() if d in other}


def optional(first: Scores, other: Scores) -> Scores:
    """``first``, plus ``other`` where it matches too."""
    if isinstance(first, Dense):
        if isinstance(other, Dense):
            import numpy as np

            return Dense(np.where(first.hit, first.score + other.score, 0.0), first.hit.copy())
        merged = Dense(first.score.copy(), first.hit.copy())
        if other:
            docs, values = _pairs(other)
            keep = first.hit[docs]
            merged.score[docs[keep]] += values[keep]
        return merged
    if isinstance(other, Dense):
        if not first:
            return {}
        docs, values = _pairs(first)
        summed = values + other.score[docs]  # 0.0 where other has none: s + 0.0 == s
        return dict(zip(docs.tolist(), summed.tolist(), strict=True))
    get = other.get
    return {d: s + get(d, 0.0) for d, s in first.items()}


def exclude(first: Scores, excluded: Scores) -> Scores:
    """``first`` without the documents of ``excluded``."""
    if isinstance(first, Dense):
        import numpy as np

        if isinstance(excluded, Dense):
            hit = first.hit & ~excluded.hit
        else:
            hit = first.hit.copy()
            if excluded:
                hit[np.fromiter(excluded.keys(), dtype=np.intp, count=len(excluded))] = False
        return Dense(np.where(hit, first.score, 0.0), hit)
    if isinstance(excluded, Dense):
        return {d: s for d, s in first.items() if not excluded.hit[d]}
    return {d: s for d, s in first.items() if d not in excluded}


def scale(scores: Scores, boost: float) -> Scores:
    """The scores times ``boost``."""
    if isinstance(scores, Dense):
        return Dense(scores.score * boost, scores.hit.copy())
    return {d: s * boost for d, s in scores.items()}


def docs_mask(docs: Collection[int] | Dense, size: int) -> NDArray[np.bool_]:
    """Which of ``size`` document numbers are among ``docs``."""
    import numpy as np

    if isinstance(docs, Dense):
        return docs.hit
    mask = np.zeros(size, dtype=np.bool_)
    if docs:
        mask[np.fromiter(docs, dtype=np.intp, count=len(docs))] = True
    return mask


def _dense_file(reader: Any) -> tuple[DenseTable, Any] | None:
    """One segment's dense table and mapped file (cached with its reader); None when it
    has none. A file shorter than when it was mapped (truncated under the reader)
    raises ``ValueError`` before a read of the map could end the process (SIGBUS); the
    integrity check names it (:mod:`search.build.integrity`)."""
    cache = segment_cache(reader, "_kvsearch_dense")
    if "table" not in cache:
        location = segment_location(reader)
        found = None
        if location is not None:
            path = dense_path(*location)
            try:
                table = read_table(path)
            except ValueError:
                table = None  # not ours: the blocks hold the same
            if table is not None:
                found = (*table, path)
        cache["table"] = found
    found = cache["table"]
    if found is None:
        return None
    table, data, path = found
    if os.stat(path).st_size != len(data):
        raise ValueError(f"{path.name} is shorter than when it was opened")
    return table, data


def dense_postings(
    reader: Any, fieldname: str, btext: bytes
) -> tuple[NDArray[np.intp], NDArray[np.float64]] | None:
    """A term's postings in one segment as arrays (segment document numbers, weights),
    from its dense file; None when the segment has no arrays for it (a short list, or
    a segment written by Whoosh's own writer)."""
    found = _dense_file(reader)
    if found is None:
        return None
    table, data = found
    entry = table.get((fieldname, btext))
    if entry is None:
        return None
    import numpy as np

    offset, count, first, id_code, weight_code, _ = entry
    if id_code == "H":
        deltas = np.frombuffer(data, dtype="<u2", count=count, offset=offset)
        ids = np.cumsum(deltas, dtype=np.intp)
        ids += first
        offset += 2 * count
    else:
        ids = np.frombuffer(data, dtype="<u4", count=count, offset=offset).astype(np.intp)
        offset += 4 * count
    if weight_code == "B":
        weights = np.frombuffer(data, dtype=np.uint8, count=count, offset=offset)
    else:
        weights = np.frombuffer(data, dtype="<f4", count=count, offset=offset)
    return ids, weights.astype(np.float64)


def has_positions(reader: Any, fieldname: str, btext: bytes) -> bool:
    """Whether one segment's dense file has the positions of a term."""
    found = _dense_file(reader)
    entry = None if found is None else found[0].get((fieldname, btext))
    return entry is not None and bool(entry[5])


def values_at(scores: Scores, docs: NDArray[np.intp]) -> NDArray[np.float64]:
    """The scores of ``docs`` (every one of them has one)."""
    import numpy as np

    if isinstance(scores, Dense):
        return scores.score[docs]
    return np.fromiter(map(scores.__getitem__, docs.tolist()), dtype=np.float64, count=len(docs))


def dense_positions(
    reader: Any, fieldname: str, btext: bytes
) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[Any]] | None:
    """A term's postings in one segment with their positions: (segment document
    numbers, where each posting's positions start in the third array (one more than
    there are postings), every posting's positions in a row); None when the dense
    file does not have its positions."""
    found = dense_postings(reader, fieldname, btext)
    if found is None:
        return None
    table, data = _dense_file(reader) or ({}, b"")
    offset, count, _, id_code, weight_code, position_code = table[(fieldname, btext)]
    if not position_code:
        return None
    import numpy as np

    ids, weights = found
    starts = np.zeros(count + 1, dtype=np.int64)
    starts[1:] = np.cumsum(weights.astype(np.int64))  # a weight is a number of positions
    offset += (2 if id_code == "H" else 4) * count + (1 if weight_code == "B" else 4) * count
    dtype = "<u2" if position_code == "H" else "<u4"
    positions = np.frombuffer(data, dtype=dtype, count=int(starts[-1]), offset=offset)
    return ids, starts, positions
