"""The library API on a real Whoosh index on disk."""

from __future__ import annotations

import fcntl
import inspect
import json
import os
import shutil
import typing
from pathlib import Path

import pytest

import search
from search import (
    Hit,
    Index,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexPathError,
    IndexVersionError,
    SearchError,
    SearchResults,
    SeedError,
)
from search.build import layout, manifest
from tests.conftest import DATA, SEEDS, VARIANTS


def test_search_returns_frozen_hits_best_first(seed_index: Index) -> None:
    results = seed_index.search("gezichtsherkenning")
    assert isinstance(results, SearchResults)
    assert [h.entry_id for h in results.hits[:2]] == ["2019Z12806#4", "2019Z12806#7"]
    hit = results.hits[0]
    assert isinstance(hit, Hit)
    assert hit.rank == 1 and hit.score >= results.hits[1].score
    assert any("gezichtsherkenning" in m.lower() for m in hit.snippet.matches)
    with pytest.raises(AttributeError):
        hit.rank = 2  # type: ignore[misc]


def test_phrase_finds_exactly_the_three_entries(seed_index: Index) -> None:
    results = seed_index.search('"social credit"', related=False)
    assert sorted(h.entry_id for h in results.hits) == [f"2019Z12806#{n}" for n in (5, 6, 7)]
    assert results.total == 3 and results.related == 0


def test_phrase_then_its_neighbours_in_the_same_kamervraag(seed_index: Index) -> None:
    # Vraag 5-7 contain the phrase; Vraag 3 and 4 sit next to them, Vraag 1 and 2 do not.
    results = seed_index.search('"social credit"')
    ids = [h.entry_id for h in results.hits]
    assert sorted(ids[:3]) == [f"2019Z12806#{n}" for n in (5, 6, 7)]
    assert sorted(ids[3:]) == ["2019Z12806#3", "2019Z12806#4"]
    assert [h.related for h in results.hits] == [False] * 3 + [True] * 2
    assert results.total == 5 and results.related == 2
    assert all(h.score > results.hits[3].score for h in results.hits[:3])
    assert not results.hits[3].snippet.matches  # a neighbour marks none of its words


def test_partial_match_when_one_word_occurs_nowhere(seed_index: Index) -> None:
    results = seed_index.search("sancties xyzzyplugh")
    assert results.hits and results.hits[0].entry_id == "2019Z12806#6"


def test_more_matched_words_rank_higher(seed_index: Index) -> None:
    results = seed_index.search("sancties maatregelen china")
    assert results.hits[0].entry_id == "2019Z12806#6"


def test_field_prefix_and_exclusion(seed_index: Index) -> None:
    assert seed_index.search("partij:PvdA").total == 7
    assert seed_index.search("partij:VVD").total == 0
    assert seed_index.search("lid:ploumen -china").total == 3


def test_paging(seed_index: Index) -> None:
    first = seed_index.search("niet", limit=2, page=1)
    second = seed_index.search("niet", limit=2, page=2)
    beyond = seed_index.search("niet", limit=2, page=50)
    assert first.total == second.total == beyond.total
    assert [h.rank for h in second.hits] == [3, 4]
    assert not {h.entry_id for h in first.hits} & {h.entry_id for h in second.hits}
    assert beyond.hits == ()


def test_malformed_queries_never_raise(seed_index: Index) -> None:
    for q in ['"social credit', "((", "-", "", "lid:", 'partij:"', "*", "NOT"]:
        seed_index.search(q)


def test_hit_json_contract(seed_index: Index) -> None:
    data = seed_index.search("gezichtsherkenning").to_dict()
    assert set(data) >= {"query", "total", "hits"}
    hit = data["hits"][0]
    assert set(hit) >= {
        "entry_id", "document_id", "numbers", "score", "members", "addressees", "subject",
        "submitted", "answered", "snippet", "question", "answer", "source",
    }  # fmt: skip
    assert hit["members"] == [{"name": "Ploumen", "party": "PvdA"}]
    assert hit["submitted"] == "2019-06-20" and hit["answered"] is None
    json.dumps(data)


def test_results_hold_only_our_own_types(seed_index: Index) -> None:
    results = seed_index.search("sancties", facets=True, group=True)
    values = [results, *results.hits, *(results.groups or ())]
    for hit in results.hits:
        values += [hit.entry, hit.snippet, *hit.snippet.segments, *hit.entry.members]
    for value in values:
        assert type(value).__module__.startswith("search.models."), type(value)
        for field_value in vars(value).values():
            assert "whoosh" not in type(field_value).__module__


