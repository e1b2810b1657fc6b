"""The ``kvsearch`` click group, :func:`main`, and how it speaks: help in Dutch, and a
library error as one ``Fout: …`` line with its exit status (:class:`KvGroup`).

Every command module registers its commands on :func:`main`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from search.cli.texts import dutch_message
from search.errors import FilterError, QuerySyntaxError, SearchError, WatchNameError
from search.version import installed_version

#: click's own help headings, in Dutch.
_HEADINGS = {"Options": "Opties", "Commands": "Opdrachten", "Arguments": "Argumenten"}


class DutchHelpFormatter(click.HelpFormatter):
    """click's help layout with Dutch headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[OPTIES]").replace("COMMAND [ARGS]", "OPDRACHT [ARG]")
        super().write_usage(prog, args, prefix or "Gebruik: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))


class DutchContext(click.Context):
    """A click context that formats help in Dutch."""

    formatter_class = DutchHelpFormatter


class KvCommand(click.Command):
    """A command with Dutch help."""

    context_class = DutchContext


class KvGroup(click.Group):
    """The command group; turns library errors into one Dutch line and exit 1."""

    context_class = DutchContext
    command_class = KvCommand

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run; a usage error is one ``Fout: …`` line (exit 2), not click's three."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            hint = f" Zie `{exc.ctx.command_path} --help`." if exc.ctx else ""
            click.echo(f"Fout: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Fout: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Afgebroken.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (FilterError, QuerySyntaxError, WatchNameError) as exc:  # the user's input
            click.echo(f"Fout: {dutch_message(exc)}", err=True)
            ctx.exit(2)
        except SearchError as exc:
            click.echo(f"Fout: {dutch_message(exc)}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("\nAfgebroken.", err=True)
            ctx.exit(130)


CONTEXT = {"help_option_names": [], "max_content_width": 100}


def help_option(func: Any) -> Any:
    """``-h/--help`` with Dutch help text."""
    return click.help_option("-h", "--help", help="Toon deze hulp en stop.")(func)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``: click's ``version_option``, with the version looked up only when
    asked (reading package metadata imports ``importlib.metadata`` and ``email``)."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"kvsearch {installed_version('kvsearch')}", color=ctx.color)
    ctx.exit()


@click.group(name="kvsearch", cls=KvGroup, context_settings=CONTEXT)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Toon de versie en stop.",
)
@help_option
def main() -> None:
    """Zoek in Kamervragen: schriftelijke vragen van Tweede Kamerleden, met antwoorden.

    \b
    Voorbeelden:
      kvsearch index                      index maken (uit seeds/) of bijwerken
      kvsearch search gezichtsherkenning  zoeken
      kvsearch search '"social credit"' --json
      kvsearch watch add zorg jeugdzorg   een onderwerp volgen
      kvsearch watch check                wat is er nieuw of beantwoord?
      kvsearch stats --by ministerie      hoeveel vragen, hoe snel beantwoord
    """
