"""Shared fixtures: the bundled seed, the shared corpus, and indexes built from them."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from search import Index

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "000_078685dd2c0b7c98.txt"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "docs"
#: The two small variant seeds the library and CLI tests count on: 2024Z00001 (3
#: entries, answered), 2024Z00002 (1, delayed) and 2024Z00003 (2, answer document).
VARIANTS = [DATA / "variants" / "two_documents.txt", DATA / "variants" / "answer_only.txt"]


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


@pytest.fixture(scope="session")
def corpus_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seed plus the shared corpus of 117 real documents."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    path = tmp_path_factory.mktemp("corpus") / "index"
    with Index.build(path, [SEEDS, CORPUS]):
        pass
    return path


@pytest.fixture
def corpus_index(corpus_index_path: Path) -> Iterator[Index]:
    """The corpus index, opened."""
    with Index.open(corpus_index_path) as index:
        yield index


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
