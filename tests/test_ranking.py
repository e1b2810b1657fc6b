"""Document-aware ranking (search/engine/ranking.py) on its own and through a real index."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from search import Index
from search.cli import main
from search.engine.ranking import RERANK_DEPTH, fuse

DOCS = {1: "A", 2: "A", 3: "B", 4: "A", 5: "B", 6: "A", 7: "C"}
NUMBERS = {1: 1, 2: 2, 3: 1, 4: 3, 5: 2, 6: 9, 7: 1}


def _siblings(doc: str) -> list[int]:
    return sorted(d for d, k in DOCS.items() if k == doc)


def test_fusion_lifts_the_entries_of_the_best_document() -> None:
    # B's lone strong entry (5.0) against A's three moderate ones: A's best (4.0) is added
    # to each of A's entries, B's (5.0) to B's.
    ranked, added = fuse([(5.0, 3), (4.0, 1), (3.5, 2), (1.0, 7)], DOCS.__getitem__, weight=1.0)
    assert ranked == [(10.0, 3), (8.0, 1), (7.5, 2), (2.0, 7)]
    assert added == set()


def test_weight_zero_keeps_the_order() -> None:
    top = [(5.0, 3), (4.0, 1), (3.5, 2)]
    assert fuse(top, DOCS.__getitem__, _siblings, weight=0.0)[0] == top


def test_siblings_follow_their_documents_matches_within_the_window() -> None:
    ranked, added = fuse(
        [(4.0, 1), (1.0, 3)], DOCS.__getitem__, _siblings, NUMBERS.__getitem__,
        weight=1.0, documents=5, window=2,
    )  # fmt: skip
    # A: match Vraag 1; Vraag 2 and 3 are near, Vraag 9 is not. B: match Vraag 1, Vraag 2.
    assert added == {2, 4, 5}
    assert ranked == [(8.0, 1), (4.0, 2), (4.0, 4), (2.0, 3), (1.0, 5)]
    ranked_all, added_all = fuse(
        [(4.0, 1)], DOCS.__getitem__, _siblings, NUMBERS.__getitem__, weight=1.0, window=None
    )
    assert added_all == {2, 4, 6}


def test_only_the_best_documents_bring_siblings() -> None:
    _, added = fuse(
        [(4.0, 1), (1.0, 3)], DOCS.__getitem__, _siblings, NUMBERS.__getitem__,
        weight=1.0, documents=1, window=None,
    )  # fmt: skip
    assert added == {2, 4, 6}


@pytest.fixture
def index(seed_index: Index) -> Index:
    return seed_index


def test_siblings_obey_filters_and_exclusions(index: Index) -> None:
    plain = [h.entry_id for h in index.search('"social credit"').hits if h.related]
    assert sorted(plain) == ["2019Z12806#3", "2019Z12806#4"]
    # Vraag 4 says "gezichtsherkenningsoftware": excluded, it is not brought back.
    excluded = index.search('"social credit" -gezichtsherkenning')
    assert [h.entry_id for h in excluded.hits if h.related] == ["2019Z12806#3"]
    assert not index.search('"social credit" partij:SP').hits


def test_no_siblings_for_a_field_bound_query_or_in_date_order(index: Index) -> None:
    assert index.search('vraag:"social credit"').related == 0
    dated = index.search('"social credit"', sort="date")
    assert dated.total == 3 and not any(h.related for h in dated.hits)


def test_group_and_export_agree_with_the_ranked_list(index: Index) -> None:
    ranked = [h.entry_id for h in index.search("gezichtsherkenning", limit=50).hits]
    exported = [h.entry_id for h in index.iter_hits("gezichtsherkenning")]
    assert exported == ranked
    grouped = index.search("gezichtsherkenning", group=True)
    assert [h.entry_id for h in grouped.groups[0].hits] == ranked  # type: ignore[index]


def test_cli_only_matches(seed_index_path: Path) -> None:
    runner = CliRunner()
    args = ["search", "gezichtsherkenning", "--index-dir", str(seed_index_path)]
    strict = runner.invoke(main, [*args, "--only-matches"])
    assert strict.exit_code == 0, strict.output
    assert strict.stdout.startswith("1–2 van 2 voor 'gezichtsherkenning'\n")
    assert "zelfde Kamervraag" not in strict.stdout
    csv_out = runner.invoke(main, [*args, "--format", "csv"])
    rows = csv_out.stdout.strip().splitlines()
    assert len(rows) == 1 + 6 and sum(r.count(",ja,") for r in rows) == 4


@pytest.mark.parametrize(
    ("query", "depth"),
    [("minister gemeenten", RERANK_DEPTH), ("kabinet", 15), ("+asiel vrouwen", 15)],
)
def test_every_hit_once_beyond_the_reranked_top(
    fixture_index: Index, monkeypatch: pytest.MonkeyPatch, query: str, depth: int
) -> None:
    # More matches than RERANK_DEPTH: a match below it in one of the best documents
    # keeps its own place and is not brought in again as a neighbour. The fixtures have
    # fewer matches than that for most words: a shallower re-ranking for those.
    import search.engine.collect

    monkeypatch.setattr(search.engine.collect, "RERANK_DEPTH", depth)
    exported = [h.entry_id for h in fixture_index.iter_hits(query)]
    results = fixture_index.search(query, limit=len(exported) + 10)
    assert results.total > depth
    assert len(exported) == len(set(exported)) == results.total
    assert [h.entry_id for h in results.hits] == exported
    grouped = fixture_index.search(query, group=True, limit=1000)
    assert sum(len(g.hits) for g in grouped.groups or ()) == results.total


def test_more_of_the_query_beats_more_of_one_word(tmp_path: Path) -> None:
    """A Kamervraag about *toeslagen* that repeats the word in its subject and every
    question ranks below the question that has both words of ``toeslagen
    hersteloperatie`` (issue #16: coordination)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    docs = {
        "2024Z80001": (
            "de toeslagen",
            [
                "Hoeveel toeslagen zijn er uitbetaald in 2023?",
                "Welke toeslagen zijn terugbetaald?",
                "Hoe staat het met de toeslagen van ouders en de toeslagen van studenten?",
            ],
        ),
        "2024Z80002": (
            "de kinderopvang",
            ["Hoe verloopt de hersteloperatie van de toeslagen voor gedupeerde ouders?"],
        ),
    }
    for doc, (subject, questions) in docs.items():
        body = "\n\n".join(f"### Vraag {i}\n\n{q}" for i, q in enumerate(questions, 1))
        (seeds / f"{doc}.txt").write_text(
            f"## {doc}\n\nVragen van het lid **Jansen** (SP) aan de Minister van Financiën "
            f"over *{subject}* (ingezonden 1 oktober 2024).\n\n{body}\n",
            encoding="utf-8",
        )
    from search.engine import ranking

    with Index.build(tmp_path / "index", [seeds]) as index:
        hits = index.search("toeslagen hersteloperatie", related=False).hits
        assert hits[0].entry_id == "2024Z80002#1"
        # Without coordination the repeated word wins: the factor decides.
        saved = ranking.COORDINATION
        try:
            ranking.COORDINATION = 0.0
            again = index.search("toeslagen hersteloperatie", related=False).hits
            assert again[0].entry_id == "2024Z80001#3"
        finally:
            ranking.COORDINATION = saved


def test_coordinate_and_commonness_arithmetic() -> None:
    from search.engine.ranking import commonness_weight, coordinate

    parts = [{1: 2.0, 2: 1.0}, {2: 1.0}]
    assert coordinate(parts, exponent=1.0) == {1: 1.0, 2: 2.0}  # 2.0 * 1/2; 2.0 * 2/2
    assert coordinate(parts, [0.5, 1.0], exponent=0.0) == {1: 1.0, 2: 1.5}
    assert coordinate([{1: 3.0}], exponent=1.0) == {1: 3.0}  # one word: no factor
    assert commonness_weight(1, 10_000) == 1.0  # rare: full weight
    assert commonness_weight(9_000, 10_000) == pytest.approx(0.035, abs=0.001)
    assert commonness_weight(90, 100) == 1.0  # too small a collection to judge
