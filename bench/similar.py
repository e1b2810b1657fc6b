"""How well ``kvsearch similar`` finds the other questions on the same subject.

Run from the repository root::

    python bench/similar.py

For every judged query of ``../shared/eval``, each grade-2 entry's text is the input
(``Index.similar(entry_id, include_own=True)``: the entry itself is left out, its own
document's other entries may be found). Reported: how many of the *other* grade-2
entries of that query land in the top 10, as a share of the most that could
(min(10, others)), averaged over all inputs, and per query kind.
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

from relevance import read_qrels, read_queries  # noqa: E402

from search import Index  # noqa: E402

TOP = 10


def main() -> int:
    """Build the corpus index, run every grade-2 entry through ``similar``, print."""
    shared = REPO_ROOT.parent / "shared"
    queries = read_queries(shared / "eval" / "queries.tsv")
    qrels = read_qrels(shared / "eval" / "qrels.tsv")
    shares: dict[str, list[float]] = defaultdict(list)
    counts: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        seeds = [shared / "seeds", shared / "corpus" / "docs"]
        with Index.build(Path(tmp) / "index", seeds) as index:
            for q in queries:
                relevant = {e for e, g in qrels[q.qid].items() if g == 2}
                for entry_id in sorted(relevant):
                    others = relevant - {entry_id}
                    if not others or index.get(entry_id) is None:
                        continue
                    found = index.similar(entry_id, include_own=True, limit=TOP).hits
                    hit = len(others & {h.entry_id for h in found})
                    shares[q.kind].append(hit / min(TOP, len(others)))
                    shares["overall"].append(hit / min(TOP, len(others)))
                    counts.append(hit)
    print("command: python bench/similar.py")
    print(f"inputs: {len(counts)} grade-2 entries of {len(queries)} judged queries")
    print(f"other grade-2 entries in the top {TOP}: {sum(counts) / len(counts):.2f} on average")
    print(f"{'kind':<10} {'n':>4}  share of the possible")
    for kind in ["overall", *sorted(k for k in shares if k != "overall")]:
        values = shares[kind]
        print(f"{kind:<10} {len(values):>4}  {sum(values) / len(values):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
