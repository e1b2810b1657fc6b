"""New-process search times of several source trees on one index, side by side.

What ``perf.py`` reports as "new process" (``python -m search search Q --index-dir
DIR``, start to exit, the index in the page cache), for one index and several trees
(git worktrees of the versions to compare), the trees taking turns query by query so
that a change in the machine's load meets them alike::

    git worktree add --detach ../kv-old <commit>
    python bench/newprocess.py WORK/index-500000 WORK/corpus-500000-seed1 ../kv-old .

The 20 queries are ``perf.py``'s mix (``spread`` of its 500 warm queries, seed 1). An
index written by a newer tree must be readable by the older one (the same schema).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from perfcorpus import built_index_parser, load_entries  # noqa: E402
from perfqueries import make_queries, spread  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = built_index_parser(__doc__)
    parser.add_argument("trees", type=Path, nargs="+", help="source trees to run")
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--mix", type=int, default=500, help="perf.py's warm queries (--queries)")
    args = parser.parse_args(argv)
    entries, _ = load_entries(args.seeds)
    queries = spread(make_queries(entries, args.mix, args.seed), args.queries)
    times: dict[Path, list[float]] = {tree: [] for tree in args.trees}
    for query in queries:
        for tree in args.trees:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "search", "search", query.text]
                + ["--index-dir", str(args.index_dir)],
                cwd=tree,
                stdout=subprocess.DEVNULL,
                check=True,
            )
            times[tree].append(time.perf_counter() - start)
    print(f"{len(queries)} queries, new process each, {args.index_dir.name}")
    for tree, found in times.items():
        found.sort()
        p50 = found[len(found) // 2] * 1e3
        p95 = found[int(0.95 * (len(found) - 1))] * 1e3
        print(f"  {str(tree):40} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
