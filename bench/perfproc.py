"""Measuring processes for the speed benchmark: child runs, RSS, CPU, the page cache.

- :func:`run_child` runs ``python -c CODE`` and measures it from outside: wall time,
  CPU time (the child and the descendants it waited for, ``wait4``), and the peak of
  the RSS summed over its process tree (:class:`TreeRSS`). Both builds, kvsearch's and
  FTS5's, run this way.
- :func:`evict` drops a folder's files from the page cache (``fsync``, then
  ``posix_fadvise(DONTNEED)``) and :func:`resident_bytes` says how much of them is still
  cached (``mincore``), so a cold query runs on an index the page cache has not kept.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import mmap
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

BENCH = Path(__file__).resolve().parent
REPO_ROOT = BENCH.parent


def log(message: str) -> None:
    """Progress, on stderr (stdout keeps the report)."""
    print(message, file=sys.stderr, flush=True)


def child_env() -> dict[str, str]:
    """The environment of child processes: this working tree and bench/ first, no colour."""
    env = dict(os.environ)
    paths = [str(REPO_ROOT), str(BENCH), env.get("PYTHONPATH")]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
    env["NO_COLOR"] = "1"
    return env


# --- memory of a process tree --------------------------------------------------------


def _rss_kb(pid: int) -> int:
    """A process's resident set (``VmRSS``, kB); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux ``/proc/<pid>/task/<tid>/children``)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                found.extend(int(c) for c in fh.read().split())
    except (OSError, ValueError):
        pass
    return found


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """RSS summed over ``pid`` and all its descendants (kB), and how many processes."""
    tree, seen = [pid], {pid}
    i = 0
    while i < len(tree):
        for child in _children(tree[i]):
            if child not in seen:
                seen.add(child)
                tree.append(child)
        i += 1
    return sum(_rss_kb(p) for p in tree), len(tree)


class TreeRSS:
    """Samples the RSS summed over a process and all its descendants, in a thread.

    Every ``interval`` seconds it reads ``VmRSS`` of the process and of each
    descendant (``/proc``, Linux; elsewhere it finds nothing) and keeps the largest
    sum. Shared copy-on-write pages of forked processes count once per process, as
    the processes' own RSS figures do. A peak shorter than ``interval`` can be missed:
    the child's own ``ru_maxrss`` is a lower bound to combine with it.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        """Sample ``pid``'s tree every ``interval`` seconds from :meth:`start` on."""
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeRSS:
        self._thread.start()
        return self

    def stop(self) -> int:
        """Stop sampling; the peak sum in kB."""
        self._stop.set()
        self._thread.join()
        return self.peak_kb

    def _run(self) -> None:
        while not self._stop.is_set():
            total, count = tree_rss_kb(self.pid)
            if total > self.peak_kb:
                self.peak_kb, self.peak_processes = total, count
            self._stop.wait(self.interval)


# --- child processes -----------------------------------------------------------------


class ChildTimeoutError(RuntimeError):
    """A child was stopped because it ran longer than its time limit."""

    def __init__(self, seconds: float, last_progress: str) -> None:
        """The child was killed after ``seconds``; ``last_progress`` is how far it got."""
        where = f" (last progress: {last_progress.strip()})" if last_progress else ""
        super().__init__(f"the build was stopped after {seconds:.0f} s{where}")
        self.seconds = seconds
        self.last_progress = last_progress.strip()


@dataclass
class ChildRun:
    """A child process measured from outside, and the JSON of its last stdout line."""

    data: dict[str, Any]
    wall_seconds: float  # start to exit
    #: CPU (user + system) of the child and of the descendants it waited for (wait4).
    cpu_seconds: float
    #: Peak of the RSS summed over the tree (sampled), at least the child's ru_maxrss.
    peak_rss_kb: int
    peak_processes: int
    stderr: list[str] = field(default_factory=list)


def run_child(
    code: str, args: Sequence[str], timeout: float | None = None, forward: bool = True
) -> ChildRun:
    """Run ``python -c code args...``, sampling its tree's RSS; its last stdout line is JSON.

    Raises:
        ChildTimeoutError: It ran longer than ``timeout`` seconds and was killed.
        RuntimeError: It failed.
    """
    errors: list[str] = []
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=REPO_ROOT,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        sampler = TreeRSS(proc.pid).start()
        pump = threading.Thread(target=_forward, args=(proc.stderr, errors, forward), daemon=True)
        pump.start()
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.append(proc.stdout.read()), daemon=True)
        reader.start()
        deadline = None if timeout is None else started + timeout
        status = usage = None
        while status is None:
            pid, status_, usage_ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, usage = status_, usage_
                break
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                sampler.stop()
                pump.join()
                last = errors[-1] if errors else ""
                raise ChildTimeoutError(time.perf_counter() - started, last)
            time.sleep(0.02)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_kb = sampler.stop()
        reader.join()
        pump.join()
    if proc.returncode != 0:
        message = "\n".join(errors[-30:])
        raise RuntimeError(f"the child failed (exit {proc.returncode}):\n{message}")
    assert usage is not None
    data = json.loads("".join(output).strip().splitlines()[-1])
    return ChildRun(
        data=data,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_kb=max(tree_kb, int(usage.ru_maxrss)),
        peak_processes=sampler.peak_processes,
        stderr=errors,
    )


def _forward(stream: IO[str], lines: list[str], show: bool) -> None:
    """Keep the child's stderr lines and show them as progress."""
    for line in stream:
        lines.append(line.rstrip("\n"))
        if show:
            log("    " + line.rstrip())


def disk_usage(path: Path) -> tuple[int, int]:
    """(bytes on disk as ``du`` counts them, apparent bytes) of the files under ``path``."""
    blocks = apparent = 0
    for child in [path] if path.is_file() else path.rglob("*"):
        if child.is_file() and not child.is_symlink():
            st = child.stat()
            blocks += st.st_blocks * 512
            apparent += st.st_size
    return blocks, apparent


# --- the page cache ------------------------------------------------------------------


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink()]


def evict(path: Path) -> None:
    """Drop the files under ``path`` from the page cache (written back first).

    ``posix_fadvise(POSIX_FADV_DONTNEED)`` drops a file's clean cached pages; other
    files, and other processes' use of the page cache, are left alone.
    """
    for file in _files(path):
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def _libc() -> Any:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_long,
    ]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_ubyte)]
    return libc


def resident_bytes(path: Path) -> int | None:
    """How many bytes of the files under ``path`` are in the page cache (``mincore``);
    None where that cannot be asked."""
    try:
        libc = _libc()
    except (OSError, AttributeError):
        return None
    page = mmap.PAGESIZE
    resident = 0
    for file in _files(path):
        size = file.stat().st_size
        if not size:
            continue
        fd = os.open(file, os.O_RDONLY)
        try:
            addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
            if addr in (None, ctypes.c_void_p(-1).value):
                return None
            try:
                pages = (size + page - 1) // page
                vec = (ctypes.c_ubyte * pages)()
                if libc.mincore(ctypes.c_void_p(addr), size, vec) != 0:
                    return None
                resident += sum(b & 1 for b in vec) * page
            finally:
                libc.munmap(ctypes.c_void_p(addr), size)
        finally:
            os.close(fd)
    return resident
