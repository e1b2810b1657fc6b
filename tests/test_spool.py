"""Spooled documents: a build that streams parsed documents from disk writes the same
index as one that held them all in memory and merged them with ``merge_report``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index  # type: ignore[import-untyped, unused-ignore]

from search import Index
from search.build import parse, write
from search.build.generations import live_generation
from search.build.spool import Spool
from search.build.write import entry_fields
from search.ingest import find_seed_files, merge_report, parse_file
from search.models import Document
from search.schema import make_schema
from tests.conftest import FIXTURES, QUESTION_AND_ANSWER, SEEDS, VARIANTS
from tests.test_bulkwrite import _assert_same, _bulk_build, _snapshot


def test_spool_round_trip(tmp_path: Path) -> None:
    documents = [d for f in [SEEDS, *VARIANTS] for d in _documents(f)]
    spool = Spool(tmp_path)
    first = spool.write(documents[:2])
    rest = spool.write(documents[2:])  # appended to the same file
    assert [f.name for f in tmp_path.iterdir()] == [f".spool-{os.getpid()}.tmp"]
    assert [w.document_id for w in first + rest] == [d.document_id for d in documents]
    assert [w.entries for w in first + rest] == [len(d.entries) for d in documents]
    assert rest[0].offset == first[-1].offset + first[-1].size
    assert list(spool.documents(first + rest)) == documents
    assert spool.load(rest[-1]) == documents[-1]
    spool.remove()
    assert not list(tmp_path.iterdir())


def _documents(path: Path) -> list[Document]:
    return [d for f in find_seed_files([path]) for d in parse_file(f).documents]


def _seeds_with_merges(tmp_path: Path) -> Path:
    """Seed files where documents share ids: an answer document that merges with its
    question document, and a document whose id is taken by different questions."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for file in [*find_seed_files([SEEDS]), *VARIANTS]:
        shutil.copy(file, seeds)
    # A question document and its answer document (merged into one).
    for name in QUESTION_AND_ANSWER:
        shutil.copy(FIXTURES / name, seeds)
    other = VARIANTS[0].read_text(encoding="utf-8")
    for question, different in (
        ("Kent u het bericht over de stikstofuitstoot van datacentra?", "Wat kost een brug?"),
        ("Hoeveel financiële steun krijgen datacentra?", "Waarom rijdt de trein niet?"),
        ("Welke maatregelen neemt u tegen de uitstoot", "Wat vindt u van de haven"),
    ):
        other = other.replace(question, different)
    (seeds / "aaa_same_ids.txt").write_text(other, encoding="utf-8")
    return seeds


@pytest.mark.parametrize("parallel", [False, True])
def test_spooled_build_equals_in_memory_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    seeds = _seeds_with_merges(tmp_path)
    files = find_seed_files([seeds])
    documents, warnings = merge_report(d for f in files for d in parse_file(f).documents)
    assert any(w.code == "duplicate-id" for w in warnings)
    # The answer document merged with its question document.
    assert len(documents) < sum(len(parse_file(f).documents) for f in files)
    assert len([d for d in documents if d.document_id == "2024Z18792"]) == 1
    fields = list(entry_fields(documents))
    expected = _snapshot(_bulk_build(tmp_path / "expected", fields))
    if parallel:  # the parse pool and the write helper, even for a few files
        monkeypatch.setattr(parse, "PARALLEL_PARSE_FILES", 2)
        monkeypatch.setattr(write, "PARALLEL_WRITE_ENTRIES", 2)
    with Index.build(tmp_path / "index", [seeds]) as index:
        report = index.last_build
    assert report is not None
    gen = live_generation(tmp_path / "index")
    assert not list(gen.glob(".spool-*")), "spool files are removed"
    ix = whoosh_index.open_dir(str(gen))
    try:
        got = _snapshot(ix)
        with ix.reader() as reader:  # the same docnums: entries in the same order
            order = [stored["entry_id"] for _, stored in reader.iter_docs()]
    finally:
        ix.close()
    _assert_same(expected, got)
    assert order == [f["entry_id"] for f in fields]
    assert {(w.path, w.line, w.code) for w in warnings} <= {
        (w.path, w.line, w.code) for w in report.warnings
    }
    assert make_schema().names() == ix.schema.names()


def test_failed_build_removes_its_spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = _seeds_with_merges(tmp_path)
    path = tmp_path / "index"

    def broken(*args: object, **kwargs: object) -> int:
        assert list(next(path.glob("gen-*")).glob(".spool-*.tmp"))
        raise RuntimeError("disk full")

    monkeypatch.setattr(write, "write_whoosh", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        Index.build(path, [seeds])
    assert not list(path.glob("gen-*"))
