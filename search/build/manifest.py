"""A generation's description, ``kvsearch.json``: what a build records and reads back.

It holds the versions the index was built with (format, schema, analysis, ingest
rules, kvsearch and Whoosh), when, its sources (absolute paths), the counts of
documents and entries, and the manifest: a record per seed file (its path, size,
times, inode and SHA-256, the ids of its documents, what was skipped and warned
about), from which an update tells which files changed (:mod:`search.build.plan`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from search.build.generations import complete_generations, live_generation, read_current
from search.build.layout import GEN_PREFIX, META_FILE
from search.dutch.analysis import ANALYSIS
from search.errors import IndexCorruptError, IndexVersionError, SearchError
from search.formats import SCHEMA_VERSION
from search.models import Skipped
from search.version import installed_version

__all__ = [
    "FORMAT",
    "absolute",
    "describe",
    "dump_meta",
    "fingerprint",
    "live_meta",
    "problems",
    "read_meta",
    "read_meta_head",
    "recorded_sources",
    "records",
    "recover",
    "sha256",
    "unique",
]

FORMAT = "kvsearch-index"


def read_meta(path: Path, gen: Path, *, manifest: bool = True) -> dict[str, Any]:
    """Read and check a generation's metadata against this code's schema and analysis.

    Args:
        path: The index folder (for errors).
        gen: The generation's folder.
        manifest: Also read the manifest of seed files (``files``), which only builds
            and checks use. Without it the rest is read from the start of the file
            where it can be (:func:`read_meta_head`): at 100k entries the manifest is
            3.4 MB of JSON, and parsing it was most of the time an open took.

    Raises:
        IndexCorruptError: The metadata is missing or unreadable.
        IndexVersionError: The index was built with another schema or analysis.
    """
    file = gen / META_FILE
    try:
        head = None if manifest else read_meta_head(file)
        meta: Any = head or json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(path, f"{META_FILE} is missing or unreadable") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise IndexCorruptError(path, f"{META_FILE} is not a kvsearch index description")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexVersionError(
            path, "schema version", str(meta.get("schema_version")), str(SCHEMA_VERSION)
        )
    found = meta.get("analysis")
    if found != ANALYSIS:
        raise IndexVersionError(path, "analysis", _describe(found), _describe(ANALYSIS))
    problem = _meta_problem(meta, manifest=manifest)
    if problem:
        raise IndexCorruptError(path, f"{META_FILE} {problem}")
    return meta


def _meta_problem(meta: dict[str, Any], *, manifest: bool) -> str | None:
    """What is wrong with the shape of readable metadata (a hand edit, a damaged
    disk), or None: every key the code reads is there, of the type it expects."""
    for key in ("documents", "entries"):
        if type(meta.get(key)) is not int:
            return f"lacks a count of {key}"
    if "sources" not in meta and not isinstance(meta.get("seeds"), list):
        return "names no sources"  # an index from before sources names its seeds
    sources = meta.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(x, str) for x in sources):
        return "has an unreadable list of sources"
    if not manifest:
        return None
    files = meta.get("files")
    if not isinstance(files, list) or not all(_valid_record(r) for r in files):
        return "has an unreadable list of seed files"
    return None


def _valid_record(record: Any) -> bool:
    """A manifest record as :func:`search.build.parse.parse_one` writes it."""
    if not isinstance(record, dict) or not isinstance(record.get("path"), str):
        return False
    if not isinstance(record.get("documents"), list):
        return False
    return all(
        isinstance(record.get(key), list)
        and all(isinstance(p, list) and len(p) == 3 for p in record[key])
        for key in ("skipped", "warnings")
    )


#: Where the manifest starts in ``kvsearch.json`` as :func:`dump_meta` writes it:
#: compact, ``files`` last, and no key before it holds a ``files`` key (a quote inside
#: a JSON string is escaped, so the bytes cannot occur in a value).
_MANIFEST_KEY = b',"files":'
#: What :class:`search.Index` reads of the metadata.
_HEAD_KEYS = ("format", "schema_version", "analysis", "documents", "entries")


def read_meta_head(file: Path) -> dict[str, Any] | None:
    """The metadata before the manifest, read without the manifest; None when the file
    is not laid out as the build writes it (then it is read whole)."""
    with open(file, "rb") as stream:
        start = stream.read(1 << 16)
    cut = start.find(_MANIFEST_KEY)
    if cut < 0:
        return None
    try:
        head = json.loads(start[:cut] + b"}")
    except ValueError:
        return None
    if not isinstance(head, dict) or any(key not in head for key in _HEAD_KEYS):
        return None
    return head


def dump_meta(meta: dict[str, Any]) -> str:
    """``kvsearch.json``: compact, so that the C encoder writes it (with ``indent`` the
    pure-Python one takes half a second for the manifest of 100k entries), the
    manifest last (see :func:`read_meta_head`)."""
    ordered = {k: v for k, v in meta.items() if k != "files"}
    ordered["files"] = meta.get("files", [])
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))


def _describe(analysis: object) -> str:
    if not isinstance(analysis, dict):
        return str(analysis)
    return ", ".join(f"{k}={v}" for k, v in sorted(analysis.items()))


def describe(
    ingest_version: object,
    sources: list[str],
    documents: int,
    entries: int,
    manifest: list[dict[str, Any]],
) -> dict[str, Any]:
    """The metadata of a generation built now, with this code's versions."""
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "analysis": ANALYSIS,
        "ingest": ingest_version,
        "kvsearch": installed_version("kvsearch"),
        "whoosh": installed_version("Whoosh-Reloaded", "?"),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": sources,
        "documents": documents,
        "entries": entries,
        "files": manifest,
    }


