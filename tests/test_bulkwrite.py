"""The bulk writer of full builds writes the same index as Whoosh's own writer."""

from __future__ import annotations

import io
import os
import pickle
import signal
import struct
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index  # type: ignore[import-untyped, unused-ignore]
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
from whoosh.filedb.structfile import StructFile

import search.build.bulkwrite as bulkwrite
import search.build.postings as postings
from search import Index
from search.build.bulkwrite import BulkWriter
from search.build.write import entry_fields
from search.cli.texts import dutch_message
from search.errors import IndexWriteError, SearchError
from search.ingest import find_seed_files, merge_report, parse_file
from search.schema import make_schema
from tests.conftest import CORPUS, FIXTURES, SEEDS, VARIANTS

#: Queries of every kind: words, compounds, phrases, field filters, a misspelling.
QUERIES = [
    "stikstof",
    "wachtlijsten jeugdzorg",
    '"de minister"',
    "uitstoot",
    "partij:VVD",
    "gaswinning Groningen",
    "financiele",
    "belastingdienst toeslagen",
    "ziekenhuizen zorgakkoord",
    "jeugdzrog",
]


def _fields(seeds: Sequence[Path]) -> list[dict[str, Any]]:
    files = find_seed_files(seeds)
    documents, _ = merge_report(d for f in files for d in parse_file(f).documents)
    return list(entry_fields(documents))


def _whoosh_build(path: Path, fields: list[dict[str, Any]]) -> Any:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema())
    writer = ix.writer(limitmb=256)
    for f in fields:
        writer.add_document(**f)
    writer.commit()
    return ix


def _bulk_build(
    path: Path, fields: list[dict[str, Any]], *, helper: bool = False, **kwargs: Any
) -> Any:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema())
    writer = BulkWriter(ix, **kwargs)
    if helper:
        writer.start_helper(lambda: iter(fields))
    for f in fields:
        writer.add_document(f)
    writer.commit()
    return ix


def _blocks(raw: bytes) -> list[tuple[Any, Any]]:
    """A W3 posting list's blocks: (block info, (docnum deltas, weights, values)).

    Decoded, not raw: equal values may be one shared object in the bulk writer, which
    pickle writes as a back reference (same data, fewer bytes)."""
    assert raw[:4] == b"W3Bl"
    blocks, pos, last = [], 4, False
    while not last:
        (size,) = struct.unpack("!i", raw[pos : pos + 4])
        last, size = size < 0, abs(size)
        chunk = io.BytesIO(raw[pos + 4 : pos + 4 + size])
        info = pickle.load(chunk)
        blocks.append((info, pickle.loads(zlib.decompress(chunk.read()))))
        pos += 4 + size
    assert pos == len(raw)
    return blocks


def _snapshot(ix: Any) -> dict[str, Any]:
    """Everything a search can see, with docnums replaced by entry ids."""
    schema = ix.schema
    with ix.reader() as reader:
        ids = {docnum: stored["entry_id"] for docnum, stored in reader.iter_docs()}
        terms: dict[tuple[str, bytes], Any] = {}
        for fieldname, btext in reader.all_terms():
            has_positions = schema[fieldname].format.supports("positions")
            postings = reader.postings(fieldname, btext)
            rows, positions = [], []
            while postings.is_active():
                entry_id = ids[postings.id()]
                rows.append((entry_id, postings.weight(), postings.value()))
                if has_positions:
                    positions.append((entry_id, tuple(postings.value_as("positions"))))
                postings.next()
            positions.sort()
            info = reader.term_info(fieldname, btext)
            # The raw posting blocks: block statistics (used to skip blocks) included.
            offset, length = info.extent()
            if isinstance(length, tuple):  # W3TermInfo.from_bytes unpacks it as a tuple
                (length,) = length
            postfile = reader._terms._postfile
            postfile.seek(offset)
            stats = (
                _blocks(postfile.read(length)),
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
            )
            terms[(fieldname, btext)] = (sorted(rows), positions, stats)
        scorable = list(schema.scorable_names())
        return {
            "count": reader.doc_count(),
            "segments": len(reader.leaf_readers()),
            "stored": {ids[d]: s for d, s in reader.iter_docs()},
            "terms": terms,
            "lengths": {(ids[d], f): reader.doc_field_length(d, f) for d in ids for f in scorable},
            "totals": {f: reader.field_length(f) for f in scorable},
            "columns": {
                f: {ids[d]: reader.column_reader(f)[d] for d in ids}
                for f in schema.names()
                if reader.has_column(f)
            },
        }


