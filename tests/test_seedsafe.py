"""Seeds that used to stop a build or vanish without a word (#14 faults 4 and 10):
names that are not UTF-8, folders that cannot be listed, links to nothing or to
themselves. Real files, real indexes, the real command."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from search import Index
from search.cli import main
from search.ingest import scan_seed_files
from tests.conftest import DATA, ROOT, SEED_FILE

TWO_DOCUMENTS = DATA / "variants" / "two_documents.txt"
BAD_NAME = b"bad\xffname.txt"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KVSEARCH_INDEX", "NO_COLOR")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "search", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def bad_name_seeds(tmp_path: Path) -> Path:
    """seeds/ with the bundled seed and a file whose name is not UTF-8."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    with open(os.path.join(os.fsencode(seeds), BAD_NAME), "wb") as fh:
        fh.write(TWO_DOCUMENTS.read_bytes())
    return seeds


def test_file_name_that_is_not_utf8_is_indexed_under_an_escaped_name(
    bad_name_seeds: Path, tmp_path: Path
) -> None:
    # It used to stop every build with a UnicodeEncodeError while writing the manifest.
    escaped = f"{bad_name_seeds}/bad\\xffname.txt"
    with Index.build(tmp_path / "index", [bad_name_seeds]) as index:
        report = index.last_build
        assert report is not None
        assert (report.documents, report.entries) == (3, 11)  # 1 + 2 documents
        assert [(w.path, w.code) for w in report.warnings] == [(escaped, "name-not-utf8")]
        assert {e.source for e in index.lookup("2024Z00001")} == {escaped}
        json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
    with Index.build(tmp_path / "index", [bad_name_seeds]) as index:  # nothing to do
        assert index.last_build is not None and index.last_build.unchanged == 2


@pytest.mark.slow  # four processes; the library test above runs quick (issue #15)
def test_file_name_that_is_not_utf8_through_the_command(bad_name_seeds: Path) -> None:
    work = bad_name_seeds.parent
    proc = _run(["index", "seeds"], work)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "let op: seeds/bad\\xffname.txt:0: bestandsnaam is geen UTF-8; geïndexeerd als "
        "seeds/bad\\xffname.txt (geef het bestand een UTF-8-naam)"
    ]
    assert "3 documenten, 11 vragen uit 2 bestanden" in proc.stdout
    shown = _run(["show", "2024Z00001"], work)
    assert shown.returncode == 0 and "Bron: seeds/bad\\xffname.txt" in shown.stdout
    as_json = _run(["rebuild", "seeds", "--json"], work)
    assert as_json.returncode == 0, as_json.stderr
    warnings = json.loads(as_json.stdout)["warnings"]
    # JSON names files as the index records them: absolute.
    assert [(w["path"], w["code"]) for w in warnings] == [
        (f"{work.resolve()}/seeds/bad\\xffname.txt", "name-not-utf8")
    ]
    missing = _run(["index", os.fsdecode(b"nope\xff")], work)
    assert (missing.returncode, missing.stderr) == (
        1,
        "Fout: nope\\xff: bestaat niet. Geef een map of bestand met Kamervragen op.\n",
    )


@pytest.fixture
def linked_seeds(tmp_path: Path) -> Path:
    """seeds/ with the seed, a link to nothing, a link to itself and a link to a folder."""
    seeds = tmp_path / "seeds"
    (seeds / "sub").mkdir(parents=True)
    shutil.copy(SEED_FILE, seeds)
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(TWO_DOCUMENTS, other)
    (seeds / "dangling.txt").symlink_to("nowhere.txt")
    (seeds / "loop.txt").symlink_to("loop.txt")
    (seeds / "sub" / "elsewhere").symlink_to(other)
    (seeds / "sub" / "up").symlink_to("..")  # a folder loop: entered once
    return seeds


def test_links_to_nothing_or_to_themselves_are_reported(linked_seeds: Path) -> None:
    files, problems = scan_seed_files([linked_seeds])
    assert [f.name for f in files] == [SEED_FILE.name, TWO_DOCUMENTS.name]
    assert [(Path(p.path).name, p.code, p.detail) for p in problems] == [
        ("dangling.txt", "dangling-link", "nowhere.txt"),
        ("loop.txt", "link-loop", ""),
    ]


