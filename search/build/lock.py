"""The writer lock of an index folder: one process writes at a time.

The lock is an ``flock`` on :data:`~search.build.layout.LOCK_FILE`: the kernel drops it
when the process dies, so a killed build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from search.build.layout import LOCK_FILE
from search.errors import IndexLockedError, IndexPathError, IndexUntrustedError

__all__ = ["writer_lock"]

#: Descriptors of the writer locks this process holds: a forked child (a parse
#: worker, the write helper) closes them at once (:func:`_close_locks_in_child`), so
#: that a child that outlives a killed build cannot keep the lock taken.
_HELD_LOCKS: set[int] = set()


def _close_locks_in_child() -> None:
    """In a forked child: close the inherited lock descriptors (never unlock them: the
    lock belongs to the open file, which the parent still holds)."""
    for fd in list(_HELD_LOCKS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_locks_in_child)


@contextlib.contextmanager
def writer_lock(path: Path, *, wait: bool = False, trust: bool = False) -> Iterator[None]:
    """Hold the index's writer lock; another writer gets :class:`IndexLockedError`,
    or waits for it with ``wait``.

    The lock is an ``flock``: the kernel drops it when the process dies, so a killed
    build never leaves a stale lock behind. Its descriptor is not inherited: closed on
    exec, and closed in forked children (:func:`_close_locks_in_child`). The lock file
    is never reached through a symbolic link, and one with other hard links (or, unless
    ``trust``, of another user) is refused before it is written: a planted ``.lock``
    cannot make a writer truncate someone's file.
    """
    lock = path / LOCK_FILE
    try:
        path.mkdir(mode=0o755, parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(lock, flags | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IndexUntrustedError(path, lock, "symlink") from exc
        raise IndexPathError(path, exc.strerror or str(exc)) from exc
    _HELD_LOCKS.add(fd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            raise IndexUntrustedError(path, lock, "links")
        if not trust and hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            raise IndexUntrustedError(path, lock, "owner", st.st_uid)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise IndexLockedError(path, int(holder) if holder.isdigit() else None) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _HELD_LOCKS.discard(fd)
        os.close(fd)
