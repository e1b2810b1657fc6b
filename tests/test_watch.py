"""Saved searches: the whole flow through the CLI, the store, and concurrency."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from search import (
    FilterError,
    Filters,
    Index,
    QuerySyntaxError,
    WatchExistsError,
    WatchNameError,
    WatchNotFoundError,
    WatchStoreError,
)
from search.cli import main
from search.follow.watch import WATCH_FILE
from search.models.filters import filters_from_json, filters_to_json
from tests.conftest import ROOT, SEED_FILE, VARIANTS

#: An unanswered Kamervraag about nitrogen; ``ANSWERED`` is it with its answers.
INTRO = (
    "## 2024Z00009\n\nVragen van het lid **Van Nispen** (SP) aan de Minister van Landbouw, "
    "Visserij, Voedselzekerheid en Natuur over *de stikstofruimte voor boeren* (ingezonden "
    "1 oktober 2024).\n\n"
)
QUESTION = (
    INTRO + "### Vraag 1\n\nHoeveel stikstofruimte is er nog?\n\n"
    "### Vraag 2\n\nWanneer komt het plan?\n"
)
ANSWERED = (
    INTRO + "Antwoord van minister Wiersma (Landbouw, Visserij, Voedselzekerheid en Natuur) "
    "(ontvangen 5 november 2024).\n\n"
    "### Vraag 1\n\nHoeveel stikstofruimte is er nog?\n\n### Antwoord 1\n\nWeinig.\n\n"
    "### Vraag 2\n\nWanneer komt het plan?\n\n### Antwoord 2\n\nVolgend jaar.\n"
)


def _invoke(*args: str | Path, index: Path) -> Result:
    return CliRunner().invoke(main, [*map(str, args), "--index-dir", str(index)])


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A seed folder with the bundled seed and its index, built through the CLI."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    index = tmp_path / "index"
    built = _invoke("index", seeds, "-q", index=index)
    assert built.exit_code == 0, built.output
    return seeds, index


def _lines(text: str, start: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(start)]


def test_the_watch_flow_through_the_cli(setup: tuple[Path, Path]) -> None:
    seeds, index = setup
    added = _invoke("watch", "add", "stikstof", "stikstof", index=index)
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("Volg 'stikstof' (stikstof): nu 0 vragen.")
    china = _invoke("watch", "add", "China", "china", "--partij", "PvdA", index=index)
    assert "Volg 'China' (china --partij PvdA): nu 7 vragen." in china.stdout
    listed = _invoke("watch", "list", index=index)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["stikstof", "China"]
    assert "nog niet bekeken" in listed.stdout
    as_json = json.loads(_invoke("watch", "list", "--json", index=index).stdout)
    assert [(w["name"], w["query"], w["filters"], w["seen"], w["checked"]) for w in as_json] == [
        ("stikstof", "stikstof", {}, 0, None),
        ("China", "china", {"party": "PvdA"}, 7, None),
    ]
    # Nothing new yet: exit 1 (for cron), and the seen marks hold what matched at add.
    quiet = _invoke("watch", "check", index=index)
    assert quiet.exit_code == 1
    assert quiet.stdout.splitlines() == [
        "Volg 'stikstof': niets nieuw",
        "",
        "Volg 'China': niets nieuw",
    ]

    # New seeds: the summary of `index` names, per watch, what is new and matches it.
    shutil.copy(VARIANTS[0], seeds)  # 2024Z00001 (stikstof, answered), 2024Z00002
    (seeds / "new.txt").write_text(QUESTION, encoding="utf-8")
    update = _invoke("index", seeds, index=index)
    assert update.exit_code == 0, update.output
    assert "Volg 'stikstof': 5 nieuw" in update.stdout
    assert "  nieuw: 2024Z00001 vragen 1, 2, 4  Kröger (GroenLinks-PvdA)" in update.stdout
    assert "  nieuw: 2024Z00009 vragen 1, 2  Van Nispen (SP)" in update.stdout
    assert "Volg 'China'" not in update.stdout  # nothing new for it
    with Index.open(index) as ix:  # the same as a search, restricted to the new documents
        expected = {
            h.entry_id
            for h in ix.iter_hits("stikstof", related=False)
            if h.document_id in ("2024Z00001", "2024Z00009")
        }
    assert expected == {
        "2024Z00001#1",
        "2024Z00001#2",
        "2024Z00001#4",
        "2024Z00009#1",
        "2024Z00009#2",
    }

    # check lists them and marks them seen; a second check has nothing new.
    checked = _invoke("watch", "check", "--json", index=index)
    assert checked.exit_code == 0, checked.output
    data = json.loads(checked.stdout)
    assert data["news"] == 5
    by_name = {w["name"]: w for w in data["watches"]}
    assert {h["entry_id"] for h in by_name["stikstof"]["new"]} == expected
    assert by_name["stikstof"]["answered"] == [] and by_name["China"]["new"] == []
    first = by_name["stikstof"]["new"][0]
    assert first["url"] == "https://zoek.officielebekendmakingen.nl/kv-tk-2024Z00009.html"
    assert first["snippet"] == "Hoeveel **stikstofruimte** is er nog?"  # the match marked
    again = _invoke("watch", "check", index=index)
    assert again.exit_code == 1
    assert _lines(again.stdout, "Volg 'stikstof'") == ["Volg 'stikstof': niets nieuw"]

    # The answer comes: "nu beantwoord" in the summary and at the next check, once.
    (seeds / "new.txt").write_text(ANSWERED, encoding="utf-8")
    update = _invoke("index", seeds, index=index)
    assert "Volg 'stikstof': 2 nu beantwoord" in update.stdout
    assert "  nu beantwoord: 2024Z00009 vragen 1, 2  Van Nispen (SP) · 1 oktober 2024 · " in (
        update.stdout
    )
    lines = _invoke("watch", "check", "stikstof", "--format", "jsonl", index=index)
    assert lines.exit_code == 0
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [(r["watch"], r["change"], r["entry_id"]) for r in rows] == [
        ("stikstof", "answered", "2024Z00009#1"),
        ("stikstof", "answered", "2024Z00009#2"),
    ]
    assert rows[0]["answered"] == "2024-11-05"
    assert _invoke("watch", "check", "stikstof", index=index).exit_code == 1

    # A rebuild keeps the watches and their marks.
    rebuilt = _invoke("rebuild", seeds, "-q", index=index)
    assert rebuilt.exit_code == 0, rebuilt.output
    after = _invoke("watch", "list", index=index)
    assert "stikstof  stikstof  · 5 vragen gezien · bekeken " in after.stdout
    assert _invoke("watch", "check", index=index).exit_code == 1

    removed = _invoke("watch", "remove", "STIKSTOF", index=index)  # names ignore case
    assert removed.stdout == "Niet meer gevolgd: 'stikstof' (stikstof)\n"
    assert [
        line.split()[0] for line in _invoke("watch", "list", index=index).stdout.splitlines()
    ] == ["China"]


def test_index_json_names_the_news_per_watch(setup: tuple[Path, Path]) -> None:
    seeds, index = setup
    assert _invoke("watch", "add", "alles", "*", index=index).exit_code == 0
    (index / f"{WATCH_FILE}.999999.new").write_text("{", encoding="utf-8")  # a killed write
    shutil.copy(VARIANTS[1], seeds)  # 2024Z00003, an answer document
    result = _invoke("index", seeds, "--json", index=index)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["watches"] == [
        {"name": "alles", "new": ["2024Z00003#1", "2024Z00003#2"], "answered": [], "error": None}
    ]
    assert _invoke("watch", "check", index=index).exit_code == 0
    assert not list(index.glob(f"{WATCH_FILE}.*"))  # the leftover went with the next write


def test_a_check_through_an_index_opened_before_a_build_marks_nothing_back(
    setup: tuple[Path, Path],
) -> None:
    """A check that opened the index before a build, and runs after another check saw
    an answer, searches the live index: it does not mark the entry unanswered again
    (which would report it as answered a second time)."""
    seeds, index = setup
    (seeds / "new.txt").write_text(QUESTION, encoding="utf-8")
    with Index.build(index, [seeds]) as ix:
        ix.watches.add("stikstof", "stikstof")
    with Index.open(index) as before:  # opened before the answer came
        (seeds / "new.txt").write_text(ANSWERED, encoding="utf-8")
        with Index.build(index, [seeds]) as after:
            (news,) = after.watches.check()
            assert [h.entry_id for h in news.answered] == ["2024Z00009#1", "2024Z00009#2"]
        (late,) = before.watches.check()
        assert late.count == 0 and late.error is None
    with Index.open(index) as ix:
        (again,) = ix.watches.check()
        assert again.count == 0


def test_a_damaged_index_with_watches_is_repaired_and_keeps_them(
    setup: tuple[Path, Path],
) -> None:
    seeds, index = setup
    assert _invoke("watch", "add", "china", "china", index=index).exit_code == 0
    (index / f"{WATCH_FILE}.999999.new").write_text("{", encoding="utf-8")  # a killed write
    (index / "CURRENT").unlink()
    repaired = _invoke("rebuild", seeds, "-q", index=index)
    assert repaired.exit_code == 0, repaired.output
    listed = _invoke("watch", "list", index=index)
    assert listed.stdout.startswith("china  china  · 7 vragen gezien"), listed.output


def test_watch_input_errors(setup: tuple[Path, Path]) -> None:
    _, index = setup
    assert _invoke("watch", "add", "zorg", "zorg", index=index).exit_code == 0
    cases = [
        (("watch", "add", "Zorg", "zorg"), 1, "Fout: er is al een gevolgde zoekvraag 'Zorg'."),
        (("watch", "add", "x", "stikstof~5"), 2, "Fout: stikstof~5: na ~ staat het aantal"),
        (("watch", "add", "x", "zorg", "--jaar", "0000"), 2, "Fout: '0000' is geen jaar"),
        (("watch", "add", "x"), 2, "Fout: geef zoekwoorden of een filter"),
        (("watch", "add", "a\x07b", "zorg"), 2, "Fout: de naam mag geen stuur- of onzichtbare"),
        (("watch", "add", "x" * 61, "zorg"), 2, "Fout: de naam is te lang; hoogstens 60 tekens."),
        (("watch", "remove", "nope"), 1, "Fout: geen gevolgde zoekvraag 'nope'."),
        (("watch", "check", "nope"), 1, "Fout: geen gevolgde zoekvraag 'nope'."),
        (("watch", "check", "--format", "atom"), 2, "Fout: --format atom geeft de feed van één"),
    ]
    for args, code, message in cases:
        result = _invoke(*args, index=index)
        assert result.exit_code == code, (args, result.output)
        assert result.stderr.startswith(message), (args, result.stderr)
        assert "Traceback" not in result.output
    # Refused additions left nothing behind.
    with Index.open(index) as ix:
        assert [w.name for w in ix.watches.all()] == ["zorg"]
    # A watch of filters alone follows everything that meets them.
    only = _invoke("watch", "add", "ploumen", "--lid", "Ploumen", "--unanswered", index=index)
    assert "Volg 'ploumen' (* --lid Ploumen --unanswered): nu 7 vragen." in only.stdout


def test_a_watch_that_no_longer_parses_is_reported_not_dropped(setup: tuple[Path, Path]) -> None:
    seeds, index = setup
    for name, query in (("oud", "mensenrechten"), ("jaar", "china"), ("goed", "*")):
        assert _invoke("watch", "add", name, query, index=index).exit_code == 0
    # As saved by a kvsearch with other rules (or edited by hand): a query and a filter
    # this kvsearch refuses, and a filter it does not know.
    file = index / WATCH_FILE
    data = json.loads(file.read_text(encoding="utf-8"))
    data["watches"][0]["query"] = "mensenrechten~5"
    data["watches"][1]["filters"] = {"year": 99999}
    data["watches"].append({**data["watches"][2], "name": "onbekend", "filters": {"colour": "x"}})
    file.write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(VARIANTS[0], seeds)
    update = _invoke("index", seeds, index=index)
    assert update.exit_code == 0
    assert "Volg 'goed': 4 nieuw" in update.stdout
    assert "let op: gevolgde zoekvraag 'oud' werkt niet meer: mensenrechten~5: na ~" in (
        update.stderr
    )
    checked = _invoke("watch", "check", index=index)
    assert checked.exit_code == 0  # 'goed' has news
    assert "Volg 'goed': 4 nieuw" in checked.stdout
    for name in ("oud", "jaar", "onbekend"):
        assert f"let op: gevolgde zoekvraag '{name}' werkt niet meer" in checked.stderr
    assert "'99999' is geen jaar" not in checked.stderr and "99999 is geen jaar" in checked.stderr
    kept = json.loads(file.read_text(encoding="utf-8"))
    assert [w["name"] for w in kept["watches"]] == ["oud", "jaar", "goed", "onbekend"]
    assert kept["watches"][0]["query"] == "mensenrechten~5"
    assert kept["watches"][0]["checked"] is None  # not run, nothing marked


def test_the_store_is_versioned_and_never_overwritten_when_unreadable(
    setup: tuple[Path, Path],
) -> None:
    _, index = setup
    with Index.open(index) as ix:
        watch = ix.watches.add(
            "periode", "china", filters=Filters(date_from="2019-01-01", status="onbeantwoord")
        )
        assert watch.filters == Filters(date_from=date(2019, 1, 1), status="unanswered")
        assert watch.seen == 7 and watch.checked is None
        with pytest.raises(WatchExistsError):
            ix.watches.add("PERIODE", "x")
        with pytest.raises(WatchNameError):
            ix.watches.add("  ", "x")
        with pytest.raises(QuerySyntaxError):
            ix.watches.add("fout", "a*")
        with pytest.raises(WatchNotFoundError):
            ix.watches.check("geen")
        data = json.loads((index / WATCH_FILE).read_text(encoding="utf-8"))
        assert data["format"] == "kvsearch-watches" and data["version"] == 1
        assert data["watches"][0]["filters"] == {"date_from": "2019-01-01", "status": "unanswered"}
        assert len(data["watches"][0]["seen"]) == 7
        for text, code in (("{not json", "unreadable"), ('{"format": "kvsearch-watches", '
                           '"version": 2, "watches": []}', "version")):  # fmt: skip
            (index / WATCH_FILE).write_text(text, encoding="utf-8")
            with pytest.raises(WatchStoreError) as caught:
                ix.watches.add("nieuw", "china")
            assert caught.value.code == code
            assert (index / WATCH_FILE).read_text(encoding="utf-8") == text  # left as it was
    result = _invoke("watch", "list", index=index)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fout: {index / WATCH_FILE} is gemaakt door een nieuwere")


def test_filters_round_trip_through_json() -> None:
    filters = Filters(
        member="Ploumen", party="GL-PvdA", ministry="Buitenlandse Zaken", date_from="2024-01-01",
        date_to=date(2024, 6, 30), year=2024, session="2023-24", status="uitgesteld",
        answered_since="2024-02-01",
    )  # fmt: skip
    stored = json.loads(json.dumps(filters_to_json(filters)))
    assert filters_from_json(stored) == filters
    assert stored["session"] == "2023-2024" and stored["status"] == "delayed"
    with pytest.raises(FilterError) as caught:
        filters_from_json({"colour": "red"})
    assert caught.value.field == "colour" and caught.value.code == "unknown"


#: A document with a unique number, for the concurrency test.
def _document(n: int) -> str:
    return (
        f"## 2024Z{n:05d}\n\nVragen van het lid **Dijk** (SP) aan de Minister van Financiën "
        f"over *onderwerp {n}* (ingezonden 1 oktober 2024).\n\n"
        f"### Vraag 1\n\nHoe zit het met onderwerp {n}?\n\n"
        "### Vraag 2\n\nEn verder?\n"
    )


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KVSEARCH_INDEX"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "search", *map(str, args)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.slow  # some 10 s: three processes in four rounds (issue #15)
def test_concurrent_checks_and_index_never_lose_or_repeat(setup: tuple[Path, Path]) -> None:
    """Two processes check while a third indexes new documents in rounds: every new
    entry is reported exactly once over all the checks."""
    seeds, index = setup
    assert _cli("watch", "add", "alles", "*", "--index-dir", index).returncode == 0
    rounds, per_round = 4, 2
    done = threading.Event()
    reported: list[str] = []
    lock = threading.Lock()
    failures: list[str] = []

    def checker() -> None:
        while True:
            last = done.is_set()
            proc = _cli("watch", "check", "--format", "jsonl", "--index-dir", index)
            if proc.returncode not in (0, 1) or proc.stderr:
                failures.append(proc.stderr)
            with lock:
                reported.extend(json.loads(line)["entry_id"] for line in proc.stdout.splitlines())
            if last:
                return

    threads = [threading.Thread(target=checker) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for r in range(rounds):
            for i in range(per_round):
                n = 100 + r * per_round + i
                (seeds / f"doc{n}.txt").write_text(_document(n), encoding="utf-8")
            proc = _cli("index", seeds, "--wait", "-q", "--index-dir", index)
            assert proc.returncode == 0, proc.stderr
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert not failures, failures
    expected = [f"2024Z{n:05d}#{q}" for n in range(100, 100 + rounds * per_round) for q in (1, 2)]
    assert sorted(reported) == sorted(expected)  # each once: none lost, none twice
    final = json.loads((index / WATCH_FILE).read_text(encoding="utf-8"))
    assert len(final["watches"][0]["seen"]) == 7 + len(expected)
    assert not [p for p in index.iterdir() if p.name.startswith(WATCH_FILE + ".")]
