"""Damage that is noticed: checksums of an index generation's files, and decode errors
reported as :class:`~search.errors.IndexCorruptError`.

**Checksums.** When a build or an update has written a generation, :func:`record`
writes ``checksums.json`` beside its files: the size and CRC-32 of every file of the
Whoosh index (``kvsearch.json`` is JSON and read whole; it is not listed). CRC-32, as
Lucene's file footers, finds flipped bytes and torn writes (it is no defence against an
attacker: see the README on trusting an index folder); it runs at about 2 GB/s, where
SHA-256 runs at 0.9. Nothing is hashed when an index is opened for searching, so a cold
search costs what it did.

The checksums are compared

- by :func:`verify` (``kvsearch check --verify``, :meth:`search.Index.verify`): every
  file, read whole;
- by an update, before it hard-links the live generation's files into the next one
  (:func:`verify_for_link`): a damaged file would otherwise live on in every later
  generation. It refuses with ``IndexCorruptError``; ``kvsearch rebuild`` reads the
  seeds again and links nothing;
- when a read fails (:func:`guard_reads`): to tell damage from a bug.

**Decode errors.** Damaged bytes surface as whatever the decoder of that byte makes of
them. ``zlib.error``, ``pickle.UnpicklingError``, ``struct.error`` and ``EOFError`` only
come from decoding stored data: they always become ``IndexCorruptError``. ``ValueError``,
``TypeError``, ``KeyError``, ``IndexError``, ``AttributeError``, ``OverflowError``,
``ImportError`` (a pickle naming a garbled module), ``MemoryError`` (a garbled
length) and a bare ``Exception`` (Whoosh's "Block tag error") may be bugs too: they
become ``IndexCorruptError`` only when the generation's files fail their checksums or a
mapped file was truncated; otherwise they propagate.

**Truncation.** Before each public read the sizes of the generation's memory-mapped
files are compared with their maps (:meth:`search.build.storage.MappedStorage.truncated`, an
``fstat`` each); see :mod:`search.build.storage` for what remains.

A generation written before checksums were recorded (no ``checksums.json``) is not
verified: :func:`verify` says so, and ``kvsearch rebuild`` records them.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import struct
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from whoosh import index as whoosh_index

from search.errors import IndexCorruptError, SearchError

__all__ = [
    "CHECKSUMS_FILE",
    "Damage",
    "VerifyReport",
    "guard_iteration",
    "guard_reads",
    "is_damaged",
    "READ_ERRORS",
    "damage",
    "opening_error",
    "record",
    "verify",
    "verify_for_link",
]

#: The checksums of a generation's files, in the generation's folder.
CHECKSUMS_FILE = "checksums.json"
#: The generation's description (:data:`search.build.layout.META_FILE`): not checksummed.
_META_FILE = "kvsearch.json"
_FORMAT = "kvsearch-checksums"
_CHUNK = 1 << 22

#: Exceptions that only decoding damaged data raises.
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    zlib.error,
    pickle.UnpicklingError,
    struct.error,
    EOFError,
)
#: Exceptions that damaged data raises too, but so may a bug: damage only when the
#: checksums (or the file sizes) say so.
SUSPECT_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    ImportError,
    MemoryError,
)


@dataclass(frozen=True)
class Damage:
    """One damaged file of a generation.

    ``problem`` is ``missing`` (listed, not there), ``size`` (another size than
    recorded), ``checksum`` (same size, other content), ``truncated`` (shorter than
    when a reader mapped it) or ``unreadable`` (an OS error, or ``checksums.json``
    itself cannot be parsed).
    """

    file: str
    problem: str


@dataclass(frozen=True)
class VerifyReport:
    """What :func:`verify` found: ``recorded`` is False for a generation written before
    checksums were recorded (nothing could be compared)."""

    index_path: str
    generation: str
    files: int
    damaged: tuple[Damage, ...] = ()
    recorded: bool = True

    @property
    def ok(self) -> bool:
        """True when every recorded file is there with its recorded content."""
        return self.recorded and not self.damaged


def _index_files(gen: Path) -> list[str]:
    """The names of the files of the generation's Whoosh index."""
    names = []
    with os.scandir(gen) as entries:
        for entry in entries:
            name = entry.name
            if name in (_META_FILE, CHECKSUMS_FILE) or name.startswith("."):
                continue
            if name.endswith("LOCK") or not entry.is_file(follow_symlinks=False):
                continue
            names.append(name)
    return sorted(names)


