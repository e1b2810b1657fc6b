"""One run of the speed benchmark: each size measured, then the update and the profile.

:func:`measure_size` measures both engines at one size; :func:`measure_all` every size
and the update, printing the report; :func:`profile` the ``--profile`` part.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import perffts
import perfkv
from perfcorpus import load_entries
from perfproc import log
from perfprofile import format_profile, profile_run
from perfqueries import make_queries, spread, warmup_queries
from perfreport import (
    SizeResult,
    format_after_update,
    format_kinds,
    format_slowest,
    format_table,
    format_throughput,
)
from perfthroughput import measure_throughput

DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_QUERIES = 500
DEFAULT_COLD = 20
#: Queries per client of the throughput measurement (0: none).
DEFAULT_THROUGHPUT = 200
#: Unmeasured queries before the measured warm ones (caches, lazy loading); distinct
#: from the measured ones.
WARMUP_QUERIES = 10
#: New documents added for the update measurement.
UPDATE_DOCUMENTS = 10


def measure_size(
    n: int,
    seeds: Path,
    manifest: dict[str, Any],
    work: Path,
    *,
    seed: int,
    queries: int = DEFAULT_QUERIES,
    cold: int = DEFAULT_COLD,
    throughput: int = DEFAULT_THROUGHPUT,
    build_timeout: float | None = None,
) -> SizeResult:
    """Build, query and compare at one size; the index stays at ``work/index-<n>``.

    Raises:
        perfkv.BuildTimeoutError: The build took longer than ``build_timeout`` seconds.
    """
    index_dir = work / f"index-{n}"
    db = work / f"fts5-{n}.sqlite"
    log(f"  build kvsearch ({manifest['entries']} entries)...")
    build = perfkv.measure_build(seeds, index_dir, build_timeout)
    log(f"  built in {build.seconds:.1f} s, {build.index_mb:.1f} MB; FTS5 build...")
    fts_build = perffts.measure_build(seeds, db, build_timeout)
    log(f"  FTS5 built in {fts_build.seconds:.1f} s; warm queries...")
    entries, _ = load_entries(seeds)
    mix = make_queries(entries, queries, seed)
    warmup = warmup_queries(entries, WARMUP_QUERIES, seed, mix)
    del entries
    warm = perfkv.measure_warm(index_dir, mix, warmup)
    fts_warm = perffts.measure_warm(db, mix, warmup, limit=perfkv.LIMIT)
    log(f"  warm p95 {warm.p95:.1f} ms (FTS5 {fts_warm.p95:.2f} ms); new processes...")
    cold_mix = spread(mix, cold)
    pycache = work / "pycache"
    process, _ = perfkv.measure_cold(index_dir, cold_mix, pycache, evicted=False)
    cold_latency, resident = perfkv.measure_cold(index_dir, cold_mix, pycache, evicted=True)
    rates: dict[str, Any] = {}
    if throughput > 0:
        log("  throughput...")
        some = spread(mix, throughput)
        rates["kvsearch"] = measure_throughput("kvsearch", index_dir, some, warmup)
        rates["fts5"] = measure_throughput("fts5", db, some, warmup)
    return SizeResult(
        n=n,
        corpus=manifest,
        build=build,
        warm=warm,
        cold=cold_latency,
        process=process,
        fts5_build=fts_build,
        fts5_warm=fts_warm,
        queries=mix,
        warmup=warmup,
        cold_resident=resident,
        throughput=rates,
    )


def describe(args: argparse.Namespace) -> str:
    """How each figure was measured."""
    return (
        "build: in a child process per engine; wall and CPU (user + system) of the build "
        "itself, imports excluded,\n  kvsearch's parse workers and write helper included "
        "(several processes; FTS5 is one thread); FTS5's build\n  parses the same seeds with "
        "kvsearch's parser. Peak RSS: summed over the child's process tree, sampled every\n"
        "  0.1 s, at least the child's ru_maxrss. Index MB as du counts it.\n"
        f"warm: one open index, {args.queries} distinct queries after {WARMUP_QUERIES} other, "
        "unmeasured ones; kvsearch search(q, limit=10)\n  (exact total, snippets), FTS5 "
        "count(*) of all matches and snippet() of the top 10 (same fields as relevance.py).\n"
        f"new process: `python -m search search Q --index-dir DIR`, start to exit, {args.cold} "
        "queries, the index in the page cache.\ncold index: the same, the index's files "
        "evicted from the page cache before each run (fsync + fadvise DONTNEED,\n  checked "
        "with mincore); Python, kvsearch's code and bytecode stay cached."
    )


def measure_all(
    args: argparse.Namespace,
    work: Path,
    sizes: Sequence[int],
    corpora: dict[int, tuple[Path, dict[str, Any]]],
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    results: list[SizeResult] = []
    stopped: dict[int, float] = {}
    for n in sizes:
        seeds, manifest = corpora[n]
        with section(f"measure {n:,} entries"):
            try:
                results.append(
                    measure_size(
                        n,
                        seeds,
                        manifest,
                        work,
                        seed=args.seed,
                        queries=args.queries,
                        cold=args.cold,
                        throughput=args.throughput_queries,
                        build_timeout=args.build_timeout,
                    )
                )
            except perfkv.BuildTimeoutError as exc:
                log(f"  {exc}")
                stopped[n] = exc.seconds
                break  # larger sizes would take longer still
    print()
    print(format_table(results))
    for n, seconds in stopped.items():
        print(f"{n:>9,}  build stopped after {seconds:.0f} s (--build-timeout)")
    report["stopped"] = [{"n": n, "build_seconds_at_stop": t} for n, t in stopped.items()]
    print()
    print(format_kinds(results))
    phases = [(r.n, r.build.phases) for r in results if r.build.phases]
    if phases:
        print("kvsearch build phases (from the library's progress callback):")
        for n, p in phases:
            print(
                f"  {n:>7,}: read seeds {p['read']:.1f} s, write entries (analysis, "
                f"Whoosh add) {p['write']:.1f} s, commit and the rest "
                f"{p['commit_and_rest']:.1f} s"
            )
    for r in results:
        cached = [b for b in r.cold_resident if b is not None]
        if cached:
            print(
                f"  {r.n:>7,}: index bytes still cached before a cold run: at most "
                f"{max(cached) / 1e6:.1f} MB of {r.build.index_apparent_mb:.1f} MB"
            )
    print()
    print(format_slowest(results))
    throughput = format_throughput(results)
    if throughput:
        print()
        print(throughput)
    print()
    print(describe(args))
    report["sizes"] = [r.to_json() for r in results]
    by_size = {r.n: r for r in results}
    largest: SizeResult | None = results[-1] if results else None
    if args.update_size:
        largest = by_size.get(args.update_size)
    if largest is None:
        print(f"\nupdate: no index of {args.update_size:,} entries was built; skipped")
    elif not args.no_update:
        with section(f"update of the {largest.n:,}-entry index"):
            update = perfkv.measure_update(
                work / f"index-{largest.n}",
                corpora[largest.n][0],
                work,
                args.seed,
                documents=UPDATE_DOCUMENTS,
                queries=largest.queries,
                warmup=largest.warmup,
                source=args.source,
                wordlist=args.wordlist,
            )
        update["full_build_seconds"] = largest.build.seconds
        print(
            f"\nupdate ({largest.n:,} entries + {update['documents_added']} new documents, "
            f"{update['entries_added']} entries): {update['seconds']:.1f} s "
            f"(full build {largest.build.seconds:.1f} s) — {update['note']}"
        )
        print(format_after_update(largest, update))
        report["update"] = update
    return report


def profile(args: argparse.Namespace, work: Path, n: int, seeds: Path) -> dict[str, Any]:
    with section(f"profile at {n:,} entries"):
        entries, _ = load_entries(seeds)
        mix = make_queries(entries, args.queries, args.seed)
        warmup = warmup_queries(entries, WARMUP_QUERIES, args.seed, mix)
        del entries
        profile = profile_run(seeds, work, mix, warmup)
    for name in ("build", "queries"):
        what = f"Index.build of {n:,} entries" if name == "build" else f"{len(mix)} queries"
        print()
        print(format_profile(what, profile[name]))
    return profile


@contextlib.contextmanager
def section(title: str) -> Iterator[None]:
    started = time.perf_counter()
    log(title)
    yield
    log(f"  ({time.perf_counter() - started:.0f} s)")
