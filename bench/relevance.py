"""Relevance benchmark: kvsearch against two baselines on the shared test set.

Run from the repository root::

    python bench/relevance.py                  # kvsearch, fts5 and whoosh-nl
    python bench/relevance.py --baselines-only --per-query
    python bench/relevance.py --systems kvsearch,fts5 --json /tmp/relevance.json

The test set lives in ``../shared/eval`` (40 Dutch queries with graded judgments over
the entries that ``../shared/eval/entries.py`` enumerates). Every system answers the
same queries with its top :data:`DEPTH` entries:

- ``kvsearch``: this project's :class:`search.Index`, built in a temporary folder.
- ``fts5``: SQLite FTS5 (``unicode61 remove_diacritics 2``), the query's words joined
  with ``OR`` and ranked by ``bm25()``: ``bench/fts5.py``, the table and translation of
  ``bench/perf.py`` too (subject, question, answer and names of each entry).
- ``whoosh-nl``: plain Whoosh with ``LanguageAnalyzer("nl")``, the query's words joined
  with ``OR`` and ranked by BM25F.

Metrics per query: nDCG@10 with graded gains (the grade, 1 or 2), recall@100 over all
judged entries, and the reciprocal rank of the first grade-2 entry. They are averaged
over all queries and per query kind.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index  # type: ignore[import-untyped, unused-ignore]
from whoosh.analysis import LanguageAnalyzer  # type: ignore[import-untyped, unused-ignore]
from whoosh.fields import ID, TEXT, Schema  # type: ignore[import-untyped, unused-ignore]
from whoosh.qparser import OrGroup, QueryParser  # type: ignore[import-untyped, unused-ignore]

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT / "bench") not in sys.path:  # the shared FTS5 baseline, bench/fts5.py
    sys.path.insert(0, str(REPO_ROOT / "bench"))

from fts5 import Fts5, Row, names_text  # noqa: E402

#: How many results each system returns per query (recall and MRR are cut off here).
DEPTH = 100
#: The nDCG cut-off.
NDCG_K = 10
SYSTEMS = ("kvsearch", "fts5", "whoosh-nl")
METRICS = ("ndcg@10", "recall@100", "mrr")

#: A search function: query text in, entry ids out (best first, at most DEPTH).
Searcher = Callable[[str], list[str]]


# --- metrics (pure) ------------------------------------------------------------------


def _unique(ranked: Iterable[str]) -> list[str]:
    """Drop repeated ids, keeping the first (a result list must not count one twice)."""
    seen: set[str] = set()
    out: list[str] = []
    for entry_id in ranked:
        if entry_id not in seen:
            seen.add(entry_id)
            out.append(entry_id)
    return out


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain: the sum of ``gain / log2(rank + 1)``, ranks from 1."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at_k(ranked: Sequence[str], qrels: Mapping[str, int], k: int = NDCG_K) -> float:
    """Normalized DCG of the top ``k`` results with graded gains.

    Args:
        ranked: Entry ids, best first.
        qrels: Judged entry id -> grade (unjudged entries have gain 0).
        k: The cut-off.

    Returns:
        DCG@k divided by the DCG@k of the ideal ranking of all judged entries; 0.0 when
        the query has no judged entry.
    """
    ideal = dcg(sorted((g for g in qrels.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(qrels.get(entry_id, 0) for entry_id in _unique(ranked)[:k]) / ideal


def recall_at_k(
    ranked: Sequence[str], qrels: Mapping[str, int], k: int = DEPTH, min_grade: int = 1
) -> float:
    """Share of the entries judged ``>= min_grade`` that appear in the top ``k``."""
    relevant = {entry_id for entry_id, grade in qrels.items() if grade >= min_grade}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(
    ranked: Sequence[str], qrels: Mapping[str, int], k: int = DEPTH, min_grade: int = 2
) -> float:
    """1/rank of the first entry judged ``>= min_grade`` in the top ``k``, else 0.0."""
    for rank, entry_id in enumerate(_unique(ranked)[:k], start=1):
        if qrels.get(entry_id, 0) >= min_grade:
            return 1.0 / rank
    return 0.0


def evaluate(ranked: Sequence[str], qrels: Mapping[str, int]) -> dict[str, float]:
    """All metrics of one query, keyed as in :data:`METRICS`."""
    return {
        "ndcg@10": ndcg_at_k(ranked, qrels, NDCG_K),
        "recall@100": recall_at_k(ranked, qrels, DEPTH),
        "mrr": reciprocal_rank(ranked, qrels, DEPTH),
    }


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; 0.0 for no values."""
    return sum(values) / len(values) if values else 0.0


