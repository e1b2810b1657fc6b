"""Building the on-disk index, atomically.

An index directory holds generations::

    index/
      CURRENT              name of the live generation
      .lock                held (flock) by the one process that writes
      gen-<time>-<pid>/    a complete Whoosh index + kvsearch.json

A build writes a new generation beside the live one and then replaces ``CURRENT``
(an atomic rename), so a reader sees the old index or the new one, never a half-built
one; a build that fails or is killed leaves the previous generation live, and its
leftovers are removed by the next build.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from search.analysis import ANALYSIS
from search.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexPathError,
    IndexVersionError,
    SeedParseError,
)
from search.ingest import find_seed_files, merge_documents, parse_file
from search.models import BuildReport, Document, Skipped
from search.schema import SCHEMA_VERSION, fields_for, make_schema

__all__ = ["META_FILE", "build", "live_generation", "read_meta"]

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
META_FILE = "kvsearch.json"
GEN_PREFIX = "gen-"
FORMAT = "kvsearch-index"


def live_generation(path: Path) -> Path:
    """The directory of the live generation of the index at ``path``.

    Raises:
        IndexNotFoundError: ``path`` holds no kvsearch index.
    """
    try:
        name = (path / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise IndexNotFoundError(path) from exc
    gen = path / name
    if not name.startswith(GEN_PREFIX) or "/" in name or not gen.is_dir():
        raise IndexCorruptError(path, f"{CURRENT_FILE} names a missing generation {name!r}")
    return gen


def read_meta(path: Path, gen: Path) -> dict[str, Any]:
    """Read and check a generation's metadata against this code's schema and analysis.

    Raises:
        IndexCorruptError: The metadata is missing or unreadable.
        IndexVersionError: The index was built with another schema or analysis.
    """
    try:
        meta: dict[str, Any] = json.loads((gen / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(path, f"{META_FILE} is missing or unreadable") from exc
    if meta.get("format") != FORMAT:
        raise IndexCorruptError(path, f"{META_FILE} is not a kvsearch index description")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexVersionError(
            path, "schema version", str(meta.get("schema_version")), str(SCHEMA_VERSION)
        )
    found = meta.get("analysis")
    if found != ANALYSIS:
        raise IndexVersionError(path, "analysis", _describe(found), _describe(ANALYSIS))
    return meta


def _describe(analysis: object) -> str:
    if not isinstance(analysis, dict):
        return str(analysis)
    return ", ".join(f"{k}={v}" for k, v in sorted(analysis.items()))


@contextlib.contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Hold the index's writer lock; another writer gets :class:`IndexLockedError`.

    The lock is an ``flock``: the kernel drops it when the process dies, so a killed
    build never leaves a stale lock behind.
    """
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
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
        os.close(fd)


def _check_target(path: Path) -> None:
    """Refuse to build into a directory that holds something other than an index."""
    if path.exists() and not path.is_dir():
        raise IndexPathError(path, "it is a file")
    if not path.is_dir() or (path / CURRENT_FILE).exists():
        return
    foreign = [p.name for p in path.iterdir() if p.name != LOCK_FILE]
    if foreign and not all(n.startswith(GEN_PREFIX) for n in foreign):
        raise IndexPathError(path, "the folder is not empty and holds no kvsearch index")


def _file_record(path: Path, name: str) -> dict[str, Any]:
    data = path.read_bytes()
    st = path.stat()
    return {
        "path": name,
        "size": st.st_size,
        "mtime": st.st_mtime,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def parse_seeds(
    seeds: Sequence[Path],
) -> tuple[list[Document], list[dict[str, Any]], list[Skipped], list[Skipped], int]:
    """Parse every seed file; a file that fails is reported and skipped, never fatal."""
    files = find_seed_files(seeds)
    documents: list[Document] = []
    records: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    warnings: list[Skipped] = []
    for file in files:
        name = str(file)
        try:
            parsed = parse_file(file, name=name)
            records.append(_file_record(file, name))
        except SeedParseError as exc:
            skipped.append(Skipped(name, exc.line, exc.code))
            continue
        except OSError as exc:
            skipped.append(Skipped(name, 0, "unreadable", str(exc.strerror or exc)))
            continue
        skipped.extend(parsed.skipped)
        warnings.extend(parsed.warnings)
        documents.extend(d for d in parsed.documents if d.entries)
    return merge_documents(documents), records, skipped, warnings, len(files)


def build(path: Path, seeds: Sequence[Path]) -> BuildReport:
    """Build a fresh index at ``path`` from ``seeds`` and make it live atomically.

    Raises:
        IndexLockedError: Another process is writing this index.
        IndexPathError: ``path`` is taken by something else.
        SeedError: A seed path does not exist.
    """
    started = time.perf_counter()
    _check_target(path)
    with writer_lock(path):
        _remove_stale(path)
        documents, records, skipped, warnings, nfiles = parse_seeds(seeds)
        gen = path / f"{GEN_PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}"
        try:
            gen.mkdir()
            entries = _write_whoosh(gen, documents)
            meta = {
                "format": FORMAT,
                "schema_version": SCHEMA_VERSION,
                "analysis": ANALYSIS,
                "kvsearch": version("kvsearch") if _installed("kvsearch") else "dev",
                "whoosh": version("Whoosh-Reloaded") if _installed("Whoosh-Reloaded") else "?",
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "seeds": [str(s) for s in seeds],
                "documents": len(documents),
                "entries": entries,
                "files": records,
                "skipped": [[s.path, s.line, s.code, s.detail] for s in skipped],
            }
            _write_atomic(gen / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1))
            _write_atomic(path / CURRENT_FILE, gen.name + "\n")
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        _remove_stale(path)
    return BuildReport(
        files=nfiles,
        documents=len(documents),
        entries=entries,
        skipped=tuple(skipped),
        warnings=tuple(warnings),
        seconds=time.perf_counter() - started,
        index_path=str(path),
    )


def _installed(dist: str) -> bool:
    try:
        version(dist)
    except Exception:
        return False
    return True


def _write_whoosh(gen: Path, documents: Iterable[Document]) -> int:
    ix = whoosh_index.create_in(str(gen), make_schema())
    writer = ix.writer(limitmb=256)
    count = 0
    try:
        for doc in documents:
            for entry in doc.entries:
                if doc.delayed and not entry.delayed:
                    entry = replace(entry, delayed=True)
                writer.add_document(**fields_for(entry))
                count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    return count


def _write_atomic(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _remove_stale(path: Path) -> None:
    """Remove generations other than the live one (called under the writer lock)."""
    try:
        live = (path / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        live = ""
    for child in path.iterdir():
        if child.name.startswith(GEN_PREFIX) and child.name != live:
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(".") and child.name.endswith(".tmp"):
            child.unlink(missing_ok=True)
