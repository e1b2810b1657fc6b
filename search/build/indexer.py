"""Building the on-disk index, atomically.

An index directory holds generations::

    index/
      CURRENT              name of the live generation
      .lock                held (flock) by the one process that writes
      PREVIOUS             name of the generation CURRENT named before the last swap
      gen-<time>-<pid>-<random>/
                           a complete Whoosh index + kvsearch.json (versions, the
                           sources, the manifest of seed files by absolute path)

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
import marshal
import os
import secrets
import shutil
import signal
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from search.build import integrity
from search.build.spool import Spool, Spooled, SpooledDocuments
from search.build.storage import MappedStorage
from search.dutch.analysis import ANALYSIS, add_words, analyse_new_words, known_words
from search.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexPathError,
    IndexUntrustedError,
    IndexVersionError,
    SearchError,
    SeedError,
    SeedParseError,
    SourceError,
)
from search.models import (
    BuildReport,
    Changes,
    CheckReport,
    Document,
    DocumentChange,
    Question,
    Skipped,
)
from search.schema import (
    SCHEMA_VERSION,
    analysed_texts,
    entry_from_stored,
    fields_for,
    make_schema,
)
from search.version import installed_version

__all__ = ["META_FILE", "Progress", "build", "check", "live_generation", "read_meta"]

CURRENT_FILE = "CURRENT"
#: The generation CURRENT named before the last swap: kept until the next build, so
#: that a reader that read CURRENT just before the swap can still open it.
PREVIOUS_FILE = "PREVIOUS"
LOCK_FILE = ".lock"
META_FILE = "kvsearch.json"
GEN_PREFIX = "gen-"
FORMAT = "kvsearch-index"


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
    """
    if not (path / CURRENT_FILE).exists():
        if _complete_generations(path):
            raise IndexCorruptError(path, f"{CURRENT_FILE} is missing")
        raise IndexNotFoundError(path)
    name = read_current(path)
    if name is None:
        raise IndexCorruptError(path, f"{CURRENT_FILE} cannot be read")
    gen = path / name
    if not gen.is_dir():
        raise IndexCorruptError(path, f"{CURRENT_FILE} names a missing generation {name!r}")
    return gen


def read_meta(path: Path, gen: Path, *, manifest: bool = True) -> dict[str, Any]:
    """Read and check a generation's metadata against this code's schema and analysis.

    Args:
        path: The index folder (for errors).
        gen: The generation's folder.
        manifest: Also read the manifest of seed files (``files``), which only builds
            and checks use. Without it the rest is read from the start of the file
            where it can be (:func:`_read_meta_head`): at 100k entries the manifest is
            3.4 MB of JSON, and parsing it was most of the time an open took.

    Raises:
        IndexCorruptError: The metadata is missing or unreadable.
        IndexVersionError: The index was built with another schema or analysis.
    """
    file = gen / META_FILE
    try:
        head = None if manifest else _read_meta_head(file)
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
    """A manifest record as :func:`_parse_one` writes it."""
    if not isinstance(record, dict) or not isinstance(record.get("path"), str):
        return False
    if not isinstance(record.get("documents"), list):
        return False
    return all(
        isinstance(record.get(key), list)
        and all(isinstance(p, list) and len(p) == 3 for p in record[key])
        for key in ("skipped", "warnings")
    )


#: Where the manifest starts in ``kvsearch.json`` as :func:`_dump_meta` writes it:
#: compact, ``files`` last, and no key before it holds a ``files`` key (a quote inside
#: a JSON string is escaped, so the bytes cannot occur in a value).
_MANIFEST_KEY = b',"files":'
#: What :class:`search.Index` reads of the metadata.
_HEAD_KEYS = ("format", "schema_version", "analysis", "documents", "entries")


def _read_meta_head(file: Path) -> dict[str, Any] | None:
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


def _dump_meta(meta: dict[str, Any]) -> str:
    """``kvsearch.json``: compact, so that the C encoder writes it (with ``indent`` the
    pure-Python one takes half a second for the manifest of 100k entries), the
    manifest last (see :func:`_read_meta_head`)."""
    ordered = {k: v for k, v in meta.items() if k != "files"}
    ordered["files"] = meta.get("files", [])
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))


def _describe(analysis: object) -> str:
    if not isinstance(analysis, dict):
        return str(analysis)
    return ", ".join(f"{k}={v}" for k, v in sorted(analysis.items()))


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