# --- test set ------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One test query."""

    qid: str
    text: str
    kind: str
    note: str


@dataclass(frozen=True)
class Entry:
    """One reference entry: a question block and its answer."""

    entry_id: str
    question: str
    answer: str


def read_queries(path: Path) -> list[Query]:
    """Read ``queries.tsv``: ``qid<TAB>query<TAB>kind<TAB>note``, no header."""
    queries: list[Query] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, text, kind, note = (line.split("\t") + [""])[:4]
            queries.append(Query(qid, text, kind, note))
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Read ``qrels.tsv`` (TREC layout) into qid -> entry id -> grade.

    Fields are split on tabs only: some entry ids contain spaces.
    """
    qrels: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, entry_id, grade = line.split("\t")
            qrels.setdefault(qid, {})[entry_id] = int(grade)
    return qrels


def corpus_files(corpus: Sequence[Path]) -> list[Path]:
    """The ``.txt`` documents of the corpus folders, as ``entries.py`` reads them."""
    files: list[Path] = []
    for path in corpus:
        files.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
    return files


def load_entries(entries_script: Path, corpus: Sequence[Path]) -> list[Entry]:
    """Enumerate the reference entries with the test set's own ``entries.py``.

    An id that comes from two files (a question document and its answer document share
    a number) becomes one entry with both texts concatenated.
    """
    proc = subprocess.run(
        [sys.executable, str(entries_script), *map(str, corpus)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    merged: dict[str, Entry] = {}
    for line in proc.stdout.splitlines():
        data = json.loads(line)
        entry = Entry(data["id"], data["question"], data["answer"])
        old = merged.get(entry.entry_id)
        if old is not None:
            entry = Entry(
                entry.entry_id,
                "\n".join(filter(None, (old.question, entry.question))),
                "\n".join(filter(None, (old.answer, entry.answer))),
            )
        merged[entry.entry_id] = entry
    return list(merged.values())


# --- query rewriting for the baselines -----------------------------------------------

_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|([^"\s]+)')
_WORD = re.compile(r"\w+")


def query_clauses(query: str) -> list[str]:
    """Split a query into words and phrases, punctuation and quotes stripped.

    A double-quoted part stays one clause of space-separated words (a phrase); every
    other run of word characters is a clause of its own (``Nutri-Score`` -> ``Nutri``,
    ``Score``). An unbalanced quote is ignored.
    """
    clauses: list[str] = []
    for match in _PHRASE_OR_WORD.finditer(query):
        phrase, bare = match.groups()
        if phrase is not None:
            words = _WORD.findall(phrase)
            if words:
                clauses.append(" ".join(words))
        else:
            clauses.extend(_WORD.findall(bare))
    return clauses


def whoosh_query(query: str) -> str:
    """The Whoosh query string: words bare, phrases quoted (OrGroup joins them)."""
    return " ".join(f'"{c}"' if " " in c else c for c in query_clauses(query))


# --- systems -------------------------------------------------------------------------


class Fts5System:
    """SQLite FTS5 over the reference entries, ranked by ``bm25()`` (:mod:`fts5`: the
    table and query translation of ``bench/perf.py`` too)."""

    def __init__(self, entries: Sequence[Entry], corpus: Sequence[Path] = ()) -> None:
        """Index ``entries`` in an in-memory database, with the subject and names of
        their documents in ``corpus`` (:func:`document_facts`)."""
        facts = document_facts(corpus) if corpus else {}
        self._fts = Fts5(":memory:")
        self._fts.build(_row(e, facts) for e in entries)

    def search(self, query: str) -> list[str]:
        """The top :data:`DEPTH` entry ids for ``query``."""
        return self._fts.ranked(query, DEPTH)

    def close(self) -> None:
        """Close the database."""
        self._fts.close()


def _row(entry: Entry, facts: Mapping[str, tuple[str, str]]) -> Row:
    subject, names = facts.get(entry.entry_id.split("#")[0], ("", ""))
    return Row(entry.entry_id, subject, entry.question, entry.answer, names)


def document_facts(corpus: Sequence[Path]) -> dict[str, tuple[str, str]]:
    """Document id -> (subject, names) of the corpus's documents, for FTS5's ``subject``
    and ``names`` columns (entries.py gives question and answer only).

    Read with kvsearch's parser (``search.ingest.parse_file``), as ``bench/perf.py``
    reads FTS5's entries; where two files share a document id, the first subject and
    every name count.
    """
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from search.ingest import parse_file

    facts: dict[str, tuple[str, str]] = {}
    for file in corpus_files(corpus):
        for doc in parse_file(file).documents:
            for entry in doc.entries:
                old_subject, old_names = facts.get(entry.document_id, ("", ""))
                names = names_text(entry.members, entry.addressees, entry.answered_by)
                facts[entry.document_id] = (
                    old_subject or entry.subject or "",
                    old_names
                    if names in old_names
                    else "\n".join(filter(None, (old_names, names))),
                )
    return facts


class WhooshSystem:
    """Plain Whoosh with the Dutch ``LanguageAnalyzer``, ranked by BM25F.

    Question and answer are one text field, as the baseline figure of the task (0.58)
    was measured; two fields score lower (0.548).
    """

    def __init__(self, entries: Sequence[Entry], folder: Path) -> None:
        """Index ``entries`` in ``folder``."""
        analyzer = LanguageAnalyzer("nl")
        self._schema = Schema(
            entry_id=ID(stored=True, unique=True),
            text=TEXT(analyzer=analyzer),
        )
        folder.mkdir(parents=True, exist_ok=True)
        self._ix: Any = whoosh_index.create_in(str(folder), self._schema)
        writer = self._ix.writer()
        for e in entries:
            writer.add_document(entry_id=e.entry_id, text=f"{e.question}\n{e.answer}")
        writer.commit()
        self._parser: Any = QueryParser("text", self._schema, group=OrGroup)
        self._searcher: Any = self._ix.searcher()

    def search(self, query: str) -> list[str]:
        """The top :data:`DEPTH` entry ids for ``query``."""
        text = whoosh_query(query)
        if not text:
            return []
        results = self._searcher.search(self._parser.parse(text), limit=DEPTH)
        return [str(hit["entry_id"]) for hit in results]

    def close(self) -> None:
        """Release the index files."""
        self._searcher.close()
        self._ix.close()


class KvsearchSystem:
    """This project's :class:`search.Index`."""

    def __init__(self, index: Any) -> None:
        """Wrap an open ``search.Index``."""
        self._index = index

    @classmethod
    def build(cls, folder: Path, seeds: Sequence[Path]) -> KvsearchSystem:
        """Build a kvsearch index in ``folder`` from ``seeds``.

        Raises:
            ImportError: The ``search`` package cannot be imported.
        """
        if str(REPO_ROOT) not in sys.path:
            sys.path.insert(0, str(REPO_ROOT))
        from search import Index

        return cls(Index.build(folder, seeds=list(seeds)))

    def describe(self) -> str:
        """The index's own corpus counts, when it reports them."""
        try:
            return f"{self._index.document_count} documents, {self._index.entry_count} entries"
        except Exception:  # an older or unfinished Index may lack the counts
            return "counts not reported"

    def search(self, query: str) -> list[str]:
        """The top :data:`DEPTH` entry ids for ``query``."""
        return [str(hit.entry_id) for hit in self._index.search(query, limit=DEPTH).hits]

    def close(self) -> None:
        """Release the index files."""
        self._index.close()


