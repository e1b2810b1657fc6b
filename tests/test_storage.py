"""search/build/storage.py reads an index exactly as Whoosh's plain file storage does."""

from __future__ import annotations

import io
import os
import pickle
import shutil
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from search.build import generations
from search.build.storage import MappedStorage, _ViewReader


def test_view_reader_behaves_like_bytesio() -> None:
    data = b"line one\nline two\n" + pickle.dumps({"a": [1, 2]}, 0) + bytes(range(256))
    ours, theirs = _ViewReader(memoryview(data)), io.BytesIO(data)
    steps: list[tuple[str, tuple[int, ...]]] = [
        ("read", (4,)),
        ("readline", ()),
        ("tell", ()),
        ("readline", (3,)),
        ("seek", (2, os.SEEK_CUR)),
        ("read", (0,)),
        ("seek", (-10, os.SEEK_END)),
        ("read", (100,)),
        ("read", (5,)),
        ("readline", ()),
        ("seek", (1000,)),
        ("read", ()),
        ("seek", (0,)),
        ("read", ()),
    ]
    for name, args in steps:
        assert getattr(ours, name)(*args) == getattr(theirs, name)(*args), (name, args)
    ours.seek(18)
    theirs.seek(18)
    assert pickle.load(ours) == pickle.load(theirs) == {"a": [1, 2]}  # a text pickle
    assert ours.tell() == theirs.tell()
    with pytest.raises(ValueError):
        ours.seek(-1)


def _generation(index_path: Path) -> Path:
    return index_path / generations.read_current(index_path)


def test_mapped_storage_reads_what_file_storage_reads(fixture_index_path: Path) -> None:
    gen = _generation(fixture_index_path)
    mapped = MappedStorage(str(gen)).open_index()
    plain = FileStorage(str(gen), supports_mmap=False).open_index()
    try:
        with mapped.reader() as ours, plain.reader() as theirs:
            assert ours.doc_count_all() == theirs.doc_count_all() > 100
            assert list(ours.all_stored_fields()) == list(theirs.all_stored_fields())
            terms = list(theirs.all_terms())
            assert list(ours.all_terms()) == terms
            for fieldname, text in terms[:: max(1, len(terms) // 400)]:
                assert ours.term_info(fieldname, text).__dict__ == (
                    theirs.term_info(fieldname, text).__dict__
                )
                a = ours.postings(fieldname, text)
                b = theirs.postings(fieldname, text)
                assert list(a.items_as("weight")) == list(b.items_as("weight"))
            for name in ("question", "answer", "exact"):
                assert ours.field_length(name) == theirs.field_length(name)
                assert [ours.doc_field_length(d, name) for d in range(50)] == [
                    theirs.doc_field_length(d, name) for d in range(50)
                ]
    finally:
        mapped.close()
        plain.close()


def test_an_index_opened_through_the_map_survives_its_files_being_replaced(
    tmp_path: Path, fixture_index_path: Path
) -> None:
    """A build deletes an old generation's files while a reader may hold them."""
    copy = tmp_path / "gen"
    shutil.copytree(_generation(fixture_index_path), copy)
    ix = MappedStorage(str(copy)).open_index()
    try:
        with ix.searcher() as searcher:
            before = searcher.doc_count()
            shutil.rmtree(copy)
            assert searcher.doc_count() == before
            assert list(searcher.documents())[0]
    finally:
        ix.close()
