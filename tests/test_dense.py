"""Dense posting arrays (search/dense.py) repeat the posting blocks, and the scores made
from them (search/engine/vectors.py) are the block scorer's and Whoosh's, to the bit.

The fixtures are small: their terms have at most a few hundred postings, so these
tests lower the threshold (``DENSE_MIN``) to put most terms into the arrays and most
query parts into :class:`~search.engine.vectors.Dense` scores.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index  # type: ignore[import-untyped, unused-ignore]
from whoosh.formats import Positions

import search.dense
import search.engine.scoring as scoring
from search import Index
from search.build.postings import SPLIT_FIELD
from search.dense import DENSE_EXTENSION, dense_path, read_table
from search.engine import vectors
from search.engine.query import to_whoosh
from search.engine.ranking import coordinate
from search.engine.syntax import parse
from search.engine.vectors import Dense, as_dict
from search.errors import IndexCorruptError
from search.internals import segment_location
from tests.conftest import FIXTURES, SEED_FILE, SEEDS, VARIANTS
from tests.test_bulkwrite import _bulk_build, _fields
from tests.test_scoring import QUERIES, _assert_same, _first_ten_built

#: Enough to leave out the rarest terms (the table must skip them) and take the rest.
LOW = 3


@pytest.fixture
def low_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search.dense, "DENSE_MIN", LOW)
    monkeypatch.setattr(scoring, "DENSE_MIN", LOW)


@pytest.fixture
def dense_index(tmp_path: Path, low_threshold: None) -> Iterator[Index]:
    """The seed and the fixtures, built with arrays for every term of 3+ postings."""
    with Index.build(tmp_path / "index", [SEEDS, FIXTURES]) as index:
        yield index


def _dense_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"gen-*/*.{DENSE_EXTENSION}"))


def _block_postings(
    reader: Any, fieldname: str, btext: bytes
) -> tuple[list[int], list[float], list[list[int]]]:
    ids: list[int] = []
    weights: list[float] = []
    positions: list[list[int]] = []
    fmt = reader.schema[fieldname].format
    for block_ids, block_weights, values in scoring._blocks(reader, fieldname, btext, True):
        ids.extend(block_ids)
        weights.extend(block_weights)
        if type(fmt) is Positions:
            positions.extend(scoring.positions_of(fmt, v) for v in values)
    return ids, weights, positions


def _assert_arrays_repeat_blocks(reader: Any) -> set[str]:
    """Every term with LOW+ postings has arrays equal to its blocks; none other has.
    Returns the fields that have arrays."""
    fields = set()
    checked = 0
    for fieldname, btext in reader.all_terms():
        arrays = vectors.dense_postings(reader, fieldname, btext)
        if reader.doc_frequency(fieldname, btext) < LOW:
            assert arrays is None, (fieldname, btext)
            continue
        assert arrays is not None, (fieldname, btext)
        ids, weights, positions = _block_postings(reader, fieldname, btext)
        assert arrays[0].tolist() == ids, (fieldname, btext)
        assert arrays[1].tolist() == weights, (fieldname, btext)
        found = vectors.dense_positions(reader, fieldname, btext)
        if positions:  # a field with positions: they are in the file too
            assert found is not None, (fieldname, btext)
            assert found[0].tolist() == ids
            starts, flat = found[1].tolist(), found[2].tolist()
            assert [flat[a:b] for a, b in zip(starts, starts[1:], strict=False)] == positions
        else:
            assert found is None
        fields.add(fieldname)
        checked += 1
    assert checked > 100
    return fields


def test_arrays_repeat_the_blocks(dense_index: Index, tmp_path: Path) -> None:
    (dense,) = _dense_files(tmp_path / "index")
    reader = dense_index._get_searcher().reader()
    assert dense.name == f"{reader.segment().segment_id()}.{DENSE_EXTENSION}"
    assert {"question", "answer", "exact"} <= _assert_arrays_repeat_blocks(reader)
    found = read_table(dense)
    assert found is not None
    table, data = found
    codes = {entry[3:] for entry in table.values()}
    assert ("H", "B", "H") in codes  # small gaps, whole-number weights, positions
    assert ("H", "B", "") in codes  # a field without positions (the common grams)
    data.close()


def test_arrays_of_both_processes(tmp_path: Path, low_threshold: None) -> None:
    fields = _fields([SEEDS, *VARIANTS])
    ix = _bulk_build(tmp_path / "helper", fields, helper=True, run_postings=600)
    with ix.reader() as reader:
        written = _assert_arrays_repeat_blocks(reader)
    # this process writes the fields before SPLIT_FIELD, the helper those from it on
    assert any(f < SPLIT_FIELD for f in written) and any(f >= SPLIT_FIELD for f in written)
    assert not list((tmp_path / "helper").glob(".bulk*"))


def test_no_file_for_a_segment_without_long_lists(fixture_index_path: Path) -> None:
    # at the shipped threshold the fixtures have no list of 1,024 postings
    assert not _dense_files(fixture_index_path.parent)
    assert list(fixture_index_path.glob("gen-*/*.seg"))


def _blocks_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read every posting from the blocks, as if no segment had a dense file."""
    monkeypatch.setattr(vectors, "dense_postings", lambda *args: None)
    monkeypatch.setattr(scoring, "dense_postings", lambda *args: None)


