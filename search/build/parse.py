"""Reading seed files for a build: each file parsed into its manifest record and its
documents, which are spooled to the new generation's folder (in a pool of forked
processes when there are many files), then merged by document id.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from search.build.generations import fault
from search.build.manifest import fingerprint, sha256
from search.build.spool import Spool, Spooled
from search.build.summary import State, state
from search.dutch.analysis import add_words, analyse_new_words
from search.errors import SeedParseError
from search.models import Document, Skipped
from search.schema import analysed_texts

__all__ = [
    "MAX_SEED_BYTES",
    "PARALLEL_PARSE_FILES",
    "Parsed",
    "ingest",
    "merge_parsed",
    "parse_many",
    "parse_one",
    "usable_cpus",
]

#: A seed file larger than this is skipped: Kamervragen documents are tens of KB, and
#: one file of many MB is a mistake (a dump, a PDF renamed) that would stall a build.
MAX_SEED_BYTES = 20_000_000

#: Fewer seed files than this are parsed in this process; more, by a pool of processes
#: (one per CPU): parsing markdown is about 10 % of a full build.
PARALLEL_PARSE_FILES = 200

#: A parsed document: where it is spooled, and its state for the change summary
#: (None without entries).
Parsed = tuple[Spooled, State | None]


def ingest() -> Any:
    """:mod:`search.ingest`, imported on first use: searching never parses seeds, and
    markdown-it and the parser's patterns cost a search process ~50 ms to import."""
    from search import ingest as module

    return module


def usable_cpus() -> int:
    """CPUs this process may use; 1 where processes cannot be forked (the parallel
    parts of a build fork, so that they share the parsed documents)."""
    if not hasattr(os, "fork"):
        return 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parse_one(file: Path, name: str) -> tuple[dict[str, Any], list[Document]]:
    """Parse a seed file into its manifest record and its documents; never raises
    for bad content (it is recorded as skipped)."""
    record: dict[str, Any] = {"path": name, "documents": [], "skipped": [], "warnings": []}
    renamed = [[0, "name-not-utf8", name]] if name != str(file) else []
    record["warnings"] = renamed
    try:
        record.update(fingerprint(file))
        if record["size"] > MAX_SEED_BYTES:
            record["sha256"] = ""
            record["skipped"] = [[0, "too-large", f"{record['size'] // 1_000_000} MB"]]
            return record, []
        record["sha256"] = sha256(file)
        parsed = ingest().parse_file(file, name=name)
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


def _with_states(where: list[Spooled], documents: list[Document]) -> list[Parsed]:
    return [(w, state(d) if d.entries else None) for w, d in zip(where, documents, strict=True)]


def parse_many(
    todo: Sequence[tuple[Path, str]], folder: Path
) -> Iterator[tuple[str, tuple[dict[str, Any], list[Parsed]]]]:
    """:func:`parse_one` of each file, in order, its documents spooled to ``folder``;
    in parallel when there are many."""
    workers = min(usable_cpus(), 8)
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
                fault("parsing")
            yield name, (record, parsed)


def _parse_and_spool(file: Path, name: str, folder: Path) -> tuple[dict[str, Any], list[Parsed]]:
    """:func:`parse_one`, its documents spooled (they are read back when written)."""
    record, documents = parse_one(file, name)
    where = Spool(folder).write(documents)
    return record, _with_states(where, documents)


def _parse_and_analyse(
    file: Path, name: str, folder: Path
) -> tuple[dict[str, Any], list[Parsed], Any]:
    """``_parse_and_spool`` in a worker, which also analyses the words it has not seen
    yet, so that the build finds them analysed (in parallel, while parsing)."""
    record, documents = parse_one(file, name)
    texts = (t for d in documents for e in d.entries for t in analysed_texts(e))
    words = analyse_new_words(texts)
    where = Spool(folder).write(documents)
    return record, _with_states(where, documents), words


def merge_parsed(
    by_id: dict[str, list[Parsed]], spool: Spool
) -> tuple[list[Parsed], list[Skipped]]:
    """``merge_report`` on spooled documents: the same documents in the same order.
    Only documents that share an id are read back; what merging them gives is
    spooled again."""
    merged: list[Parsed] = []
    warnings: list[Skipped] = []
    for parsed in by_id.values():
        if len(parsed) == 1:
            merged.append(parsed[0])
            continue
        documents, conflicts = ingest().merge_group([spool.load(w) for w, _ in parsed])
        where = spool.write(documents)
        merged.extend(_with_states(where, documents))
        warnings.extend(conflicts)
    return merged, warnings
