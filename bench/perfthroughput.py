"""Throughput: searches per second with 1, 2 and 4 concurrent clients on one index.

kvsearch's ``Index`` serves one thread at a time, so each client is a process of its
own with its own open ``Index`` (or, for FTS5, its own SQLite connection to the same
database file): the same approach for both engines. Every client opens the index, runs
the warm-up queries unmeasured and says it is ready; then all start together and each
runs the same measured queries, starting at its own offset in the list (so clients are
not in step). Throughput = all clients' searches / (last end - first start). On a
machine of C cores, more than C clients measure contention, not more capacity.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from perfproc import REPO_ROOT, child_env
from perfqueries import Query

CLIENTS = (1, 2, 4)

_CLIENT = """
import json, sys, time
engine, path, queries_file, offset, limit = sys.argv[1:6]
data = json.load(open(queries_file, encoding="utf-8"))
if engine == "kvsearch":
    from search import Index
    index = Index.open(path)
    search = lambda text: index.search(text, limit=int(limit)).total
else:
    from fts5 import Fts5
    fts = Fts5(path, create=False)
    search = lambda text: fts.search(text, int(limit))
for text in data["warmup"]:
    search(text)
queries = data["queries"]
k = int(offset) % max(1, len(queries))
queries = queries[k:] + queries[:k]
print("ready", flush=True)
sys.stdin.readline()
started = time.perf_counter()
for text in queries:
    search(text)
ended = time.perf_counter()
print(json.dumps({"count": len(queries), "start": started, "end": ended}), flush=True)
"""


def measure_throughput(
    engine: str,
    path: Path,
    queries: Sequence[Query],
    warmup: Sequence[Query] = (),
    clients: Sequence[int] = CLIENTS,
    limit: int = 10,
) -> dict[str, Any]:
    """Searches per second of ``engine`` (``kvsearch`` or ``fts5``) for each client count.

    Returns ``{"clients": {"1": {"qps": ..., "seconds": ..., "searches": ...}, ...},
    "approach": ...}``.
    """
    result: dict[str, Any] = {
        "approach": "processes, each with its own open index (kvsearch: Index.open; "
        "FTS5: a connection), started together after an unmeasured warm-up",
        "queries_per_client": len(queries),
        "clients": {},
    }
    with tempfile.TemporaryDirectory(prefix="kvsearch-throughput-") as tmp:
        queries_file = Path(tmp) / "queries.json"
        queries_file.write_text(
            json.dumps({"warmup": [q.text for q in warmup], "queries": [q.text for q in queries]}),
            encoding="utf-8",
        )
        for n in clients:
            result["clients"][str(n)] = _run_clients(
                engine, path, queries_file, n, len(queries), limit
            )
    return result


def _run_clients(
    engine: str, path: Path, queries_file: Path, n: int, count: int, limit: int
) -> dict[str, float]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CLIENT,
                engine,
                str(path),
                str(queries_file),
                str(i * count // n),
                str(limit),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
            cwd=REPO_ROOT,
        )
        for i in range(n)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"a {engine} client did not start: {line!r}")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        for proc in procs:
            out, _ = proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"a {engine} client failed (exit {proc.returncode})")
            reports.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    searches = sum(r["count"] for r in reports)
    seconds = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    return {"searches": searches, "seconds": seconds, "qps": searches / seconds if seconds else 0.0}
