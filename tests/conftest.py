"""Shared fixtures: the bundled seed, the fixture corpus, the shared corpus, and indexes
built from them.

Two corpora of real documents:

- the fixture corpus, ``tests/data/corpus/``: 15 documents of the shared corpus, chosen to
  cover every variant the parser handles (its README says which file covers what). It
  ships with the repository, so every test that compares with Whoosh or needs real
  documents runs on it, in any clone (``fixture_index``);
- the whole shared corpus, ``../shared/corpus/docs`` (117 documents), for the few tests
  that need all of it (relevance, agreement with the corpus metadata, counts and timing
  of the whole corpus, the benchmarks' generated corpora). Those are marked
  ``whole_corpus``, which makes them ``slow`` too, and skip with the reason when
  ``../shared`` is not there; only they may use ``corpus_index``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

from search import Index

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "000_078685dd2c0b7c98.txt"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "docs"
#: 15 real documents of ``CORPUS``, copied: see ``data/corpus/README.md``.
FIXTURES = DATA / "corpus"
#: The question document 2024Z18792 and its answer document, among the fixtures.
QUESTION_AND_ANSWER = ("033_c5bef944.txt", "053_e79bc6ce.txt")
#: The two small variant seeds the library and CLI tests count on: 2024Z00001 (3
#: entries, answered), 2024Z00002 (1, delayed) and 2024Z00003 (2, answer document).
VARIANTS = [DATA / "variants" / "two_documents.txt", DATA / "variants" / "answer_only.txt"]


#: Property tests with fewer examples, for ``-m "not slow"`` (the quick run while
#: working, issue #15); the whole run (CI) keeps Hypothesis's defaults and each test's own.
settings.register_profile("quick", max_examples=25)
_QUICK = False


def pytest_configure(config: pytest.Config) -> None:
    """Under ``-m "not slow"``, and unless ``--hypothesis-profile`` names one, the
    ``quick`` profile."""
    global _QUICK
    deselects_slow = re.search(r"\bnot\s+slow\b", config.option.markexpr or "")
    if deselects_slow and not config.getoption("hypothesis_profile", None):
        settings.load_profile("quick")
        _QUICK = True


def examples(full: int) -> int:
    """``max_examples`` for a property test that asks for more than the default: ``full``
    in the whole run, the ``quick`` profile's under ``-m "not slow"``."""
    return settings.get_profile("quick").max_examples if _QUICK else full


@pytest.fixture(scope="session")
def seed_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled seed, built once (do not modify it in tests)."""
    path = tmp_path_factory.mktemp("seed") / "index"
    with Index.build(path, [SEEDS]):
        pass
    return path


@pytest.fixture
def seed_index(seed_index_path: Path) -> Iterator[Index]:
    """The seed index, opened."""
    with Index.open(seed_index_path) as index:
        yield index


def missing_shared(*needed: Path) -> str | None:
    """Why a whole-corpus test cannot run here, or None when ``CORPUS`` and ``needed`` exist."""
    for path in (CORPUS, *needed):
        if not path.exists():
            shown = f"../{path.relative_to(ROOT.parent)}" if path.is_relative_to(SHARED) else path
            return f"whole-corpus test: needs {shown} (a plain clone has only the 15 fixtures)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A ``whole_corpus`` test is ``slow``, and skips with its reason without ``../shared``.

    First, so that ``-m "not slow"`` sees the added mark."""
    for item in items:
        mark = item.get_closest_marker("whole_corpus")
        if mark is None:
            continue
        item.add_marker(pytest.mark.slow)
        reason = missing_shared(*mark.args)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def fixture_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled seed plus the fixture corpus (do not modify it in tests)."""
    path = tmp_path_factory.mktemp("fixtures") / "index"
    with Index.build(path, [SEEDS, FIXTURES]):
        pass
    return path


@pytest.fixture
def fixture_index(fixture_index_path: Path) -> Iterator[Index]:
    """The fixture index, opened."""
    with Index.open(fixture_index_path) as index:
        yield index


@pytest.fixture(scope="session")
def _whole_corpus_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "index"
    with Index.build(path, [SEEDS, CORPUS]):
        pass
    return path


@pytest.fixture
def corpus_index_path(request: pytest.FixtureRequest) -> Path:
    """An index of the seed plus the whole shared corpus of 117 real documents, for
    ``whole_corpus`` tests only (the others use ``fixture_index_path``)."""
    if request.node.get_closest_marker("whole_corpus") is None:
        pytest.fail(
            f"{request.node.nodeid} uses the whole corpus: mark it whole_corpus, or use "
            "the fixture corpus (fixture_index)"
        )
    path: Path = request.getfixturevalue("_whole_corpus_index_path")
    return path


@pytest.fixture
def corpus_index(corpus_index_path: Path) -> Iterator[Index]:
    """The whole-corpus index, opened."""
    with Index.open(corpus_index_path) as index:
        yield index


def seed_copy_index(tmp_path: Path) -> tuple[Path, Path]:
    """``tmp_path/seeds`` holding a copy of the bundled seed, and an index of it built at
    ``tmp_path/index`` (closed): for tests that change the seeds or the index."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    path = tmp_path / "index"
    with Index.build(path, [seeds]):
        pass
    return seeds, path


def load_bench(name: str) -> ModuleType:
    """Import a script of ``bench/`` by file (bench is not a package); scripts that
    import each other by name (``perf`` imports ``make_corpus``) find them loaded."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def default_sigint() -> None:
    """``preexec_fn`` of a child that a test stops with Ctrl-C (SIGINT): a shell that
    starts the test run in the background makes its children ignore SIGINT, and Python
    then installs no KeyboardInterrupt handler; the child gets the default back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
