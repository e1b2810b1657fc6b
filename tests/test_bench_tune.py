"""Smoke tests of the split-half tuner, ``bench/tune.py``, on a tiny grid.

The end-to-end run builds the corpus index once (about 10 s on two cores) and tunes two
parameters over two values each, in one pass, for two splits.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from search import Index
from search.engine import query as search_query
from search.engine import scoring as search_scoring
from tests.conftest import SHARED, load_bench

EVAL = SHARED / "eval"

#: The tests that read the test set (queries and judgments over the whole corpus).
whole_corpus = pytest.mark.whole_corpus(EVAL / "queries.tsv", EVAL / "qrels.tsv")


relevance = load_bench("relevance")
tune = load_bench("tune")


@pytest.fixture(scope="module")
def queries() -> list[Any]:
    return list(relevance.read_queries(EVAL / "queries.tsv"))


# --- splits and parameters -------------------------------------------------------------


@whole_corpus
def test_parity_split(queries: list[Any]) -> None:
    split = tune.make_split("parity", queries)
    (odd_name, odd), (even_name, even) = split.halves
    assert (odd_name, even_name) == ("odd", "even")
    assert odd[:3] == ("D01", "D03", "D05") and even[:3] == ("D02", "D04", "D06")
    assert sorted(odd + even) == sorted(q.qid for q in queries)


@whole_corpus
def test_kind_splits_are_stratified_and_differ(queries: list[Any]) -> None:
    kind_of = {q.qid: q.kind for q in queries}
    parity = tune.make_split("parity", queries).halves
    first = tune.make_split("kind:1", queries)
    assert first == tune.make_split("kind:1", queries)  # deterministic
    assert first.halves != tune.make_split("kind:2", queries).halves
    assert {a for _, a in first.halves} != {a for _, a in parity}
    (_, a), (_, b) = first.halves
    assert abs(len(a) - len(b)) <= 1 and not set(a) & set(b)
    assert set(a) | set(b) == set(kind_of)
    count_a, count_b = Counter(kind_of[q] for q in a), Counter(kind_of[q] for q in b)
    assert all(abs(count_a[k] - count_b[k]) <= 1 for k in set(kind_of.values()))
    with pytest.raises(ValueError):
        tune.make_split("random", queries)


def test_params_and_grids() -> None:
    (b, answer) = tune.make_params(["B", "answer"], {"answer": [0.1]})
    assert b.default == search_scoring.BM25_B and b.default in b.grid
    assert answer.default == search_query.FIELD_BOOSTS["answer"]
    assert answer.grid == tuple(sorted({0.1, answer.default}))  # the default is always tried
    with pytest.raises(ValueError, match="unknown parameter"):
        tune.make_params(["title"])
    with pytest.raises(ValueError, match="not tuned"):
        tune.make_params(["B"], {"K1": [2.0]})


# --- the parameters reach the ranking, and are put back ---------------------------------


@whole_corpus
def test_settings_change_rankings_and_are_restored(corpus_index: Index) -> None:
    queries = relevance.read_queries(EVAL / "queries.tsv")
    qrels = relevance.read_qrels(EVAL / "qrels.tsv")
    qids = [q.qid for q in queries]
    evaluator = tune.Evaluator(corpus_index, queries, qrels)
    boosts = dict(search_query.FIELD_BOOSTS)
    untouched = evaluator.untouched_rankings(qids)
    assert evaluator.rankings({}, qids) == untouched
    # Each kind of parameter changes some ranking: the BM25F weighting (global and per
    # field) as well as the boosts of search.engine.query.
    for settings in (
        {"B": 0.9}, {"K1": 3.0}, {"answer": 0.0}, {"answer_B": 0.9}, {"document": 0.0},
    ):  # fmt: skip
        assert evaluator.rankings(settings, qids) != untouched, settings
    # = the global B
    assert evaluator.rankings({"answer_B": search_scoring.BM25_B}, qids) == untouched
    # Nothing leaks out of an evaluation.
    assert search_query.FIELD_BOOSTS == boosts
    assert evaluator.untouched_rankings(qids) == untouched
    with pytest.raises(ValueError, match="unknown parameter"):
        evaluator.scores({"title": 1.0}, qids)


# --- end to end ------------------------------------------------------------------------


@whole_corpus
def test_tune_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tune.json"
    argv = [
        "--splits", "parity,kind:1", "--params", "B,answer", "--grid", "B=0.25,0.75",
        "--grid", "answer=0.35,0.7", "--passes", "1", "--json", str(out),
    ]  # fmt: skip
    assert tune.main(argv) == 0
    text = capsys.readouterr().out
    assert text.startswith("command: python bench/tune.py --splits parity,kind:1")
    assert "== parity: tune odd -> held out even" in text
    assert "== parity: tune even -> held out odd" in text
    assert "== kind:1: tune k1-A -> held out k1-B" in text
    assert "chosen values" in text
    report = json.loads(out.read_text(encoding="utf-8"))
    directions = report["directions"]
    assert [(d["split"], d["tune"]["name"]) for d in directions] == [
        ("parity", "odd"),
        ("parity", "even"),
        ("kind:1", "k1-A"),
        ("kind:1", "k1-B"),
    ]
    baseline = report["defaults_all"]["ndcg@10"]
    assert 0.5 < baseline <= 1.0
    for d in directions:
        tuned, default = d["metrics"]["tuned"], d["metrics"]["default"]
        # The search never ends below where it started, on the half it tuned on.
        assert tuned["tune"]["ndcg@10"] >= default["tune"]["ndcg@10"]
        assert default["all"]["ndcg@10"] == pytest.approx(baseline)
        assert len(d["tune"]["queries"]) == len(d["held_out"]["queries"]) == 20
        assert not set(d["tune"]["queries"]) & set(d["held_out"]["queries"])
        assert d["chosen"]["B"] in (0.25, 0.75) and d["chosen"]["answer"] in (0.35, 0.7)
        assert set(d["changes"]) == set(d["single_change_ndcg_gain"])
        # Every value of the grid was tried (1 pass, 2 parameters).
        assert [s["param"] for s in d["steps"]] == ["B", "answer"]
        assert all(len(s["tried"]) == 2 for s in d["steps"])
        last = d["steps"][-1]
        assert tuned["tune"]["ndcg@10"] == pytest.approx(last["objective"])
        assert all(score <= last["objective"] + 1e-9 for _, score in last["tried"])
    # The two directions of a split tune on each other's held-out half.
    assert directions[0]["tune"]["queries"] == directions[1]["held_out"]["queries"]


def test_bad_arguments_exit_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--params", "title"], ["--splits", "random"], ["--grid", "B"]):
        with pytest.raises(SystemExit) as caught:
            tune.main(argv)
        assert caught.value.code == 2
    assert "unknown parameter title" in capsys.readouterr().err