def _assert_same(expected: dict[str, Any], got: dict[str, Any]) -> None:
    for key in ("count", "segments", "stored", "lengths", "totals", "columns"):
        assert got[key] == expected[key], key
    assert sorted(got["terms"]) == sorted(expected["terms"])
    for term, value in expected["terms"].items():
        assert got["terms"][term] == value, term


def test_bulk_equals_whoosh_on_the_seed(tmp_path: Path) -> None:
    fields = _fields([SEEDS, *VARIANTS])
    expected = _snapshot(_whoosh_build(tmp_path / "whoosh", fields))
    assert expected["count"] == len(fields)
    _assert_same(expected, _snapshot(_bulk_build(tmp_path / "bulk", fields)))
    # Runs of a few hundred postings: many runs merged term by term, still one segment.
    _assert_same(expected, _snapshot(_bulk_build(tmp_path / "runs", fields, run_postings=300)))
    assert not list((tmp_path / "runs").glob("*.run"))
    # Two processes, each with its runs.
    helper = _bulk_build(tmp_path / "helper", fields, helper=True, run_postings=600)
    _assert_same(expected, _snapshot(helper))
    assert not list((tmp_path / "helper").glob(".bulk*"))


#: Real documents: the fixture corpus (in any clone), and the whole shared corpus.
CORPORA = [
    pytest.param(FIXTURES, id="fixtures"),
    pytest.param(CORPUS, id="whole-corpus", marks=pytest.mark.whole_corpus),
]


@pytest.mark.slow  # some 5 s on the fixtures; on the seed: test_bulk_equals_whoosh_on_the_seed
@pytest.mark.parametrize("corpus", CORPORA)
def test_bulk_equals_whoosh_on_real_documents(tmp_path: Path, corpus: Path) -> None:
    fields = _fields([SEEDS, corpus])
    expected = _snapshot(_whoosh_build(tmp_path / "whoosh", fields))
    assert expected["count"] == len(fields) > 100
    _assert_same(expected, _snapshot(_bulk_build(tmp_path / "bulk", fields)))
    # About a dozen runs: a twelfth of the postings each.
    postings = sum(len(rows) for rows, _, _ in expected["terms"].values())
    runs = _bulk_build(tmp_path / "runs", fields, run_postings=postings // 12)
    _assert_same(expected, _snapshot(runs))


class _WhooshWriter:
    """BulkWriter's interface on Whoosh's own writer, to build a reference index."""

    def __init__(self, ix: Any) -> None:
        self._writer = ix.writer(limitmb=256)

    def add_document(self, fields: dict[str, Any]) -> None:
        self._writer.add_document(**fields)

    def commit(self) -> None:
        self._writer.commit()

    def cancel(self) -> None:
        self._writer.cancel()


def _results(path: Path) -> Iterator[tuple[str, list[tuple[str, float]], int]]:
    with Index.open(path) as index:
        for q in QUERIES:
            results = index.search(q, limit=20)
            yield q, [(h.entry_id, round(h.score, 9)) for h in results.hits], results.total


@pytest.mark.slow  # a build of the fixtures with Whoosh's own writer (issue #15)
@pytest.mark.parametrize("corpus", CORPORA)
def test_same_search_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, corpus: Path
) -> None:
    # The session's index of SEEDS and corpus, built with the bulk writer, only read here.
    name = "fixture_index_path" if corpus == FIXTURES else "corpus_index_path"
    bulk_index: Path = request.getfixturevalue(name)
    monkeypatch.setattr(bulkwrite, "BulkWriter", _WhooshWriter)  # imported at build time
    with Index.build(tmp_path / "whoosh", [SEEDS, corpus]):
        pass
    bulk, reference = list(_results(bulk_index)), list(_results(tmp_path / "whoosh"))
    assert bulk == reference
    # All but the misspelling match, in the whole corpus; all but two in the fixtures.
    missing = {q for q, hits, _ in reference if not hits}
    assert missing <= {"jeugdzrog", "belastingdienst toeslagen" if corpus == FIXTURES else ""}
    assert len(missing) < 3


