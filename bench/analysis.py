"""Throughput of the Dutch analysis chain, in tokens per second.

Run from the repository root::

    python bench/analysis.py            # with whatever stemmer backend is installed
    pip install 'PyStemmer>=3,<4'       # or: pip install '.[fast]'
    python bench/analysis.py            # again, with the C stemmer

Analyses every question and answer of ``../shared/corpus/docs`` with the index chain
(tokenize, NFKC, lowercase, fold, decompound, stem) three times: once with empty caches
(cold) and twice more (warm, the usual state in a long build). Prints tokens/s for each
and which snowballstemmer backend ran.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from search.dutch import analysis  # noqa: E402
from search.dutch.compounds import split_compound  # noqa: E402
from search.ingest import parse_file  # noqa: E402


def main() -> int:
    """Analyse the corpus text and print the throughput."""
    corpus = REPO_ROOT.parent / "shared" / "corpus" / "docs"
    texts = [
        t
        for f in sorted(corpus.glob("*.txt"))
        for d in parse_file(f).documents
        for e in d.entries
        for t in (e.question, e.answer)
        if t
    ]
    chain = analysis.dutch_analyzer()
    backend = getattr(analysis._stem_word, "__module__", None) or type(analysis._STEMMER).__module__
    print("command: python bench/analysis.py")
    print(f"corpus: {len(texts)} question and answer texts; stemmer backend: {backend}")
    analysis.stem.cache_clear()
    split_compound.cache_clear()
    for run in ("cold", "warm", "warm"):
        started = time.perf_counter()
        tokens = sum(1 for text in texts for _ in chain(text))
        seconds = time.perf_counter() - started
        print(f"{run}: {tokens} tokens in {seconds:.2f} s = {tokens / seconds:,.0f} tokens/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