def _crc(path: Path) -> tuple[int, int]:
    """(size, CRC-32) of a file, read in chunks into one buffer (not mapped: a file
    truncated meanwhile must not end the process with SIGBUS)."""
    crc, size = 0, 0
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as stream:
        while n := stream.readinto(buffer):
            crc = zlib.crc32(view[:n], crc)
            size += n
    return size, crc


def _read(gen: Path) -> dict[str, tuple[int, int]] | None:
    """The recorded (size, CRC-32) by file name; None when none were recorded.

    Raises:
        ValueError: ``checksums.json`` is there but not as :func:`record` writes it.
    """
    try:
        text = (gen / CHECKSUMS_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ValueError(f"{CHECKSUMS_FILE} is not a kvsearch checksum list")
    files = data.get("files")
    if not isinstance(files, dict):
        raise ValueError(f"{CHECKSUMS_FILE} lists no files")
    recorded = {}
    for name, value in files.items():
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        ):
            raise ValueError(f"{CHECKSUMS_FILE}: bad record for {name!r}")
        recorded[name] = (value[0], value[1])
    return recorded


def record(gen: Path, previous: Path | None = None) -> None:
    """Write the checksums of the generation's index files (after a build or update).

    Args:
        gen: The generation just written.
        previous: The generation it was linked from: a file that is the same inode as
            one recorded there (a hard link :func:`verify_for_link` has just checked)
            takes its recorded checksum instead of being read again.
    """
    known: dict[str, tuple[int, int]] = {}
    if previous is not None:
        try:
            known = _read(previous) or {}
        except (OSError, ValueError):
            known = {}
    files: dict[str, list[int]] = {}
    for name in _index_files(gen):
        path = gen / name
        reused = known.get(name)
        if reused is not None and previous is not None:
            try:
                same = os.path.samefile(path, previous / name)
                same = same and os.stat(path).st_size == reused[0]
            except OSError:
                same = False
            if same:
                files[name] = list(reused)
                continue
        files[name] = list(_crc(path))
    text = json.dumps(
        {"format": _FORMAT, "algorithm": "crc32", "files": files}, separators=(",", ":")
    )
    tmp = gen / f".{CHECKSUMS_FILE}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(tmp, gen / CHECKSUMS_FILE)


def _damage(gen: Path) -> tuple[int, list[Damage], bool]:
    """(files compared, damaged files, whether checksums were recorded)."""
    try:
        recorded = _read(gen)
    except (OSError, ValueError):
        return 0, [Damage(CHECKSUMS_FILE, "unreadable")], True
    if recorded is None:
        return 0, [], False
    damaged = []
    for name, (size, crc) in sorted(recorded.items()):
        path = gen / name
        try:
            if os.stat(path).st_size != size:
                damaged.append(Damage(name, "size"))
                continue
            if _crc(path) != (size, crc):
                damaged.append(Damage(name, "checksum"))
        except FileNotFoundError:
            damaged.append(Damage(name, "missing"))
        except OSError:
            damaged.append(Damage(name, "unreadable"))
    return len(recorded), damaged, True


def verify(path: Path, gen: Path) -> VerifyReport:
    """Compare every file of a generation with its recorded checksum."""
    files, damaged, recorded = _damage(gen)
    return VerifyReport(str(path), gen.name, files, tuple(damaged), recorded)


def _describe(damaged: list[Damage]) -> str:
    parts = [f"{d.file}: {d.problem}" for d in damaged]
    return "damaged files: " + ", ".join(parts)


#: What opening or reading a damaged generation raises that no bug does: a missing or
#: unreadable file, Whoosh's own index errors (no or an unknown table of contents),
#: and data that cannot be decoded. Errors a bug raises as well are damage only when
#: the checksums say so (see :func:`damage`).
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    whoosh_index.IndexError,
    *DECODE_ERRORS,
)


def damage(gen: Path, exc: BaseException) -> bool:
    """Whether ``exc``, raised while reading the generation ``gen``, is the damage of
    its files rather than a bug: one of :data:`READ_ERRORS`, or one of
    :data:`SUSPECT_ERRORS` while the checksums find a file
    damaged."""
    if isinstance(exc, READ_ERRORS):
        return True
    # Whoosh raises a bare Exception for a bad block tag or header ("Block tag error").
    suspect = isinstance(exc, SUSPECT_ERRORS) or type(exc) is Exception
    return suspect and is_damaged(gen)


