"""Statistics, checked against counts made here from the parsed seeds (search.ingest),
not with kvsearch's statistics code."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from search import FilterError, Filters, Index, Question, ingest
from search.cli import main
from search.cli.render_follow import bar
from search.dutch.parliament import ministries_in, ministry_of, party_display
from tests.conftest import FIXTURES, ROOT, SEEDS

TODAY = date(2024, 12, 1)


@pytest.fixture(scope="module")
def parsed() -> list[Question]:
    """Every entry of the seed and the fixture corpus, parsed and merged as a build does
    (the index of ``fixture_index``)."""
    files = ingest.find_seed_files([SEEDS, FIXTURES])
    documents = [d for f in files for d in ingest.parse_file(f, name=str(f)).documents]
    return [e for d in ingest.merge_documents(documents) for e in d.entries]


def _ministries(e: Question) -> list[str]:
    def of(texts: Iterable[str]) -> list[str]:
        return [m for t in texts for m in (ministries_in(t) or [ministry_of(t)]) if m]

    return of(e.addressees) or of([e.answered_by or ""])


KEYS: dict[str, Callable[[Question], list[str]]] = {
    "party": lambda e: [party_display(m.party) for m in e.members if m.party],
    "member": lambda e: [m.name for m in e.members],
    "ministry": _ministries,
    "year": lambda e: [str(e.submitted.year)] if e.submitted else [],
    "month": lambda e: [f"{e.submitted.year}-{e.submitted.month:02d}"] if e.submitted else [],
}


def _expected(entries: list[Question]) -> dict[str, Any]:
    """The figures of a group, counted here: Kamervragen by document id; a document is
    answered when one of its questions has an answer or answer date, delayed when not
    and a Mededeling says so, open otherwise; overdue when open and submitted more than
    21 days before TODAY."""
    documents: dict[str, list[Question]] = {}
    for e in entries:
        documents.setdefault(e.document_id, []).append(e)
    figures = {"documents": len(documents), "questions": len(entries), "answered": 0,
               "open": 0, "delayed": 0, "overdue": 0}  # fmt: skip
    days = []
    for qs in documents.values():
        submitted = min((q.submitted for q in qs if q.submitted), default=None)
        if any(q.answer or q.answered for q in qs):
            figures["answered"] += 1
            answered = max((q.answered for q in qs if q.answered), default=None)
            if submitted and answered and answered >= submitted:
                days.append((answered - submitted).days)
        elif any(q.delayed for q in qs):
            figures["delayed"] += 1
        else:
            figures["open"] += 1
            figures["overdue"] += bool(submitted and (TODAY - submitted).days > 21)
    days.sort()
    figures["median_days"] = statistics.median(days) if days else None
    figures["p90_days"] = days[math.ceil(len(days) * 9 / 10) - 1] if days else None
    return figures


def _grouped(entries: list[Question], by: str) -> dict[str | None, dict[str, Any]]:
    groups: dict[str | None, list[Question]] = {}
    for e in entries:
        for key in dict.fromkeys(KEYS[by](e)) or [None]:
            groups.setdefault(key, []).append(e)
    return {key: _expected(members) for key, members in groups.items()}


def _figures(row: Any) -> dict[str, Any]:
    data = row.to_dict()
    del data["group"]
    return dict(data)


def test_totals_match_the_parsed_seeds(fixture_index: Index, parsed: list[Question]) -> None:
    stats = fixture_index.stats(today=TODAY)
    assert stats.rows == () and stats.by is None
    assert _figures(stats.total) == _expected(parsed)
    assert stats.total.documents == 15 and stats.total.questions == 161
    assert stats.total.answered and stats.total.open and stats.total.delayed


@pytest.mark.whole_corpus
def test_totals_of_the_whole_corpus(corpus_index: Index) -> None:
    stats = corpus_index.stats(today=TODAY)
    assert stats.total.documents == 117 and stats.total.questions == 1162


@pytest.mark.parametrize("by", ["party", "member", "ministry", "year", "month"])
def test_groups_match_the_parsed_seeds(
    fixture_index: Index, parsed: list[Question], by: str
) -> None:
    stats = fixture_index.stats(by=by, today=TODAY)
    got = {row.group: _figures(row) for row in stats.rows if row.questions}
    assert got == _grouped(parsed, by)
    assert stats.rows[-1].group is None  # those without a party, a date…: last
    if by == "month":  # every month between the first and the last, in order
        months = [r.group for r in stats.rows if r.group]
        assert months == sorted(months) and months[0] == "2019-06" and months[-1] == "2024-11"
        assert len(months) == 12 * 5 + 6
        assert all(r.questions == 0 for r in stats.rows if r.group not in got)
    elif by != "year":  # the most Kamervragen first
        counts = [r.documents for r in stats.rows[:-1]]
        assert counts == sorted(counts, reverse=True)


def test_a_query_and_filters_count_their_own_matches(
    fixture_index: Index, parsed: list[Question]
) -> None:
    stats = fixture_index.stats("*", filters=Filters(party="SP"), by="jaar", today=TODAY)
    sp = [e for e in parsed if "SP" in KEYS["party"](e)]
    assert {r.group: _figures(r) for r in stats.rows} == _grouped(sp, "year")
    matches = {h.entry_id for h in fixture_index.iter_hits("asiel", related=False)}
    assert len(matches) > 20
    asylum = [e for e in parsed if e.entry_id in matches]
    by_month = fixture_index.stats("asiel", by="maand", today=TODAY)
    assert {r.group: _figures(r) for r in by_month.rows if r.questions} == _grouped(asylum, "month")
    assert _figures(by_month.total) == _expected(asylum)
    with pytest.raises(FilterError) as caught:
        fixture_index.stats(by="week")
    assert caught.value.field == "by"


def test_overdue_is_relative_to_today(fixture_index: Index) -> None:
    """2019Z12806 (submitted 20 June 2019, unanswered) is overdue after 11 July 2019."""
    for today, overdue in ((date(2019, 7, 11), 0), (date(2019, 7, 12), 1)):
        stats = fixture_index.stats("2019Z12806", today=today)
        assert (stats.total.open, stats.total.overdue) == (1, overdue)


def _cli(index: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["stats", *args, "--index-dir", str(index)])


@pytest.mark.whole_corpus  # the table's figures are the whole corpus's
def test_stats_command_table_json_csv(corpus_index: Index) -> None:
    path = corpus_index.path
    library = corpus_index.stats(by="party", today=TODAY)
    table = _cli(path, "--by", "partij", "--today", "2024-12-01")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0] == "1.162 vragen in 117 Kamervragen voor alle vragen, per partij"
    assert lines[3].split() == ["partij", "Kamervragen", "vragen", "beantwoord", "open",
                                "uitgesteld", "te", "laat", "mediaan", "p90"]  # fmt: skip
    first = library.rows[0]
    row = lines[4]
    assert row.startswith(f"{first.group} ") and row.endswith("█" * 16)  # the longest bar
    total = lines[-1].split()
    assert total[:7] == ["totaal", "117", "1.162", "76", "36", "5", "1"]
    # Every bar is the row's questions against the most: in eighths of a character.
    for line, stats_row in zip(lines[4:-1], library.rows, strict=True):
        blocks = line.rstrip().rsplit(" ", 1)[-1] if stats_row.questions else ""
        assert blocks == bar(stats_row.questions, first.questions)
    as_json = json.loads(_cli(path, "--by", "partij", "--today", "2024-12-01", "--json").stdout)
    assert as_json == json.loads(json.dumps(library.to_dict()))
    assert as_json["deadline_days"] == 21 and as_json["today"] == "2024-12-01"
    rows = list(csv.DictReader(io.StringIO(
        _cli(path, "--by", "partij", "--today", "2024-12-01", "--format", "csv").stdout
    )))  # fmt: skip
    assert [r["group"] for r in rows] == [r.group or "onbekend" for r in library.rows] + ["totaal"]
    assert rows[-1]["questions"] == "1162" and rows[-1]["median_days"] == "37.0"


@pytest.mark.whole_corpus  # the empty months are the whole corpus's
def test_stats_by_month_over_a_query_collapses_empty_runs(corpus_index: Index) -> None:
    result = _cli(corpus_index.path, "--by", "maand", "--today", "2024-12-01")
    lines = result.stdout.splitlines()
    assert "2014-11 – 2019-05: geen vragen (55 maanden)" in lines
    assert any(line.startswith("2023-08 ") for line in lines)  # two empty months stay
    query = _cli(corpus_index.path, "asiel", "--partij", "SP", "--by", "maand", "--json")
    data = json.loads(query.stdout)
    assert data["query"] == "asiel" and data["filters"] == {"party": "SP"}
    assert data["by"] == "month" and data["total"]["questions"] == sum(
        g["questions"] for g in data["groups"]
    )


def test_stats_input_errors(fixture_index: Index) -> None:
    for args, message in (
        (["--by", "week"], "Fout: Invalid value for '--by'"),
        (["--today", "1-12-2024"], "Fout: Invalid value for '--today': '1-12-2024' is geen datum"),
        (["--jaar", "0000"], "Fout: '0000' is geen jaar"),
        (["stikstof~5"], "Fout: stikstof~5: na ~ staat"),
    ):
        result = _cli(fixture_index.path, *args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith(message), (args, result.stderr)


def test_stats_as_a_subprocess(fixture_index: Index) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KVSEARCH_INDEX"}
    env["PYTHONPATH"] = str(ROOT)
    args = ["stats", "--by", "jaar", "--today", "2024-12-01", "--json"]
    proc = subprocess.run(
        [sys.executable, "-m", "search", *args, "--index-dir", str(fixture_index.path)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    expected = fixture_index.stats(by="year", today=TODAY).to_dict()
    assert json.loads(proc.stdout) == json.loads(json.dumps(expected))


def test_unmarked_hits_are_the_same_entries(fixture_index: Index) -> None:
    """Statistics and saved searches list hits without marks: the same entries, in
    the same order, with the first passage as snippet."""
    for query in ("asiel", "jeugdzorg partij:D66", "*"):
        marked = list(fixture_index.iter_hits(query, sort="-date", related=False))
        plain = list(fixture_index.iter_hits(query, sort="-date", related=False, marked=False))
        assert [h.entry for h in plain] == [h.entry for h in marked] and plain, query
        assert all(not h.snippet.matches and not h.matched_in and not h.marked for h in plain)
    # (asiel is only in the fixtures' addressees: jeugdzorg is in their text)
    assert any(h.snippet.matches for h in fixture_index.iter_hits("jeugdzorg", related=False))


def test_bar_in_eighths() -> None:
    assert bar(8, 8, 2) == "██"
    assert bar(1, 8, 2) == "▎"  # a quarter of a character
    assert bar(1, 1000, 16) == "▏"  # never invisible above zero
    assert bar(0, 8) == "" and bar(3, 0) == ""
    assert bar(5, 8, 2) == "█▎"
