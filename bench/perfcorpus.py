"""The corpora of the speed benchmark: generated once per size and seed, then reused."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO_ROOT = BENCH.parent
for _path in (REPO_ROOT, BENCH):  # the working tree's parser; bench/ modules by name
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import make_corpus  # noqa: E402
from perfproc import log  # noqa: E402

from search import Question  # noqa: E402
from search.ingest import find_seed_files, parse_file  # noqa: E402


def ensure_corpus(
    work: Path,
    entries: int,
    seed: int,
    *,
    source: Path = make_corpus.DEFAULT_SOURCE,
    wordlist: Path | None = make_corpus.DEFAULT_WORDLIST,
) -> tuple[Path, dict[str, Any]]:
    """The generated corpus of ``entries`` entries in ``work``, made once and reused.

    A cached corpus is reused only when its manifest matches this generator, size, seed,
    source corpus and vocabulary; otherwise it is made again.
    """
    folder = work / f"corpus-{entries}-seed{seed}"
    manifest = make_corpus.read_manifest(folder)
    if manifest is not None:
        fresh = make_corpus.load_source(source).sha256
        vocabulary = make_corpus.Vocabulary.load(wordlist, seed).source
        if (
            manifest.get("generator_version") == make_corpus.GENERATOR_VERSION
            and manifest.get("entries_requested") == entries
            and manifest.get("source_sha256") == fresh
            and manifest.get("vocabulary_source") == vocabulary
        ):
            return folder, manifest
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    manifest = make_corpus.write_corpus(folder, entries, seed, source_dir=source, wordlist=wordlist)
    log(f"  generated {folder} in {time.perf_counter() - started:.1f} s")
    return folder, manifest


def built_index_parser(doc: str | None) -> argparse.ArgumentParser:
    """The arguments of a script run on an index built already (``warm.py``,
    ``newprocess.py``): the index, the corpus it was built from, the query seed."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("seeds", type=Path, help="the corpus the index was built from")
    parser.add_argument("--seed", type=int, default=1, help="the query seed (perf.py's --seed)")
    return parser


def load_entries(seeds: Path) -> tuple[list[Question], float]:
    """Every entry of the seed files (kvsearch's parser), and the seconds it took."""
    started = time.perf_counter()
    entries = [
        entry
        for file in find_seed_files([seeds])
        for doc in parse_file(file).documents
        for entry in doc.entries
    ]
    return entries, time.perf_counter() - started


def corpus_line(n: int, manifest: dict[str, Any]) -> str:
    """One line of the report on a corpus."""
    return (
        f"  N={n:,}: {manifest['entries']:,} entries, {manifest['documents']:,} documents "
        f"in {manifest['files']:,} files, {manifest['bytes'] / 1e6:.1f} MB, "
        f"{manifest.get('tokens', 0):,} tokens, {manifest.get('distinct_words', 0):,} "
        "distinct words"
    )


def make_update_folder(
    extra: Path,
    seed: int,
    documents: int,
    *,
    source: Path = make_corpus.DEFAULT_SOURCE,
    wordlist: Path | None = make_corpus.DEFAULT_WORDLIST,
) -> int:
    """Write ``documents`` new documents (ids of 2039) into ``extra``; their entry count."""
    if extra.exists():
        shutil.rmtree(extra)
    extra.mkdir(parents=True)
    added = 0
    new_docs = make_corpus.generate(
        make_corpus.load_source(source),
        make_corpus.Vocabulary.load(wordlist, seed),
        10**9,
        seed + 1000,
        first_year=2039,
        max_documents=documents,
    )
    for name, text, questions in new_docs:
        (extra / name).write_text(text, encoding="utf-8")
        added += questions
    return added
