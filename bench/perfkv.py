"""The kvsearch side of the speed benchmark: build, warm and cold queries, update."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from perfcorpus import make_update_folder
from perfproc import (
    REPO_ROOT,
    ChildTimeoutError,
    child_env,
    disk_usage,
    evict,
    resident_bytes,
    run_child,
)
from perfqueries import Query
from perfstats import Latency, measure
from whoosh import index as whoosh_index  # type: ignore[import-untyped, unused-ignore]

from search import Index

#: Results per query, for both engines.
LIMIT = 10

BuildTimeoutError = ChildTimeoutError

_CHILD_BUILD = """
import inspect, json, resource, sys, time
from search import Index

def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

started, cpu_started = time.perf_counter(), cpu()
marks, last = [], {}

def progress(stage, done, total):
    tenth = done * 10 // max(total, 1)
    if last.get(stage) != tenth:
        last[stage] = tenth
        t = time.perf_counter() - started
        marks.append([stage, done, total, round(t, 2)])
        print(f"{t:8.1f} s  {stage} {done}/{total}", file=sys.stderr, flush=True)

kwargs = {"progress": progress} if "progress" in inspect.signature(Index.build).parameters else {}
with Index.build(sys.argv[1], [sys.argv[2]], **kwargs) as index:
    report = index.last_build