def test_links_through_the_command(linked_seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(linked_seeds.parent)
    result = CliRunner().invoke(main, ["index", "seeds"])
    assert result.exit_code == 0, result.output
    assert "3 documenten, 11 vragen uit 2 bestanden" in result.stdout
    assert result.stderr.splitlines() == [
        "overgeslagen: seeds/dangling.txt:0: symbolische link naar nowhere.txt, dat niet "
        "bestaat; herstel of verwijder hem",
        "overgeslagen: seeds/loop.txt:0: symbolische link die naar zichzelf terugleidt; "
        "herstel of verwijder hem",
        "2 bestanden of documenten overgeslagen; de rest is geïndexeerd.",
    ]
    again = CliRunner().invoke(main, ["index", "seeds"])  # still said when nothing changed
    assert again.exit_code == 0 and again.stderr.count("overgeslagen: ") == 2
    check = CliRunner().invoke(main, ["check", "seeds"])
    assert check.exit_code == 0 and "Bij: 2 bestanden ongewijzigd." in check.stdout
    assert check.stderr.count("overgeslagen: seeds/") == 2


# --- a folder that cannot be listed ----------------------------------------------------
#
# root reads any folder, whatever its mode: as root, what cannot list a folder is run
# in a forked child that has become the user nobody (exec would need an interpreter
# under /root, which nobody cannot reach); the folder's mode is real, and so is the
# PermissionError that os.scandir raises.


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder the user nobody can enter and write (pytest's tmp_path is root's only)."""
    path = Path(tempfile.mkdtemp(prefix="kvsearch-seedsafe-", dir="/tmp"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for folder in path.rglob("*"):
            if folder.is_dir() and not folder.is_symlink():
                folder.chmod(0o755)
        shutil.rmtree(path)


def _as_other_user(func: Callable[[], Any]) -> Any:
    """``func()`` as a user that folder modes apply to: this process when it is not
    root, else a forked child that became nobody; the result goes back as JSON."""
    if os.geteuid() != 0:
        return json.loads(json.dumps(func()))
    nobody = pwd.getpwnam("nobody")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            data = json.dumps({"result": func()})
            code = 0
        except BaseException as exc:
            data = json.dumps({"error": repr(exc)})
        finally:
            with os.fdopen(write_end, "w") as out:
                out.write(data)
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as stream:
        answer = json.loads(stream.read())
    os.waitpid(pid, 0)
    assert "error" not in answer, answer["error"]
    return answer["result"]


def _closed_seeds(base: Path) -> Path:
    seeds = base / "seeds"
    (seeds / "closed").mkdir(parents=True)
    shutil.copy(SEED_FILE, seeds)
    shutil.copy(TWO_DOCUMENTS, seeds / "closed")
    for path in (base, seeds, seeds / "closed"):
        if os.geteuid() == 0:
            os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    return seeds


def test_folder_that_cannot_be_listed_is_reported(shared_dir: Path) -> None:
    seeds = _closed_seeds(shared_dir)
    (seeds / "closed").chmod(0o000)

    def scan() -> Any:
        files, problems = scan_seed_files([seeds])
        return [f.name for f in files], [(p.path, p.code, p.detail) for p in problems]

    names, problems = _as_other_user(scan)
    assert names == [SEED_FILE.name]
    assert problems == [[f"{seeds}/closed", "unreadable", "Permission denied"]]


def test_folder_that_cannot_be_listed_keeps_its_entries_and_is_said(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = _closed_seeds(shared_dir)
    # Built while the folder could be read: 3 documents. Then it cannot be listed.
    monkeypatch.chdir(shared_dir)  # the names in the index are as the command gives them
    first = CliRunner().invoke(main, ["index", "seeds"])
    assert first.exit_code == 0 and "3 documenten" in first.stdout
    for path in [shared_dir / "index", *(shared_dir / "index").rglob("*")]:
        if os.geteuid() == 0:
            os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    (seeds / "closed").chmod(0o000)

    def update() -> Any:
        os.chdir(shared_dir)
        result = CliRunner().invoke(main, ["index", "seeds"])
        return result.exit_code, result.stdout, result.stderr + repr(result.exception)

    code, out, err = _as_other_user(update)
    assert code == 0, err
    assert "0 toegevoegd, 0 gewijzigd, 0 verwijderd, 2 ongewijzigd" in out
    assert "3 documenten, 11 vragen uit 2 bestanden" in out
    assert err.splitlines()[:-1] == [
        "overgeslagen: seeds/closed:0: kan niet gelezen worden (geen toegang)",
        "1 bestand of document overgeslagen; de rest is geïndexeerd.",
    ]


# --- what the parser keeps and reports, through the command -----------------------------


def test_notice_only_kamervraag_is_shown_and_found(fixture_index_path: Path) -> None:
    # #13: `kvsearch show 2024Z17538` said "Fout: geen vraag of document".
    runner = CliRunner()
    index_dir = ["--index-dir", str(fixture_index_path)]
    shown = runner.invoke(main, ["show", "2024Z17538", *index_dir])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0] == "2024Z17538"
    assert "Status: uitgesteld" in lines
    assert "Mededeling (ontvangen 20 november 2024)" in lines
    assert "Zeeuwse buffels te veel PFAS binnenkrijgen." in " ".join(shown.stdout.split())
    assert "Vraag 0" not in shown.stdout
    found = runner.invoke(main, ["search", "pfas buffels", *index_dir])
    assert found.exit_code == 0, found.output
    assert found.stdout.startswith("1–1 van 1 voor 'pfas buffels'")
    assert "2024Z17538#0" in found.stdout and "mededeling: " in found.stdout
    as_json = json.loads(runner.invoke(main, ["show", "2024Z17538", "--json", *index_dir]).stdout)
    (entry,) = as_json["entries"]
    assert (entry["status"], entry["notice_received"]) == ("delayed", "2024-11-20")
    assert entry["notice"].startswith("Mededeling van staatssecretaris Rummenie")


def test_notice_of_a_kamervraag_with_questions_is_shown(fixture_index_path: Path) -> None:
    proc = _run(["show", "ah-tk-20242025-545", "--index-dir", str(fixture_index_path)], ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "Status: uitgesteld" in proc.stdout.splitlines()
    assert "Mededeling (ontvangen 14 november 2024)" in proc.stdout
    text = " ".join(proc.stdout.split())
    assert "niet binnen de gebruikelijke termijn kunnenworden beantwoord" in text
    assert proc.stdout.count("\nVraag ") == 6


ODD_SEED = (
    "## 2024Z1\n\n"
    "Vragen van het lid **A** (X) aan de Minister van Y over *Oekraïne* (ingezonden 31 "
    "februari 2024).\n\n"
    "### Vraag 1\n\nWat doet u voor Oekraïne?\n\n### Toelichting\n\nOmdat het BAD moet.\n"
)


def test_odd_seed_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "odd.txt").write_bytes(ODD_SEED.encode().replace(b"BAD", b"\xff"))
    proc = _run(["index", "seeds"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [  # the encoding first, then by line
        "let op: seeds/odd.txt:11: bytes die geen UTF-8 zijn (0xff=ÿ); alleen die zijn als "
        "cp1252 gelezen, controleer deze regel",
        "let op: seeds/odd.txt:3: de datum 31 februari 2024 bestaat niet; geïndexeerd zonder "
        "datum, verbeter de datum",
        "let op: seeds/odd.txt:9: onbekende kop `Toelichting`; de tekst eronder hoort nu bij "
        "de vraag, het antwoord of de mededeling erboven",
    ]
    shown = _run(["show", "2024Z1#1"], tmp_path)
    assert "Oekraïne" in shown.stdout and "Omdat het ÿ moet." in shown.stdout
    assert "Ingezonden: zonder datum" in shown.stdout


def test_notice_entry_gives_way_when_the_questions_come(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a_notice.txt").write_text(
        "## 2024Z1\n\nMededeling van minister X (ontvangen 3 juni 2024)\n\nLater, over buffels.\n",
        encoding="utf-8",
    )
    with Index.build(tmp_path / "index", [seeds]) as index:
        assert [e.entry_id for e in index.lookup("2024Z1")] == ["2024Z1#0"]
        assert index.search("buffels").total == 1
    (seeds / "b_questions.txt").write_text(
        "## 2024Z1\n\nVragen van het lid **A** (X) aan de Minister van Y over *z* (ingezonden "
        "1 juni 2024).\n\n### Vraag 1\n\nWaarom?\n\n### Vraag 2\n\nWanneer?\n",
        encoding="utf-8",
    )
    with Index.build(tmp_path / "index", [seeds]) as index:  # an update
        entries = index.lookup("2024Z1")
        assert [e.entry_id for e in entries] == ["2024Z1#1", "2024Z1#2"]
        assert {(e.status, e.notice_received) for e in entries} == {("delayed", date(2024, 6, 3))}
        assert index.search("buffels").total == 0  # the notice of questions is shown only
