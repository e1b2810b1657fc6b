"""Run the app on waitress, in the foreground or in a thread that stops cleanly.

waitress (the ``web`` extra) is a pure-Python, production-grade WSGI server without
dependencies: an event loop for the sockets and a pool of worker threads that call the
app. This module is imported only by ``kvsearch serve``, the tests and the bench.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from waitress.server import create_server

from search.web.app import WebApp
from search.web.pool import IndexPool

__all__ = ["RunningServer", "THREADS", "make_server", "start"]

#: Worker threads: requests served at once (each with an index of its own).
THREADS = 8


class RunningServer:
    """A server running in a background thread (tests, the bench); :meth:`stop` ends
    the thread and closes every socket and index."""

    def __init__(self, server: object, pool: IndexPool) -> None:
        self._server = server
        self.pool = pool
        self.host, self.port = str(server.effective_host), int(server.effective_port)  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._run, name="kvsearch-web", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    def _run(self) -> None:
        self._server.run()  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Close the listening socket and the connections (in the server's own loop),
        let the worker threads finish, close the indexes."""
        server: object = self._server

        def close_all() -> None:
            from waitress import wasyncore

            wasyncore.close_all(server._map)  # type: ignore[attr-defined]

        server.trigger.pull_trigger(close_all)  # type: ignore[attr-defined]
        self._thread.join(timeout=10)
        server.task_dispatcher.shutdown()  # type: ignore[attr-defined]
        self.pool.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_server(
    index_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    threads: int = THREADS,
    trust: bool = False,
) -> tuple[object, IndexPool]:
    """A waitress server of the app over ``index_dir`` (bound, not yet serving) and its
    index pool; the index is opened once first, so that a missing or damaged one fails
    here (a :class:`~search.errors.SearchError`)."""
    # waitress warns at every queued request beyond its threads: normal under load.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    pool = IndexPool(index_dir, size=threads, trust=trust)
    try:
        pool.check()
        server = create_server(
            WebApp(pool),
            host=host,
            port=port,
            threads=threads,
            ident="kvsearch",
            clear_untrusted_proxy_headers=True,
        )
    except BaseException:
        pool.close()
        raise
    return server, pool


def start(
    index_dir: Path, host: str = "127.0.0.1", port: int = 0, *, threads: int = THREADS
) -> RunningServer:
    """Serve ``index_dir`` in a background thread (``port`` 0: a free one)."""
    server, pool = make_server(index_dir, host, port, threads=threads)
    return RunningServer(server, pool)
