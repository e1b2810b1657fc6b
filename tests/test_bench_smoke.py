"""Smoke tests of the speed benchmark: ``bench/make_corpus.py``, ``bench/perf.py`` and
its modules (``bench/perf*.py``), and the FTS5 baseline both benchmarks share
(``bench/fts5.py``).

At 300 entries, so that the whole benchmark (build, warm and cold queries, FTS5, the
update and the profile) runs end to end in seconds; no timing is asserted. A 5,000-entry
variant (the size of the issue) builds and queries once: a 5k build alone takes about half
a minute on two cores. The generated corpora are made from the whole shared corpus, so the
tests that make one are ``whole_corpus`` (and ``slow``); the pure parts run anywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.ingest import parse_file
from tests.conftest import load_bench

SMALL = 300

#: make_corpus draws its documents from the whole shared corpus: the tests that make a
#: corpus, and those that run the benchmark on one, are whole-corpus tests (so slow too).
whole_corpus = pytest.mark.whole_corpus


make_corpus = load_bench("make_corpus")
perf = load_bench("perf")  # puts bench/ on sys.path: its modules load by name
fts5 = load_bench("fts5")
perfcorpus = load_bench("perfcorpus")
perfkv = load_bench("perfkv")
perffts = load_bench("perffts")
perfproc = load_bench("perfproc")
perfqueries = load_bench("perfqueries")
perfstats = load_bench("perfstats")
perfthroughput = load_bench("perfthroughput")
relevance = load_bench("relevance")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _entries(folder: Path) -> list[str]:
    return [
        entry.entry_id
        for file in sorted(folder.glob("*.txt"))
        for doc in parse_file(file).documents
        for entry in doc.entries
    ]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300-entry corpus, seed 7, with the default word list (or pseudo-words)."""
    out = tmp_path_factory.mktemp("bench") / "corpus"
    make_corpus.write_corpus(out, SMALL, 7)
    return out


# --- make_corpus ---------------------------------------------------------------------


@whole_corpus
def test_corpus_is_deterministic(small_corpus: Path, tmp_path: Path) -> None:
    make_corpus.write_corpus(tmp_path / "again", SMALL, 7)
    make_corpus.write_corpus(tmp_path / "other", SMALL, 8)
    first = _files(small_corpus)
    assert first == _files(tmp_path / "again")
    assert first != _files(tmp_path / "other")


@whole_corpus
def test_corpus_parses_into_n_entries(small_corpus: Path) -> None:
    ids = _entries(small_corpus)
    assert len(ids) == SMALL
    assert len(set(ids)) == SMALL
    assert ids[0] == "2031Z00001#1"
    skipped = [s for f in small_corpus.glob("*.txt") for s in parse_file(f).skipped]
    assert skipped == []
    manifest = make_corpus.read_manifest(small_corpus)
    assert manifest is not None
    assert manifest["entries"] == SMALL
    assert manifest["files"] == len(list(small_corpus.glob("*.txt")))
    assert manifest["distinct_words"] > 1000


@whole_corpus
def test_corpus_has_real_metadata(small_corpus: Path) -> None:
    docs = [d for f in sorted(small_corpus.glob("*.txt")) for d in parse_file(f).documents]
    assert sum(1 for d in docs if d.members) > len(docs) / 2
    assert all(m.party for d in docs for m in d.members)
    assert any(d.answered_by for d in docs)
    answered = sum(1 for d in docs for e in d.entries if e.answer)
    assert 0.2 * SMALL < answered < 0.95 * SMALL
    assert any(e.footnotes for d in docs for e in d.entries)


