"""The index remembers its sources: update from them, add, forget, never lose one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from search import Index, SourceError
from search.cli import main
from search.ingest.files import _path_order
from tests.conftest import ROOT, SEED_FILE, VARIANTS


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with seeds/ (the bundled seed) and more/ (the two variants); cwd."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED_FILE, tmp_path / "seeds")
    (tmp_path / "more").mkdir()
    for f in VARIANTS:
        shutil.copy(f, tmp_path / "more")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KVSEARCH_INDEX", raising=False)
    return tmp_path


def _kv(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _entries(path: Path) -> int:
    with Index.open(path) as index:
        return index.entry_count


def test_plain_index_updates_from_the_recorded_sources(workdir: Path) -> None:
    first = _kv("index", "seeds", "more")
    assert first.exit_code == 0, first.output
    assert _entries(workdir / "index") == 7 + 6
    again = _kv("index")  # no arguments: the recorded sources, not seeds/ alone
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("0 toegevoegd, 0 gewijzigd, 0 verwijderd, 3 ongewijzigd\n")
    assert _entries(workdir / "index") == 7 + 6
    with Index.open(workdir / "index") as index:
        assert index.sources == (workdir / "seeds", workdir / "more")
    assert _kv("check").stdout.endswith("Bij: 3 bestanden ongewijzigd.\n")


def test_a_new_index_without_arguments_is_built_from_seeds(workdir: Path) -> None:
    result = _kv("index")
    assert result.exit_code == 0, result.output
    with Index.open(workdir / "index") as index:
        assert index.sources == (workdir / "seeds",) and index.entry_count == 7


def test_index_path_adds_a_source_and_forget_drops_it(workdir: Path) -> None:
    assert _kv("index").exit_code == 0
    added = _kv("index", "more")
    assert added.exit_code == 0, added.output
    assert added.stdout.splitlines()[:2] == [
        "2 toegevoegd, 0 gewijzigd, 0 verwijderd, 1 ongewijzigd",
        "Nieuwe bron: more",
    ]
    assert _entries(workdir / "index") == 7 + 6
    forgot = _kv("index", "--forget", str(workdir / "more"))  # absolute: the same source
    assert forgot.exit_code == 0, forgot.output
    assert forgot.stdout.splitlines()[:2] == [
        "0 toegevoegd, 0 gewijzigd, 2 verwijderd, 1 ongewijzigd",
        "Bron vergeten: more (2 bestanden verwijderd)",
    ]
    with Index.open(workdir / "index") as index:
        assert index.sources == (workdir / "seeds",) and index.entry_count == 7
    unknown = _kv("index", "--forget", "elders")
    assert unknown.exit_code == 1
    assert unknown.stderr.splitlines() == [
        "Fout: elders is geen bron van de index in index/; de bronnen zijn: seeds."
    ]


def test_a_missing_source_folder_never_loses_its_entries(workdir: Path) -> None:
    assert _kv("index", "seeds", "more").exit_code == 0
    live = (workdir / "index" / "CURRENT").read_text()
    (workdir / "more").rename(workdir / "moved")  # a renamed folder, an unmounted disk
    for command in ("index", "rebuild"):
        refused = _kv(command)
        assert refused.exit_code == 1
        assert refused.stderr.splitlines() == [
            "Fout: bron more ontbreekt; gebruik --forget om haar entries te verwijderen "
            "(de index is niet gewijzigd)."
        ]
    assert (workdir / "index" / "CURRENT").read_text() == live
    assert _entries(workdir / "index") == 7 + 6
    check = _kv("check")
    assert check.exit_code == 1
    assert "bron ontbreekt: more" in check.stdout and "verwijderd:" not in check.stdout
    # A file removed from a present folder is still removed.
    (workdir / "more").mkdir()
    shutil.copy(workdir / "moved" / VARIANTS[0].name, workdir / "more")
    partial = _kv("index")
    assert partial.exit_code == 0, partial.output
    assert partial.stdout.startswith("0 toegevoegd, 0 gewijzigd, 1 verwijderd, 2 ongewijzigd\n")
    assert _entries(workdir / "index") == 7 + 4


def test_a_source_folder_emptied_like_an_unmounted_disk_is_refused(workdir: Path) -> None:
    assert _kv("index", "seeds", "more").exit_code == 0
    for f in (workdir / "more").iterdir():
        f.unlink()
    refused = _kv("index")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Fout: bron more is leeg; gebruik --forget")
    assert _entries(workdir / "index") == 7 + 6
    forgot = _kv("index", "--forget", "more")
    assert forgot.exit_code == 0, forgot.output
    assert _entries(workdir / "index") == 7


def test_a_missing_source_raises_source_error_in_the_library(workdir: Path) -> None:
    with Index.build(workdir / "index", ["seeds", "more"]) as index:
        shutil.rmtree(workdir / "more")
        with pytest.raises(SourceError) as info:
            index.update()
        assert info.value.reason == "missing"
        assert info.value.sources == (str(workdir / "more"),)
        assert index.entry_count == 7 + 6
        report = index.update(forget=["more"])
        assert report.forgotten == ((str(workdir / "more"), 2),)
        assert index.entry_count == 7


def test_same_folder_relative_and_absolute_is_one_source(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = str(workdir / "index")
    assert _kv("index", "seeds", "--index-dir", index_dir).exit_code == 0
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    again = _kv("index", str(workdir / "seeds"), "--index-dir", index_dir)
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("0 toegevoegd, 0 gewijzigd, 0 verwijderd, 1 ongewijzigd\n")
    relative = _kv("index", "../seeds", "--index-dir", index_dir)
    assert relative.stdout.startswith("0 toegevoegd, 0 gewijzigd, 0 verwijderd, 1 ongewijzigd\n")


def test_plain_index_from_another_folder_as_a_subprocess(workdir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "search", "index", "--index-dir", str(workdir / "index")]
    first = _kv(*args[3:], "seeds", "more")  # built here; the plain index is the process
    assert first.exit_code == 0, first.output
    (workdir / "elsewhere").mkdir()
    plain = subprocess.run(args, cwd=workdir / "elsewhere", env=env, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("0 toegevoegd, 0 gewijzigd, 0 verwijderd, 3 ongewijzigd\n")


def test_an_index_from_before_sources_were_recorded_is_migrated(workdir: Path) -> None:
    assert _kv("index", "seeds", "more").exit_code == 0
    gen = workdir / "index" / (workdir / "index" / "CURRENT").read_text().strip()
    meta = json.loads((gen / "kvsearch.json").read_text())
    # As the build wrote it before: seeds as given, manifest paths relative to the cwd.
    del meta["sources"]
    meta["seeds"] = ["seeds", "more"]
    for record in meta["files"]:
        record["path"] = os.path.relpath(record["path"], workdir)
    (gen / "kvsearch.json").write_text(json.dumps(meta))
    with Index.open(workdir / "index") as index:
        assert index.sources == (workdir / "seeds", workdir / "more")
    again = _kv("index")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("0 toegevoegd, 0 gewijzigd, 0 verwijderd, 3 ongewijzigd\n")
    meta = json.loads((gen / "kvsearch.json").read_text())
    assert meta["sources"] == [str(workdir / "seeds"), str(workdir / "more")]
    assert all(Path(r["path"]).is_absolute() for r in meta["files"])
    assert _entries(workdir / "index") == 7 + 6


def test_bron_lines_are_paths_that_work_from_the_current_folder(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _kv("index").exit_code == 0
    here = _kv("show", "2019Z12806#4")
    assert f"Bron: seeds/{SEED_FILE.name}\n" in here.stdout
    (workdir / "elsewhere").mkdir()
    monkeypatch.chdir(workdir / "elsewhere")
    there = _kv("show", "2019Z12806#4", "--index-dir", str(workdir / "index"))
    assert f"Bron: ../seeds/{SEED_FILE.name}\n" in there.stdout


def test_after_a_killed_first_build_a_plain_index_builds_from_seeds(workdir: Path) -> None:
    index = workdir / "index"
    index.mkdir()
    (index / ".lock").write_text("999999")
    (index / "gen-20200101T000000000000-999999").mkdir()  # no kvsearch.json: unfinished
    result = _kv("index")
    assert result.exit_code == 0, result.output
    assert _entries(index) == 7


@given(
    st.lists(
        st.lists(
            st.sampled_from(["a", "a-b", "a.b", "a b", "A", "ä", "é", "ab", "a_b", "0"]),
            min_size=1,
            max_size=3,
        ),
        min_size=2,
        max_size=8,
    )
)
def test_the_scan_order_is_the_paths_own_order(parts: list[list[str]]) -> None:
    """The scan sorts by a key computed once per path; the order must stay that of
    ``sorted(paths)`` (``a/b`` before ``a-b``, although "-" sorts before "/")."""
    paths = [Path("/seeds", *p) for p in parts]
    assert sorted(paths, key=_path_order) == sorted(paths)