def test_update_after_bulk_build(tmp_path: Path) -> None:
    """An incremental update goes through Whoosh's writer on top of the bulk segment."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_bytes(VARIANTS[0].read_bytes())
    with Index.build(tmp_path / "index", [seeds]) as index:
        before = index.search("vragen", limit=50).total
    (seeds / "b.txt").write_bytes(VARIANTS[1].read_bytes())
    with Index.open(tmp_path / "index") as index:
        report = index.update([seeds])
        assert report.incremental
        assert index.search("vragen", limit=50).total >= before


def test_failed_build_leaves_no_runs(tmp_path: Path) -> None:
    fields = _fields([SEEDS])
    path = tmp_path / "ix"
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema())
    writer = BulkWriter(ix, run_postings=300)
    for f in fields[:5]:
        writer.add_document(f)
    assert list(path.glob(".bulk*.run"))
    with pytest.raises(ValueError, match="unknown"):
        writer.add_document({**fields[5], "nonsense": "x"})
    writer.cancel()
    assert not list(path.glob(".bulk*"))
    with ix.reader() as reader:
        assert reader.doc_count() == 0
    # The lock is released: Whoosh's writer can take over.
    ix.writer().cancel()


def test_bulk_writer_refuses_a_filled_index(tmp_path: Path) -> None:
    ix = _whoosh_build(tmp_path / "ix", _fields(VARIANTS))
    with pytest.raises(ValueError, match="new indexes only"):
        BulkWriter(ix)
    ix.writer().cancel()  # not left locked


def test_failed_helper_fails_the_build(tmp_path: Path) -> None:
    fields = _fields(VARIANTS)

    def broken() -> Iterator[dict[str, Any]]:  # what the helper reads
        yield fields[0]
        raise RuntimeError("no more documents")

    path = tmp_path / "ix"
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema())
    writer = BulkWriter(ix)
    writer.start_helper(broken)
    for f in fields:
        writer.add_document(f)
    with pytest.raises(RuntimeError, match="no more documents"):
        writer.commit()
    assert not list(path.glob(".bulk*"))
    with ix.reader() as reader:
        assert reader.doc_count() == 0


def test_term_index_writes_what_whoosh_writes(tmp_path: Path) -> None:
    """The compact term index writes the bytes of Whoosh's ``OrderedHashWriter``."""
    keys = sorted({f"{i * 7919 % 5000:05d}".encode() + bytes([i % 7]) for i in range(3000)})
    files = {}
    for name, wrap in (("whoosh", lambda w: w), ("bulk", postings.TermIndex)):
        path = tmp_path / name
        writer = wrap(OrderedHashWriter(StructFile(open(path, "wb"))))  # noqa: SIM115
        writer.extras["fieldmap"] = {"f": 0}
        for key in keys:
            writer.add(key, key[::-1] * 3)
        writer.close()
        files[name] = path.read_bytes()
    assert files["bulk"] == files["whoosh"]
    reader = OrderedHashReader.open(FileStorage(str(tmp_path)), "bulk")
    assert [reader[k] for k in keys] == [k[::-1] * 3 for k in keys]
    assert reader.closest_key(keys[10][:-1] + b"\x00") == keys[10]
    reader.close()


class _Broken:
    """A helper's ``fields`` that fails after one document (pickled to the helper)."""

    def __init__(self, fields: list[dict[str, Any]]) -> None:
        self.fields = fields

    def __call__(self) -> Iterator[dict[str, Any]]:
        yield self.fields[0]
        raise RuntimeError("no more documents")


