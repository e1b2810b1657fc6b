"""Damage that is noticed (issue #14, fault 7): flipped bytes, checksums, truncation.

Every test damages a copy of a real index on disk (seed plus fixture corpus) and reads it
through the library, the CLI or a separate process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import FilterError, Index, IndexCorruptError
from search.build import indexer
from search.build.integrity import CHECKSUMS_FILE
from search.build.storage import COPY_BELOW, MappedStorage
from search.cli import main
from tests.conftest import FIXTURES, ROOT, SEED_FILE, SEEDS, seed_copy_index

PHRASE = '"social credit"'


@pytest.fixture
def index_copy(fixture_index_path: Path, tmp_path: Path) -> Path:
    """A copy of the fixture index (seed plus fixture corpus) that a test may damage."""
    path = tmp_path / "index"
    shutil.copytree(fixture_index_path, path)
    return path


def _generation(path: Path) -> Path:
    return path / (path / "CURRENT").read_text(encoding="utf-8").strip()


def _segment(path: Path) -> Path:
    (segment,) = _generation(path).glob("*.seg")
    return segment


def _member(segment: Path, suffix: str) -> tuple[int, int]:
    """(offset, length) of one member file (``.pst``, ``_stored.col``…) of a compound
    segment file."""
    from whoosh.filedb.compound import CompoundStorage

    storage = CompoundStorage(MappedStorage(str(segment.parent)).open_file(segment.name))
    (info,) = [v for k, v in storage._dir.items() if k.endswith(suffix)]
    return int(info["offset"]), int(info["length"])


def _flip(path: Path, suffix: str, every: int = 61) -> str:
    """Flip one byte in every ``every`` of a member of the live segment; its file name."""
    segment = _segment(path)
    offset, length = _member(segment, suffix)
    data = bytearray(segment.read_bytes())
    for i in range(offset + 8, offset + length, every):
        data[i] ^= 0x5A
    segment.write_bytes(bytes(data))
    return segment.name


def test_stored_field_damage_is_index_corrupt_on_every_read_path(index_copy: Path) -> None:
    damaged = _flip(index_copy, "_stored.col")
    with Index.open(index_copy) as index:  # opening reads no stored field
        reads = {
            "phrase": lambda: index.search(PHRASE),
            "date-sorted": lambda: index.search("gezichtsherkenning", sort="date"),
            "iter_hits": lambda: list(index.iter_hits("mensenrechten")),
            "similar": lambda: index.similar("2019Z12806#4"),
            "similar text": lambda: index.similar(text="mensenrechten in China"),
            "get": lambda: index.get("2019Z12806#4"),
        }
        for name, read in reads.items():
            with pytest.raises(IndexCorruptError, match="kvsearch rebuild") as caught:
                read()
            assert caught.value.damaged == (damaged,), name
            assert caught.value.path == index_copy


def test_postings_damage_is_index_corrupt(index_copy: Path) -> None:
    _flip(index_copy, ".pst", every=7)
    with Index.open(index_copy) as index:
        for query in (PHRASE, "stikstof", "mensenrechten China", "gezichtsherken*"):
            with pytest.raises(IndexCorruptError, match="kvsearch rebuild"):
                index.search(query, limit=1000)


def test_a_bug_is_not_reported_as_damage(index_copy: Path) -> None:
    with Index.open(index_copy) as index:
        with pytest.raises(FilterError, match="Invalid sort"):  # a ValueError, not damage
            index.search("stikstof", sort="sideways")


def test_cli_gives_one_dutch_line_for_damage(index_copy: Path) -> None:
    _flip(index_copy, "_stored.col")
    runner = CliRunner()
    for args in (
        ["search", PHRASE],
        ["search", "stikstof", "--sort", "date"],
        ["search", "stikstof", "--format", "jsonl"],
        ["similar", "2019Z12806#4"],
    ):
        result = runner.invoke(main, [*args, "--index-dir", str(index_copy)])
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("Fout: de index in ") and "is beschadigd" in line, line
        assert "`kvsearch rebuild`" in line, line


def test_jsonl_export_in_a_process_ends_with_one_dutch_line(index_copy: Path) -> None:
    _flip(index_copy, "_stored.col")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "search", "search", "*", "--format", "jsonl"]
        + ["--index-dir", str(index_copy)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "is beschadigd" in line and "`kvsearch rebuild`" in line, line


def test_check_verify_names_the_damaged_file(index_copy: Path) -> None:
    runner = CliRunner()
    args = ["check", str(SEEDS), str(FIXTURES), "--verify", "--index-dir", str(index_copy)]
    intact = runner.invoke(main, args)
    assert intact.exit_code == 0, intact.output
    assert "Controle: 2 bestanden in orde." in intact.stdout
    damaged = _flip(index_copy, "_stored.col")
    # Without --verify, check reads only what it compares: it cannot tell.
    plain = runner.invoke(main, args[:-3] + args[-2:])
    assert plain.exit_code == 0, plain.output
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    generation = _generation(index_copy).name
    assert f"beschadigd: {index_copy}/{generation}/{damaged} klopt niet" in result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Fout: ") and "`kvsearch rebuild`" in line
    with Index.open(index_copy) as index:
        report = index.verify()
    assert not report.ok
    assert [(d.file, d.problem) for d in report.damaged] == [(damaged, "checksum")]


def test_update_refuses_to_link_a_damaged_file(tmp_path: Path) -> None:
    seeds, path = seed_copy_index(tmp_path)
    live = _generation(path)
    damaged = _flip(path, "_stored.col")
    extra = seeds / "extra.txt"
    extra.write_text(
        "## 2024Z99999\n\nVragen van het lid Test (SP) aan de Minister van Financiën over "
        "*stikstof* (ingezonden 1 maart 2024).\n\n### Vraag 1\n\nIs stikstof duur?\n",
        encoding="utf-8",
    )
    with pytest.raises(IndexCorruptError, match="kvsearch rebuild") as caught:
        Index.build(path, [seeds])
    assert caught.value.damaged == (damaged,)
    # Nothing was linked: the live generation is still live, no other one is left.
    assert _generation(path) == live
    assert sorted(p.name for p in path.glob("gen-*")) == [live.name]
    runner = CliRunner()
    result = runner.invoke(main, ["index", str(seeds), "--index-dir", str(path)])
    assert result.exit_code == 1
    assert "`kvsearch rebuild`" in result.stderr.strip().splitlines()[-1]
    # rebuild reads the seeds again and links nothing.
    rebuilt = runner.invoke(main, ["rebuild", str(seeds), "--index-dir", str(path), "-q"])
    assert rebuilt.exit_code == 0, rebuilt.output
    with Index.open(path) as index:
        assert index.verify().ok
        assert index.search(PHRASE).total > 0
        assert index.get("2024Z99999#1") is not None


def test_an_update_records_checksums_that_verify(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    path = tmp_path / "index"
    with Index.build(path, [seeds]) as index:
        first = index.verify()
        assert first.ok and first.files == 2
        (seeds / "extra.txt").write_text(
            "## 2024Z99998\n\n### Vraag 1\n\nWat kost stikstof?\n", encoding="utf-8"
        )
        index.update([seeds])
        after = index.verify()
    assert after.ok and after.generation != first.generation
    assert after.files == 3  # the linked segment, the new one, the new table of contents


def test_generation_without_checksums_is_reported_and_still_updates(
    index_copy: Path, tmp_path: Path
) -> None:
    (_generation(index_copy) / CHECKSUMS_FILE).unlink()  # as written before this change
    runner = CliRunner()
    result = runner.invoke(
        main, ["check", str(SEEDS), str(FIXTURES), "--verify", "--index-dir", str(index_copy)]
    )
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "geen controlegetallen" in line and "`kvsearch rebuild`" in line
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    (seeds / "extra.txt").write_text("## 2024Z99997\n\n### Vraag 1\n\nEn nu?\n", encoding="utf-8")
    with Index.open(index_copy) as index:
        index.update([seeds])
        assert index.verify().ok


READER = textwrap.dedent(
    """
    import sys
    from search import Index, IndexCorruptError

    index = Index.open(sys.argv[1])
    assert index.search("stikstof").total > 0
    print("ready", flush=True)
    sys.stdin.readline()  # the segment is truncated now
    for read in (
        lambda: index.search("stikstof", limit=1000),
        lambda: index.search('"social credit"'),
        lambda: list(index.iter_hits("mensenrechten")),
        lambda: index.similar("2019Z12806#4"),
    ):
        try:
            read()
        except IndexCorruptError as exc:
            print("corrupt", ",".join(exc.damaged), flush=True)
    """
)


def test_truncation_under_a_live_reader_is_no_bus_error(index_copy: Path) -> None:
    segment = _segment(index_copy)
    assert segment.stat().st_size > COPY_BELOW  # mapped, not copied
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(index_copy)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().strip() == "ready"
    os.truncate(segment, segment.stat().st_size // 3)
    out, err = reader.communicate("go\n", timeout=60)
    assert reader.returncode != -7, "killed by SIGBUS"
    assert reader.returncode == 0, err
    assert out.splitlines() == [f"corrupt {segment.name}"] * 4


def test_check_of_a_missing_segment_is_index_corrupt(tmp_path: Path) -> None:
    _, path = seed_copy_index(tmp_path)
    _segment(path).unlink()
    with pytest.raises(IndexCorruptError, match="kvsearch rebuild") as caught:
        indexer.check(path)
    assert isinstance(caught.value.__cause__, OSError)


def test_check_of_an_undecodable_table_of_contents_is_index_corrupt(tmp_path: Path) -> None:
    _, path = seed_copy_index(tmp_path)
    (toc,) = _generation(path).glob("*.toc")
    toc.write_bytes(b"\x5a" * toc.stat().st_size)
    with pytest.raises(IndexCorruptError, match="kvsearch rebuild"):
        indexer.check(path)


def test_rebuild_over_damaged_stored_fields_reports_every_document_new(tmp_path: Path) -> None:
    seeds, path = seed_copy_index(tmp_path)
    with Index.build(path, [seeds], full=True) as index:
        intact = index.last_build
    assert intact is not None and not intact.changes.new  # the summary compares states
    _flip(path, "_stored.col")
    with Index.build(path, [seeds], full=True) as index:
        report = index.last_build
        assert index.verify().ok
    # The damaged generation's states cannot be read: no comparison, not a failure.
    assert report is not None and len(report.changes.new) == intact.documents


def test_opening_a_damaged_index_is_index_corrupt_and_a_bug_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening converts what damaged files raise, and only that: an error that a bug
    raises too (KeyError) with every checksum intact propagates as it is."""
    _, path = seed_copy_index(tmp_path)
    (toc,) = _generation(path).glob("*.toc")
    saved = toc.read_bytes()
    toc.write_bytes(b"\x5a" * len(saved))
    with pytest.raises(IndexCorruptError, match="kvsearch rebuild"):
        Index.open(path)
    toc.write_bytes(saved)
    Index.open(path).close()

    from search.build import generations

    def buggy(gen: Path) -> object:
        raise KeyError("a bug while opening")

    monkeypatch.setattr(generations, "open_for_reading", buggy)
    with pytest.raises(KeyError, match="a bug while opening"):
        Index.open(path)
