"""Faults of issue #14 closed: kills and interrupts at exact points, repair, trust."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from search import Index
from tests.conftest import CORPUS, ROOT, SEED_FILE, VARIANTS


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
    from search import indexer

    if not CORPUS.is_dir():
        pytest.skip("no shared corpus")
    if indexer._usable_cpus() < 2:
        pytest.skip("the parse pool needs two CPUs")
    folder.mkdir()
    files = sorted(CORPUS.glob("*.txt"))
    copies = -(-indexer.PARALLEL_PARSE_FILES // len(files))
    for n in range(copies):
        for f in files:
            shutil.copy(f, folder / f"{n}_{f.name}")


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
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    path = tmp_path / "index"
    with Index.build(path, [seeds]):
        pass
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
