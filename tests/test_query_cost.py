"""Query cost is bounded (issue #14, fault 6): a repeated part counts once, a prefix or
fuzzy word that would stand for much of the vocabulary is refused with a clear message,
and no query of the adversarial run takes over a second on a 10,000-entry index.

The 10k index takes half a minute to build on two cores: ``slow``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from search import Index, QuerySyntaxError
from tests.conftest import load_bench

#: The 10k index is made by bench/make_corpus.py from the whole shared corpus.
pytestmark = pytest.mark.whole_corpus

#: The queries of the adversarial run, and more of their kind.
FUZZ = [
    "a* " * 100,
    "de~2 " * 100,
    '"van de" ' * 30,
    '"Bent u"',
    '"u dat"',
    "ver*",
    "stikstof~2 klimaat~2 asiel~2 wonen~2 " * 3,
    " ".join(f"woord{i}" for i in range(150)),
    "de het een " * 50 + "x",
    "klimaat* " * 100,
    "onderwijs~2 -onderwijs",
]


@pytest.fixture(scope="module")
def index_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cost")
    load_bench("make_corpus").write_corpus(folder / "seeds", 10_000, 1)
    with Index.build(folder / "index", [folder / "seeds"]):
        pass
    return folder / "index"


@pytest.mark.parametrize("query", FUZZ, ids=lambda q: q[:24])
def test_no_query_takes_over_a_second(index_10k: Path, query: str) -> None:
    with Index.open(index_10k) as index:
        index.search("warm up")
        start = time.perf_counter()
        try:
            index.search(query)
        except QuerySyntaxError as exc:
            assert exc.code in ("prefix-short", "fuzzy-short", "too-broad", "too-long")
        assert time.perf_counter() - start < 1.0
