"""The change plan of an update: which sources it reads, and which seed files are
added, changed, removed or unchanged since the index was built.

Files are compared with the manifest (:mod:`search.build.manifest`) by their
fingerprint (size, times, inode), then by content hash; a recorded source that is
gone, cannot be listed or was emptied stops the build before anything changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from search.build.manifest import absolute, fingerprint, sha256, unique
from search.build.parse import ingest
from search.errors import SeedError, SourceError
from search.models import Skipped

__all__ = [
    "Plan",
    "Sources",
    "choose_sources",
    "emptied",
    "plan",
    "refuse",
    "source_report",
    "unavailable",
    "under",
]


@dataclass
class Plan:
    """What an update has to do, from comparing seed files with the manifest."""

    files: list[tuple[Path, str]]
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def plan(files: list[Path], old: dict[str, dict[str, Any]], found: Sequence[Skipped] = ()) -> Plan:
    """Classify seed files as added, changed, removed or unchanged (stat, then hash).

    A file of the index under a folder that cannot be listed now (``found``: what
    looking for seeds reported) is kept as it is, not removed: it may well be there.
    """
    result = Plan([(f, ingest().source_name(f)) for f in files])
    for file, name in result.files:
        record = old.get(name)
        if record is None:
            result.added.append(name)
            continue
        try:
            now = fingerprint(file)
            if all(record.get(k) == v for k, v in now.items()):
                result.unchanged.append(name)
            elif now["size"] == record.get("size") and sha256(file) == record.get("sha256"):
                record.update(now)  # touched or copied, same content
                result.unchanged.append(name)
            else:
                result.changed.append(name)
        except OSError:  # unreadable now: read it again, so that it is reported
            result.changed.append(name)
    names = {name for _, name in result.files}
    hidden = tuple(f"{s.path.rstrip('/')}/" for s in found if s.code == "unreadable")
    for name in sorted(n for n in old if n not in names):
        if name.startswith(hidden):
            result.files.append((Path(name), name))
            result.unchanged.append(name)
        else:
            result.removed.append(name)
    return result


def under(name: str, source: str) -> bool:
    """Whether the seed file ``name`` was found through ``source`` (both absolute)."""
    return name == source or name.startswith(source.rstrip(os.sep) + os.sep)


@dataclass
class Sources:
    """The sources of a build: all of them, those it adds, those it forgets."""

    paths: list[str]
    new: list[str]
    forgotten: list[str]


def choose_sources(
    path: Path,
    recorded: list[str],
    seeds: Sequence[Path],
    forget: Sequence[Path],
    default: Sequence[Path],
) -> Sources:
    """The recorded sources, plus ``seeds``, minus ``forget``; ``default`` when there are
    none at all (a new index).

    Raises:
        SourceError: A path to forget is not a source.
        SeedError: There are no sources at all.
    """
    given = unique(absolute(x) for x in seeds)
    drop = unique(absolute(x) for x in forget)
    unknown = [x for x in drop if x not in recorded and x not in given]
    if unknown:
        raise SourceError(path, tuple(unknown), "unknown", tuple(recorded))
    paths = [x for x in unique([*recorded, *given]) if x not in drop]
    if not paths and not recorded and not drop:
        paths = unique(absolute(x) for x in default)
    if not paths and not drop:
        raise SeedError(path, "no seeds given")
    new = [x for x in paths if x not in recorded]
    return Sources(paths, new, [x for x in drop if x in recorded])


def unavailable(recorded: list[str], sources: list[str]) -> list[tuple[str, str]]:
    """The recorded sources that are gone or cannot be listed, with why."""
    bad: list[tuple[str, str]] = []
    for source in sources:
        if source not in recorded:
            continue  # a new one: find_seed_files says when it does not exist
        if os.path.isdir(source):
            try:
                with os.scandir(source):
                    pass
            except OSError:
                bad.append((source, "unreadable"))
        elif not os.path.isfile(source):
            bad.append((source, "missing"))
    return bad


def emptied(
    recorded: list[str], sources: list[str], files: list[Path], known: Iterable[str]
) -> list[tuple[str, str]]:
    """Recorded source folders that held seed files and hold none now: an unmounted
    disk or an emptied share looks like this, and it must not empty the index."""
    found = [str(f) for f in files]
    known = list(known)
    return [
        (source, "empty")
        for source in sources
        if source in recorded
        and os.path.isdir(source)
        and not any(under(f, source) for f in found)
        and any(under(k, source) for k in known)
    ]


def refuse(path: Path, bad: list[tuple[str, str]]) -> None:
    """Raise :class:`SourceError` for the first reason among ``bad``, naming every
    source with that reason."""
    if bad:
        reason = bad[0][1]
        raise SourceError(path, tuple(x for x, r in bad if r == reason), reason)


def source_report(chosen: Sources, changes: Plan) -> dict[str, Any]:
    """The sources fields of a :class:`~search.models.BuildReport`."""
    forgotten = tuple((x, sum(1 for n in changes.removed if under(n, x))) for x in chosen.forgotten)
    return {
        "sources": tuple(chosen.paths),
        "new_sources": tuple(chosen.new),
        "forgotten": forgotten,
    }
