"""Building and checking an index: the orchestration of a build or an update.

A build takes the writer lock (:mod:`search.build.lock`), chooses its sources and
makes the change plan (:mod:`search.build.plan`) against the live generation's
manifest (:mod:`search.build.manifest`), parses what changed
(:mod:`search.build.parse`), writes a new generation (:mod:`search.build.write`)
and switches to it atomically (:mod:`search.build.generations`); the change summary
comes from :mod:`search.build.summary`.
"""

from __future__ import annotations

import errno
import shutil
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from search.build import integrity, parse, write
from search.build.generations import (
    check_target,
    holds_index,
    link_generation,
    live_generation,
    new_generation,
    open_for_reading,
    read_current,
    remove_stale,
    seal,
    switch,
    write_atomic,
)
from search.build.layout import META_FILE
from search.build.lock import writer_lock
from search.build.manifest import (
    describe,
    dump_meta,
    live_meta,
    problems,
    read_meta,
    recorded_sources,
    records,
    recover,
)
from search.build.parse import Parsed, ingest, merge_parsed, parse_many, usable_cpus
from search.build.plan import (
    Plan,
    Sources,
    choose_sources,
    emptied,
    plan,
    refuse,
    source_report,
    unavailable,
    under,
)
from search.build.spool import Spool, SpooledDocuments
from search.build.summary import changes, document_states
from search.build.trust import check_trust
from search.build.write import Progress, count_documents
from search.errors import IndexCorruptError, IndexWriteError
from search.formats import INGEST_VERSION
from search.models import BuildReport, CheckReport, Skipped

__all__ = ["Progress", "build", "check"]