# --- running and reporting -----------------------------------------------------------


@dataclass
class Run:
    """One system's results: per-query metrics, or why it was skipped."""

    system: str
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)
    rankings: dict[str, list[str]] = field(default_factory=dict)
    build_seconds: float = 0.0
    search_seconds: float = 0.0
    note: str = ""
    skipped: str | None = None


def run_system(
    name: str,
    search: Searcher,
    queries: Sequence[Query],
    qrels: Mapping[str, Mapping[str, int]],
) -> Run:
    """Answer every query with ``search`` and score the rankings."""
    run = Run(name)
    start = time.perf_counter()
    for query in queries:
        run.rankings[query.qid] = search(query.text)[:DEPTH]
    run.search_seconds = time.perf_counter() - start
    for query in queries:
        run.per_query[query.qid] = evaluate(run.rankings[query.qid], qrels.get(query.qid, {}))
    return run


def run_named(
    name: str,
    tmpdir: Path,
    entries: Sequence[Entry],
    corpus: Sequence[Path],
    queries: Sequence[Query],
    qrels: Mapping[str, Mapping[str, int]],
) -> Run:
    """Build the system ``name``, run the queries and close it.

    A system that fails to import, build or search comes back with :attr:`Run.skipped`
    set, so that the other systems are still reported (kvsearch may be unfinished).
    """
    start = time.perf_counter()
    system: Fts5System | WhooshSystem | KvsearchSystem
    try:
        if name == "fts5":
            system = Fts5System(entries, corpus)
        elif name == "whoosh-nl":
            system = WhooshSystem(entries, tmpdir / "whoosh-nl")
        else:
            system = KvsearchSystem.build(tmpdir / "index", corpus)
    except ImportError as exc:
        return Run(name, skipped=f"cannot import the search package: {exc}")
    except Exception as exc:  # an unfinished package may fail in any way
        return Run(name, skipped=f"build failed: {type(exc).__name__}: {exc}")
    build_seconds = time.perf_counter() - start
    note = f"index: {system.describe()}" if isinstance(system, KvsearchSystem) else ""
    try:
        run = run_system(name, system.search, queries, qrels)
    except Exception as exc:
        return Run(name, skipped=f"search failed: {type(exc).__name__}: {exc}")
    finally:
        system.close()
    run.build_seconds = build_seconds
    run.note = note
    return run