def test_helper_forked_ahead_gets_its_job_through_a_pipe(tmp_path: Path) -> None:
    fields = _fields([SEEDS, *VARIANTS])
    expected = _snapshot(_whoosh_build(tmp_path / "whoosh", fields))
    path = tmp_path / "ahead"
    path.mkdir()
    process = bulkwrite.HelperProcess(path)  # before anything is known
    ix = whoosh_index.create_in(str(path), make_schema())
    writer = BulkWriter(ix, run_postings=600)
    writer.start_helper(list(fields).__iter__, process=process)  # pickles, unlike a lambda
    for f in fields:
        writer.add_document(f)
    writer.commit()
    process.stop()  # nothing left to do: the writer waited for it
    _assert_same(expected, _snapshot(ix))
    assert not list(path.glob(".bulk*"))
    with pytest.raises(ChildProcessError):
        os.waitpid(process.pid, os.WNOHANG)


def test_helper_forked_ahead_without_a_job_exits(tmp_path: Path) -> None:
    process = bulkwrite.HelperProcess(tmp_path)
    process.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(process.pid, os.WNOHANG)
    assert not list(tmp_path.iterdir())


def test_failed_helper_forked_ahead_fails_the_build(tmp_path: Path) -> None:
    fields = _fields(VARIANTS)
    path = tmp_path / "ix"
    path.mkdir()
    process = bulkwrite.HelperProcess(path)
    ix = whoosh_index.create_in(str(path), make_schema())
    writer = BulkWriter(ix)
    writer.start_helper(_Broken(fields), process=process)
    for f in fields:
        writer.add_document(f)
    with pytest.raises(RuntimeError, match="no more documents"):
        writer.commit()
    assert not list(path.glob(".bulk*"))


class _ReadsSpool:
    """A helper's ``fields`` whose spool file is gone (an ``OSError`` in the helper)."""

    def __init__(self, fields: list[dict[str, Any]], spool: Path) -> None:
        self.fields = fields
        self.spool = spool

    def __call__(self) -> Iterator[dict[str, Any]]:
        yield self.fields[0]
        self.spool.read_bytes()  # removed meanwhile, as a cleaned-up disk would
        yield from self.fields[1:]


class _Killed:
    """A helper's ``fields`` during which the helper is killed (as by the OOM killer)."""

    def __init__(self, fields: list[dict[str, Any]]) -> None:
        self.fields = fields

    def __call__(self) -> Iterator[dict[str, Any]]:
        yield self.fields[0]
        os.kill(os.getpid(), signal.SIGKILL)
        yield from self.fields[1:]


def _helper_commit(path: Path, fields: list[dict[str, Any]], job: Any) -> None:
    """Write ``fields`` with a helper forked ahead that runs ``job``, and commit."""
    path.mkdir()
    process = bulkwrite.HelperProcess(path)
    ix = whoosh_index.create_in(str(path), make_schema())
    writer = BulkWriter(ix)
    writer.start_helper(job, process=process)
    for f in fields:
        writer.add_document(f)
    writer.commit()


def test_helper_os_error_is_an_index_write_error(tmp_path: Path) -> None:
    fields = _fields(VARIANTS)
    path = tmp_path / "index" / "gen-1"
    path.parent.mkdir()
    with pytest.raises(IndexWriteError, match="Free disk space") as caught:
        _helper_commit(path, fields, _ReadsSpool(fields, tmp_path / "gone.spool"))
    assert caught.value.code == "os"
    assert caught.value.detail == "No such file or directory"
    assert caught.value.path == tmp_path / "index"  # the index folder, not the generation
    assert not list(path.glob(".bulk*"))
    assert "schijfruimte" in dutch_message(caught.value)


def test_killed_helper_is_an_index_write_error(tmp_path: Path) -> None:
    fields = _fields(VARIANTS)
    path = tmp_path / "index" / "gen-1"
    path.parent.mkdir()
    with pytest.raises(IndexWriteError, match="killed by SIGKILL") as caught:
        _helper_commit(path, fields, _Killed(fields))
    assert caught.value.code == "killed"
    assert not list(path.glob(".bulk*"))
    assert "SIGKILL" in dutch_message(caught.value)


def test_a_bug_in_the_helper_is_no_search_error(tmp_path: Path) -> None:
    fields = _fields(VARIANTS)
    with pytest.raises(RuntimeError, match="no more documents") as caught:
        _helper_commit(tmp_path / "ix", fields, _Broken(fields))
    assert not isinstance(caught.value, SearchError)