def _all_results(index: Index, queries: list[str]) -> list[Any]:
    out = []
    for text in queries:
        result = index.search(text, limit=500)
        out.append((text, result.total, [(h.entry_id, h.score) for h in result.hits]))
    return out


#: QUERIES of tests/test_scoring.py and more of the shapes the vectors meet: common
#: words, an exclusion of a common word, a required one, fuzzy and prefix words.
MORE = [
    "de minister",
    "kabinet -de",
    "+de stikstof",
    '"van de" minister',
    '"de minister van"',
    "minister* kabinet~",
    "vragen",
    "u bereid",
    '"antwoord op vraag"',  # three words, two grams: positions compared
    '"de minister van"',
    '"stap voor stap"',  # a word twice
    '"van de van"',
    'lid:"Van Nispen" "in de"',
    '"minister van de" -"van de minister"',
]


def test_scores_equal_whoosh_and_the_blocks(
    dense_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_same(dense_index)  # against Whoosh's own matchers
    searcher = dense_index._get_searcher()
    queries = QUERIES + MORE
    dense_parts = 0
    for text in queries:
        q = to_whoosh(parse(text))
        dense_parts += isinstance(scoring._Scorer(searcher, 0.25, 1.2).run(q), Dense)
    assert dense_parts >= 5  # the vectors were used, not only the dicts
    compared = []
    phrase_docs = scoring._Scorer._phrase_docs

    def counted(self: Any, *args: Any) -> Any:
        found = phrase_docs(self, *args)
        compared.append(len(found))
        return found

    monkeypatch.setattr(scoring._Scorer, "_phrase_docs", counted)
    with_arrays = _all_results(dense_index, queries)
    assert len(compared) > 10 and sum(compared) > 100  # positions compared as arrays
    monkeypatch.undo()
    monkeypatch.setattr(scoring, "DENSE_MIN", LOW)
    _blocks_only(monkeypatch)
    assert _all_results(dense_index, queries) == with_arrays  # scores equal to the bit


@pytest.mark.slow  # a build and an update
def test_scores_after_an_update_with_deletions(
    tmp_path: Path, low_threshold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, files = _first_ten_built(tmp_path)  # with the lowered threshold: arrays
    for f in files[10:]:
        shutil.copy(f, seeds)
    for f in files[3:6]:  # removed: their entries deleted
        (seeds / f.name).unlink()
    with Index.open(tmp_path / "index") as index:
        index.update([seeds])
        reader = index._get_searcher().reader()
        assert not reader.is_atomic() and reader.has_deletions()
        # the update's segment is Whoosh's: blocks only, beside the first's arrays
        have = [
            dense_path(*location).exists()
            for leaf, _ in reader.leaf_readers()
            if (location := segment_location(leaf)) is not None
        ]
        assert sorted(have) == [False, True]
        # (not Whoosh's scores: kvsearch leaves deleted entries out of the statistics)
        queries = QUERIES + MORE
        with_arrays = _all_results(index, queries)
        _blocks_only(monkeypatch)
        assert _all_results(index, queries) == with_arrays


def test_damaged_file_is_not_read(tmp_path: Path, low_threshold: None) -> None:
    """A file that is not a dense file is refused when read (the integrity check
    names a changed one; this is the reader's own guard)."""
    path = tmp_path / f"MAIN_x.{DENSE_EXTENSION}"
    path.write_bytes(b"not ours, and long enough to have a trailer")
    with pytest.raises(ValueError, match="not a dense postings file"):
        read_table(path)
    assert read_table(tmp_path / "missing.dense") is None


def test_whoosh_deletes_the_file_with_its_segment(tmp_path: Path, low_threshold: None) -> None:
    """Named as the segment's files are, so a merge that drops the segment drops it."""
    fields = _fields([SEEDS, *VARIANTS])
    ix = _bulk_build(tmp_path / "ix", fields)
    (dense,) = list((tmp_path / "ix").glob(f"*.{DENSE_EXTENSION}"))
    writer = ix.writer()
    writer.add_document(**fields[0])
    writer.commit(optimize=True)  # one new segment of everything
    assert not dense.exists()
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    with ix.searcher() as searcher:
        assert searcher.doc_count() == len(fields) + 1
        assert scoring.score_query(searcher, to_whoosh(parse("de minister")))


# The operations on scores: a Dense operand gives the dict operation's result.

_scores = st.dictionaries(
    st.integers(0, 39),
    st.floats(0.0, 50.0, allow_nan=False, allow_infinity=False),
    max_size=30,
)


def _dense(scores: dict[int, float]) -> Dense:
    dense = Dense.empty(40)
    for doc, score in scores.items():
        dense.score[doc] = score
        dense.hit[doc] = True
    return dense


def _forms(scores: dict[int, float]) -> list[Any]:
    return [dict(scores), _dense(scores)]


@settings(max_examples=150, deadline=None)
@given(_scores, _scores, st.floats(0.1, 4.0))
def test_operations_on_dense_scores_equal_the_dicts(
    a: dict[int, float], b: dict[int, float], boost: float
) -> None:
    ops = {
        "add": lambda x, y: vectors.add(x, y, 40),
        "intersect": vectors.intersect,
        "optional": vectors.optional,
        "exclude": vectors.exclude,
    }
    expected = {
        "add": {d: a.get(d, 0.0) + b.get(d, 0.0) for d in a.keys() | b.keys()},
        "intersect": {d: s + b[d] for d, s in a.items() if d in b},
        "optional": {d: s + b.get(d, 0.0) for d, s in a.items()},
        "exclude": {d: s for d, s in a.items() if d not in b},
    }
    for name, op in ops.items():
        for i in range(2):
            for j in range(2):
                result = op(_forms(a)[i], _forms(b)[j])  # fresh: add changes its first
                x, y = _forms(a)[i], _forms(b)[j]
                assert as_dict(result) == expected[name], (name, type(x), type(y))
                if isinstance(result, Dense):  # no score where there is no match
                    assert not result.score[~result.hit].any()
    for x in _forms(a):
        assert as_dict(vectors.scale(x, boost)) == {d: s * boost for d, s in a.items()}
    # add changes its first operand only: the second is left as it was
    first, second = _dense(a), _dense(b)
    vectors.add(first, second, 40)
    assert as_dict(second) == b


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_scores, min_size=1, max_size=4),
    st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4),
    st.sampled_from([1.0, 0.5, 2.0, 0.0, 3.0, 0.7, 1.5]),
    st.integers(0, 3),
)
def test_coordination_of_dense_parts_equals_the_dicts(
    parts: list[dict[int, float]], weights: list[float], exponent: float, which: int
) -> None:
    weights = weights[: len(parts)]
    expected = coordinate(parts, weights, exponent)
    mixed: list[Any] = [dict(p) for p in parts]
    mixed[which % len(parts)] = _dense(parts[which % len(parts)])
    assert coordinate(mixed, weights, exponent) == expected
    assert coordinate([_dense(p) for p in parts], weights, exponent) == expected


