"""Faults of issue #14 closed: kills and interrupts at exact points, repair, trust."""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from search import Index, IndexUntrustedError
from search.cli import main
from tests.conftest import FIXTURES, ROOT, SEED_FILE, VARIANTS, default_sigint, seed_copy_index


def _cli(
    *args: str, fault: str | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """``python -m search ARGS`` from this worktree, with a fault injected at a point."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KVSEARCH_FAULT", None)
    if fault:
        env["KVSEARCH_FAULT"] = fault
    # Output to files, not pipes: a child that outlives the process must not keep the
    # test waiting for the end of a pipe.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.run(
            [sys.executable, "-m", "search", *args],
            env=env,
            stdout=out,
            stderr=err,
            text=True,
            timeout=timeout,
            preexec_fn=default_sigint,
        )
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out.read(), err.read())


def _processes_naming(text: str) -> list[int]:
    """The processes whose command line names ``text`` (here: a test's index folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(text.encode() in a for a in args):
            found.append(int(entry.name))
    return found


def _many_seeds(folder: Path) -> None:
    """Enough seed files for the build to parse them in a pool of processes."""
    from search.build import parse

    if parse.usable_cpus() < 2:
        pytest.skip("the parse pool needs two CPUs")
    folder.mkdir()
    files = sorted(FIXTURES.glob("*.txt"))
    copies = -(-parse.PARALLEL_PARSE_FILES // len(files))
    for n in range(copies):
        for f in files:
            shutil.copy(f, folder / f"{n}_{f.name}")


@pytest.mark.slow  # a parse pool of processes in a process, killed (issue #15)
@pytest.mark.parametrize("sig", ["KILL", "TERM"])
def test_killed_build_leaves_no_parse_worker_and_no_lock(tmp_path: Path, sig: str) -> None:
    seeds = tmp_path / "seeds"
    _many_seeds(seeds)
    path = tmp_path / "index"
    killed = _cli("index", str(seeds), "--index-dir", str(path), "-q", fault=f"parsing:{sig}")
    assert killed.returncode == -signal.Signals[f"SIG{sig}"], killed.stderr
    deadline = time.monotonic() + 10
    survivors = _processes_naming(str(path))
    while survivors and time.monotonic() < deadline:
        time.sleep(0.1)
        survivors = _processes_naming(str(path))
    try:
        assert survivors == []  # the parse workers died with the build
        fd = os.open(path / ".lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody holds the lock
        finally:
            os.close(fd)
    finally:
        for pid in survivors:
            os.kill(pid, signal.SIGKILL)
    done = _cli("index", str(SEED_FILE), "--index-dir", str(path), "-q", "--wait", timeout=60)
    assert done.returncode == 0, done.stderr


def test_interrupt_right_after_the_switch_keeps_the_new_index(tmp_path: Path) -> None:
    seeds, path = seed_copy_index(tmp_path)
    for f in VARIANTS:
        shutil.copy(f, seeds)
    interrupted = _cli("index", str(seeds), "--index-dir", str(path), fault="switched:INT")
    assert interrupted.returncode == 130
    assert interrupted.stderr.strip().splitlines() == [
        f"Afgebroken, maar de nieuwe index in {path}/ was al klaar en is in gebruik."
    ]
    with Index.open(path) as index:  # the live generation is whole, and it is the new one
        assert index.entry_count == 7 + 6
        assert index.search("hoogleraren").total > 0
    assert "Traceback" not in interrupted.stderr


@pytest.mark.slow  # a parse pool of processes in a process, interrupted (issue #15)
def test_interrupt_before_the_switch_says_the_previous_index_is_in_use(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    _many_seeds(seeds)
    path = tmp_path / "index"
    with Index.build(path, [SEED_FILE]):
        pass
    interrupted = _cli("index", str(seeds), "--index-dir", str(path), fault="parsing:INT")
    assert interrupted.returncode == 130
    assert interrupted.stderr.strip().splitlines()[-1] == (
        f"Afgebroken; de vorige index in {path}/ blijft in gebruik."
    )
    with Index.open(path) as index:
        assert index.entry_count == 7


def _live(path: Path) -> Path:
    return path / (path / "CURRENT").read_text().strip()


def _set_meta(path: Path, text: str) -> None:
    (_live(path) / "kvsearch.json").write_text(text)


def _drop_key(key: str) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        meta = json.loads((_live(path) / "kvsearch.json").read_text())
        del meta[key]
        _set_meta(path, json.dumps(meta))

    return damage


def _remove_segments(path: Path) -> None:
    for f in _live(path).glob("*.seg"):
        f.unlink()


DAMAGES: dict[str, Callable[[Path], None]] = {
    "CURRENT deleted": lambda path: (path / "CURRENT").unlink(),
    "CURRENT garbled": lambda path: (path / "CURRENT").write_bytes(b"\xff\xfe"),
    "CURRENT names a missing generation": lambda path: shutil.rmtree(_live(path)),
    "kvsearch.json []": lambda path: _set_meta(path, "[]"),
    'kvsearch.json "x"': lambda path: _set_meta(path, '"x"'),
    "kvsearch.json null": lambda path: _set_meta(path, "null"),
    "kvsearch.json {}": lambda path: _set_meta(path, "{}"),
    "kvsearch.json truncated": lambda path: _set_meta(path, '{"format": "kvs'),
    "kvsearch.json without entries": _drop_key("entries"),
    "kvsearch.json without files": _drop_key("files"),
    "kvsearch.json without format": _drop_key("format"),
    "kvsearch.json without sources": _drop_key("sources"),
    "segments deleted": _remove_segments,
}


def _clean(result: Result) -> bool:
    """No traceback: the command ended normally or by its own exit."""
    return result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_every_damage_is_one_line_and_rebuild_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED_FILE, tmp_path / "seeds")
    (tmp_path / "more").mkdir()
    shutil.copy(VARIANTS[0], tmp_path / "more")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KVSEARCH_INDEX", raising=False)
    # Whoosh tries a reader of missing segments ten times, 0.05 s apart: no need to wait.
    monkeypatch.setattr("whoosh.index.sleep", lambda seconds: None)
    runner = CliRunner()
    assert runner.invoke(main, ["index", "seeds"]).exit_code == 0
    assert runner.invoke(main, ["index", "more"]).exit_code == 0  # and PREVIOUS is kept
    DAMAGES[damage](tmp_path / "index")
    for args in (["search", "china"], ["show", "2019Z12806#4"], ["similar", "2019Z12806#4"],
                 ["check"]):  # fmt: skip
        result = runner.invoke(main, args)
        assert _clean(result), (args, result.exception)
        if result.exit_code == 0 and damage in STILL_SEARCHABLE and args[0] != "check":
            continue  # searching does not read the manifest
        assert result.exit_code == 1, (args, result.output)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.endswith("Bouw hem opnieuw met `kvsearch rebuild`.\n")
    index = runner.invoke(main, ["index"])
    assert _clean(index), index.exception
    if index.exit_code:  # it cannot repair this one: it says to rebuild
        assert len(index.stderr.splitlines()) == 1, index.stderr
        assert index.stderr.endswith("Bouw hem opnieuw met `kvsearch rebuild`.\n")
    rebuilt = runner.invoke(main, ["rebuild"])
    assert _clean(rebuilt), rebuilt.exception
    assert rebuilt.exit_code == 0, rebuilt.output
    with Index.open(tmp_path / "index") as repaired:
        assert repaired.search('"social credit"', related=False).total == 3
        # The sources come back from the live metadata where it still names them, else
        # from the previous generation's (seeds/ only, before more/ was added).
        assert repaired.entry_count == (7 if damage in SOURCES_FROM_PREVIOUS else 7 + 4)
        assert repaired.sources[0] == tmp_path / "seeds"


#: Damage that leaves searching working (it does not read the manifest).
STILL_SEARCHABLE = {"kvsearch.json without files"}
#: Damage after which only the previous generation names the sources.
SOURCES_FROM_PREVIOUS = {
    "CURRENT names a missing generation",
    "kvsearch.json []",
    'kvsearch.json "x"',
    "kvsearch.json null",
    "kvsearch.json {}",
    "kvsearch.json truncated",
    "kvsearch.json without sources",
}


def _seed_index(tmp_path: Path) -> Path:
    path = tmp_path / "index"
    with Index.build(path, [SEED_FILE]):
        pass
    return path


def test_a_group_writable_index_is_refused_unless_trusted(tmp_path: Path) -> None:
    path = _seed_index(tmp_path)
    meta = _live(path) / "kvsearch.json"
    meta.chmod(0o664)
    runner = CliRunner()
    args = ["search", "china", "--index-dir", str(path)]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1 and _clean(refused)
    assert refused.stderr.splitlines() == [
        f"Fout: de index in {path}/ wordt niet geopend: {meta} is schrijfbaar voor groep of "
        f"anderen, en een index bevat code. Vertrouwt u hem, gebruik dan --trust of "
        f"KVSEARCH_TRUST_INDEX={path}."
    ]
    assert runner.invoke(main, ["index", "--index-dir", str(path)]).exit_code == 1
    with pytest.raises(IndexUntrustedError) as info:
        Index.open(path)
    assert (info.value.file, info.value.reason) == (meta, "writable")
    assert runner.invoke(main, [*args, "--trust"]).exit_code == 0
    trusted = runner.invoke(main, args, env={"KVSEARCH_TRUST_INDEX": str(path)})
    assert trusted.exit_code == 0 and "2019Z12806" in trusted.stdout
    with Index.open(path, trust=True) as index:
        assert index.entry_count == 7
    path.chmod(0o777)  # the folder itself
    with pytest.raises(IndexUntrustedError) as info:
        Index.open(path)
    assert info.value.file == path


def test_an_index_of_another_user_is_refused(tmp_path: Path) -> None:
    path = _seed_index(tmp_path)
    os.chown(path, 4242, -1)
    refused = CliRunner().invoke(main, ["search", "china", "--index-dir", str(path)])
    assert refused.exit_code == 1
    assert f"{path} is van een andere gebruiker (uid 4242)" in refused.stderr
    os.chown(path, os.geteuid(), -1)
    toc = next(_live(path).glob("*.toc"))
    os.chown(toc, 4242, -1)
    with pytest.raises(IndexUntrustedError) as info:
        Index.open(path)
    assert (info.value.file, info.value.reason, info.value.owner) == (toc, "owner", 4242)


class _Planted:
    """What a planted index's schema unpickles to: a command run."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (self.command,))


def test_a_planted_index_runs_no_code(tmp_path: Path) -> None:
    from whoosh.filedb.filestore import FileStorage

    path = _seed_index(tmp_path)
    toc = next(_live(path).glob("*.toc"))
    stream = FileStorage(str(toc.parent)).open_file(toc.name)
    for _ in range(3):
        stream.read_varint()
    stream.read_int(), stream.read_int()
    for _ in range(3):
        stream.read_varint()
    start = stream.tell()
    stream.read_string()  # the pickled schema
    end = stream.tell()
    stream.close()
    data = toc.read_bytes()
    pwned = tmp_path / "PWNED"
    evil = pickle.dumps(_Planted(f"touch {pwned}"), 2)
    varint = bytearray()
    n = len(evil)
    while n > 0x7F:
        varint.append((n & 0x7F) | 0x80)
        n >>= 7
    varint.append(n)
    toc.write_bytes(data[:start] + bytes(varint) + evil + data[end:])
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
            os.lchown(name, 4242, 4242)  # planted by another user
    runner = CliRunner()
    refused = runner.invoke(main, ["search", "china", "--index-dir", str(path)])
    assert refused.exit_code == 1 and "andere gebruiker" in refused.stderr
    assert not pwned.exists()
    # The danger is real: trusted, the planted index runs its command.
    runner.invoke(main, ["search", "china", "--index-dir", str(path), "--trust"])
    assert pwned.exists()


def test_a_lock_symlink_never_makes_a_writer_truncate_its_target(tmp_path: Path) -> None:
    path = _seed_index(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (path / ".lock").unlink()
    (path / ".lock").symlink_to(victim)
    runner = CliRunner()
    refused = runner.invoke(main, ["index", str(SEED_FILE), "--index-dir", str(path)])
    assert refused.exit_code == 1 and _clean(refused)
    assert refused.stderr.startswith(f"Fout: de index in {path}/ wordt niet geopend: ")
    assert victim.read_text() == "precious"
    # A hard link to the victim instead of a symbolic one: refused as well.
    (path / ".lock").unlink()
    os.link(victim, path / ".lock")
    trusted = runner.invoke(main, ["index", str(SEED_FILE), "--index-dir", str(path), "--trust"])
    assert trusted.exit_code == 1 and "nog andere harde links" in trusted.stderr
    assert victim.read_text() == "precious"


def test_temporary_files_are_never_reached_through_a_planted_link(tmp_path: Path) -> None:
    path = _seed_index(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")

    def plant(stage: str, done: int, total: int) -> None:
        # The names a writer used to write CURRENT and PREVIOUS through.
        for name in ("CURRENT", "PREVIOUS"):
            link = path / f".{name}.{os.getpid()}.tmp"
            if not link.is_symlink():
                link.symlink_to(victim)

    with Index.build(path, VARIANTS, progress=plant) as index:
        assert index.entry_count == 7 + 6
    assert victim.read_text() == "precious"
    assert not (path / f".CURRENT.{os.getpid()}.tmp").exists()  # removed after the switch


def test_an_index_built_under_umask_002_is_still_trusted(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        with Index.build(tmp_path / "index", [SEED_FILE]) as index:
            index.update(VARIANTS)
    finally:
        os.umask(old)
    with Index.open(tmp_path / "index") as index:
        assert index.entry_count == 7 + 6


def _small_files() -> None:
    """A child whose files may not grow past 256 KB: writing more fails with EFBIG (the
    signal that would kill it is ignored), as a full disk fails with ENOSPC."""
    import resource

    default_sigint()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))


def test_a_disk_without_room_is_one_dutch_line_and_the_index_stays(tmp_path: Path) -> None:
    """Writing a new generation runs out of room: exit 1, one line that says what to do,
    no traceback, and the previous index answers as before (issue #15: errors)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURES, seeds)
    path = tmp_path / "index"
    with Index.build(path, [SEED_FILE]) as index:
        before = [h.entry_id for h in index.search("gezichtsherkenning").hits]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "search", "index", str(seeds), "--index-dir", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        preexec_fn=_small_files,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("Fout:")]
    assert line.startswith(f"Fout: het schrijven van de index in {path}/ is mislukt (")
    assert line.endswith(
        "de index is niet veranderd. Maak schijfruimte of geheugen vrij en probeer het opnieuw."
    )
    with Index.open(path) as index:
        assert [h.entry_id for h in index.search("gezichtsherkenning").hits] == before
        assert len(index.sources) == 1