def _types_in(hint: object) -> list[type]:
    """Every class a type hint names, its arguments' included."""
    found = [hint] if isinstance(hint, type) else []
    for arg in typing.get_args(hint):
        found += _types_in(arg)
    origin = typing.get_origin(hint)
    return found + ([origin] if isinstance(origin, type) else [])


def test_no_whoosh_type_in_public_signatures() -> None:
    """No public name's signature names a Whoosh class (the engine's Whoosh objects are
    typed with kvsearch's own protocols, search/engine/whoosh_types.py)."""
    checked = 0
    for name in search.__all__:
        obj = getattr(search, name)
        members = [obj] + [m for _, m in inspect.getmembers(obj, inspect.isfunction)]
        for member in members:
            if callable(member):
                try:
                    hints = typing.get_type_hints(member)
                except TypeError:
                    continue
                for hint in hints.values():
                    for named in _types_in(hint):
                        checked += 1
                        assert named.__module__.partition(".")[0] != "whoosh", (name, member)
    assert checked > 100  # the walk reaches the hints


def test_the_signature_check_sees_a_whoosh_class() -> None:
    from whoosh.searching import Searcher

    def leaks(searcher: Searcher) -> list[tuple[Searcher, int]]:
        return [(searcher, 1)]

    hints = typing.get_type_hints(leaks, localns={"Searcher": Searcher})
    assert Searcher in _types_in(hints["searcher"]) and Searcher in _types_in(hints["return"])


def test_open_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError) as info:
        Index.open(tmp_path / "nothing")
    assert "kvsearch index" in str(info.value)
    assert isinstance(info.value, SearchError)


def _copy_index(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "index"
    shutil.copytree(src, dst)
    return dst


def _live(path: Path) -> Path:
    return path / (path / "CURRENT").read_text().strip()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("stemmer", "dutch"),
        # Stems changed with version 3 (advies/adviezen, technologieën): an index built
        # by version 2 asks for a rebuild.
        ("analyzer", "kvsearch-dutch/2"),
    ],
)
def test_other_analysis_version_is_refused(
    seed_index_path: Path, tmp_path: Path, key: str, value: str
) -> None:
    path = _copy_index(seed_index_path, tmp_path)
    meta_file = _live(path) / "kvsearch.json"
    meta = json.loads(meta_file.read_text())
    assert meta["analysis"][key] != value
    meta["analysis"][key] = value
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(IndexVersionError) as info:
        Index.open(path)
    assert "kvsearch rebuild" in str(info.value)


def test_open_reads_the_metadata_without_the_manifest(seed_index_path: Path) -> None:
    gen = _live(seed_index_path)
    full = manifest.read_meta(seed_index_path, gen)
    head = manifest.read_meta_head(gen / layout.META_FILE)
    assert head is not None  # the build writes the manifest last, as the reader expects
    assert head == {key: value for key, value in full.items() if key != "files"}
    assert manifest.read_meta(seed_index_path, gen, manifest=False) == head
    with Index.open(seed_index_path) as index:
        assert index.info == head