def test_a_new_process_reads_short_lists_without_numpy(dense_index: Index, tmp_path: Path) -> None:
    """numpy's import (0.1 s) is paid only for a list long enough (NUMPY_WORTH): a
    search in a new process for the fixtures' words does not import it, and finds
    what a process with numpy finds."""
    queries = ["de minister", '"van de" minister', '"antwoord op vraag"', "kabinet -de"]
    expected = [(r[1], r[2][:10]) for r in _all_results(dense_index, queries)]
    code = (
        "import json, sys\n"
        "from search import Index\n"
        "with Index.open(sys.argv[1]) as ix:\n"
        "    out = [ix.search(q, limit=500) for q in sys.argv[2:]]\n"
        "print(json.dumps(['numpy' in sys.modules,"
        " [(r.total, [(h.entry_id, h.score) for h in r.hits][:10]) for r in out]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "index"), *queries],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    imported, results = json.loads(done.stdout)
    assert not imported
    assert [(total, [tuple(h) for h in hits]) for total, hits in results] == expected
    assert vectors.arrays_pay(vectors.NUMPY_WORTH)


#: Words whose analysis puts the same stemmed term twice at one position (the whole
#: word and a part stem alike: intrekking -> intrek, intrek, king), in questions where
#: the phrase's other word is there too, never next to them.
_REPEATED = """
## 2020Z00001

Vragen van het lid **Ploumen** (PvdA) aan de Minister van Justitie en Veiligheid over \
*de intrekking van vergunningen* (ingezonden 3 maart 2020)

### Vraag 1

Klopt het dat de intrekking van de vergunning door de gemeente is besloten?

### Vraag 2

Is de intrekking besproken met de gemeente, en wat zegt de vergunning daarover?

### Vraag 3

Wanneer volgt de intrekking, en welke vergunning betreft het?

### Vraag 4

Waarom is de intrekking vergunning genoemd, en niet anders?
"""


def test_a_term_twice_at_one_position_is_no_phrase(tmp_path: Path, low_threshold: None) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "repeated.txt").write_text(_REPEATED, "utf-8")
    shutil.copy(SEED_FILE, seeds)
    with Index.build(tmp_path / "index", [seeds]) as index:
        searcher = index._get_searcher()
        reader = searcher.reader()
        assert vectors.has_positions(reader, "question", b"intrek")
        for text, wanted in [
            ('vraag:"intrekking vergunning"', 1),  # only question 4 has them in a row
            ('vraag:"intrekking gemeente"', 0),
            ('vraag:"intrekking intrekking"', 0),  # a word twice: not at one position
        ]:
            q = to_whoosh(parse(text))
            theirs = set(searcher.docs_for_query(q))
            assert len(theirs) == wanted, text
            assert set(scoring.score_query(searcher, q) or {}) == theirs, text
            assert scoring.matching_docs(searcher, q) == theirs, text


def test_a_truncated_file_is_damage_not_a_crash(dense_index: Index, tmp_path: Path) -> None:
    """A dense file cut short under an open index (mapped: a read past its end would
    end the process with SIGBUS) is reported as damage before it is read."""
    assert dense_index.search("de minister").total
    (dense,) = _dense_files(tmp_path / "index")
    with open(dense, "r+b") as fh:
        fh.truncate(dense.stat().st_size // 2)
    with pytest.raises(IndexCorruptError, match=dense.name):
        dense_index.search("de minister kabinet")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 1 << 40), max_size=40), st.booleans())
def test_distinct_keys_are_numpys_unique(keys: list[int], ordered: bool) -> None:
    import numpy as np

    values = np.array(sorted(keys) if ordered else keys, dtype=np.int64)
    assert scoring._distinct(values).tolist() == np.unique(values).tolist()
