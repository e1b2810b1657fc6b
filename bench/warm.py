"""perf.py's warm-query measurement alone, on an index that is built already.

The same 500 distinct queries and the same 10 unmeasured warm-up queries as
``perf.py`` (seed 1), the same ``search(q, limit=10)`` with exact totals and snippets,
on one open index (``perfkv.measure_warm``); for a change that does not touch the
build, without the hour of a full run::

    python bench/warm.py WORK/index-500000 WORK/corpus-500000-seed1
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
for _path in (BENCH.parent, BENCH):  # the working tree's search; bench/ modules by name
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from perfcorpus import built_index_parser, load_entries  # noqa: E402
from perfkv import measure_warm  # noqa: E402
from perfqueries import make_queries, warmup_queries  # noqa: E402
from perfrun import WARMUP_QUERIES  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = built_index_parser(__doc__)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args(argv)
    entries, _ = load_entries(args.seeds)
    queries = make_queries(entries, args.queries, args.seed)
    warmup = warmup_queries(entries, WARMUP_QUERIES, args.seed, queries)
    warm = measure_warm(args.index_dir, queries, warmup)
    print(f"{args.index_dir}: {warm.count} queries, warm p50 / p95 / p99 / max ms")
    print(f"  {warm.p50:.1f} / {warm.p95:.1f} / {warm.p99:.1f} / {warm.max:.1f}")
    for ms, total, kind, text in warm.slowest:
        print(f"  {ms:9.1f} {total!s:>9}  {kind:11} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