def test_damaged_index_gives_clear_error(
    seed_index_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("whoosh.index.sleep", lambda seconds: None)  # its ten retries
    path = _copy_index(seed_index_path, tmp_path)
    for f in _live(path).glob("*.seg"):
        f.unlink()
    with pytest.raises(IndexCorruptError) as info:
        Index.open(path)
    assert "rebuild" in str(info.value)


def test_failed_build_leaves_previous_index_usable(seed_index_path: Path, tmp_path: Path) -> None:
    path = _copy_index(seed_index_path, tmp_path)
    with pytest.raises(SeedError):
        Index.build(path, [tmp_path / "no-such-seeds"])
    with Index.open(path) as index:
        assert index.search('"social credit"', related=False).total == 3


def test_rebuild_replaces_generation_and_cleans_up(tmp_path: Path) -> None:
    path = tmp_path / "index"
    with Index.build(path, [SEEDS]) as index:
        old = _live(path)
        (path / "gen-leftover-from-a-killed-build").mkdir()
        report = index.update([SEEDS, *VARIANTS])
        assert report.entries == 7 + 4 + 2
        assert index.search("gevangenispersoneel").total >= 1
    gens = sorted(p.name for p in path.iterdir() if p.name.startswith("gen-"))
    # The replaced generation is kept until the next build (for readers in mid-open).
    assert gens == sorted([_live(path).name, old.name])
    assert (path / "PREVIOUS").read_text().strip() == old.name


def test_second_writer_is_refused_with_holder(tmp_path: Path) -> None:
    path = tmp_path / "index"
    path.mkdir()
    fd = os.open(path / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242")
        with pytest.raises(IndexLockedError) as info:
            Index.build(path, [SEEDS])
        assert info.value.pid == 4242
    finally:
        os.close(fd)


def test_refuses_to_build_over_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(IndexPathError):
        Index.build(tmp_path, [SEEDS])
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_malformed_seeds_are_skipped_and_the_rest_indexed(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA / "malformed", seeds)
    shutil.copy(SEEDS / "000_078685dd2c0b7c98.txt", seeds)
    with Index.build(tmp_path / "index", [seeds]) as index:
        report = index.last_build
        assert report is not None
        # cp1252 is read with a warning; a file without heading is named after itself.
        assert report.entries == 9 and report.skipped == ()
        assert sorted((Path(w.path).name, w.line, w.code) for w in report.warnings) == [
            ("latin1.txt", 3, "legacy-encoding"),
            ("no_heading.txt", 1, "no-heading"),
        ]
        assert index.search("china").total > 0


def test_fixture_index_counts(fixture_index: Index) -> None:
    # 165 entries, of which 5 are the same questions in a question and an answer file,
    # and one entry (#0) for the document that holds only a notice (Mededeling).
    assert fixture_index.entry_count == 160 + 1
    # 16 files; 2024Z18792 is a question/answer pair merged into one.
    assert fixture_index.document_count == 16 - 1


@pytest.mark.whole_corpus
def test_corpus_index_counts(corpus_index: Index) -> None:
    # 1,165 entries, of which 5 are the same questions in a question and an answer file,
    # and one entry (#0) for each of the 2 documents that hold only a notice (Mededeling).
    assert corpus_index.entry_count == 1160 + 2
    # 118 files; 2024Z18792 is a question/answer pair merged into one.
    assert corpus_index.document_count == 118 - 1


def test_a_folder_of_bad_seeds_indexes_the_good_ones(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / "000_078685dd2c0b7c98.txt", seeds / "a_good.txt")
    (seeds / "b_empty.txt").write_bytes(b"")
    (seeds / "c_binary.txt").write_bytes(bytes(range(256)) * 4)
    (seeds / "d_cp1252.txt").write_bytes(
        "## 2024Z7\n\n### Vraag 1\n\nWat kost de financiële steun?\n".encode("cp1252")
    )
    (seeds / "e_noheading.txt").write_text("### Vraag 1\n\nWaar hoort dit bij?\n")
    (seeds / "f_same_id.txt").write_text(
        "## 2024Z8\n\n### Vraag 1\n\nEerste tekst?\n\n## 2024Z8\n\n### Vraag 1\n\nAndere tekst?\n"
    )
    with open(seeds / "g_huge.txt", "wb") as fh:
        fh.truncate(21_000_000)  # sparse: 21 MB without writing them
    (seeds / "h_vanishes.txt").write_text("## 2024Z9\n\n### Vraag 1\n\nEven hier?\n")

    def vanish(stage: str, done: int, total: int) -> None:
        # A file that disappears while the build runs (removed by another program).
        if stage == "read" and done == 1:
            (seeds / "h_vanishes.txt").unlink(missing_ok=True)

    with Index.build(tmp_path / "index", [seeds], progress=vanish) as index:
        report = index.last_build
        assert report is not None
        skipped = {Path(s.path).name: s.code for s in report.skipped}
        assert skipped == {
            "b_empty.txt": "empty",
            "c_binary.txt": "binary",
            "g_huge.txt": "too-large",
            "h_vanishes.txt": "unreadable",
        }
        warned = {(Path(w.path).name, w.code) for w in report.warnings}
        assert {("d_cp1252.txt", "legacy-encoding"), ("e_noheading.txt", "no-heading")} <= warned
        assert ("f_same_id.txt", "duplicate-id") in warned
        assert index.search("financiele steun").hits[0].document_id == "2024Z7"
        assert index.search('"social credit"', related=False).total == 3
        assert {h.entry.question for h in index.search("tekst").hits} == {
            "Eerste tekst?",
            "Andere tekst?",
        }  # both documents with the same id are kept, never silently overwritten


def test_a_seed_given_twice_is_read_once(tmp_path: Path) -> None:
    with Index.build(
        tmp_path / "index", [SEEDS, SEEDS.resolve(), SEEDS / "000_078685dd2c0b7c98.txt"]
    ) as index:
        assert index.last_build is not None
        assert (index.last_build.files, index.entry_count) == (1, 7)
