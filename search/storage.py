"""Reading an index generation's files through a memory map, without copying them.

Whoosh can memory-map a segment, but then wraps the map in a ``BytesIO`` (its
``BufferFile``), which copies the whole file into memory when a reader opens it: 700 MB
and a quarter of a second for 100,000 entries. Read through plain file reads instead,
every posting block, term look-up and stored field costs a seek and a read call (a typo
correction's walk over the term dictionary makes ~75,000 of them).

:class:`MappedStorage` maps each file once and hands Whoosh views of the map: nothing is
copied at open, pages are read by the OS when first touched, and Whoosh's positional
reads (``get``, ``get_int``, …) are slices of memory. A mapped file must never be
truncated under its reader (that would be a bus error, not an exception): Whoosh never
rewrites a segment file, and a build removes a generation's folder only when it is
neither live nor the previous one (``search/indexer.py``); a removed file stays mapped.
"""

from __future__ import annotations

import mmap
import os
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile

__all__ = ["MappedStorage"]


class _ViewReader:
    """A read-only file object over a ``memoryview`` (what ``BytesIO`` would copy)."""

    __slots__ = ("_pos", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def readline(self, size: int | None = -1) -> bytes:
        view, start = self._view, self._pos
        end = len(view) if size is None or size < 0 else min(start + size, len(view))
        i = start
        while i < end:  # only pickle's text opcodes read lines: rare and short
            chunk = bytes(view[i : min(i + 256, end)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                end = i + newline + 1
                break
            i += len(chunk)
        self._pos = end
        return bytes(view[start:end])

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._pos
        elif whence == os.SEEK_END:
            offset += len(self._view)
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class _MappedFile(BufferFile):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's ``BufferFile`` with the view read in place instead of copied."""

    def __init__(self, view: memoryview, name: str | None = None, onclose: Any = None) -> None:
        self._buf = view
        self._name = name
        self.file = _ViewReader(view)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> _MappedFile:
        """A part of this file (a compound segment's member file), sharing the map."""
        return _MappedFile(self._buf[position : position + length], name=name or self._name)


class MappedStorage(FileStorage):  # type: ignore[misc]  # Whoosh is untyped
    """A ``FileStorage`` whose existing files are read as memory-mapped views (see the
    module doc); files a writer creates are written as usual.

    Whoosh's own ``supports_mmap`` stays off: the compound segment files are opened here
    and Whoosh takes their member files through ``subset``, which shares the map.
    """

    def __init__(self, path: str, *, writable: bool = False) -> None:
        super().__init__(path, supports_mmap=False, readonly=not writable)

    def open_file(self, name: str, **kwargs: Any) -> Any:
        path = self._fpath(name)
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size == 0:  # an empty file cannot be mapped
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        # The map outlives the descriptor; it is unmapped when its last view is freed.
        return _MappedFile(memoryview(mapped), name=name, **kwargs)
