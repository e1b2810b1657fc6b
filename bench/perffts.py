"""The SQLite FTS5 side of the speed benchmark: build in a child process, warm queries.

FTS5 gets the same treatment as kvsearch: its build (parsing the same seeds with
kvsearch's parser, then inserting; :mod:`fts5` has the table) runs in a child process
measured the same way (wall, CPU, peak RSS), and its queries count every match and
make ``snippet()`` s of the top hits, as ``Index.search`` counts and makes snippets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fts5 import Fts5
from perfproc import disk_usage, run_child
from perfqueries import Query
from perfstats import Latency, measure

_CHILD_BUILD = """
import json, resource, sys, time
from pathlib import Path
import fts5
from perfcorpus import load_entries

def cpu():
    s = resource.getrusage(resource.RUSAGE_SELF)
    return s.ru_utime + s.ru_stime

started, cpu_started = time.perf_counter(), cpu()
entries, _ = load_entries(Path(sys.argv[2]))
rows = [fts5.row_of(e) for e in entries]
del entries
parsed, cpu_parsed = time.perf_counter(), cpu()
fts5.build_file(Path(sys.argv[1]), rows)
print(json.dumps({
    "entries": len(rows),
    "parse_seconds": parsed - started,
    "insert_seconds": time.perf_counter() - parsed,
    "parse_cpu_seconds": cpu_parsed - cpu_started,
    "insert_cpu_seconds": cpu() - cpu_parsed,
    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


@dataclass
class Fts5Build:
    """One FTS5 build (parse and insert) in a child process."""

    entries: int
    parse_seconds: float
    insert_seconds: float
    parse_cpu_seconds: float
    insert_cpu_seconds: float
    process_seconds: float  # the child from start to exit (imports included)
    process_cpu_seconds: float
    peak_rss_mb: float  # the child's peak (sampled, at least its ru_maxrss)
    db_mb: float  # on disk, as du counts it

    @property
    def seconds(self) -> float:
        """Wall seconds, parsing included (as kvsearch's build parses)."""
        return self.parse_seconds + self.insert_seconds

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds, parsing included."""
        return self.parse_cpu_seconds + self.insert_cpu_seconds


def measure_build(seeds: Path, db: Path, timeout: float | None = None) -> Fts5Build:
    """Parse ``seeds`` and build the FTS5 database ``db`` in a child process."""
    run = run_child(_CHILD_BUILD, [str(db), str(seeds)], timeout, forward=False)
    data = run.data
    return Fts5Build(
        entries=int(data["entries"]),
        parse_seconds=float(data["parse_seconds"]),
        insert_seconds=float(data["insert_seconds"]),
        parse_cpu_seconds=float(data["parse_cpu_seconds"]),
        insert_cpu_seconds=float(data["insert_cpu_seconds"]),
        process_seconds=run.wall_seconds,
        process_cpu_seconds=run.cpu_seconds,
        peak_rss_mb=max(run.peak_rss_kb, int(data["maxrss_kb"])) / 1024,
        db_mb=disk_usage(db)[0] / 1e6,
    )


def measure_warm(
    db: Path, queries: Sequence[Query], warmup: Sequence[Query] = (), *, limit: int = 10
) -> Latency:
    """Warm latency of :meth:`fts5.Fts5.search` (exact count, top ``limit`` with
    snippets) on one open connection, after the unmeasured ``warmup`` queries."""
    fts = Fts5(db, create=False)
    try:
        return measure(lambda text: fts.search(text, limit), warmup, queries)
    finally:
        fts.close()
