"""The kvsearch command, through click's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import main
from tests.conftest import DATA, ROOT, SEEDS


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a copy of seeds/ and no index, as after a fresh clone."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KVSEARCH_INDEX", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def test_search_builds_default_index_first_and_says_so(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(main, ["search", "gezichtsherkenning"])
    assert result.exit_code == 0, result.output
    assert "Nog geen index in index/" in result.stderr
    assert (workdir / "index" / "CURRENT").is_file()
    ids = re.findall(r"^\s+\d+\. (\S+)", result.stdout, re.M)
    # The two matches, then their neighbours in the same Kamervraag (Vraag 2, 3, 5, 6).
    assert ids[:2] == ["2019Z12806#4", "2019Z12806#7"]
    assert sorted(ids[2:]) == [f"2019Z12806#{n}" for n in (2, 3, 5, 6)]
    assert "**gezichtsherkenning" in result.stdout.lower()
    assert result.stdout.startswith(
        "1–6 van 6 voor 'gezichtsherkenning' (waarvan 4 via hun Kamervraag)"
    )
    assert result.stdout.count("(zelfde Kamervraag)") == 4
    again = runner.invoke(main, ["search", "gezichtsherkenning"])
    assert "Nog geen index" not in again.stderr


def test_search_json_contract(runner: CliRunner, seed_index_path: Path) -> None:
    result = runner.invoke(
        main, ["search", '"social credit"', "--json", "--index-dir", str(seed_index_path)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == '"social credit"' and data["total"] == 5 and data["related"] == 2
    assert [h["entry_id"] for h in data["hits"][:3]] == [f"2019Z12806#{n}" for n in (5, 6, 7)]
    assert [h["related"] for h in data["hits"]] == [False] * 3 + [True] * 2
    hit = data["hits"][0]
    for key in ("document_id", "numbers", "score", "members", "addressees", "subject",
                "submitted", "answered", "snippet", "question", "answer", "source"):  # fmt: skip
        assert key in hit
    assert hit["members"] == [{"name": "Ploumen", "party": "PvdA"}]
    assert hit["addressees"] == ["Minister van Buitenlandse Zaken"]
    assert hit["submitted"] == "2019-06-20" and hit["answered"] is None
    assert "**Social Credit**" in hit["snippet"]
    assert hit["source"].endswith("000_078685dd2c0b7c98.txt:23")


def test_explicit_missing_index_dir_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["search", "china", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fout: geen index in ")
    assert "kvsearch index" in lines[0]


def test_env_var_sets_the_index_dir(
    runner: CliRunner, seed_index_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KVSEARCH_INDEX", str(seed_index_path))
    result = runner.invoke(main, ["search", "sancties", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hits"][0]["entry_id"] == "2019Z12806#6"


def test_index_reports_summary_and_skipped_files(runner: CliRunner, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA / "malformed", seeds)
    shutil.copy(SEEDS / "000_078685dd2c0b7c98.txt", seeds)
    result = runner.invoke(main, ["index", str(seeds), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "3 documenten, 9 vragen uit 3 bestanden" in result.stdout
    assert f"let op: {seeds / 'latin1.txt'}:3: geen UTF-8; gelezen als cp1252" in result.stderr
    assert f"let op: {seeds / 'no_heading.txt'}:1: geen kop `## <documentnummer>`" in result.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02 not text \x00")
    shutil.copy(SEEDS / "000_078685dd2c0b7c98.txt", bad)
    skipped = runner.invoke(main, ["index", str(bad), "--index-dir", str(tmp_path / "ix2")])
    assert skipped.exit_code == 0
    assert f"overgeslagen: {bad / 'binary.txt'}:1: geen tekst maar een binair bestand" in (
        skipped.stderr
    )


def test_no_results_and_colour(runner: CliRunner, seed_index_path: Path) -> None:
    args = ["--index-dir", str(seed_index_path)]
    none = runner.invoke(main, ["search", "xyzzyplugh", *args])
    assert none.exit_code == 0
    assert none.stdout.splitlines()[0] == "Niet gevonden: xyzzyplugh"
    assert "Geen resultaten voor 'xyzzyplugh'." in none.stdout
    coloured = runner.invoke(main, ["search", "sancties", *args], color=True)
    assert "\x1b[1;33msancties\x1b[0m" in coloured.stdout
    plain = runner.invoke(main, ["search", "sancties", *args], color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout and "**sancties**" in plain.stdout


def test_help_and_version_in_dutch(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Gebruik: kvsearch" in result.stdout and "Opdrachten:" in result.stdout
    for command in main.commands:
        sub = runner.invoke(main, [command, "-h"])
        assert sub.exit_code == 0 and "Voorbeeld" in sub.stdout, command
        assert "Gebruik: kvsearch " + command in sub.stdout
    version = runner.invoke(main, ["--version"])
    assert version.stdout.startswith("kvsearch ")


def test_every_command_and_option_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert f"- `kvsearch {name}" in readme, name  # a README entry of its own
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, (name, opt)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KVSEARCH_INDEX", "NO_COLOR")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_subprocess_python_m_search(workdir: Path) -> None:
    args = ["search", '"social credit"', "--json", "--only-matches"]
    proc = _run([sys.executable, "-m", "search", *args], workdir)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 3
    assert "Nog geen index" in proc.stderr
    missing = _run([sys.executable, "-m", "search", "search", "x", "--index-dir", "nope"], workdir)
    assert missing.returncode == 1
    assert missing.stderr.startswith("Fout: geen index in nope/")
    assert "Traceback" not in missing.stderr


#: What a search never needs: the seed parser, the index writer and its processes,
#: ``similar``, and what Whoosh, snowballstemmer and importlib.metadata would import
#: without use (search/dependencies.py, search/version.py).
NOT_FOR_SEARCHING = ("markdown_it", "search.ingest", "search.build.bulkwrite", "multiprocessing",
                     "search.engine.similar", "urllib.request", "http.client", "email", "ssl",
                     "asyncio", "cached_property", "whoosh.lang.morph_en", "snowballstemmer",
                     "importlib.metadata")  # fmt: skip


def test_a_search_imports_only_what_it_needs(seed_index_path: Path, tmp_path: Path) -> None:
    argv = ["kvsearch", "search", "mensenrechten China", "--index-dir", str(seed_index_path)]
    code = (
        "import runpy, sys\n"
        "started = set(sys.modules)  # what site imported, whatever it is here\n"
        f"sys.argv = {argv!r}\n"
        "try:\n"
        "    runpy.run_module('search', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        f"print(sorted(m for m in {NOT_FOR_SEARCHING!r} if m in set(sys.modules) - started))\n"
    )
    proc = _run([sys.executable, "-c", code], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2019Z12806" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "[]"


def test_installed_console_script(workdir: Path) -> None:
    script = shutil.which("kvsearch")
    if script is None:
        pytest.skip("kvsearch is not installed (pip install .)")
    proc = _run([script, "search", "gezichtsherkenning"], workdir)
    assert proc.returncode == 0, proc.stderr
    assert "2019Z12806#4" in proc.stdout.splitlines()[2]


def test_exit_status_with_warnings_strict_and_nothing_indexed(
    runner: CliRunner, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "empty.txt").write_bytes(b"")
    shutil.copy(SEEDS / "000_078685dd2c0b7c98.txt", seeds)
    args = [str(seeds), "--index-dir", str(tmp_path / "ix")]
    assert runner.invoke(main, ["index", *args]).exit_code == 0
    strict = runner.invoke(main, ["rebuild", *args, "--strict"])
    assert strict.exit_code == 1 and "Fout (--strict)" in strict.stderr
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    (only_bad / "empty.txt").write_bytes(b"")
    nothing = runner.invoke(main, ["index", str(only_bad), "--index-dir", str(tmp_path / "ix2")])
    assert nothing.exit_code == 1
    assert "Fout: geen enkele vraag geïndexeerd" in nothing.stderr


def test_usage_errors_are_one_dutch_line(runner: CliRunner, seed_index_path: Path) -> None:
    missing = runner.invoke(main, ["show"])
    assert missing.exit_code == 2
    assert missing.stderr.splitlines() == [
        "Fout: Missing argument 'ID'. Zie `kvsearch show --help`."
    ]
    both = runner.invoke(main, ["similar", "2019Z12806#4", "--text", "x"])
    assert both.exit_code == 2 and both.stderr.startswith("Fout: geef een vraagnummer óf")
    beyond = runner.invoke(
        main, ["search", "china", "--page", "9", "--index-dir", str(seed_index_path)]
    )
    assert beyond.stdout.startswith("Pagina 9 is leeg: 7 resultaten voor 'china'.")


def test_unusable_index_dir_is_a_dutch_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = runner.invoke(
        main, ["index", str(SEEDS), "--index-dir", str(tmp_path / "afile" / "ix")]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fout: {tmp_path / 'afile' / 'ix'} kan geen index zijn")
    garbled = tmp_path / "ix2"
    assert runner.invoke(main, ["index", str(SEEDS), "--index-dir", str(garbled)]).exit_code == 0
    (garbled / "CURRENT").write_bytes(b"\xff\xfe")
    broken = runner.invoke(main, ["search", "china", "--index-dir", str(garbled)])
    assert broken.exit_code == 1 and "kvsearch rebuild" in broken.stderr
    fixed = runner.invoke(main, ["rebuild", str(SEEDS), "--index-dir", str(garbled)])
    assert fixed.exit_code == 0, fixed.output