def _fault(point: str) -> None:
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


def _check_target(path: Path) -> None:
    """Refuse to build into a directory that holds something other than an index."""
    try:
        _check_target_dir(path)
    except OSError as exc:
        raise IndexPathError(path, exc.strerror or str(exc)) from exc


def _check_target_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise IndexPathError(path, "it is a file")
    if not path.is_dir() or (path / CURRENT_FILE).exists():
        return
    if not all(_ours(p.name) for p in path.iterdir()):
        raise IndexPathError(path, "the folder is not empty and holds no kvsearch index")


def _ours(name: str) -> bool:
    """Whether a name in an index folder is one kvsearch makes there: a folder of
    only such names is an index, whole or damaged, and may be rebuilt."""
    if name in (CURRENT_FILE, PREVIOUS_FILE, LOCK_FILE) or name.startswith(GEN_PREFIX):
        return True
    from search.follow import watch  # the saved searches kept beside the generations

    if name in (watch.WATCH_FILE, watch.LOCK_FILE) or watch.is_temporary(name):
        return True
    return name.startswith(".") and name.endswith(".tmp")  # see _write_atomic


def _complete_generations(path: Path) -> list[str]:
    """The generations in ``path`` that a build finished (their metadata is written
    last), newest first."""
    try:
        names = [p.name for p in path.iterdir() if p.name.startswith(GEN_PREFIX)]
    except OSError:
        return []
    return sorted((n for n in names if (path / n / META_FILE).exists()), reverse=True)


#: A seed file larger than this is skipped: Kamervragen documents are tens of KB, and
#: one file of many MB is a mistake (a dump, a PDF renamed) that would stall a build.
MAX_SEED_BYTES = 20_000_000

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stage ``read`` counts files, ``write``
counts entries."""


def _fingerprint(file: Path) -> dict[str, int]:
    """What tells a changed file without reading it: size, times in ns, inode."""
    st = file.stat()
    return {
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "ctime_ns": st.st_ctime_ns,
        "inode": st.st_ino,
    }


def _ingest() -> Any:
    """:mod:`search.ingest`, imported on first use: searching never parses seeds, and
    markdown-it and the parser's patterns cost a search process ~50 ms to import."""
    from search import ingest

    return ingest