print(json.dumps({
    "marks": marks,
    "seconds": time.perf_counter() - started,
    "cpu_seconds": cpu() - cpu_started,
    "entries": report.entries,
    "documents": report.documents,
    "files": report.files,
    "skipped": len(report.skipped),
    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


@dataclass
class BuildResult:
    """One build of the index in a child process."""

    seconds: float  # Index.build, wall, as timed inside the child
    process_seconds: float  # the child process from start to exit (imports included)
    entries: int
    documents: int
    files: int
    skipped: int
    #: The peak of the RSS summed over the build's processes (TreeRSS), at least the
    #: main process's own peak (``ru_maxrss``).
    peak_rss_mb: float
    index_mb: float  # on disk, as du counts it
    index_apparent_mb: float
    #: Progress marks of the build: [stage, done, total, seconds since start].
    marks: list[list[Any]] = field(default_factory=list)
    #: The main build process's own peak RSS (``ru_maxrss``).
    main_peak_rss_mb: float = 0.0
    #: How many processes the sampler saw at the summed peak.
    peak_processes: int = 0
    #: CPU seconds (user + system) of Index.build: the child's own and its reaped
    #: parse workers' and write helper's, imports excluded.
    cpu_seconds: float = 0.0
    #: CPU seconds of the whole child process tree, start to exit (wait4).
    process_cpu_seconds: float = 0.0

    @property
    def entries_per_second(self) -> float:
        """Entries indexed per second of :attr:`seconds`."""
        return self.entries / self.seconds if self.seconds else 0.0

    @property
    def phases(self) -> dict[str, float]:
        """Seconds reading seeds, writing entries (analysis included), committing."""
        ends: dict[str, float] = {}
        for stage, _, _, seconds in self.marks:
            ends[str(stage)] = max(ends.get(str(stage), 0.0), float(seconds))
        if "write" not in ends:
            return {}
        read = ends.get("read", 0.0)
        return {
            "read": read,
            "write": ends["write"] - read,
            "commit_and_rest": self.seconds - ends["write"],
        }


def measure_build(seeds: Path, index_dir: Path, timeout: float | None = None) -> BuildResult:
    """Build a fresh index of ``seeds`` at ``index_dir`` in a child process.

    Raises:
        BuildTimeoutError: The child ran longer than ``timeout`` seconds and was killed
            (the half-built index is removed).
    """
    if index_dir.exists():
        shutil.rmtree(index_dir)
    try:
        run = run_child(_CHILD_BUILD, [str(index_dir), str(seeds)], timeout)
    except ChildTimeoutError:
        shutil.rmtree(index_dir, ignore_errors=True)
        raise
    data = run.data
    blocks, apparent = disk_usage(index_dir)
    return BuildResult(
        seconds=float(data["seconds"]),
        process_seconds=run.wall_seconds,
        entries=int(data["entries"]),
        documents=int(data["documents"]),
        files=int(data["files"]),
        skipped=int(data["skipped"]),
        peak_rss_mb=max(run.peak_rss_kb, int(data["maxrss_kb"])) / 1024,
        index_mb=blocks / 1e6,
        index_apparent_mb=apparent / 1e6,
        marks=list(data.get("marks", [])),
        main_peak_rss_mb=int(data["maxrss_kb"]) / 1024,
        peak_processes=run.peak_processes,
        cpu_seconds=float(data["cpu_seconds"]),
        process_cpu_seconds=run.cpu_seconds,
    )


def measure_warm(
    index_dir: Path, queries: Sequence[Query], warmup: Sequence[Query] = ()
) -> Latency:
    """Latency of ``index.search(q, limit=10)`` (snippets made, totals exact) on one open
    index, after the unmeasured ``warmup`` queries."""
    with Index.open(index_dir) as index:

        def search(text: str) -> int:
            return index.search(text, limit=LIMIT).total

        return measure(search, warmup, queries)


def measure_cold(
    index_dir: Path,
    queries: Sequence[Query],
    pycache: Path | None = None,
    *,
    evicted: bool = True,
) -> tuple[Latency, list[int | None]]:
    """Latency of ``python -m search search Q --index-dir DIR``, process start to exit.

    With ``evicted`` (a cold index), the index's files are dropped from the page cache
    before each run (:func:`perfproc.evict`) and how much of them was still cached is
    returned per run (``mincore``; None where it cannot be asked); without, the index
    stays cached (a new process on a warm page cache). Python, kvsearch's modules and
    their bytecode stay cached either way: one unmeasured run first compiles the
    bytecode into ``pycache`` (``PYTHONPYCACHEPREFIX``), as an installed kvsearch has
    its modules compiled.
    """
    env = child_env()
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)

    def run(text: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "search", "search", text, "--index-dir", str(index_dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO_ROOT,
            check=True,
        )

    if queries:
        run(queries[0].text)  # unmeasured: bytecode (the index is evicted after it)
    samples: list[float] = []
    resident: list[int | None] = []
    for query in queries:
        if evicted:
            evict(index_dir)
            resident.append(resident_bytes(index_dir))
        started = time.perf_counter()
        run(query.text)
        samples.append(time.perf_counter() - started)
    return Latency.of(samples, [q.kind for q in queries]), resident


def measure_update(
    index_dir: Path,
    seeds: Path,
    work: Path,
    seed: int,
    *,
    documents: int,
    queries: Sequence[Query] = (),
    warmup: Sequence[Query] = (),
    **corpus: Any,
) -> dict[str, Any]:
    """Time ``index.update([seeds, extra])``, ``extra`` holding ``documents`` new documents.

    With ``queries``, their warm latency is measured again on the updated index (an
    incremental update adds a Whoosh segment). The seed folder the index was built from
    stays where it is (the index knows its seed files by path); the new documents go
    into a second folder, with ids of another year, removed afterwards.
    """
    extra = work / f"update-{seeds.name}"
    added = make_update_folder(extra, seed, documents, **corpus)
    try:
        segments_before = count_segments(index_dir)
        with Index.open(index_dir) as index:
            before = index.entry_count
            started = time.perf_counter()
            report = index.update([seeds, extra])
            seconds = time.perf_counter() - started
            after = index.entry_count
    finally:
        shutil.rmtree(extra)
    warm_after = asdict(measure_warm(index_dir, queries, warmup)) if queries else None
    incremental = bool(getattr(report, "incremental", False))
    result: dict[str, Any] = {
        "documents_added": documents,
        "entries_added": added,
        "entries_before": before,
        "entries_after": after,
        "seconds": seconds,
        "incremental": incremental,
        "files_added": getattr(report, "added", None),
        "files_unchanged": getattr(report, "unchanged", None),
        "segments_before": segments_before,
        "segments_after": count_segments(index_dir),
        "warm_after": warm_after,
    }
    result["note"] = (
        f"incremental: {result['files_added']} files read, {result['files_unchanged']} unchanged"
        if incremental
        else "a full rebuild from the seeds"
    )
    return result


def count_segments(index_dir: Path) -> int | None:
    """How many Whoosh segments the live generation of the index has (None: unknown)."""
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
        ix = whoosh_index.open_dir(str(index_dir / name))
    except Exception:  # another layout: not worth failing the benchmark for
        return None
    try:
        with ix.reader() as reader:
            return len(reader.leaf_readers())
    finally:
        ix.close()
