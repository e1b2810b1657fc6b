"""What the speed benchmark reports: one size's results, the tables, the machine."""

from __future__ import annotations

import contextlib
import os
import platform
import sqlite3
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from perffts import Fts5Build
from perfkv import BuildResult
from perfproc import REPO_ROOT
from perfqueries import Query
from perfstats import Latency


@dataclass
class SizeResult:
    """Everything measured at one corpus size."""

    n: int
    corpus: dict[str, Any]
    build: BuildResult
    warm: Latency
    #: New process per query, the index's files evicted from the page cache first.
    cold: Latency
    #: New process per query, the index in the page cache.
    process: Latency
    fts5_build: Fts5Build
    fts5_warm: Latency
    queries: list[Query]
    warmup: list[Query]
    #: Bytes of the index still cached before each cold run (mincore; None: unknown).
    cold_resident: list[int | None] = field(default_factory=list)
    throughput: dict[str, Any] = field(default_factory=dict)

    def ratios(self) -> dict[str, float]:
        """kvsearch / FTS5 for build time, CPU, memory and warm latency."""

        def ratio(a: float, b: float) -> float:
            return a / b if b else float("inf")

        fts = self.fts5_build
        return {
            "build": ratio(self.build.seconds, fts.seconds),
            "build_cpu": ratio(self.build.cpu_seconds, fts.cpu_seconds),
            "build_vs_insert_only": ratio(self.build.seconds, fts.insert_seconds),
            "build_peak_rss": ratio(self.build.peak_rss_mb, fts.peak_rss_mb),
            "warm_p50": ratio(self.warm.p50, self.fts5_warm.p50),
            "warm_p95": ratio(self.warm.p95, self.fts5_warm.p95),
            "warm_p99": ratio(self.warm.p99, self.fts5_warm.p99),
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON form (queries listed with their kinds)."""
        return {
            "n": self.n,
            "corpus": self.corpus,
            "build": {
                **asdict(self.build),
                "entries_per_second": self.build.entries_per_second,
                "phases": self.build.phases,
            },
            "warm": asdict(self.warm),
            "cold": asdict(self.cold),
            "cold_resident_bytes": self.cold_resident,
            "process": asdict(self.process),
            "fts5": {
                "build": {
                    **asdict(self.fts5_build),
                    "seconds": self.fts5_build.seconds,
                    "cpu_seconds": self.fts5_build.cpu_seconds,
                },
                "warm": asdict(self.fts5_warm),
            },
            "throughput": self.throughput,
            "ratios": self.ratios(),
            "queries": [[q.kind, q.text] for q in self.queries],
            "warmup": [[q.kind, q.text] for q in self.warmup],
        }


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        c.ljust(w) if i < 2 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def format_table(results: Sequence[SizeResult]) -> str:
    """The report table: two rows per size, kvsearch and FTS5."""
    head = (
        "N entries", "engine", "build s wall / CPU", "entries/s", "index MB",
        "build peak RSS MB", "warm p50/p95/p99 ms", "zero hits",
        "new process p50/p95 ms", "cold index p50/p95 ms",
    )  # fmt: skip
    rows: list[tuple[str, ...]] = []
    for r in results:
        b, f = r.build, r.fts5_build
        rows.append((
            f"{b.entries:,}", "kvsearch", f"{b.seconds:.1f} / {b.cpu_seconds:.1f}",
            f"{b.entries_per_second:,.0f}", f"{b.index_mb:.1f}", f"{b.peak_rss_mb:.0f}",
            f"{r.warm.p50:.1f} / {r.warm.p95:.1f} / {r.warm.p99:.1f}", f"{r.warm.zero_hits}",
            f"{r.process.p50:.0f} / {r.process.p95:.0f}", f"{r.cold.p50:.0f} / {r.cold.p95:.0f}",
        ))  # fmt: skip
        rows.append((
            f"{f.entries:,}", "FTS5", f"{f.seconds:.1f} / {f.cpu_seconds:.1f}",
            f"{f.entries / f.seconds if f.seconds else 0:,.0f}", f"{f.db_mb:.1f}",
            f"{f.peak_rss_mb:.0f}",
            f"{r.fts5_warm.p50:.2f} / {r.fts5_warm.p95:.2f} / {r.fts5_warm.p99:.2f}",
            f"{r.fts5_warm.zero_hits}", "-", "-",
        ))  # fmt: skip
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]
    lines = [_row(head, widths), "-" * (sum(widths) + 2 * (len(widths) - 1))]
    lines += [_row(row, widths) for row in rows]
    for r in results:
        x = r.ratios()
        lines.append(
            f"{r.n:>9,}  kvsearch / FTS5: build wall {x['build']:.1f}×, CPU {x['build_cpu']:.1f}×, "
            f"peak RSS {x['build_peak_rss']:.1f}×; warm p50 {x['warm_p50']:.0f}×, "
            f"p95 {x['warm_p95']:.0f}×, p99 {x['warm_p99']:.0f}×"
        )
    return "\n".join(lines)


def format_kinds(results: Sequence[SizeResult]) -> str:
    """Warm p50/p95 per query kind, kvsearch and FTS5."""
    lines = ["warm latency by query kind, p50/p95 ms (kvsearch | FTS5):"]
    for r in results:
        parts = []
        for kind, kv in r.warm.by_kind.items():
            fts = r.fts5_warm.by_kind.get(kind, {"p50": 0.0, "p95": 0.0})
            parts.append(
                f"{kind} {kv['p50']:.1f}/{kv['p95']:.1f} | {fts['p50']:.2f}/{fts['p95']:.2f}"
            )
        lines.append(f"  {r.n:>7,}: " + "; ".join(parts))
    return "\n".join(lines)


def format_slowest(results: Sequence[SizeResult]) -> str:
    """The slowest warm queries of each size, for each engine, with their exact totals."""
    lines: list[str] = []
    for r in results:
        for engine, latency in (("kvsearch", r.warm), ("FTS5", r.fts5_warm)):
            lines.append(
                f"slowest {len(latency.slowest)} warm queries, {engine}, {r.n:,} entries "
                "(ms, matches, kind, query):"
            )
            for ms, total, kind, text in latency.slowest:
                count = f"{total:,}" if isinstance(total, int) else "?"
                lines.append(f"  {float(ms):9.1f}  {count:>9}  {kind:<11} {text}")
    return "\n".join(lines)


def format_throughput(results: Sequence[SizeResult]) -> str:
    """Searches per second by number of concurrent clients, both engines."""
    measured = [r for r in results if r.throughput]
    if not measured:
        return ""
    first = measured[0].throughput["kvsearch"]
    counts = list(first["clients"])
    lines = [
        f"throughput, searches/s ({first['approach']}; {first['queries_per_client']} "
        "queries per client):",
        f"  {'N entries':>9}  {'engine':<8}"
        + "".join(f"  {c + (' client' if c == '1' else ' clients'):>10}" for c in counts),
    ]
    for r in measured:
        for engine in ("kvsearch", "fts5"):
            qps = r.throughput[engine]["clients"]
            lines.append(
                f"  {r.n:>9,}  {engine if engine == 'kvsearch' else 'FTS5':<8}"
                + "".join(f"  {qps[c]['qps']:>10,.1f}" for c in counts)
            )
    return "\n".join(lines)


def format_after_update(before: SizeResult, update: dict[str, Any]) -> str:
    """Warm latency on the updated index against the freshly built one."""
    after = update.get("warm_after")
    segments = f"segments {update['segments_before']} -> {update['segments_after']}"
    if not after:
        return f"  {segments}"
    kinds = "; ".join(
        f"{kind} {before.warm.by_kind[kind]['p50']:.1f} -> {stats['p50']:.1f}"
        for kind, stats in after["by_kind"].items()
        if kind in before.warm.by_kind
    )
    return (
        f"  {segments}; warm p50/p95/p99 {before.warm.p50:.1f}/{before.warm.p95:.1f}/"
        f"{before.warm.p99:.1f} -> {after['p50']:.1f}/{after['p95']:.1f}/{after['p99']:.1f} ms"
        f"\n  p50 by kind, ms: {kinds}"
    )


def machine() -> dict[str, Any]:
    """What ran the benchmark."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "whoosh": version("Whoosh-Reloaded"),
        "stemmer": stemmer_backend(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": list(os.getloadavg()),
        "code": code_version(),
    }


def stemmer_backend() -> str:
    """Which Snowball implementation analysis used: PyStemmer (``kvsearch[fast]``, C)
    or snowballstemmer's pure Python."""
    try:
        return f"PyStemmer {version('PyStemmer')} (C, kvsearch[fast])"
    except PackageNotFoundError:
        return f"snowballstemmer {version('snowballstemmer')} (pure Python)"


def code_version() -> str:
    """The benchmarked code: ``git describe`` of the working tree, or its path."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return f"{REPO_ROOT} (not a git checkout)"
    return f"{REPO_ROOT} at {proc.stdout.strip()}"
