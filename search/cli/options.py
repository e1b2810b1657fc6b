"""What the commands share in how they are called: the index folder and ``--trust``
(:func:`index_dir_option`, :func:`trust`), the filter flags (:func:`filter_options`), and
query words that may start with ``-`` (:class:`SearchCommand`, :func:`query_of`).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from search.cli.app import KvCommand
from search.models import Filters

DEFAULT_INDEX = "index"
DEFAULT_SEEDS = "seeds"

#: Where ``--trust`` is kept in the click context's ``meta``.
_TRUST = "kvsearch.trust"


def _remember_trust(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    ctx.meta[_TRUST] = bool(value)


def trust() -> bool:
    """Whether ``--trust`` was given to the running command."""
    return bool(click.get_current_context().meta.get(_TRUST, False))


def index_dir_option(func: Any) -> Any:
    """The ``--index-dir`` and ``--trust`` options shared by every command."""
    func = click.option(
        "--trust",
        is_flag=True,
        expose_value=False,
        callback=_remember_trust,
        help="Open de index ook als hij van een andere gebruiker is of door anderen "
        "beschreven kan worden (een index bevat code; ook via KVSEARCH_TRUST_INDEX=MAP).",
    )(func)
    return click.option(
        "--index-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_INDEX,
        envvar="KVSEARCH_INDEX",
        show_default=True,
        help="Map van de index (ook via KVSEARCH_INDEX).",
    )(func)


class SearchCommand(KvCommand):
    """``search``: its words are the query, also one that starts with ``-``.

    Every argument that is not one of the command's options is a query word, so
    ``kvsearch search -stikstof landbouw`` excludes *stikstof* instead of failing on an
    unknown option ``-s``; ``--`` ends the options as usual.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not (param.is_flag or param.count)
        options: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                words.extend(rest)
                break
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            if arg[:2] in takes_value and arg[2:].isdigit():  # -n20; but -nederland is a word
                options.append(arg)
            elif name in takes_value:
                options.append(arg)
                if takes_value[name] and "=" not in arg:
                    options.extend(itertools.islice(rest, 1))
            else:
                words.append(arg)
        return super().parse_args(ctx, [*options, "--", *words])


def filter_options(func: Any) -> Any:
    """The filter flags of ``search``, ``stats`` and ``watch add``; the command gets
    them as one checked :class:`Filters` argument, ``filters``."""

    @functools.wraps(func)
    def command(
        *args: Any,
        member: str | None,
        party: str | None,
        ministry: str | None,
        date_from: str | None,
        date_to: str | None,
        year: str | None,
        session: str | None,
        answered: bool,
        unanswered: bool,
        delayed: bool,
        answered_since: str | None,
        **kwargs: Any,
    ) -> Any:
        statuses = [n for n, on in (("answered", answered), ("unanswered", unanswered),
                                    ("delayed", delayed)) if on]  # fmt: skip
        if len(statuses) > 1:
            flags = " en ".join(f"--{n}" for n in statuses)
            raise click.UsageError(f"{flags} sluiten elkaar uit; kies er één.")
        given: dict[str, Any] = {  # as typed: Filters checks and converts them
            "member": member,
            "party": party,
            "ministry": ministry,
            "date_from": date_from,
            "date_to": date_to,
            "year": year,
            "session": session,
            "status": statuses[0] if statuses else None,
            "answered_since": answered_since,
        }
        kwargs["filters"] = Filters(**given)
        return func(*args, **kwargs)

    options = [
        click.option("--member", "--lid", "member", metavar="NAAM",
                     help="Gesteld door dit Kamerlid."),
        click.option("--party", "--partij", "party", metavar="PARTIJ",
                     help="Van een lid van deze partij."),
        click.option("--ministry", "--ministerie", "ministry", metavar="WOORDEN",
                     help="Aan (of beantwoord door) dit ministerie, bv. 'Buitenlandse Zaken'."),
        click.option("--from", "date_from", metavar="JJJJ-MM-DD",
                     help="Ingezonden op of na deze datum."),
        click.option("--to", "date_to", metavar="JJJJ-MM-DD",
                     help="Ingezonden op of voor deze datum."),
        click.option("--year", "--jaar", "year", metavar="JJJJ", help="Ingezonden in dit jaar."),
        click.option("--session", "--vergaderjaar", "session", metavar="JJJJ-JJJJ",
                     help="Vergaderjaar, bv. 2023-2024."),
        click.option("--answered", is_flag=True, help="Alleen beantwoorde vragen."),
        click.option("--unanswered", is_flag=True, help="Alleen onbeantwoorde vragen."),
        click.option("--delayed", is_flag=True, help="Alleen vragen met uitgesteld antwoord."),
        click.option("--answered-since", "answered_since", metavar="JJJJ-MM-DD",
                     help="Beantwoord op of na deze datum (bv. sinds de vorige keer)."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


#: ``minister:Buitenlandse Zaken`` as one argument: the shell took the quotes away.
_FIELD_ARG_RE = re.compile(r"^([+-]?[^\W\d_]+:)([^\s\"]+(?:\s+[^\s\"]+)+)$")


def query_of(words: Sequence[str]) -> str:
    """The query that the shell's words make: joined by spaces. One argument is the
    query as typed; of several, an argument ``field:two words``
    (``minister:"Asiel en Migratie"`` after the shell took the quotes away) keeps its
    words together in quotes."""
    if len(words) == 1:
        return words[0].strip()
    return " ".join(_FIELD_ARG_RE.sub(r'\1"\2"', w.strip()) for w in words).strip()