@whole_corpus
def test_corpus_without_word_list_uses_pseudo_words(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-word-list"
    a = make_corpus.write_corpus(tmp_path / "a", 40, 3, wordlist=missing)
    make_corpus.write_corpus(tmp_path / "b", 40, 3, wordlist=missing)
    assert a["vocabulary_source"].startswith("synthesised pseudo-words")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert len(_entries(tmp_path / "a")) == 40


def test_vocabulary_grows_with_n() -> None:
    vocabulary = make_corpus.Vocabulary.load(None, 1)
    rng = make_corpus.random.Random(1)
    draws = [vocabulary.draw(rng) for _ in range(20_000)]
    few, many = len(set(draws[:2_000])), len(set(draws))
    assert few < many < len(draws)  # new words keep coming, more slowly


@whole_corpus
def test_make_corpus_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    assert make_corpus.main(["25", "--seed", "2", "--out", str(out)]) == 0
    assert "25 entries" in capsys.readouterr().out
    assert make_corpus.main(["25", "--out", str(out)]) == 2  # never overwrites
    assert "exists" in capsys.readouterr().err


# --- perf: pure parts ----------------------------------------------------------------


def test_fts5_expression() -> None:
    expr = fts5.fts5_expression
    assert expr("stikstof uitstoot") == '"stikstof" OR "uitstoot"'
    assert expr('"social credit" partij:VVD') == '("social credit") AND (names : "VVD")'
    assert expr('minister:"Buitenlandse Zaken"') == '(names : "Buitenlandse Zaken")'
    assert expr("-rusland +china") == '("china") NOT "rusland"'
    assert expr("jaar:2024 Nutri-Score") == '"Nutri" OR "Score"'  # no year column
    assert expr('"van de"') == '"van de"'
    assert expr("  ") == "" and expr("-rusland") == ""


def test_fts5_counts_every_match_and_ranks() -> None:
    db = fts5.Fts5(":memory:")
    rows = [
        fts5.Row(f"2024Z{i:05}#1", "zorg", f"vraag {i} over de zorg", "", "Jansen\nVVD")
        for i in range(30)
    ]
    db.build([*rows, fts5.Row("2024Z99999#1", "", "stikstof", "", "Bikker\nCU")])
    assert db.search("zorg", 10) == 30  # exact, not the page's 10
    assert db.search("zorg", 10, snippets=False) == 30
    assert db.search("zorg partij:CU", 10) == 0
    assert db.search("stikstof partij:CU", 10) == 1
    assert len(db.ranked("zorg", 5)) == 5
    db.close()


def test_both_benchmarks_use_one_fts5_baseline() -> None:
    assert relevance.Fts5 is fts5.Fts5 and perffts.Fts5 is fts5.Fts5
    system = relevance.Fts5System([relevance.Entry("D#1", "vraag over stikstof", "nee")])
    assert system.search('"over stikstof"') == ["D#1"]
    system.close()


def test_parse_sizes_and_percentiles() -> None:
    assert perf.parse_sizes("100000, 10k,10000") == [10_000, 100_000]
    with pytest.raises(ValueError):
        perf.parse_sizes("0")
    latency = perfstats.Latency.of([i / 1000 for i in range(1, 101)])
    assert latency.count == 100
    assert latency.p50 == pytest.approx(50.5)
    assert latency.p99 == pytest.approx(99.01)


def test_latency_keeps_the_slowest_queries() -> None:
    queries = [perfqueries.Query("words1", f"q{i}") for i in range(30)]
    latency = perfstats.Latency.of(
        [i / 1000 for i in range(30)], [q.kind for q in queries], 0, queries, list(range(30))
    )
    assert [row[3] for row in latency.slowest] == [f"q{i}" for i in range(29, 19, -1)]
    assert latency.slowest[0][:2] == [pytest.approx(29.0), 29]


@whole_corpus
def test_queries_are_a_deterministic_mix(small_corpus: Path) -> None:
    entries, _ = perfcorpus.load_entries(small_corpus)
    queries = perfqueries.make_queries(entries, 60, 1)
    assert queries == perfqueries.make_queries(entries, 60, 1)
    assert queries != perfqueries.make_queries(entries, 60, 2)
    texts = [q.text for q in queries]
    assert len(set(texts)) == len(texts)  # distinct
    kinds = {q.kind for q in queries}
    assert kinds == set(perfqueries.QUERY_PATTERN)
    assert set(perfqueries.COMMON_PHRASES) <= set(texts)
    assert all(q.text.startswith('"') for q in queries if q.kind in ("phrase", "common"))
    assert all(":" in q.text for q in queries if q.kind == "field")
    assert all(q.text.strip() for q in queries)
    warmup = perfqueries.warmup_queries(entries, 10, 1, queries)
    assert len(warmup) == 10 and not {q.text for q in warmup} & set(texts)


# --- perf: memory of a process tree --------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_tree_rss_sums_a_process_and_its_descendants() -> None:
    code = (
        "import os, sys, time\n"
        "data = bytearray(60_000_000)  # touched: resident in both processes after fork\n"
        "for i in range(0, len(data), 4096): data[i] = 1\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    time.sleep(30); os._exit(0)\n"
        "print('ready', flush=True); sys.stdin.read(); os.kill(pid, 9)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline() == "ready\n"
        time.sleep(0.2)
        total_kb, processes = perfproc.tree_rss_kb(proc.pid)
        sampler = perfproc.TreeRSS(proc.pid, interval=0.05).start()
        time.sleep(0.3)
        peak_kb = sampler.stop()
        proc.stdin.close()
        proc.wait()
    assert processes == 2
    assert total_kb > 2 * 60_000  # 60 MB in each process
    assert peak_kb >= total_kb * 0.9 and sampler.peak_processes == 2


def test_run_child_measures_wall_cpu_and_rss() -> None:
    code = (
        "import json, time\n"
        "data = bytearray(80_000_000)\n"
        "for i in range(0, len(data), 4096): data[i] = 1\n"
        "t = time.process_time()\n"
        "while time.process_time() - t < 0.3: pass\n"
        "print(json.dumps({'ok': 1}))\n"
    )
    run = perfproc.run_child(code, [], forward=False)
    assert run.data == {"ok": 1}
    assert run.cpu_seconds >= 0.3 and run.wall_seconds >= run.cpu_seconds * 0.5
    assert run.peak_rss_kb > 80_000
    with pytest.raises(perfproc.ChildTimeoutError):
        perfproc.run_child("import time; time.sleep(10)", [], timeout=0.2, forward=False)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux")
def test_evict_drops_a_folder_from_the_page_cache(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a", "sub/b"):
        (tmp_path / name).write_bytes(b"x" * 1_000_000)
    for name in ("a", "sub/b"):
        (tmp_path / name).read_bytes()
    before = perfproc.resident_bytes(tmp_path)
    if before is None:
        pytest.skip("mincore cannot be asked here")
    assert before >= 2_000_000
    perfproc.evict(tmp_path)
    after = perfproc.resident_bytes(tmp_path)
    if after:
        pytest.skip(f"this file system keeps its files in memory ({after} bytes stay)")
    assert after == 0


# --- perf: end to end ----------------------------------------------------------------


@whole_corpus
def test_perf_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "perf.json"
    argv = [
        "--sizes", str(SMALL), "--work", str(tmp_path / "work"), "--queries", "20",
        "--cold", "2", "--profile", "--json", str(out),
    ]  # fmt: skip
    assert perf.main(argv) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"command: python bench/perf.py --sizes {SMALL}")
    assert f"N={SMALL}: {SMALL} entries" in text
    assert "warm p50/p95/p99 ms" in text and "build s wall / CPU" in text
    assert "cold index p50/p95 ms" in text and "kvsearch / FTS5: build wall" in text
    assert "slowest 10 warm queries, kvsearch, 300 entries" in text
    assert "slowest 10 warm queries, FTS5, 300 entries" in text
    assert "throughput, searches/s" in text
    assert "update (300 entries + 10 new documents" in text
    assert "=== profile: Index.build of 300 entries" in text
    # the warm measurement alone and the new-process comparison, on what perf.py left
    index, corpus = (
        tmp_path / "work" / f"index-{SMALL}",
        tmp_path / "work" / f"corpus-{SMALL}-seed1",
    )
    assert load_bench("warm").main([str(index), str(corpus), "--queries", "20"]) == 0
    assert "20 queries, warm p50 / p95 / p99 / max ms" in capsys.readouterr().out
    tree = str(Path(__file__).resolve().parent.parent)
    argv = [str(index), str(corpus), tree, "--queries", "2", "--mix", "20"]
    assert load_bench("newprocess").main(argv) == 0
    assert "2 queries, new process each" in capsys.readouterr().out
    report = json.loads(out.read_text(encoding="utf-8"))
    (size,) = report["sizes"]
    assert size["build"]["entries"] == SMALL
    assert size["build"]["index_mb"] > 0 and size["build"]["peak_rss_mb"] > 0
    assert size["build"]["peak_rss_mb"] >= size["build"]["main_peak_rss_mb"] > 0
    assert size["build"]["cpu_seconds"] > 0 and size["build"]["process_cpu_seconds"] > 0
    assert size["warm"]["count"] == 20 and size["fts5"]["warm"]["count"] == 20
    fts_build = size["fts5"]["build"]
    assert fts_build["entries"] == SMALL and fts_build["peak_rss_mb"] > 0
    assert fts_build["cpu_seconds"] > 0 and fts_build["db_mb"] > 0
    assert len(size["warm"]["slowest"]) == 10 and len(size["fts5"]["warm"]["slowest"]) == 10
    measured = {text for _, text in size["queries"]}
    assert len(measured) == 20 and not measured & {text for _, text in size["warmup"]}
    assert size["cold"]["count"] == 2 and size["process"]["count"] == 2
    assert all(b is None or b < 1_000_000 for b in size["cold_resident_bytes"])
    for engine in ("kvsearch", "fts5"):
        clients = size["throughput"][engine]["clients"]
        assert set(clients) == {"1", "2", "4"}
        assert all(c["qps"] > 0 and c["searches"] == 20 * int(n) for n, c in clients.items())
    assert size["ratios"]["build"] > 0 and size["ratios"]["build_cpu"] > 0
    update = report["update"]
    assert update["entries_after"] == SMALL + update["entries_added"]
    assert update["entries_added"] > 0
    if update["incremental"]:
        assert update["files_added"] == 10
    assert report["profile"]["build"]["by_cumulative"]
    assert report["profile"]["queries"]["by_tottime"]

    # A second run reuses the cached corpus instead of generating it again.
    corpus = tmp_path / "work" / f"corpus-{SMALL}-seed1"
    stamp = (corpus / "manifest.json").stat().st_mtime_ns
    again, _ = perfcorpus.ensure_corpus(tmp_path / "work", SMALL, 1)
    assert again == corpus
    assert (corpus / "manifest.json").stat().st_mtime_ns == stamp


@whole_corpus
def test_build_timeout_stops_the_child(small_corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(perfkv.BuildTimeoutError) as caught:
        perfkv.measure_build(small_corpus, tmp_path / "index", timeout=0.05)
    assert caught.value.seconds >= 0.05
    assert not (tmp_path / "index").exists()


@whole_corpus
def test_perf_at_5k_entries(tmp_path: Path) -> None:
    seeds, manifest = perfcorpus.ensure_corpus(tmp_path, 5_000, 1)
    assert manifest["entries"] == 5_000
    build = perfkv.measure_build(seeds, tmp_path / "index")
    assert build.entries == 5_000 and build.cpu_seconds > 0
    entries, _ = perfcorpus.load_entries(seeds)
    assert len(entries) == 5_000
    queries = perfqueries.make_queries(entries, 30, 1)
    warm = perfkv.measure_warm(tmp_path / "index", queries)
    assert warm.count == 30
    assert warm.zero_hits < 30
    fts_build = perffts.measure_build(seeds, tmp_path / "fts5.sqlite")
    assert fts_build.entries == 5_000
    fts_warm = perffts.measure_warm(tmp_path / "fts5.sqlite", queries)
    assert fts_warm.count == 30
