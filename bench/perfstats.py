"""Latency figures of the speed benchmark: percentiles, per kind, the slowest queries."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from perfqueries import Query

#: How many of the slowest queries a :class:`Latency` keeps.
SLOWEST = 10


@dataclass
class Latency:
    """Latencies of a run of queries, in milliseconds."""

    count: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float
    zero_hits: int = 0  # queries that found nothing
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    #: The slowest queries: [ms, total matches (None: not counted), kind, text].
    slowest: list[list[object]] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        samples: Sequence[float],
        kinds: Sequence[str] | None = None,
        zero_hits: int = 0,
        queries: Sequence[Query] | None = None,
        totals: Sequence[int | None] | None = None,
    ) -> Latency:
        """Summarise ``samples`` (seconds); ``kinds`` labels each for per-kind p50/p95;
        with ``queries`` (and their ``totals``) the :data:`SLOWEST` are kept."""
        ms = [s * 1000 for s in samples]
        by_kind: dict[str, dict[str, float]] = {}
        if kinds is not None:
            for kind in dict.fromkeys(kinds):
                mine = [m for m, k in zip(ms, kinds, strict=True) if k == kind]
                by_kind[kind] = {
                    "count": len(mine),
                    "p50": percentile(mine, 50),
                    "p95": percentile(mine, 95),
                }
        slowest: list[list[object]] = []
        if queries is not None:
            counts = list(totals) if totals is not None else [None] * len(queries)
            order = sorted(range(len(ms)), key=lambda i: -ms[i])[:SLOWEST]
            slowest = [[ms[i], counts[i], queries[i].kind, queries[i].text] for i in order]
        return cls(
            count=len(ms),
            p50=percentile(ms, 50),
            p95=percentile(ms, 95),
            p99=percentile(ms, 99),
            mean=statistics.fmean(ms) if ms else 0.0,
            max=max(ms, default=0.0),
            zero_hits=zero_hits,
            by_kind=by_kind,
            slowest=slowest,
        )


def percentile(values: Sequence[float], pct: int) -> float:
    """The ``pct``-th percentile (linear interpolation between closest ranks)."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def timed(search: Callable[[str], int], queries: Sequence[Query]) -> tuple[list[float], list[int]]:
    """Each query's seconds and the total matches ``search`` reported."""
    samples: list[float] = []
    totals: list[int] = []
    for query in queries:
        started = time.perf_counter()
        found = search(query.text)
        samples.append(time.perf_counter() - started)
        totals.append(found)
    return samples, totals


def measure(
    search: Callable[[str], int], warmup: Sequence[Query], queries: Sequence[Query]
) -> Latency:
    """Run ``warmup`` unmeasured, then time ``queries`` one by one."""
    timed(search, warmup)
    samples, totals = timed(search, queries)
    return Latency.of(
        samples,
        [q.kind for q in queries],
        sum(t == 0 for t in totals),
        queries,
        totals,
    )
