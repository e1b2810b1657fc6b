"""Sorting by date (`--sort date|-date`, and every query of filters only) gives exactly
what Whoosh's search sorted by the ``sortdate`` and ``order`` columns gives: the same
entries in the same order and the same total, in one segment and in several with
deleted entries (search/engine/collect.py ``collect_by_date``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from whoosh import sorting

from search import Filters, Index
from search.engine.collect import collect_by_date
from search.engine.query import filter_query, to_whoosh
from search.engine.stored import date_keys
from search.engine.syntax import parse
from tests.conftest import FIXTURES, SEED_FILE

QUERIES = [
    ("vragen", Filters()),
    ("bericht kabinet", Filters()),
    ("stikstof OR asiel", Filters()),
    ("*", Filters(party="VVD")),
    ("*", Filters(status="answered")),
    ("minister", Filters(year=2024)),
]


def _whoosh_order(searcher: Any, q: Any, allow: Any, limit: int | None, newest: bool) -> Any:
    facets = [sorting.FieldFacet("sortdate", reverse=newest), sorting.FieldFacet("order")]
    found = searcher.search(q, filter=allow, limit=limit, sortedby=facets)
    return [d for _, d in found.top_n], set(found.docs())


def _compare(index: Index) -> int:
    searcher = index._get_searcher()
    compared = 0
    for text, filters in QUERIES:
        parsed = parse(text)
        q = to_whoosh(parsed) if parsed.clauses else filter_query(filters)
        allow = filter_query(filters) if parsed.clauses else None
        assert q is not None
        for newest in (True, False):
            for limit in (1, 7, 10, 25, None):
                ours = collect_by_date(searcher, q, allow, limit, newest_first=newest)
                order, matched = _whoosh_order(searcher, q, allow, limit, newest)
                assert [d for _, d in ours.top] == order, (text, newest, limit)
                assert ours.matched == matched
                compared += 1
    return compared


def test_the_date_order_is_whooshs(fixture_index: Index) -> None:
    assert _compare(fixture_index) == len(QUERIES) * 10
    # Many entries share a date (a Kamervraag's questions): the ties are ordered too.
    keys = date_keys(fixture_index._get_searcher().reader())
    assert len(set(keys)) < len(keys)


def test_the_date_order_after_updates_with_deletions(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    fixtures = sorted(FIXTURES.glob("*.txt"))
    for path in fixtures[:8]:
        shutil.copy(path, seeds)
    with Index.build(tmp_path / "index", [seeds]):
        pass
    # A changed file (its entries deleted and added again) and new files: segments.
    changed = seeds / fixtures[0].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    for path in fixtures[8:]:
        shutil.copy(path, seeds)
    with Index.open(tmp_path / "index") as index:
        index.update([seeds])
    with Index.open(tmp_path / "index") as index:
        reader = index._get_searcher().reader()
        assert not reader.is_atomic() and reader.has_deletions()
        assert len(date_keys(reader)) == reader.doc_count_all()
        assert _compare(index) == len(QUERIES) * 10


def test_the_library_and_the_cli_sort_alike(fixture_index: Index) -> None:
    newest = fixture_index.search("vragen", sort="-date", limit=30)
    oldest = fixture_index.search("vragen", sort="date", limit=30)
    # The same matches as by relevance (which adds its best Kamervragen's other
    # questions, said apart as "via hun Kamervraag": related=False leaves them out).
    relevance = fixture_index.search("vragen", related=False)
    assert newest.total == oldest.total == relevance.total
    days = [h.entry.submitted or h.entry.answered for h in newest.hits]
    known = [d for d in days if d is not None]
    assert known == sorted(known, reverse=True)
    known = [h.entry.submitted or h.entry.answered for h in oldest.hits]
    assert [d for d in known if d is not None] == sorted(d for d in known if d is not None)


@pytest.mark.parametrize("newest", [True, False])
def test_a_page_by_date_continues_where_the_last_stopped(
    fixture_index: Index, newest: bool
) -> None:
    sort = "-date" if newest else "date"
    whole = [h.entry.entry_id for h in fixture_index.search("vragen", sort=sort, limit=40).hits]
    pages = [
        h.entry.entry_id
        for page in (1, 2, 3, 4)
        for h in fixture_index.search("vragen", sort=sort, limit=10, page=page).hits
    ]
    assert pages == whole