def fingerprint(file: Path) -> dict[str, int]:
    """What tells a changed file without reading it: size, times in ns, inode."""
    st = file.stat()
    return {
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "ctime_ns": st.st_ctime_ns,
        "inode": st.st_ino,
    }


def sha256(file: Path) -> str:
    """The SHA-256 of a seed file's content, as the manifest records it."""
    return hashlib.sha256(file.read_bytes()).hexdigest()


def problems(records: Iterable[dict[str, Any]], key: str) -> tuple[Skipped, ...]:
    """What manifest ``records`` list under ``key`` (``skipped`` or ``warnings``)."""
    return tuple(
        Skipped(r["path"], line, code, detail) for r in records for line, code, detail in r[key]
    )


def absolute(path: str | os.PathLike[str]) -> str:
    """An absolute, normalized path: ``..`` folded by name, symbolic links kept (a
    source reached through a link stays the path the user gave)."""
    return os.path.abspath(os.fspath(path))


def unique(paths: Iterable[str]) -> list[str]:
    """``paths`` without repeats, in their first order."""
    return list(dict.fromkeys(paths))


def recorded_sources(meta: dict[str, Any]) -> list[str]:
    """The sources (absolute paths of folders and files) recorded in metadata.

    An index from before sources were recorded names the seeds it was built from as
    they were given, perhaps relative: they are taken relative to the current folder.
    """
    sources = meta.get("sources")
    if isinstance(sources, list):
        return [x for x in sources if isinstance(x, str)]
    seeds = meta.get("seeds")
    if isinstance(seeds, list):
        return unique(absolute(x) for x in seeds if isinstance(x, str))
    return []


def records(meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manifest records by absolute path. Records of an index from before the
    manifest was keyed by absolute paths are taken relative to the current folder
    (and replaced by copies that say so)."""
    by_path: dict[str, dict[str, Any]] = {}
    for record in meta["files"]:
        name = record["path"]
        if not os.path.isabs(name):
            record = {**record, "path": absolute(name)}
        by_path[record["path"]] = record
    return by_path


def _raw_meta(gen: Path) -> dict[str, Any] | None:
    """A generation's metadata as it is, unchecked; None when it is not an object."""
    try:
        meta = json.loads((gen / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def recover(path: Path) -> tuple[list[str] | None, set[str]]:
    """The sources and the seed files of a damaged index, from the first generation
    whose metadata names them: the live one, then the newest finished one. (None,
    empty) when no generation does."""
    names = [read_current(path), *complete_generations(path)]
    for name in unique(n for n in names if n and n.startswith(GEN_PREFIX) and "/" not in n):
        meta = _raw_meta(path / name)
        if meta is None or not ("sources" in meta or "seeds" in meta):
            continue
        files = meta.get("files")
        known = {
            absolute(r["path"])
            for r in (files if isinstance(files, list) else [])
            if isinstance(r, dict) and isinstance(r.get("path"), str)
        }
        return recorded_sources(meta), known
    return None, set()


def live_meta(path: Path) -> tuple[Path, dict[str, Any]] | None:
    """The live generation and its metadata, when it can be updated in place."""
    try:
        gen = live_generation(path)
        meta = read_meta(path, gen)
    except SearchError:
        return None
    return gen, meta
