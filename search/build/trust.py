"""Whether an index folder may be opened: an index folder is code.

Whoosh stores an index's schema (and more) with Python's pickle, so opening an index
can run code that whoever wrote its files put there. Like git with a repository that
another user owns (``safe.directory``), kvsearch opens only an index whose folder and
files belong to the user running it and that nobody else can write, unless it is
trusted explicitly: ``trust=True`` (``--trust``), or the ``KVSEARCH_TRUST_INDEX``
environment variable naming the folder (several separated by ``:``; ``*`` trusts
every folder).

What this does not cover: files you own that someone else made (an index folder in a
downloaded archive or a cloned repository is yours once unpacked) — open only indexes
that kvsearch built.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from search.build.generations import read_current
from search.build.layout import CURRENT_FILE, LOCK_FILE, PREVIOUS_FILE
from search.errors import IndexUntrustedError

__all__ = ["TRUST_ENV", "check_files", "check_trust", "index_files", "is_trusted"]

#: The environment variable that names trusted index folders.
TRUST_ENV = "KVSEARCH_TRUST_INDEX"


def is_trusted(path: Path) -> bool:
    """Whether ``KVSEARCH_TRUST_INDEX`` trusts the index folder ``path``."""
    here = os.path.abspath(path)
    for item in os.environ.get(TRUST_ENV, "").split(os.pathsep):
        if item == "*" or (item and os.path.abspath(item) == here):
            return True
    return False


def check_files(path: Path, files: Iterable[Path], *, trust: bool = False) -> None:
    """Refuse the index at ``path`` unless ``path`` itself (followed, when it is a link
    the user made) and each of ``files`` (not followed) belongs to this user and is
    not writable by group or others; files that do not exist are skipped.

    Raises:
        IndexUntrustedError: One is not; nothing was opened.
    """
    if trust or is_trusted(path):
        return
    _check(path, path, follow=True)
    for file in files:
        _check(path, file, follow=False)


def _check(path: Path, file: Path, *, follow: bool) -> None:
    try:
        st = os.stat(file) if follow else os.lstat(file)
    except FileNotFoundError:
        return
    except OSError:
        return  # unreadable: opening it fails with its own error
    if stat.S_ISLNK(st.st_mode):
        raise IndexUntrustedError(path, file, "symlink")
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    if uid is not None and st.st_uid != uid:
        raise IndexUntrustedError(path, file, "owner", st.st_uid)
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise IndexUntrustedError(path, file, "writable")


def index_files(path: Path, gen: Path | None) -> list[Path]:
    """What opening the index reads: the entries kvsearch keeps in the folder, the
    generation's folder and every file in it."""
    files = [path / CURRENT_FILE, path / PREVIOUS_FILE, path / LOCK_FILE]
    if gen is not None:
        files.append(gen)
        try:
            if not gen.is_symlink():
                files += sorted(gen.iterdir())
        except OSError:
            pass
    return files


def check_trust(path: Path, gen: Path | None = None, *, trust: bool = False) -> None:
    """Refuse an index folder that someone else could have written: the folder, what
    kvsearch keeps in it and the files of the generation ``gen`` (the live one when
    None and ``CURRENT`` names one).

    Raises:
        IndexUntrustedError: One of them is not this user's, or is writable by others.
    """
    if trust or not path.exists():
        return
    if gen is None:
        name = read_current(path)
        gen = path / name if name else None
    check_files(path, index_files(path, gen))
