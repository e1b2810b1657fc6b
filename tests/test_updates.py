"""After updates an index answers as a fresh build (issue #14, faults 8 and 9).

- Fault 8: ``Index.iter_hits`` follows new generations, as ``search`` does.
- Fault 9: totals and matching entries after updates equal a fresh build's: words that
  occur only in deleted entries are neither expanded nor taken as known, prefix and
  fuzzy terms are scored alike in every segment, BM25 counts live entries only, and
  equal scores are ranked by entry, not by where an update put the entry (all of
  which decide the best Kamervragen, whose neighbouring questions count in totals).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from search import Index
from search.engine.query import clause_query
from search.engine.syntax import parse
from tests.conftest import CORPUS, FIXTURES, ROOT, SEED_FILE

#: A misspelling of a seed word (gezichtsherkenningsoftware), and a made-up compound:
#: each only in the file that the update removes.
TYPO = "gezichtsherkeningsoftware"
ONLY_DELETED = "klimaatwaakhondrapport"


def _seed_file(folder: Path, name: str, document: str, question: str) -> Path:
    file = folder / name
    file.write_text(
        f"## {document}\n\nVragen van het lid Test (SP) aan de Minister van Financiën over "
        f"*een test* (ingezonden 1 maart 2024).\n\n### Vraag 1\n\n{question}\n",
        encoding="utf-8",
    )
    return file


def _update(path: Path, seeds: Path, *, by_process: bool) -> None:
    if by_process:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-m", "search", "index", str(seeds), "--index-dir", str(path), "-q"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    else:
        with Index.open(path) as writer:
            writer.update([seeds])


@pytest.mark.parametrize("by_process", [False, True])
def test_iter_hits_follows_generations(tmp_path: Path, by_process: bool) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    path = tmp_path / "index"
    with Index.build(path, [seeds]) as reader:
        before = [h.entry_id for h in reader.iter_hits("stikstof", related=False)]
        for n in (1, 2):  # two updates: the generation the reader opened is removed
            _seed_file(seeds, f"extra{n}.txt", f"2024Z9999{n}", "Hoe staat het met stikstof?")
            _update(path, seeds, by_process=by_process)
        hits = [h.entry_id for h in reader.iter_hits("stikstof", related=False)]
        assert sorted(hits) == sorted([*before, "2024Z99991#1", "2024Z99992#1"])
        assert reader.search("stikstof", related=False).total == len(hits)


#: Queries of every kind: prefix, fuzzy, phrase, words, a corrected typo, filters.
QUERIES = [
    "zorg*",
    "minister*",
    "kabinet*",
    "onderzoek~",
    "zorgen~2",  # ~2 takes five letters at least (search.engine.query)
    "klimaat*",
    "stikstof*",
    "asiel*",
    "gezichtsherken*",
    "klimaat~",
    "asielzoekers~2",
    "gezichtsherkening~",
    '"social credit"',
    '"de minister"',
    "mensenrechten China",
    "stikstof",
    TYPO,
    ONLY_DELETED,
    "zorg partij:SP",
    "onderwijs jaar:2024",
    "* status:beantwoord",
]


def _answers(path: Path) -> dict[tuple[str, bool], tuple[int, frozenset[str], str | None]]:
    answers = {}
    with Index.open(path) as index:
        for query in QUERIES:
            for related in (True, False):
                results = index.search(query, limit=100_000, related=related)
                ids = frozenset(h.entry_id for h in results.hits)
                answers[query, related] = (results.total, ids, results.suggestion)
    return answers


def _expansions(path: Path, query: str) -> set[str]:
    (clause,) = parse(query).clauses
    with Index.open(path) as index:
        reader = index._get_searcher().reader()
        return {text for _, text in clause_query(clause).expanded_terms(reader)}


@pytest.mark.parametrize(
    ("corpus", "first", "removed", "second"),
    [
        pytest.param(FIXTURES, slice(1, 8, 3), slice(2, 8, 3), slice(8, 15, 2), id="fixtures"),
        pytest.param(
            CORPUS,
            slice(1, 60, 6),
            slice(3, 60, 12),
            slice(60, 117, 5),
            id="whole-corpus",
            marks=pytest.mark.whole_corpus,
        ),
    ],
)
@pytest.mark.slow  # some 5 s: two builds, two updates, 84 searches of every hit each
def test_updates_answer_as_a_fresh_build(
    tmp_path: Path, corpus: Path, first: slice, removed: slice, second: slice
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    files = sorted(corpus.glob("*.txt"))
    for f in [SEED_FILE, *files]:
        shutil.copy(f, seeds)
    only_deleted = _seed_file(
        seeds,
        "zz_only_deleted.txt",
        "2024Z99990",
        f"Kent u het {ONLY_DELETED} over {TYPO} en klimaatverandering?",
    )
    path = tmp_path / "index"
    with Index.build(path, [seeds]):
        pass
    # Two updates: files changed (their entries move to a new segment), removed, and
    # the file with the words that then occur only in deleted entries removed. Among
    # the changed files, early ones with common words: entries that a fresh build
    # numbers first.
    chosen = set(files[first])
    for word in ("zorg", "minister", "asiel", "onderzoek", "kabinet"):
        chosen.update([f for f in files if word in f.read_text(encoding="utf-8").lower()][1:4])
    for f in sorted(chosen):
        changed = seeds / f.name
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    for f in files[removed]:
        (seeds / f.name).unlink()
    _update(path, seeds, by_process=False)
    for f in files[second]:
        changed = seeds / f.name
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    only_deleted.unlink()
    _update(path, seeds, by_process=False)
    fresh = tmp_path / "fresh"
    with Index.build(fresh, [seeds]):
        pass
    ours, theirs = _answers(path), _answers(fresh)
    different = {key: (ours[key], theirs[key]) for key in ours if ours[key] != theirs[key]}
    assert not different
    for query in ("gezichtsherken*", "klimaat*", "gezichtsherkening~"):
        assert _expansions(path, query) == _expansions(fresh, query), query
    assert theirs[TYPO, False][2] is not None  # corrected in both
