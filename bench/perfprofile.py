"""Where the time goes: cProfile of a build and of the warm queries (``--profile``)."""

from __future__ import annotations

import cProfile
import pstats
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from perfkv import LIMIT
from perfqueries import Query

from search import Index

#: Rows of the profile listings.
PROFILE_ROWS = 25


def _top(profile: cProfile.Profile, rows: int) -> dict[str, Any]:
    """The top functions by cumulative and by own time, and own time per module."""
    stats = pstats.Stats(profile)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    table: list[dict[str, Any]] = []
    modules: dict[str, float] = {}
    for (file, line, name), (_, calls, own, cum, _) in raw.items():
        where = _short(file)
        table.append(
            {
                "function": f"{where}:{line}({name})" if where else name,
                "calls": calls,
                "tottime": own,
                "cumtime": cum,
                "tot_pct": 100 * own / total if total else 0.0,
                "cum_pct": 100 * cum / total if total else 0.0,
            }
        )
        module = _module(where) if where else name
        modules[module] = modules.get(module, 0.0) + own
    by_module = [
        {"module": m, "tottime": t, "tot_pct": 100 * t / total if total else 0.0}
        for m, t in sorted(modules.items(), key=lambda item: -item[1])
    ]
    return {
        "total_seconds": total,
        "by_module": by_module[:rows],
        "by_cumulative": sorted(table, key=lambda r: -r["cumtime"])[:rows],
        "by_tottime": sorted(table, key=lambda r: -r["tottime"])[:rows],
    }


def _short(file: str) -> str:
    """``.../site-packages/whoosh/codec/whoosh3.py`` -> ``whoosh/codec/whoosh3.py``.

    Empty for built-in functions (cProfile's file ``~``).
    """
    if file == "~":
        return ""
    parts = Path(file).parts
    for anchor in ("search", "whoosh", "markdown_it", "snowballstemmer", "bench"):
        if anchor in parts[:-1]:
            i = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[i:])
    return Path(file).name


def _module(where: str) -> str:
    """The group a file's own time is summed in: a kvsearch module, a Whoosh subpackage."""
    parts = where.split("/")
    if parts[0] in ("snowballstemmer", "markdown_it"):
        return parts[0]
    if parts[0] == "whoosh" and len(parts) > 2:
        return "/".join(parts[:2])
    return where


def format_profile(title: str, part: dict[str, Any]) -> str:
    """One profile as text: own time per module, then the top functions two ways."""
    total = float(part["total_seconds"])
    lines = [
        f"=== profile: {title}: {part['wall_seconds_with_profiler']:.1f} s wall under "
        f"cProfile, {total:.1f} s profiled ===",
        "own time by module:",
    ]
    lines += [
        f"  {m['tot_pct']:5.1f} %  {m['tottime']:7.2f} s  {m['module']}"
        for m in part["by_module"][:15]
    ]
    for key, label in (("by_cumulative", "cumulative"), ("by_tottime", "own")):
        lines.append(f"top {len(part[key])} by {label} time:")
        lines.append("  cum %   cum s   own %   own s     calls  function")
        lines += [
            f"  {r['cum_pct']:5.1f} {r['cumtime']:7.2f} {r['tot_pct']:7.1f} {r['tottime']:7.2f} "
            f"{r['calls']:9}  {r['function']}"
            for r in part[key]
        ]
    return "\n".join(lines)


def profile_run(
    seeds: Path,
    work: Path,
    queries: Sequence[Query],
    warmup: Sequence[Query] = (),
    rows: int = PROFILE_ROWS,
) -> dict[str, Any]:
    """cProfile a build of ``seeds`` and then the warm ``queries`` on that index (after
    the unprofiled ``warmup``)."""
    index_dir = work / "index-profile"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    build = cProfile.Profile()
    started = time.perf_counter()
    build.enable()
    index = Index.build(index_dir, [seeds])
    build.disable()
    build_seconds = time.perf_counter() - started
    search = cProfile.Profile()
    with index:
        for query in warmup:
            index.search(query.text, limit=LIMIT)
        started = time.perf_counter()
        search.enable()
        for query in queries:
            index.search(query.text, limit=LIMIT)
        search.disable()
        search_seconds = time.perf_counter() - started
    shutil.rmtree(index_dir)
    result: dict[str, Any] = {"rows": rows}
    for name, profile, seconds in (
        ("build", build, build_seconds),
        ("queries", search, search_seconds),
    ):
        result[name] = {
            "wall_seconds_with_profiler": seconds,
            **_top(profile, rows),
        }
    return result
