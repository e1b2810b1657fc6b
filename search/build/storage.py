"""Reading an index generation's files through a memory map, without copying them.

Whoosh can memory-map a segment, but then wraps the map in a ``BytesIO`` (its
``BufferFile``), which copies the whole file into memory when a reader opens it: 700 MB
and a quarter of a second for 100,000 entries. Read through plain file reads instead,
every posting block, term look-up and stored field costs a seek and a read call (a typo
correction's walk over the term dictionary makes ~75,000 of them).

:class:`MappedStorage` maps each file once and hands Whoosh views of the map: nothing is
copied at open, pages are read by the OS when first touched, and Whoosh's positional
reads (``get``, ``get_int``, …) are slices of memory.

**Truncation.** Touching a page of a map beyond the end of a file truncated since is a
bus error (SIGBUS), which kills the process rather than raising. kvsearch itself never
truncates a mapped file: Whoosh never rewrites a segment file, and a build removes a
generation's folder only when it is neither live nor the previous one
(``search/build/generations.py``); a removed file stays mapped. Against anyone else doing it (a
user, a tool, a full disk being cleaned up), two defences:

- files of at most :data:`COPY_BELOW` bytes (tables of contents, the small segments an
  update adds) are read into memory at open, not mapped: nothing can pull them away;
- every mapped file keeps its descriptor, and :meth:`MappedStorage.truncated` compares
  its size now with the map's (one ``fstat`` per file). :class:`search.Index` calls it
  before each public read (``search/build/integrity.py``), so a file truncated between two
  reads gives ``IndexCorruptError``, not SIGBUS.

What remains: a file truncated *during* one read (between the check and the access,
within the same call) can still end the process with SIGBUS. Checking before every
slice would cost a system call per posting block and term look-up (tens of thousands
per typo correction); copying every file would cost the memory and the time that the
maps save.
"""

from __future__ import annotations

import mmap
import os
import weakref
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile

from search.internals import storage_path

__all__ = ["COPY_BELOW", "MappedStorage"]

#: Files up to this size are read into memory at open instead of mapped (see above).
COPY_BELOW = 1 << 20


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
        #: (the map, its descriptor, its length, the file name) of each mapped file.
        self._maps: list[tuple[weakref.ref[mmap.mmap], int, int, str]] = []

    def open_file(self, name: str, **kwargs: Any) -> Any:
        path = storage_path(self, name)
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        mapped: mmap.mmap | None = None
        try:
            size = os.fstat(fd).st_size
            if size > COPY_BELOW:
                mapped = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
            else:
                data = _read_all(fd)
        except BaseException:
            os.close(fd)
            raise
        if mapped is None:
            os.close(fd)
            if not data:  # an empty file cannot be mapped
                return super().open_file(name, **kwargs)
            return _MappedFile(memoryview(data), name=name, **kwargs)
        # The descriptor lives as long as the map (for truncated()); both go when the
        # map's last view is freed.
        weakref.finalize(mapped, os.close, fd)
        self._maps = [m for m in self._maps if m[0]() is not None]
        self._maps.append((weakref.ref(mapped), fd, size, name))
        return _MappedFile(memoryview(mapped), name=name, **kwargs)

    def truncated(self) -> list[str]:
        """The names of mapped files that are shorter now than their maps."""
        names = []
        for ref, fd, size, name in self._maps:
            if ref() is None:  # unmapped, its descriptor closed
                continue
            try:
                if os.fstat(fd).st_size < size:
                    names.append(name)
            except OSError:
                continue
        return names


def _read_all(fd: int) -> bytes:
    """The whole file behind ``fd``, read (not mapped)."""
    chunks = []
    while chunk := os.read(fd, COPY_BELOW + 1):
        chunks.append(chunk)
    return b"".join(chunks)
