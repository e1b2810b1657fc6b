"""``kvsearch serve``: the command; it imports the server only when it runs.

:func:`add_serve_command` is called by :mod:`search.cli.serving` with the options every command
shares, so that this module imports nothing of the CLI (and the CLI nothing of the web
but this small module).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = ["add_serve_command", "serve"]

#: What click's decorators are.
Decorator = Callable[[Any], Any]


def add_serve_command(
    group: click.Group,
    index_dir_option: Decorator,
    help_option: Decorator,
    trust: Callable[[], bool],
) -> None:
    """Register ``serve`` on the ``kvsearch`` group."""

    @group.command("serve", short_help="Zoek in de browser: een lokale webpagina en JSON-API.")
    @index_dir_option
    @click.option(
        "--host", default="127.0.0.1", show_default=True,
        help="Adres om op te luisteren; alleen deze computer tenzij u een ander geeft.",
    )  # fmt: skip
    @click.option(
        "--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
        help="Poort (0: een vrije).",
    )  # fmt: skip
    @click.option(
        "--threads", type=click.IntRange(1, 64), default=8, show_default=True,
        help="Zoekvragen die tegelijk beantwoord worden.",
    )  # fmt: skip
    @help_option
    def serve_command(index_dir: Path, host: str, port: int, threads: int) -> None:
        """Start een webserver met een zoekpagina en een JSON-API op de index.

        De pagina (/) zoekt zoals `kvsearch search`, met filters en pagina's; /doc/ID
        toont een Kamervraag. De API geeft hetzelfde als --json: /api/search?q=…,
        /api/show/ID, /api/similar/ID, /api/stats, /api/health. Een nieuwe index van
        `kvsearch index` wordt meteen gebruikt, zonder herstart. Vereist
        `pip install '.[web]'`.

        \b
        Voorbeelden:
          kvsearch serve
          kvsearch serve --port 9000 --index-dir /tmp/kv
        """
        serve(index_dir, host, port, threads, trust())


def serve(index_dir: Path, host: str, port: int, threads: int, trust: bool) -> None:
    """Serve the page and the API until interrupted (Ctrl-C)."""
    try:
        from search.web.server import make_server
    except ImportError as exc:
        if exc.name is None or not exc.name.startswith("waitress"):
            raise
        raise click.ClickException(
            "`kvsearch serve` heeft waitress nodig; installeer het met `pip install '.[web]'`."
        ) from None
    server, pool = make_server(index_dir, host, port, threads=threads, trust=trust)
    shown = f"[{host}]" if ":" in host else host
    port = int(server.effective_port)  # type: ignore[attr-defined]
    click.echo(f"Luistert op http://{shown}:{port}  (stoppen: Ctrl-C)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            f"let op: ook bereikbaar voor anderen via {host}; de pagina heeft geen inlog.",
            err=True,
        )
    try:
        server.run()  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        pass
    finally:
        server.close()  # type: ignore[attr-defined]
        pool.close()
    click.echo("Gestopt.")
