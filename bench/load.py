"""Load on ``kvsearch serve`` while the index is updated: requests/s and p95.

Starts ``python -m search serve --port 0`` (a real server process) on an index of a
copy of the seeds, then sends REQUESTS requests from CLIENTS concurrent clients (the
JSON API, the page and document pages, in turn) while this process updates the index
again and again, each time with a changed seed file, so that the server switches
generations under load (as it would when ``kvsearch index`` runs beside it). Every
request must answer 200 with a whole body.

    python bench/load.py                      # 20 clients, 200 requests, seeds/
    python bench/load.py --clients 20 --requests 1000 --seeds ../shared/corpus/docs

Prints requests/s, the median and 95th percentile latency, the number of generations
written while the clients ran, and any failure (exit 1 when a request failed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import Index  # noqa: E402

QUERIES = ("gezichtsherkenning", "mensenrechten china", "stikstof", "wang yi", "*", "sociaal")


@dataclass
class LoadReport:
    """What a load run measured."""

    requests: int
    seconds: float
    latencies: list[float]
    failures: list[str] = field(default_factory=list)
    generations: int = 0

    @property
    def rate(self) -> float:
        """Requests per second over the whole run."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p95(self) -> float:
        """95th percentile latency in seconds."""
        return statistics.quantiles(self.latencies, n=20)[-1] if len(self.latencies) > 1 else 0.0

    @property
    def median(self) -> float:
        """Median latency in seconds."""
        return statistics.median(self.latencies) if self.latencies else 0.0

    def summary(self) -> str:
        """One line for people."""
        failed = f", {len(self.failures)} failed" if self.failures else ", none failed"
        return (
            f"{self.requests} requests in {self.seconds:.2f} s: {self.rate:.0f} requests/s, "
            f"median {self.median * 1000:.1f} ms, p95 {self.p95 * 1000:.1f} ms; "
            f"{self.generations} new generations meanwhile{failed}"
        )


def start_server(index_dir: Path, threads: int = 8) -> tuple[subprocess.Popen[str], str]:
    """``kvsearch serve`` on a free port, in a process of its own; its URL."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--index-dir", str(index_dir), "--port", "0",
         "--threads", str(threads)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        # Stopped with Ctrl-C: a background shell may have made SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Luistert op "):
        process.kill()
        _, err = process.communicate()
        raise RuntimeError(f"the server did not start: {line}{err}")
    return process, line.split()[2]


def stop_server(process: subprocess.Popen[str]) -> None:
    """Ctrl-C, as a user would; wait for it to end."""
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def paths(count: int, document: str) -> list[str]:
    """The request paths, in turn: the API, the page, a document page."""
    result = []
    for i in range(count):
        q = QUERIES[i % len(QUERIES)]
        kind = i % 4
        if kind in (0, 1):
            result.append(f"/api/search?q={quote(q)}&pagina={1 + i % 2}")
        elif kind == 2:
            result.append(f"/?q={quote(q)}&sorteer=-datum")
        else:
            result.append(f"/doc/{quote(document, safe='')}")
    return result


def _fetch(url: str) -> str | None:
    """None when the answer is a whole 200; else what went wrong."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
            if response.status != 200:
                return f"{url}: {response.status}"
            if response.headers.get("Content-Type", "").startswith("application/json"):
                json.loads(body)
            elif b"</html>" not in body:
                return f"{url}: incomplete page"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        detail = (
            exc.read().decode("utf-8", "replace") if isinstance(exc, urllib.error.HTTPError) else ""
        )
        return f"{url}: {exc} {detail}".strip()
    return None


def load(
    base: str,
    index_dir: Path,
    seed_file: Path,
    *,
    clients: int = 20,
    requests: int = 200,
    update: bool = True,
) -> LoadReport:
    """Send ``requests`` requests from ``clients`` threads to ``base`` while updating
    the index at ``index_dir`` (changing ``seed_file`` each time)."""
    with Index.open(index_dir) as index:
        document = index.search("*", limit=1).hits[0].document_id
    todo = paths(requests, document)
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []
    done = threading.Event()
    generations = 0
    original = seed_file.read_text(encoding="utf-8")

    def keep_updating() -> None:
        nonlocal generations
        with Index.open(index_dir) as index:
            turn = 0
            while not done.is_set():
                turn += 1
                # A changed file (one more line at the end) means a new generation.
                seed_file.write_text(original + "\n" * (turn % 2), encoding="utf-8")
                index.update(wait=True)
                generations += 1
        seed_file.write_text(original, encoding="utf-8")

    def client(share: Sequence[str]) -> None:
        for path in share:
            started = time.perf_counter()
            problem = _fetch(base + path)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if problem:
                    failures.append(problem)

    updater = threading.Thread(target=keep_updating, name="updater")
    threads = [
        threading.Thread(target=client, args=(todo[i::clients],), name=f"client-{i}")
        for i in range(clients)
    ]
    if update:
        updater.start()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    done.set()
    if update:
        updater.join()
    return LoadReport(len(latencies), seconds, latencies, failures, generations)


def run(
    seeds: Path,
    work: Path,
    *,
    clients: int = 20,
    requests: int = 200,
    threads: int = 8,
    update: bool = True,
) -> LoadReport:
    """Copy ``seeds`` into ``work``, index them, serve, load while updating."""
    copy = work / "seeds"
    if seeds.is_dir():
        shutil.copytree(seeds, copy)
    else:
        copy.mkdir()
        shutil.copy(seeds, copy)
    index_dir = work / "index"
    with Index.build(index_dir, [copy]):
        pass
    seed_file = sorted(p for p in copy.rglob("*") if p.is_file())[0]
    process, base = start_server(index_dir, threads)
    try:
        _fetch(base + "/api/health")  # warm: the first search loads the lexicon
        return load(base, index_dir, seed_file, clients=clients, requests=requests, update=update)
    finally:
        stop_server(process)


def main(argv: Sequence[str] | None = None) -> int:
    """Run from the command line; exit 1 when any request failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    parser.add_argument(
        "--no-update", action="store_true", help="no index updates meanwhile (for comparison)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kvsearch-load-") as tmp:
        report = run(
            args.seeds, Path(tmp), clients=args.clients, requests=args.requests,
            threads=args.threads, update=not args.no_update,
        )  # fmt: skip
    print(report.summary())
    for failure in report.failures[:10]:
        print(f"failed: {failure}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