def _sha256(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def _parse_one(file: Path, name: str) -> tuple[dict[str, Any], list[Document]]:
    """Parse a seed file into its manifest record and its documents; never raises
    for bad content (it is recorded as skipped)."""
    record: dict[str, Any] = {"path": name, "documents": [], "skipped": [], "warnings": []}
    renamed = [[0, "name-not-utf8", name]] if name != str(file) else []
    record["warnings"] = renamed
    try:
        record.update(_fingerprint(file))
        if record["size"] > MAX_SEED_BYTES:
            record["sha256"] = ""
            record["skipped"] = [[0, "too-large", f"{record['size'] // 1_000_000} MB"]]
            return record, []
        record["sha256"] = _sha256(file)
        parsed = _ingest().parse_file(file, name=name)
    except SeedParseError as exc:
        record["skipped"] = [[exc.line, exc.code, ""]]
        return record, []
    except OSError as exc:
        record.setdefault("size", -1)
        record["skipped"] = [[0, "unreadable", str(exc.strerror or exc)]]
        return record, []
    record["skipped"] = [[s.line, s.code, s.detail] for s in parsed.skipped]
    record["warnings"] = renamed + [[w.line, w.code, w.detail] for w in parsed.warnings]
    record["documents"] = sorted({d.document_id for d in parsed.documents})
    return record, list(parsed.documents)


def _usable_cpus() -> int:
    """CPUs this process may use; 1 where processes cannot be forked (the parallel
    parts of a build fork, so that they share the parsed documents)."""
    if not hasattr(os, "fork"):
        return 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


#: Fewer seed files than this are parsed in this process; more, by a pool of processes
#: (one per CPU): parsing markdown is about 10 % of a full build.
PARALLEL_PARSE_FILES = 200


#: A parsed document: where it is spooled, and its state for the change summary
#: (None without entries).
_Parsed = tuple[Spooled, "_State | None"]


def _with_states(where: list[Spooled], documents: list[Document]) -> list[_Parsed]:
    return [(w, _state(d) if d.entries else None) for w, d in zip(where, documents, strict=True)]


def _parse_many(
    todo: Sequence[tuple[Path, str]], folder: Path
) -> Iterator[tuple[str, tuple[dict[str, Any], list[_Parsed]]]]:
    """``_parse_one`` of each file, in order, its documents spooled to ``folder``; in
    parallel when there are many."""
    workers = min(_usable_cpus(), 8)
    if len(todo) < PARALLEL_PARSE_FILES or workers < 2:
        for file, name in todo:
            yield name, _parse_and_spool(file, name, folder)
        return
    import multiprocessing  # builds only: searching starts faster
    from concurrent.futures import ProcessPoolExecutor

    files, names = [f for f, _ in todo], [n for _, n in todo]
    context = multiprocessing.get_context("fork")
    from search.build.bulkwrite import die_with_parent

    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        chunk = max(1, min(64, len(todo) // (workers * 8)))
        folders = [folder] * len(files)
        results = pool.map(_parse_and_analyse, files, names, folders, chunksize=chunk)
        for i, (name, (record, parsed, words)) in enumerate(zip(names, results, strict=True)):
            add_words(words)
            if i == 0:
                _fault("parsing")
            yield name, (record, parsed)


def _parse_and_spool(file: Path, name: str, folder: Path) -> tuple[dict[str, Any], list[_Parsed]]:
    """``_parse_one``, its documents spooled (they are read back when written)."""
    record, documents = _parse_one(file, name)
    where = Spool(folder).write(documents)
    return record, _with_states(where, documents)


def _parse_and_analyse(
    file: Path, name: str, folder: Path
) -> tuple[dict[str, Any], list[_Parsed], Any]:
    """``_parse_and_spool`` in a worker, which also analyses the words it has not seen
    yet, so that the build finds them analysed (in parallel, while parsing)."""
    record, documents = _parse_one(file, name)
    texts = (t for d in documents for e in d.entries for t in analysed_texts(e))
    words = analyse_new_words(texts)
    where = Spool(folder).write(documents)
    return record, _with_states(where, documents), words


def _merge_parsed(
    by_id: dict[str, list[_Parsed]], spool: Spool
) -> tuple[list[_Parsed], list[Skipped]]:
    """``merge_report`` on spooled documents: the same documents in the same order.
    Only documents that share an id are read back; what merging them gives is
    spooled again."""
    merged: list[_Parsed] = []
    warnings: list[Skipped] = []
    for parsed in by_id.values():
        if len(parsed) == 1:
            merged.append(parsed[0])
            continue
        documents, conflicts = _ingest().merge_group([spool.load(w) for w, _ in parsed])
        where = spool.write(documents)
        merged.extend(_with_states(where, documents))
        warnings.extend(conflicts)
    return merged, warnings


def _problems(records: Iterable[dict[str, Any]], key: str) -> tuple[Skipped, ...]:
    return tuple(
        Skipped(r["path"], line, code, detail) for r in records for line, code, detail in r[key]
    )


@dataclass
class _Plan:
    """What an update has to do, from comparing seed files with the manifest."""

    files: list[tuple[Path, str]]
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _plan(
    files: list[Path], old: dict[str, dict[str, Any]], found: Sequence[Skipped] = ()
) -> _Plan:
    """Classify seed files as added, changed, removed or unchanged (stat, then hash).

    A file of the index under a folder that cannot be listed now (``found``: what
    looking for seeds reported) is kept as it is, not removed: it may well be there.
    """
    plan = _Plan([(f, _ingest().source_name(f)) for f in files])
    for file, name in plan.files:
        record = old.get(name)
        if record is None:
            plan.added.append(name)
            continue
        try:
            now = _fingerprint(file)
            if all(record.get(k) == v for k, v in now.items()):
                plan.unchanged.append(name)
            elif now["size"] == record.get("size") and _sha256(file) == record.get("sha256"):
                record.update(now)  # touched or copied, same content
                plan.unchanged.append(name)
            else:
                plan.changed.append(name)
        except OSError:  # unreadable now: read it again, so that it is reported
            plan.changed.append(name)
    names = {name for _, name in plan.files}
    hidden = tuple(f"{s.path.rstrip('/')}/" for s in found if s.code == "unreadable")
    for name in sorted(n for n in old if n not in names):
        if name.startswith(hidden):
            plan.files.append((Path(name), name))
            plan.unchanged.append(name)
        else:
            plan.removed.append(name)
    return plan


def _abs(path: str | os.PathLike[str]) -> str:
    """An absolute, normalized path: ``..`` folded by name, symbolic links kept (a
    source reached through a link stays the path the user gave)."""
    return os.path.abspath(os.fspath(path))


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))


def _under(name: str, source: str) -> bool:
    """Whether the seed file ``name`` was found through ``source`` (both absolute)."""
    return name == source or name.startswith(source.rstrip(os.sep) + os.sep)


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
        return _unique(_abs(x) for x in seeds if isinstance(x, str))
    return []


def _manifest(meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manifest records by absolute path. Records of an index from before the
    manifest was keyed by absolute paths are taken relative to the current folder
    (and replaced by copies that say so)."""
    records: dict[str, dict[str, Any]] = {}
    for record in meta["files"]:
        name = record["path"]
        if not os.path.isabs(name):
            record = {**record, "path": _abs(name)}
        records[record["path"]] = record
    return records


def _raw_meta(gen: Path) -> dict[str, Any] | None:
    """A generation's metadata as it is, unchecked; None when it is not an object."""
    try:
        meta = json.loads((gen / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _recover(path: Path) -> tuple[list[str] | None, set[str]]:
    """The sources and the seed files of a damaged index, from the first generation
    whose metadata names them: the live one, then the newest finished one. (None,
    empty) when no generation does."""
    names = [read_current(path), *_complete_generations(path)]
    for name in _unique(n for n in names if n and n.startswith(GEN_PREFIX) and "/" not in n):
        meta = _raw_meta(path / name)
        if meta is None or not ("sources" in meta or "seeds" in meta):
            continue
        files = meta.get("files")
        known = {
            _abs(r["path"])
            for r in (files if isinstance(files, list) else [])
            if isinstance(r, dict) and isinstance(r.get("path"), str)
        }
        return recorded_sources(meta), known
    return None, set()


@dataclass
class _Sources:
    """The sources of a build: all of them, those it adds, those it forgets."""

    paths: list[str]
    new: list[str]
    forgotten: list[str]


def _choose_sources(
    path: Path,
    recorded: list[str],
    seeds: Sequence[Path],
    forget: Sequence[Path],
    default: Sequence[Path],
) -> _Sources:
    """The recorded sources, plus ``seeds``, minus ``forget``; ``default`` when there are
    none at all (a new index)."""
    given = _unique(_abs(x) for x in seeds)
    drop = _unique(_abs(x) for x in forget)
    unknown = [x for x in drop if x not in recorded and x not in given]
    if unknown:
        raise SourceError(path, tuple(unknown), "unknown", tuple(recorded))
    paths = [x for x in _unique([*recorded, *given]) if x not in drop]
    if not paths and not recorded and not drop:
        paths = _unique(_abs(x) for x in default)
    if not paths and not drop:
        raise SeedError(path, "no seeds given")
    new = [x for x in paths if x not in recorded]
    return _Sources(paths, new, [x for x in drop if x in recorded])


def _unavailable(recorded: list[str], sources: list[str]) -> list[tuple[str, str]]:
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


def _emptied(
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
        and not any(_under(f, source) for f in found)
        and any(_under(k, source) for k in known)
    ]


def _refuse(path: Path, bad: list[tuple[str, str]]) -> None:
    """Raise :class:`SourceError` for the first reason among ``bad``, naming every
    source with that reason."""
    if bad:
        reason = bad[0][1]
        raise SourceError(path, tuple(x for x, r in bad if r == reason), reason)


def _holds_index(path: Path) -> bool:
    """Whether ``path`` holds a kvsearch index, whole or damaged (not only what a
    killed first build left)."""
    return (path / CURRENT_FILE).exists() or bool(_complete_generations(path))


def _live_meta(path: Path) -> tuple[Path, dict[str, Any]] | None:
    """The live generation and its metadata, when it can be updated in place."""
    try:
        gen = live_generation(path)
        meta = read_meta(path, gen)
    except SearchError:
        return None
    return gen, meta


def build(
    path: Path,
    seeds: Sequence[Path] = (),
    *,
    forget: Sequence[Path] = (),
    default: Sequence[Path] = (),
    full: bool = False,
    wait: bool = False,
    progress: Progress | None = None,
    trust: bool = False,
) -> BuildReport:
    """Bring the index at ``path`` up to date with its sources and make it live atomically.

    The sources are the folders and files the index records (absolute paths), plus
    ``seeds``, minus ``forget``; ``default`` when the index is new and none are given.
    Only added and changed seed files are read again (and the files that share a
    document id with them); the entries of removed files are deleted, and those of
    forgotten sources. The result is the same as a build from scratch. With
    ``full``, or when there is no usable index, everything is built anew.

    A recorded source that is missing, cannot be listed or is a folder that held seed
    files and holds none now never loses its entries: the build raises
    :class:`SourceError` and changes nothing (``forget`` it to drop its entries).

    Raises:
        IndexLockedError: Another process is writing this index (unless ``wait``).
        IndexPathError: ``path`` is taken by something else.
        IndexCorruptError: The index is damaged and its sources cannot be read (give
            ``seeds``, or rebuild with ``full``).
        SeedError: A new seed path does not exist, or there are no seeds at all.
        SourceError: A recorded source is unavailable, or one to forget is unknown.
        IndexUntrustedError: The index folder or a file in it belongs to another user
            or is writable by others (unless ``trust``; see :mod:`search.build.trust`).
    """
    started = time.perf_counter()
    _check_target(path)
    check_trust(path, trust=trust)
    with writer_lock(path, wait=wait, trust=trust):
        check_trust(path, trust=trust)  # again: it may have changed while we waited
        _remove_stale(path)
        live = None if full else _live_meta(path)
        if live and live[1].get("ingest") != _ingest().INGEST_VERSION:
            live = None  # files were parsed by other rules: read them all again
        old = _manifest(live[1]) if live else {}
        if live:
            recorded, known = recorded_sources(live[1]), set(old)
        else:
            recovered, known = _recover(path)
            if recovered is None and _holds_index(path) and not seeds and not full:
                raise IndexCorruptError(path, "its metadata and sources cannot be read")
            recorded = recovered or []
        chosen = _choose_sources(path, recorded, seeds, forget, default)
        _refuse(path, _unavailable(recorded, chosen.paths))
        files, found = _ingest().scan_seed_files([Path(x) for x in chosen.paths])
        _refuse(path, _emptied(recorded, chosen.paths, files, known))
        plan = _plan(files, old, found)
        if live and not (plan.added or plan.changed or plan.removed):
            return _unchanged(path, live, plan, started, chosen, old, found)
        to_read = set(plan.added) | set(plan.changed)
        records = {n: old[n] for n in plan.unchanged}
        read_names: list[str] = []
        # Parsed documents by id, in the order merge_report would see them; the
        # documents themselves are spooled to the new generation's folder.
        by_id: dict[str, list[_Parsed]] = {}
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}-{secrets.token_hex(4)}"
        gen = path / f"{GEN_PREFIX}{stamp}"
        spool = Spool(gen)

        def read(names: Iterable[str]) -> None:
            wanted = set(names)
            todo = [(f, n) for f, n in plan.files if n in wanted]
            for i, (name, (record, parsed)) in enumerate(_parse_many(todo, gen), 1):
                records[name] = record
                read_names.append(name)
                for item in parsed:
                    by_id.setdefault(item[0].document_id, []).append(item)
                if progress:
                    progress("read", i, len(todo))

        helper = None
        try:
            gen.mkdir(mode=0o755)
            if not live and len(to_read) >= PARALLEL_PARSE_FILES and _usable_cpus() > 1:
                helper = _fork_helper(gen)  # while this process is small
            read(to_read)
            if live:
                affected = {d for n in plan.changed + plan.removed for d in old[n]["documents"]}
                affected |= {d for n in read_names for d in records[n]["documents"]}
                # Unchanged files that share a document id with a changed one are read
                # again, so that their documents merge as in a build from scratch.
                read(n for n in plan.unchanged if affected & set(old[n]["documents"]))
            else:
                affected = set()
            documents, merge_warnings = _merge_parsed(by_id, spool)
            by_id.clear()
            for w in merge_warnings:  # reported with the file whose document did not fit
                records[w.path]["warnings"].append([w.line, w.code, w.detail])
            if live:
                documents = [d for d in documents if d[0].document_id in affected]
            previous = live or _live_meta(path)
            before = _document_states(previous[0], affected if live else None) if previous else {}
            if live:
                _link_generation(live[0], gen)
            spooled = SpooledDocuments(gen, [w for w, _ in documents])
            entries = _write_whoosh(gen, spooled, affected if live else None, progress, helper)
            integrity.record(gen, live[0] if live else None)
            spool.remove()
            manifest = [records[name] for _, name in plan.files]
            doc_ids = {d for r in manifest for d in r["documents"]}
            document_count = _count_documents(gen, doc_ids)
            meta = {
                "format": FORMAT,
                "schema_version": SCHEMA_VERSION,
                "analysis": ANALYSIS,
                "ingest": _ingest().INGEST_VERSION,
                "kvsearch": installed_version("kvsearch"),
                "whoosh": installed_version("Whoosh-Reloaded", "?"),
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "sources": chosen.paths,
                "documents": document_count,
                "entries": entries,
                "files": manifest,
            }
            _seal(gen)
            _write_atomic(gen / META_FILE, _dump_meta(meta))
            replaced = read_current(path)
            if replaced:
                _write_atomic(path / PREVIOUS_FILE, replaced + "\n")
            _write_atomic(path / CURRENT_FILE, gen.name + "\n")
            _fault("switched")
        except BaseException:
            spool.close()
            # Once CURRENT names it (even when interrupted in the middle of writing
            # it), the new generation is the live index: it must stay.
            if read_current(path) != gen.name:
                shutil.rmtree(gen, ignore_errors=True)
            raise
        finally:
            if helper is not None:
                helper.stop()
        _remove_stale(path)
    after = {w.document_id: state for w, state in documents if state is not None}
    gone = sorted(d for d in before if d not in after and (d in affected or not live))
    return BuildReport(
        files=len(plan.files),
        documents=document_count,
        entries=entries,
        skipped=(*found, *_problems(manifest, "skipped")),
        warnings=_problems(manifest, "warnings"),
        read=tuple(sorted(read_names)),
        seconds=time.perf_counter() - started,
        index_path=str(path),
        added=len(plan.added) if live else len(plan.files),
        changed=len(plan.changed),
        removed=len(plan.removed),
        unchanged=len(plan.unchanged),
        incremental=live is not None,
        changes=_changes(before, after, gone, first_build=previous is None),
        **_source_report(chosen, plan),
    )


def _source_report(chosen: _Sources, plan: _Plan) -> dict[str, Any]:
    """The sources fields of a :class:`BuildReport`."""
    forgotten = tuple((x, sum(1 for n in plan.removed if _under(n, x))) for x in chosen.forgotten)
    return {
        "sources": tuple(chosen.paths),
        "new_sources": tuple(chosen.new),
        "forgotten": forgotten,
    }


def _unchanged(
    path: Path,
    live: tuple[Path, dict[str, Any]],
    plan: _Plan,
    started: float,
    chosen: _Sources,
    old: dict[str, dict[str, Any]],
    found: Sequence[Skipped],
) -> BuildReport:
    """Nothing to read: keep the live generation (readers stay); record the sources
    and the refreshed file times (and absolute manifest paths of an older index)."""
    gen, meta = live
    manifest = [old[name] for _, name in plan.files]  # the records _plan refreshed
    meta = {k: v for k, v in meta.items() if k != "seeds"}
    meta["sources"] = chosen.paths
    meta["files"] = manifest
    _write_atomic(gen / META_FILE, _dump_meta(meta))
    return BuildReport(
        files=len(plan.files),
        documents=meta["documents"],
        entries=meta["entries"],
        skipped=(*found, *_problems(manifest, "skipped")),
        warnings=_problems(manifest, "warnings"),
        seconds=time.perf_counter() - started,
        index_path=str(path),
        unchanged=len(plan.unchanged),
        incremental=True,
        **_source_report(chosen, plan),
    )


def check(path: Path, seeds: Sequence[Path] = (), *, trust: bool = False) -> CheckReport:
    """Compare the index at ``path`` with its sources (plus ``seeds``, as an update
    with them would) without changing anything.

    Raises:
        IndexNotFoundError: There is no index at ``path``.
        IndexVersionError: It was built with another schema or analysis.
        IndexCorruptError: It is damaged.
        SeedError: A new seed path does not exist.
        IndexUntrustedError: See :func:`build`.
    """
    gen = live_generation(path)
    check_trust(path, gen, trust=trust)
    meta = read_meta(path, gen)
    old = _manifest(meta)
    recorded = recorded_sources(meta)
    chosen = _choose_sources(path, recorded, seeds, (), ())
    bad = _unavailable(recorded, chosen.paths)
    present = [x for x in chosen.paths if x not in {b for b, _ in bad}]
    files, found = _ingest().scan_seed_files([Path(x) for x in present])
    bad += _emptied(recorded, present, files, old)
    missing = [b for b, _ in bad]
    plan = _plan(files, old, found)
    plan.removed = [n for n in plan.removed if not any(_under(n, m) for m in missing)]
    problems: list[str] = []
    try:
        ix = open_for_reading(gen)
        with ix.searcher() as searcher:
            count = searcher.doc_count()
        ix.close()
    except Exception as exc:  # a damaged index raises many kinds
        raise IndexCorruptError(path, f"{type(exc).__name__}: {exc}") from exc
    if count != meta["entries"]:
        problems.append(f"the index holds {count} entries, its manifest says {meta['entries']}")
    return CheckReport(
        index_path=str(path),
        documents=meta["documents"],
        entries=count,
        added=tuple(plan.added),
        changed=tuple(plan.changed),
        removed=tuple(plan.removed),
        unchanged=len(plan.unchanged),
        problems=tuple(problems),
        skipped=tuple(found),
        sources=tuple(chosen.paths),
        missing=tuple(missing),
    )


#: A document's state for the change summary: (subject, answered date, answered, delayed).
_State = tuple[str | None, date | None, bool, bool]


def _state_of(entries: Sequence[Question]) -> _State:
    """A document's state from its entries' statuses (see ``Question.status``)."""
    statuses = {e.status for e in entries}
    when = max((e.answered for e in entries if e.answered), default=None)
    answered = "answered" in statuses
    return entries[0].subject, when, answered, "delayed" in statuses and not answered


def _state(doc: Document) -> _State:
    return _state_of(doc.entries)


def _document_states(gen: Path, ids: set[str] | None) -> dict[str, _State]:
    """The state of documents in a generation (all when ``ids`` is None)."""
    states: dict[str, _State] = {}
    try:
        ix = open_for_reading(gen)
    except Exception:  # an old or damaged index: no summary of changes, not an error
        return states
    try:
        with ix.searcher() as searcher:
            if ids is None:
                stored = list(searcher.reader().all_stored_fields())
            else:
                stored = [f for d in sorted(ids) for f in searcher.documents(document_id=d)]
        grouped: dict[str, list[Question]] = {}
        for fields in stored:
            entry = entry_from_stored(fields)
            grouped.setdefault(entry.document_id, []).append(entry)
        for doc_id, entries in grouped.items():
            states[doc_id] = _state_of(entries)
    except Exception:
        return {}
    finally:
        ix.close()
    return states


def _changes(
    before: dict[str, _State], after: dict[str, _State], gone: list[str], *, first_build: bool
) -> Changes:
    """New, newly answered and newly delayed Kamervragen, by comparing states."""
    new, answered, delayed = [], [], []
    for doc_id in sorted(after):
        subject, when, is_answered, is_delayed = after[doc_id]
        old = before.get(doc_id)
        change = DocumentChange(doc_id, subject, when)
        if old is None:
            new.append(change)
        elif is_answered and not old[2]:
            answered.append(change)
        if is_delayed and (old is None or not old[3]) and not first_build:
            delayed.append(change)
    return Changes(tuple(new), tuple(answered), tuple(delayed), tuple(gone))


def _count_documents(gen: Path, doc_ids: set[str]) -> int:
    """How many of ``doc_ids`` have entries in the generation's index."""
    ix = open_for_reading(gen)
    try:
        with ix.reader() as reader:
            return sum(1 for d in doc_ids if reader.doc_frequency("document_id", d))
    finally:
        ix.close()


def open_for_reading(gen: Path) -> Any:
    """The generation's Whoosh index, its files memory-mapped without copies
    (:class:`search.build.storage.MappedStorage`)."""
    return MappedStorage(str(gen)).open_index()


def _open_for_writing(gen: Path) -> Any:
    """The generation's Whoosh index for a writer, its existing files mapped as above
    (Whoosh's ``open_dir`` would copy every segment into memory)."""
    return MappedStorage(str(gen), writable=True).open_index()


def _link_generation(live: Path, gen: Path) -> None:
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


#: A full build of at least this many entries writes with two processes (see
#: ``BulkWriter.start_helper``).
PARALLEL_WRITE_ENTRIES = 2000


def entry_fields(documents: Iterable[Document]) -> Iterator[dict[str, Any]]:
    """The Whoosh fields of every entry of ``documents``, in index order."""
    for doc in documents:
        for entry in doc.entries:
            if doc.delayed and not entry.delayed:
                entry = replace(entry, delayed=True)
            yield fields_for(entry)


def _fork_helper(gen: Path) -> Any:
    """A process forked now to write half of the postings later (``HelperProcess``)."""
    from search.build.bulkwrite import HelperProcess  # builds only

    return HelperProcess(gen)


class _HelperFields:
    """The write helper's ``fields()`` (see ``BulkWriter.start_helper``), pickled to a
    process forked before the seeds were parsed: the words analysed since come along,
    so that it does not analyse them again."""

    #: Words per marshalled chunk: pickling them at once would hold a memo entry per
    #: object (about 150 MB for the 500,000 words of a 500k build) until it is done.
    WORDS_PER_CHUNK = 20_000

    def __init__(self, documents: SpooledDocuments) -> None:
        self._documents = documents
        words = known_words()
        step = self.WORDS_PER_CHUNK
        self._words = [marshal.dumps(words[i : i + step]) for i in range(0, len(words), step)]

    def __call__(self) -> Iterator[dict[str, Any]]:
        chunks, self._words = self._words, []
        while chunks:
            add_words(marshal.loads(chunks.pop()))
        return entry_fields(self._documents)


def _write_whoosh(
    gen: Path,
    documents: SpooledDocuments,
    replace_ids: set[str] | None,
    progress: Progress | None,
    helper: Any = None,
) -> int:
    """Write the entries of ``documents`` into the generation; with ``replace_ids``,
    into a copy of the live index after deleting the entries of those document ids.

    A full build writes one segment with :class:`BulkWriter`, with a helper process
    for half of the postings when it is large (``helper``: one forked earlier; else
    one is forked now); an update goes through Whoosh's own writer (a new segment,
    merged by Whoosh's policy).
    """
    with _ingest().no_gc():
        return _write_entries(gen, documents, replace_ids, progress, helper)


def _write_entries(
    gen: Path,
    documents: SpooledDocuments,
    replace_ids: set[str] | None,
    progress: Progress | None,
    helper: Any,
) -> int:
    total = documents.entries
    if replace_ids is None:
        ix = whoosh_index.create_in(str(gen), make_schema())
        from search.build.bulkwrite import BulkWriter  # builds only

        writer: Any = BulkWriter(ix)
        if total >= PARALLEL_WRITE_ENTRIES and _usable_cpus() > 1:
            if helper is not None:
                writer.start_helper(_HelperFields(documents), process=helper)
            else:
                writer.start_helper(lambda: entry_fields(documents))
    else:
        ix = _open_for_writing(gen)
        writer = ix.writer(limitmb=256)
    done = 0
    try:
        for doc_id in sorted(replace_ids or ()):
            writer.delete_by_term("document_id", doc_id)
        for fields in entry_fields(documents):
            if replace_ids is None:
                writer.add_document(fields)
            else:
                writer.add_document(**fields)
            done += 1
            if progress and done % 50 == 0:
                progress("write", done, total)
    except BaseException:
        writer.cancel()
        ix.close()
        raise
    writer.commit()
    ix.close()
    ix = open_for_reading(gen)
    with ix.reader() as reader:
        count: int = reader.doc_count()
    ix.close()
    if progress:
        progress("write", total, total)
    return count


def _write_atomic(target: Path, text: str) -> None:
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


def _seal(gen: Path) -> None:
    """Take write permission for group and others off a generation's files (a build
    under umask 002 would otherwise make an index kvsearch refuses to open)."""
    for file in (gen, *gen.iterdir()):
        mode = file.lstat().st_mode
        if mode & 0o022 and not stat.S_ISLNK(mode):
            os.chmod(file, stat.S_IMODE(mode) & ~0o022)


def check_trust(path: Path, gen: Path | None = None, *, trust: bool = False) -> None:
    """Refuse an index folder that someone else could have written (see
    :mod:`search.build.trust`): the folder, what kvsearch keeps in it and the files of the
    generation ``gen`` (the live one when None and ``CURRENT`` names one)."""
    if trust or not path.exists():
        return
    from search.build import trust as trust_module  # builds and opens only

    if gen is None:
        name = read_current(path)
        gen = path / name if name else None
    trust_module.check_files(path, trust_module.index_files(path, gen))


def _remove_stale(path: Path) -> None:
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
        elif child.name.startswith(".") and child.name.endswith(".tmp"):
            child.unlink(missing_ok=True)
