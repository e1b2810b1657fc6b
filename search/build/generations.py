"""The generations of an index folder: which is live, starting one, switching to it.

A build writes a new generation beside the live one and then replaces ``CURRENT``
(an atomic rename), so a reader sees the old index or the new one, never a half-built
one; a build that fails or is killed leaves the previous generation live, and its
leftovers are removed by the next build (:func:`remove_stale`). The names of the
files are in :mod:`search.build.layout`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from search.build import integrity
from search.build.layout import (
    CURRENT_FILE,
    GEN_PREFIX,
    META_FILE,
    PREVIOUS_FILE,
    is_ours,
    is_temporary,
)
from search.build.storage import MappedStorage
from search.errors import IndexCorruptError, IndexNotFoundError, IndexPathError

__all__ = [
    "check_target",
    "complete_generations",
    "fault",
    "holds_index",
    "link_generation",
    "live_generation",
    "new_generation",
    "open_for_reading",
    "open_for_writing",
    "read_current",
    "remove_stale",
    "seal",
    "switch",
    "write_atomic",
]


def read_current(path: Path) -> str | None:
    """The name of the live generation, or None when there is no (readable) one."""
    try:
        name = _read_small(path / CURRENT_FILE).decode("utf-8").strip()
    except (OSError, ValueError):
        return None
    return name if name.startswith(GEN_PREFIX) and "/" not in name else None


def _read_small(file: Path) -> bytes:
    """A small file of the index folder, never through a symbolic link."""
    fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


def live_generation(path: Path) -> Path:
    """The directory of the live generation of the index at ``path``.

    Raises:
        IndexNotFoundError: ``path`` holds no kvsearch index.
        IndexCorruptError: ``CURRENT`` is missing (and finished generations are
            there), unreadable, or names a missing generation.
    """
    if not (path / CURRENT_FILE).exists():
        if complete_generations(path):
            raise IndexCorruptError(path, f"{CURRENT_FILE} is missing")
        raise IndexNotFoundError(path)
    name = read_current(path)
    if name is None:
        raise IndexCorruptError(path, f"{CURRENT_FILE} cannot be read")
    gen = path / name
    if not gen.is_dir():
        raise IndexCorruptError(path, f"{CURRENT_FILE} names a missing generation {name!r}")
    return gen


def complete_generations(path: Path) -> list[str]:
    """The generations in ``path`` that a build finished (their metadata is written
    last), newest first."""
    try:
        names = [p.name for p in path.iterdir() if p.name.startswith(GEN_PREFIX)]
    except OSError:
        return []
    return sorted((n for n in names if (path / n / META_FILE).exists()), reverse=True)


def holds_index(path: Path) -> bool:
    """Whether ``path`` holds a kvsearch index, whole or damaged (not only what a
    killed first build left)."""
    return (path / CURRENT_FILE).exists() or bool(complete_generations(path))


def check_target(path: Path) -> None:
    """Refuse to build into a directory that holds something other than an index.

    Raises:
        IndexPathError: ``path`` is a file, a folder of other things, or cannot be
            looked at.
    """
    try:
        _check_target_dir(path)
    except OSError as exc:
        raise IndexPathError(path, exc.strerror or str(exc)) from exc


def _check_target_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise IndexPathError(path, "it is a file")
    if not path.is_dir() or (path / CURRENT_FILE).exists():
        return
    if not all(is_ours(p.name) for p in path.iterdir()):
        raise IndexPathError(path, "the folder is not empty and holds no kvsearch index")


def fault(point: str) -> None:
    """A test hook: with ``KVSEARCH_FAULT=<point>:<signal>`` in the environment (say
    ``switched:INT``), a build sends itself that signal when it reaches ``point``, so
    that tests can kill or interrupt it at an exact moment instead of after a delay.

    The points: ``parsing`` (the pool of parse workers has returned its first file)
    and ``switched`` (``CURRENT`` names the new generation).
    """
    wanted = os.environ.get("KVSEARCH_FAULT")
    if wanted:
        where, _, name = wanted.partition(":")
        if where == point:
            os.kill(os.getpid(), signal.Signals[f"SIG{name or 'KILL'}"])


def new_generation(path: Path) -> Path:
    """The folder of a new generation of the index at ``path`` (not made yet): named
    by the time, this process and a random part, so that names sort by age."""
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}-{secrets.token_hex(4)}"
    return path / f"{GEN_PREFIX}{stamp}"


def switch(path: Path, gen: Path) -> None:
    """Make the finished generation ``gen`` the live one: ``PREVIOUS`` names the one
    that was live, then ``CURRENT`` is replaced in one rename."""
    replaced = read_current(path)
    if replaced:
        write_atomic(path / PREVIOUS_FILE, replaced + "\n")
    write_atomic(path / CURRENT_FILE, gen.name + "\n")
    fault("switched")


def open_for_reading(gen: Path) -> Any:
    """The generation's Whoosh index, its files memory-mapped without copies
    (:class:`search.build.storage.MappedStorage`)."""
    return MappedStorage(str(gen)).open_index()


def open_for_writing(gen: Path) -> Any:
    """The generation's Whoosh index for a writer, its existing files mapped as above
    (Whoosh's ``open_dir`` would copy every segment into memory)."""
    return MappedStorage(str(gen), writable=True).open_index()


def link_generation(live: Path, gen: Path) -> None:
    """Start a generation as the live one: hard links (Whoosh never rewrites a file),
    after checking the files against their checksums (a damaged file would live on)."""
    integrity.verify_for_link(live)
    for file in live.iterdir():
        if file.name == META_FILE or file.name.endswith("_LOCK") or not file.is_file():
            continue
        try:
            os.link(file, gen / file.name)
        except OSError:
            shutil.copy2(file, gen / file.name)


def write_atomic(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` in one rename. The temporary file has a random
    name and is created anew (never through a link, never an existing file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        with open(fd, "w", encoding="utf-8", closefd=False) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def seal(gen: Path) -> None:
    """Take write permission for group and others off a generation's files (a build
    under umask 002 would otherwise make an index kvsearch refuses to open)."""
    for file in (gen, *gen.iterdir()):
        mode = file.lstat().st_mode
        if mode & 0o022 and not stat.S_ISLNK(mode):
            os.chmod(file, stat.S_IMODE(mode) & ~0o022)


def remove_stale(path: Path) -> None:
    """Remove generations other than the live and the previous one (under the lock).

    Without a readable ``CURRENT`` nothing is removed: the generations are what a
    rebuild recovers the sources from (the rebuild's own switch cleans up after).
    """
    live = read_current(path)
    if live is None:
        return
    keep = {live}
    try:
        keep.add((path / PREVIOUS_FILE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        pass
    for child in path.iterdir():
        if child.name.startswith(GEN_PREFIX) and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
        elif is_temporary(child.name):  # a write_atomic that did not finish
            child.unlink(missing_ok=True)