def groups(queries: Sequence[Query]) -> list[tuple[str, list[Query]]]:
    """``overall`` and then each query kind in order of first appearance."""
    kinds: dict[str, list[Query]] = {}
    for query in queries:
        kinds.setdefault(query.kind, []).append(query)
    return [("overall", list(queries)), *kinds.items()]


def aggregate(run: Run, members: Sequence[Query]) -> dict[str, float]:
    """Mean of each metric over ``members``."""
    return {m: mean([run.per_query[q.qid][m] for q in members]) for m in METRICS}


def format_table(runs: Sequence[Run], queries: Sequence[Query]) -> str:
    """The summary table: a row per group, three metric columns per system."""
    cell = 23  # " nDCG@10  R@100    MRR"
    head1 = f"{'':<10}{'n':>3} " + "".join(f" | {r.system:^{cell}}" for r in runs)
    head2 = f"{'queries':<10}{'':>3} " + " | nDCG@10   R@100    MRR" * len(runs)
    lines = [head1, head2, "-" * len(head2)]
    for label, members in groups(queries):
        row = f"{label:<10}{len(members):>3} "
        for run in runs:
            agg = aggregate(run, members)
            row += f" | {agg['ndcg@10']:>7.3f} {agg['recall@100']:>7.3f} {agg['mrr']:>6.3f}"
        lines.append(row)
    return "\n".join(lines)


def format_per_query(runs: Sequence[Run], queries: Sequence[Query]) -> str:
    """Per-query nDCG@10 of every system."""
    head = f"{'qid':<4} {'kind':<9}" + "".join(f" {r.system:>9}" for r in runs) + "  query"
    lines = [head, "-" * (len(head) + 30)]
    for q in queries:
        cells = "".join(f" {r.per_query[q.qid]['ndcg@10']:>9.3f}" for r in runs)
        lines.append(f"{q.qid:<4} {q.kind:<9}{cells}  {q.text}")
    return "\n".join(lines)


