"""The names of the files in an index folder, and which of them kvsearch makes.

An index folder holds generations and the files that choose and guard them::

    index/
      CURRENT              name of the live generation
      PREVIOUS             name of the generation CURRENT named before the last swap
      .lock                held (flock) by the one process that writes
      gen-<time>-<pid>-<random>/
                           a complete Whoosh index + kvsearch.json (versions, the
                           sources, the manifest of seed files by absolute path)
      watches.json         the saved searches (:mod:`search.follow.watch`)
      watches.lock         held (flock) while they change

The names live here, apart from the code that writes the files, so that the builder
(:mod:`search.build.generations`), the trust checks (:mod:`search.build.trust`) and
the saved searches (:mod:`search.follow.watch`) agree on them without importing each
other: building must not depend on following.
"""

from __future__ import annotations

__all__ = [
    "CURRENT_FILE",
    "GEN_PREFIX",
    "LOCK_FILE",
    "META_FILE",
    "PREVIOUS_FILE",
    "WATCH_FILE",
    "WATCH_LOCK_FILE",
    "is_ours",
    "is_temporary",
    "is_watch_temporary",
]

#: The name of the live generation.
CURRENT_FILE = "CURRENT"
#: The generation CURRENT named before the last swap: kept until the next build, so
#: that a reader that read CURRENT just before the swap can still open it.
PREVIOUS_FILE = "PREVIOUS"
#: The writer lock (see :mod:`search.build.lock`).
LOCK_FILE = ".lock"
#: A generation's description, in the generation's folder (see :mod:`search.build.manifest`).
META_FILE = "kvsearch.json"
#: How a generation's folder name starts.
GEN_PREFIX = "gen-"
#: The saved searches, kept beside the generations.
WATCH_FILE = "watches.json"
#: The lock held while the saved searches change.
WATCH_LOCK_FILE = "watches.lock"


def is_temporary(name: str) -> bool:
    """Whether ``name`` is a temporary file of an atomic write by the builder
    (``.<name>.<random>.tmp``, see :func:`search.build.generations.write_atomic`)."""
    return name.startswith(".") and name.endswith(".tmp")


def is_watch_temporary(name: str) -> bool:
    """Whether ``name`` is a temporary file of the saved searches'
    atomic write (``watches.json.<pid>.new``)."""
    return name.startswith(f"{WATCH_FILE}.") and name.endswith(".new")


def is_ours(name: str) -> bool:
    """Whether a name in an index folder is one kvsearch makes there: a folder of
    only such names is an index, whole or damaged, and may be rebuilt."""
    if name in (CURRENT_FILE, PREVIOUS_FILE, LOCK_FILE) or name.startswith(GEN_PREFIX):
        return True
    if name in (WATCH_FILE, WATCH_LOCK_FILE) or is_watch_temporary(name):
        return True
    return is_temporary(name)