#: What running out of room raises while a generation is written: a full disk or
#: quota, a file over the size limit, a read-only or failing disk.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def _write_failure(path: Path, exc: BaseException) -> IndexWriteError | None:
    """The :class:`IndexWriteError` that a failure while writing a new generation stands
    for (no room on the disk, no memory); None for anything else, a bug included."""
    if isinstance(exc, IndexWriteError):
        return None  # the write helper's, already worded
    if isinstance(exc, MemoryError):
        return IndexWriteError(path, "memory")
    if isinstance(exc, OSError) and exc.errno in _NO_ROOM:
        return IndexWriteError(path, "os", f"{exc.strerror or exc}")
    return None


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
        IndexWriteError: Writing the new generation ran out of disk space or memory
            (in this process or the write helper), or the helper was killed; the
            index was not changed.
    """
    started = time.perf_counter()
    check_target(path)
    check_trust(path, trust=trust)
    with writer_lock(path, wait=wait, trust=trust):
        check_trust(path, trust=trust)  # again: it may have changed while we waited
        remove_stale(path)
        live = None if full else live_meta(path)
        if live and live[1].get("ingest") != INGEST_VERSION:
            live = None  # files were parsed by other rules: read them all again
        old = records(live[1]) if live else {}
        if live:
            recorded, known = recorded_sources(live[1]), set(old)
        else:
            recovered, known = recover(path)
            if recovered is None and holds_index(path) and not seeds and not full:
                raise IndexCorruptError(path, "its metadata and sources cannot be read")
            recorded = recovered or []
        chosen = choose_sources(path, recorded, seeds, forget, default)
        refuse(path, unavailable(recorded, chosen.paths))
        files, found = ingest().scan_seed_files([Path(x) for x in chosen.paths])
        refuse(path, emptied(recorded, chosen.paths, files, known))
        todo = plan(files, old, found)
        if live and not (todo.added or todo.changed or todo.removed):
            return _unchanged(path, live, todo, started, chosen, old, found)
        to_read = set(todo.added) | set(todo.changed)
        read_records = {n: old[n] for n in todo.unchanged}
        read_names: list[str] = []
        # Parsed documents by id, in the order merge_report would see them; the
        # documents themselves are spooled to the new generation's folder.
        by_id: dict[str, list[Parsed]] = {}
        gen = new_generation(path)
        spool = Spool(gen)

        def read(names: Iterable[str]) -> None:
            wanted = set(names)
            want = [(f, n) for f, n in todo.files if n in wanted]
            for i, (name, (record, parsed)) in enumerate(parse_many(want, gen), 1):
                read_records[name] = record
                read_names.append(name)
                for item in parsed:
                    by_id.setdefault(item[0].document_id, []).append(item)
                if progress:
                    progress("read", i, len(want))

        helper = None
        try:
            gen.mkdir(mode=0o755)
            if not live and len(to_read) >= parse.PARALLEL_PARSE_FILES and usable_cpus() > 1:
                helper = write.fork_helper(gen)  # while this process is small
            read(to_read)
            if live:
                affected = {d for n in todo.changed + todo.removed for d in old[n]["documents"]}
                affected |= {d for n in read_names for d in read_records[n]["documents"]}
                # Unchanged files that share a document id with a changed one are read
                # again, so that their documents merge as in a build from scratch.
                read(n for n in todo.unchanged if affected & set(old[n]["documents"]))
            else:
                affected = set()
            documents, merge_warnings = merge_parsed(by_id, spool)
            by_id.clear()
            for w in merge_warnings:  # reported with the file whose document did not fit
                read_records[w.path]["warnings"].append([w.line, w.code, w.detail])
            if live:
                documents = [d for d in documents if d[0].document_id in affected]
            previous = live or live_meta(path)
            before = document_states(previous[0], affected if live else None) if previous else {}
            if live:
                link_generation(live[0], gen)
            spooled = SpooledDocuments(gen, [w for w, _ in documents])
            entries = write.write_whoosh(gen, spooled, affected if live else None, progress, helper)
            integrity.record(gen, live[0] if live else None)
            spool.remove()
            manifest = [read_records[name] for _, name in todo.files]
            doc_ids = {d for r in manifest for d in r["documents"]}
            document_count = count_documents(gen, doc_ids)
            meta = describe(INGEST_VERSION, chosen.paths, document_count, entries, manifest)
            seal(gen)
            write_atomic(gen / META_FILE, dump_meta(meta))
            switch(path, gen)
        except BaseException as exc:
            spool.close()
            # Once CURRENT names it (even when interrupted in the middle of writing
            # it), the new generation is the live index: it must stay.
            if read_current(path) != gen.name:
                shutil.rmtree(gen, ignore_errors=True)
                failure = _write_failure(path, exc)
                if failure is not None:
                    raise failure from exc
            raise
        finally:
            if helper is not None:
                helper.stop()
        remove_stale(path)
    after = {w.document_id: state for w, state in documents if state is not None}
    gone = sorted(d for d in before if d not in after and (d in affected or not live))
    return BuildReport(
        files=len(todo.files),
        documents=document_count,
        entries=entries,
        skipped=(*found, *problems(manifest, "skipped")),
        warnings=problems(manifest, "warnings"),
        read=tuple(sorted(read_names)),
        seconds=time.perf_counter() - started,
        index_path=str(path),
        added=len(todo.added) if live else len(todo.files),
        changed=len(todo.changed),
        removed=len(todo.removed),
        unchanged=len(todo.unchanged),
        incremental=live is not None,
        changes=changes(before, after, gone, first_build=previous is None),
        **source_report(chosen, todo),
    )


def _unchanged(
    path: Path,
    live: tuple[Path, dict[str, Any]],
    todo: Plan,
    started: float,
    chosen: Sources,
    old: dict[str, dict[str, Any]],
    found: Sequence[Skipped],
) -> BuildReport:
    """Nothing to read: keep the live generation (readers stay); record the sources
    and the refreshed file times (and absolute manifest paths of an older index)."""
    gen, meta = live
    manifest = [old[name] for _, name in todo.files]  # the records plan() refreshed
    meta = {k: v for k, v in meta.items() if k != "seeds"}
    meta["sources"] = chosen.paths
    meta["files"] = manifest
    write_atomic(gen / META_FILE, dump_meta(meta))
    return BuildReport(
        files=len(todo.files),
        documents=meta["documents"],
        entries=meta["entries"],
        skipped=(*found, *problems(manifest, "skipped")),
        warnings=problems(manifest, "warnings"),
        seconds=time.perf_counter() - started,
        index_path=str(path),
        unchanged=len(todo.unchanged),
        incremental=True,
        **source_report(chosen, todo),
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
    old = records(meta)
    recorded = recorded_sources(meta)
    chosen = choose_sources(path, recorded, seeds, (), ())
    bad = unavailable(recorded, chosen.paths)
    present = [x for x in chosen.paths if x not in {b for b, _ in bad}]
    files, found = ingest().scan_seed_files([Path(x) for x in present])
    bad += emptied(recorded, present, files, old)
    missing = [b for b, _ in bad]
    todo = plan(files, old, found)
    todo.removed = [n for n in todo.removed if not any(under(n, m) for m in missing)]
    problems_found: list[str] = []
    try:
        ix = open_for_reading(gen)
        with ix.searcher() as searcher:
            count = searcher.doc_count()
        ix.close()
    except Exception as exc:
        corrupt = integrity.opening_error(path, gen, exc)
        if corrupt is None:
            raise  # a bug, not a damaged index
        raise corrupt from exc
    if count != meta["entries"]:
        problems_found.append(
            f"the index holds {count} entries, its manifest says {meta['entries']}"
        )
    return CheckReport(
        index_path=str(path),
        documents=meta["documents"],
        entries=count,
        added=tuple(todo.added),
        changed=tuple(todo.changed),
        removed=tuple(todo.removed),
        unchanged=len(todo.unchanged),
        problems=tuple(problems_found),
        skipped=tuple(found),
        sources=tuple(chosen.paths),
        missing=tuple(missing),
    )