def to_json(
    runs: Sequence[Run],
    skipped: Sequence[Run],
    queries: Sequence[Query],
    meta: Mapping[str, Any],
) -> dict[str, Any]:
    """Every number of the run as JSON-ready data."""
    systems: dict[str, Any] = {}
    for run in runs:
        grouped = {label: aggregate(run, members) for label, members in groups(queries)}
        systems[run.system] = {
            "overall": grouped.pop("overall"),
            "kinds": grouped,
            "queries": run.per_query,
            "rankings": {qid: ids[:NDCG_K] for qid, ids in run.rankings.items()},
            "build_seconds": round(run.build_seconds, 3),
            "search_seconds": round(run.search_seconds, 3),
        }
    return {
        **meta,
        "metrics": list(METRICS),
        "queries": [
            {"qid": q.qid, "query": q.text, "kind": q.kind, "note": q.note} for q in queries
        ],
        "kinds": {label: len(members) for label, members in groups(queries)[1:]},
        "systems": systems,
        "skipped": {run.system: run.skipped for run in skipped},
    }


def add_shared_option(parser: argparse.ArgumentParser) -> None:
    """``--shared``: the folder with the test set and the corpus (shared with tune.py)."""
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO_ROOT.parent / "shared",
        help="the shared folder holding eval/, seeds/ and corpus/docs/ (default: %(default)s)",
    )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="bench/relevance.py",
        description="Relevance benchmark: kvsearch against SQLite FTS5 and plain Whoosh.",
    )
    add_shared_option(parser)
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help="comma-separated systems to run (default: %(default)s)",
    )
    parser.add_argument(
        "--baselines-only", action="store_true", help="skip kvsearch (run only the baselines)"
    )
    parser.add_argument(
        "--per-query", action="store_true", help="also print per-query nDCG@10 of each system"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every number as JSON")
    args = parser.parse_args(argv)
    names = [s.strip() for s in str(args.systems).split(",") if s.strip()]
    unknown = sorted(set(names) - set(SYSTEMS))
    if unknown or not names:
        parser.error(
            f"--systems: unknown {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(SYSTEMS)}"
        )
    if args.baselines_only:
        names = [n for n in names if n != "kvsearch"]
    args.system_names = [s for s in SYSTEMS if s in names]  # fixed column order
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    shared: Path = args.shared.resolve()
    eval_dir = shared / "eval"
    corpus = [shared / "seeds", shared / "corpus" / "docs"]
    for path in [eval_dir / "queries.tsv", eval_dir / "qrels.tsv", eval_dir / "entries.py"]:
        if not path.is_file():
            print(f"error: {path} not found; point --shared at the shared folder", file=sys.stderr)
            return 2

    queries = read_queries(eval_dir / "queries.tsv")
    qrels = read_qrels(eval_dir / "qrels.tsv")
    entries = load_entries(eval_dir / "entries.py", corpus)
    documents = corpus_files(corpus)
    script = sys.argv[0] if argv is None else "bench/relevance.py"
    command = shlex.join(["python", script, *arguments])

    print(f"command: {command}")
    print(f"corpus:  {len(documents)} documents, {len(entries)} entries (entries.py)")
    print(f"queries: {len(queries)}, {sum(len(j) for j in qrels.values())} judgments")

    runs: list[Run] = []
    skipped: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="kvsearch-relevance-") as tmp:
        for name in args.system_names:
            run = run_named(name, Path(tmp), entries, corpus, queries, qrels)
            if run.skipped is None:
                runs.append(run)
            else:
                print(f"{name}: skipped ({run.skipped})")
                skipped.append(run)

    for run in runs:
        extra = f"; {run.note}" if run.note else ""
        print(
            f"{run.system}: build {run.build_seconds:.2f}s, "
            f"{len(queries)} queries {run.search_seconds:.2f}s{extra}"
        )
    if not runs:
        print("no system ran")
        return 1

    print()
    print(format_table(runs, queries))
    if args.per_query:
        print()
        print(format_per_query(runs, queries))
    if args.json is not None:
        meta = {
            "command": command,
            "shared": str(shared),
            "documents": len(documents),
            "entries": len(entries),
            "depth": DEPTH,
            "ndcg_k": NDCG_K,
        }
        args.json.write_text(
            json.dumps(to_json(runs, skipped, queries, meta), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
