"""Where a common-word phrase's time goes, and what arrays would make of it (#19).

Run from the repository root, on an index built by this tree (``perf.py`` leaves one
per size in its ``--work`` folder, or ``kvsearch rebuild SEEDS --index-dir DIR``)::

    python bench/probe_vector.py WORK/index-100000
    python bench/probe_vector.py DIR --words "van de" --fields exact,subject,question,answer

For each word of ``--words`` in each of ``--fields`` (what ``"van de"`` scores when its
common grams answer the phrase: every posting of both words), it times, in CPU time:

1. **decode**: reading the term's W3 posting blocks (a pickled info tuple, then a
   zlib-compressed pickle of ids, weights and positions per 128 postings), as
   ``search.engine.scoring`` does;
2. **score (dicts)**: kvsearch's BM25 over those postings into a dict, as now;
3. **numpy from blocks**: the decoded blocks turned into arrays and scored with numpy;
4. **numpy, arrays kept**: with the arrays kept from step 3 (a cache of decoded
   postings, or a posting format of plain arrays), all terms summed into one dense
   array, the exact number of matches and the top 100.

It measured whether a vectorised scorer would pay, before it was built (it is now:
``search/dense.py`` writes such arrays, ``search/engine/vectors.py`` scores them; the
probe still reads the blocks, as an index without dense arrays is read).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search.engine.scoring import _blocks, _norms, weighting  # noqa: E402

#: BM25F's parameters as kvsearch scores (search/engine/scoring.py).
K1, B = 1.2, 0.25


def _generation(index_dir: Path) -> Path:
    """The newest generation folder of a kvsearch index (or a plain Whoosh folder)."""
    generations = sorted(p for p in index_dir.iterdir() if p.name.startswith("gen-"))
    return generations[-1] if generations else index_dir


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--words", default="van de", help="the words (analysed as typed)")
    parser.add_argument("--fields", default="exact,subject,question,answer")
    args = parser.parse_args(argv)
    import numpy as np
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(_generation(args.index_dir)))
    searcher = ix.searcher(weighting=weighting())
    reader = searcher.reader()
    leaves = [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())
    words = [w.encode("utf-8") for w in args.words.lower().split()]
    decode = dicts = from_blocks = 0.0
    kept: list[tuple[Any, Any, Any, float]] = []
    postings = 0
    for field in args.fields.split(","):
        for word in words:
            if (field, word) not in reader:
                continue
            top = searcher.idf(field, word) * (K1 + 1)
            avgfl = searcher.avg_field_length(field) or 1
            for leaf, offset in leaves:
                norms = _norms(leaf, field, K1, B, avgfl)
                started = time.process_time()
                blocks = list(_blocks(leaf, field, word))
                decode += time.process_time() - started
                started = time.process_time()
                scores: dict[int, float] = {}
                for ids, weights, _ in blocks:
                    scores.update(
                        {
                            d + offset: top * tf / (tf + norms[d])
                            for d, tf in zip(ids, weights, strict=True)
                        }
                    )
                dicts += time.process_time() - started
                postings += len(scores)
                started = time.process_time()
                ids = np.fromiter((d for block in blocks for d in block[0]), dtype=np.int32)
                tfs = np.fromiter((w for block in blocks for w in block[1]), dtype=np.float32)
                norm = np.asarray(norms, dtype=np.float64)
                _ = top * tfs / (tfs + norm[ids])
                from_blocks += time.process_time() - started
                kept.append((ids + offset, tfs, norm[ids], top))
    started = time.process_time()
    dense = np.zeros(reader.doc_count_all())
    for ids, tfs, norm, top in kept:
        dense[ids] += top * tfs / (tfs + norm)
    count = int(np.count_nonzero(dense))
    best = np.argpartition(-dense, min(100, len(dense) - 1))[:100]
    summed = time.process_time() - started
    print(f"index:    {reader.doc_count_all():,} entries; words {args.words!r} in {args.fields}")
    print(f"postings: {postings:,} scored, {count:,} entries match at least one word")
    print(f"decode blocks (pickle + zlib)        {decode * 1e3:8.1f} ms")
    print(f"score into dicts (kvsearch now)      {dicts * 1e3:8.1f} ms")
    print(f"numpy from the decoded blocks        {from_blocks * 1e3:8.1f} ms")
    print(f"numpy, arrays kept: sum, count, top  {summed * 1e3:8.1f} ms ({len(best)} best)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