def opening_error(path: Path, gen: Path, exc: BaseException) -> IndexCorruptError | None:
    """The :class:`IndexCorruptError` that ``exc``, raised while opening or counting the
    generation ``gen`` of the index at ``path``, stands for (naming the files whose
    checksums fail, when some do); None when it is no damage but a bug (re-raise it)."""
    if not damage(gen, exc):
        return None
    decode = f"{type(exc).__name__}: {exc}"
    _, damaged, _ = _damage(gen)
    if damaged:
        reason = f"{_describe(damaged)} ({decode})"
        return IndexCorruptError(path, reason, damaged=tuple(d.file for d in damaged))
    return IndexCorruptError(path, decode)


def is_damaged(gen: Path) -> bool:
    """Whether a file of the generation fails its recorded checksum (or the checksums
    themselves cannot be read); False when none were recorded."""
    return bool(_damage(gen)[1])


def verify_for_link(live: Path) -> None:
    """Verify the live generation before an update hard-links its files.

    Raises:
        IndexCorruptError: A file fails its checksum (the update must not carry it on).
    """
    _, damaged, _ = _damage(live)
    if damaged:
        raise IndexCorruptError(
            live.parent, _describe(damaged), damaged=tuple(d.file for d in damaged)
        )


# --- reads ---------------------------------------------------------------------------


class _Reader(Protocol):
    """What the guards need of :class:`search.Index`."""

    path: Path
    _generation: Path
    _ix: Any


S = TypeVar("S", bound=_Reader)
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def _check_mapped(index: _Reader) -> None:
    """Raise when a file the index has mapped was truncated since (see the module)."""
    storage = getattr(index._ix, "storage", None)
    truncated = getattr(storage, "truncated", None)
    if truncated is None:
        return
    names: list[str] = truncated()
    if names:
        reason = "damaged files: " + ", ".join(f"{n}: truncated" for n in names)
        raise IndexCorruptError(index.path, reason, damaged=tuple(names))


def _as_corrupt(index: _Reader, gen: Path, exc: Exception) -> IndexCorruptError | None:
    """The ``IndexCorruptError`` that ``exc`` stands for, or None when it is no damage."""
    if isinstance(exc, SearchError):
        return None
    # Whoosh raises a bare Exception for a bad block tag or header ("Block tag error").
    if not isinstance(exc, DECODE_ERRORS + SUSPECT_ERRORS) and type(exc) is not Exception:
        return None
    try:
        _check_mapped(index)
    except IndexCorruptError as truncated:
        return truncated
    _, damaged, _ = _damage(gen)
    decode = f"{type(exc).__name__}: {exc}"
    if damaged:
        reason = f"{_describe(damaged)} ({decode})"
        return IndexCorruptError(index.path, reason, damaged=tuple(d.file for d in damaged))
    if isinstance(exc, DECODE_ERRORS):
        return IndexCorruptError(index.path, f"a file cannot be decoded ({decode})")
    return None


def _raise_corrupt(index: _Reader, exc: Exception) -> None:
    """Raise the ``IndexCorruptError`` that ``exc`` stands for; return when it is no
    damage (the caller re-raises ``exc``)."""
    corrupt = _as_corrupt(index, index._generation, exc)
    if corrupt is not None:
        raise corrupt from exc


def guard_reads(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Decorate a reading method of :class:`search.Index`: mapped files are checked for
    truncation first, and damage found while reading raises ``IndexCorruptError``."""

    @functools.wraps(method)
    def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        _check_mapped(self)
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            _raise_corrupt(self, exc)
            raise

    return guarded


def guard_iteration(
    method: Callable[Concatenate[S, P], Iterator[T]],
) -> Callable[Concatenate[S, P], Iterator[T]]:
    """:func:`guard_reads` for a generator method: checked at every step."""

    @functools.wraps(method)
    def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        inner = method(self, *args, **kwargs)
        try:
            while True:
                _check_mapped(self)
                try:
                    item = next(inner)
                except StopIteration:
                    return
                except Exception as exc:
                    _raise_corrupt(self, exc)
                    raise
                yield item
        finally:
            if isinstance(inner, Generator):  # a caller that stops early: free its searcher
                inner.close()

    return guarded
