"""The ``kvsearch`` command: a thin click layer over :class:`search.Index`.

It speaks Dutch to its users. Every command opens the library object and calls one
of its methods; a :class:`search.SearchError` becomes ``Fout: …`` and exit status 1
in one place (:class:`KvGroup`).
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

# First, in the command's own process only: Whoosh without what it never uses.
from search.cli import startup  # noqa: F401

# isort: split

from search.build.generations import read_current
from search.build.integrity import VerifyReport
from search.cli.render import (
    changes_lines,
    dutch_date,
    entry_view,
    export_row,
    filter_words,
    news_lines,
    plural,
    results_text,
    shown_path,
    similar_text,
)
from search.dutch.parliament import FIRST_YEAR, LAST_YEAR
from search.errors import (
    EntryNotFoundError,
    FilterError,
    IndexClosedError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexPathError,
    IndexUntrustedError,
    IndexVersionError,
    IndexWriteError,
    QuerySyntaxError,
    SearchError,
    SeedError,
    SeedParseError,
    SourceError,
    WatchExistsError,
    WatchNameError,
    WatchNotFoundError,
    WatchStoreError,
)
from search.index import Index
from search.models import BuildReport, Filters, Hit, Skipped
from search.version import installed_version

if TYPE_CHECKING:  # imported when used: a search needs it not
    from search.follow.watch import Watch, WatchNews

DEFAULT_INDEX = "index"
DEFAULT_SEEDS = "seeds"

#: Dutch wording of :data:`search.models.SKIP_REASONS`.
SKIP_REASONS_NL: dict[str, str] = {
    "empty": "het bestand is leeg",
    "too-large": "te groot voor een seed ({detail}; hoogstens 20 MB)",
    "binary": "geen tekst maar een binair bestand",
    "unreadable": "kan niet gelezen worden ({detail})",
    "dangling-link": "symbolische link naar {detail}, dat niet bestaat; herstel of verwijder hem",
    "link-loop": "symbolische link die naar zichzelf terugleidt; herstel of verwijder hem",
    "not-a-file": "geen gewoon bestand",
    "no-questions": "document {detail} bevat geen blokken `Vraag N`",
    "legacy-encoding": "geen UTF-8; gelezen als {detail}",
    "invalid-utf8": "bytes die geen UTF-8 zijn ({detail}); alleen die zijn als cp1252 "
    "gelezen, controleer deze regel",
    "no-heading": "geen kop `## <documentnummer>`; het document heet {detail}, naar het bestand",
    "duplicate-id": "een documentnummer staat twee keer in het bestand; dit document heet {detail}",
    "merge-conflict": "{detail} verschilt van het andere document met dit nummer; "
    "de volledigste waarde is gebruikt",
    "notice-only": "document {detail} is een mededeling zonder vragen",
    "repeated-question": "vraag {detail} staat er twee keer; de tekst is samengevoegd",
    "answer-without-question": "antwoord {detail} heeft geen vraagblok",
    "unknown-heading": "onbekende kop `{detail}`; de tekst eronder hoort nu bij de vraag, het "
    "antwoord of de mededeling erboven",
    "unknown-heading-lost": "onbekende kop `{detail}` vóór de eerste vraag; de tekst eronder "
    "is niet geïndexeerd (maak er een `### Vraag N` van of verplaats hem)",
    "invalid-date": "de datum {detail} bestaat niet; geïndexeerd zonder datum, verbeter de datum",
    "name-not-utf8": "bestandsnaam is geen UTF-8; geïndexeerd als {detail} "
    "(geef het bestand een UTF-8-naam)",
    "not-utf8": "geen UTF-8-tekst",
    "no-document": "geen kop `## <documentnummer>`, dus geen document gevonden",
}


def dutch_message(exc: SearchError) -> str:
    """One Dutch sentence that says what is wrong and what to do."""
    if isinstance(exc, EntryNotFoundError):
        return f"geen vraag of document {exc.ident!r} in de index. Controleer het nummer."
    if isinstance(exc, IndexNotFoundError):
        return f"geen index in {exc.path}/. Maak er een met `kvsearch index`."
    if isinstance(exc, IndexVersionError):
        return (
            f"de index in {exc.path}/ is gemaakt met een andere {_WHAT.get(exc.what, exc.what)} "
            f"({exc.found}; nu {exc.expected}). Bouw hem opnieuw met `kvsearch rebuild`."
        )
    if isinstance(exc, IndexCorruptError) and exc.damaged:
        return (
            f"de index in {exc.path}/ is beschadigd ({_damaged_nl(exc.damaged)}). "
            "Bouw hem opnieuw met `kvsearch rebuild`."
        )
    if isinstance(exc, IndexCorruptError):
        return (
            f"de index in {exc.path}/ is beschadigd ({_corrupt_reason(exc.reason)}). "
            "Bouw hem opnieuw met `kvsearch rebuild`."
        )
    if isinstance(exc, IndexLockedError):
        holder = f"proces {exc.pid}" if exc.pid else "een ander proces"
        return f"{exc.path}/ wordt bijgewerkt door {holder}. Wacht tot dat klaar is."
    if isinstance(exc, IndexPathError):
        return (
            f"{exc.path} kan geen index zijn ({_REASONS_NL.get(exc.reason, exc.reason)}). "
            "Kies een andere --index-dir."
        )
    if isinstance(exc, IndexWriteError):
        why = {"memory": "te weinig geheugen", "killed": f"hulpproces gestopt door {exc.detail}"}
        return (
            f"het schrijven van de index in {exc.path}/ is mislukt "
            f"({why.get(exc.code, exc.detail)}); de index is niet veranderd. "
            "Maak schijfruimte of geheugen vrij en probeer het opnieuw."
        )
    if isinstance(exc, SeedError):
        shown = shown_path(os.fsencode(str(exc.path)).decode("utf-8", "backslashreplace"))
        return (
            f"{shown}: {_REASONS_NL.get(exc.reason, exc.reason)}. "
            "Geef een map of bestand met Kamervragen op."
        )
    if isinstance(exc, SeedParseError):
        return f"{exc.path}:{exc.line}: {SKIP_REASONS_NL.get(exc.code, exc.reason)}."
    if isinstance(exc, FilterError):
        return _filter_message(exc)
    if isinstance(exc, QuerySyntaxError):
        return _query_message(exc)
    if isinstance(exc, IndexClosedError):
        return f"de index in {exc.path}/ is gesloten. Open hem opnieuw."
    if isinstance(exc, WatchNotFoundError | WatchExistsError | WatchNameError | WatchStoreError):
        return _watch_message(exc)
    if isinstance(exc, SourceError):
        return _source_message(exc)
    if isinstance(exc, IndexUntrustedError):
        what = {
            "owner": f"is van een andere gebruiker (uid {exc.owner})",
            "writable": "is schrijfbaar voor groep of anderen",
            "symlink": "is een symbolische link",
            "links": "heeft nog andere harde links",
        }.get(exc.reason, exc.reason)
        return (
            f"de index in {exc.path}/ wordt niet geopend: {exc.file} {what}, en een index "
            "bevat code. Vertrouwt u hem, gebruik dan --trust of "
            f"KVSEARCH_TRUST_INDEX={exc.path}."
        )
    return str(exc)


def _watch_message(
    exc: WatchNotFoundError | WatchExistsError | WatchNameError | WatchStoreError,
) -> str:
    if isinstance(exc, WatchNotFoundError):
        return f"geen gevolgde zoekvraag '{exc.name}'. Zie `kvsearch watch list` voor de namen."
    if isinstance(exc, WatchExistsError):
        return (
            f"er is al een gevolgde zoekvraag '{exc.name}'. Kies een andere naam, of verwijder "
            "hem eerst met `kvsearch watch remove`."
        )
    if isinstance(exc, WatchNameError):
        if exc.code == "too-long":
            return "de naam is te lang; hoogstens 60 tekens."
        if exc.code == "characters":
            return "de naam mag geen stuur- of onzichtbare tekens bevatten."
        return "geef een naam voor de zoekvraag."
    if exc.code == "version":
        return (
            f"{exc.path} is gemaakt door een nieuwere kvsearch (versie {exc.found}). "
            "Werk kvsearch bij; het bestand blijft zoals het is."
        )
    return (
        f"{exc.path} is geen leesbaar bestand met gevolgde zoekvragen ({exc.reason}). "
        "Herstel of verplaats het; kvsearch overschrijft het niet."
    )


def _filter_message(exc: FilterError) -> str:
    value = exc.value
    if exc.code == "date":
        if exc.field == "date":
            return (
                f"datum:{value} is geen datum of periode; schrijf datum:JJJJ-MM-DD of "
                "datum:JJJJ-MM-DD..JJJJ-MM-DD (een kant mag open blijven)."
            )
        return f"{value!r} is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2024-01-31."
    if exc.code == "date-order":
        return (
            f"de periode eindigt ({value}) voordat ze begint; geef een einddatum na de begindatum."
        )
    if exc.code == "year":
        return f"{value!r} is geen jaar; geef een jaar van {FIRST_YEAR} tot {LAST_YEAR}, bv. 2024."
    if exc.code == "session":
        return f"{value!r} is geen vergaderjaar; schrijf bijvoorbeeld 2023-2024."
    if exc.code == "status":
        return f"{value!r} is geen status; kies beantwoord, onbeantwoord of uitgesteld."
    if exc.code == "sort":
        return f"{value!r} is geen volgorde; kies relevance, date of -date."
    if exc.code == "empty":
        return f"een lege waarde voor {_FILTER_NL.get(exc.field, exc.field)}; geef een naam."
    return f"ongeldige waarde {value!r} voor {_FILTER_NL.get(exc.field, exc.field)}."


_FILTER_NL = {"member": "lid", "party": "partij", "ministry": "ministerie"}


def _query_message(exc: QuerySyntaxError) -> str:
    part = exc.part
    if exc.code == "fuzzy-distance":
        return f"{part}: na ~ staat het aantal tikfouten, 1 of 2 (bv. stikstof~ of stikstof~2)."
    if exc.code == "fuzzy-short":
        return (
            f"{part}: te kort voor zoveel tikfouten; geef minstens {exc.detail} letters, "
            "of minder tikfouten."
        )
    if exc.code == "prefix-short":
        return f"{part} past op te veel woorden; geef minstens {exc.detail} letters vóór de *."
    if exc.code == "too-broad":
        return f"{part} past op meer dan {exc.detail} woorden; maak het woord langer."
    if exc.code == "too-long":
        return (
            f"de zoekvraag heeft te veel delen (hoogstens {exc.detail}). Zoek op een hele "
            "tekst met `kvsearch similar --text`."
        )
    return str(exc)


def _source_message(exc: SourceError) -> str:
    """A :class:`SourceError` in Dutch: which source, and what to do."""
    names = ", ".join(shown_path(x) for x in exc.sources)
    if exc.reason == "unknown":
        recorded = ", ".join(shown_path(x) for x in exc.recorded) or "geen"
        return f"{names} is geen bron van de index in {exc.path}/; de bronnen zijn: {recorded}."
    many = len(exc.sources) > 1
    what = {
        "missing": "ontbreken" if many else "ontbreekt",
        "unreadable": "kunnen niet gelezen worden" if many else "kan niet gelezen worden",
        "empty": "zijn leeg" if many else "is leeg",
    }.get(exc.reason, exc.reason)
    noun, their = ("bronnen", "hun") if many else ("bron", "haar")
    return (
        f"{noun} {names} {what}; gebruik --forget om {their} entries te verwijderen "
        "(de index is niet gewijzigd)."
    )


_WHAT = {"analysis": "taalanalyse", "schema version": "schemaversie"}

#: Dutch for the problems of :class:`search.build.integrity.Damage`.
DAMAGE_NL = {
    "missing": "ontbreekt",
    "size": "heeft een andere grootte dan vastgelegd",
    "checksum": "klopt niet met zijn controlegetal",
    "truncated": "is ingekort",
    "unreadable": "is onleesbaar",
}


def _damaged_nl(files: Sequence[str]) -> str:
    shown = ", ".join(files[:3]) + (f" en {len(files) - 3} meer" if len(files) > 3 else "")
    return f"{'bestand' if len(files) == 1 else 'bestanden'} {shown} beschadigd"


#: Dutch for the reasons that library errors carry (system errors stay as they are).
_REASONS_NL = {
    "it is a file": "het is een bestand",
    "the folder is not empty and holds no kvsearch index": "de map is niet leeg en is geen index",
    "no such file or folder": "bestaat niet",
    "no seeds given": "geen seeds opgegeven",
    "Permission denied": "geen toegang",
    "Not a directory": "een deel van het pad is een bestand",
    "Read-only file system": "alleen-lezen bestandssysteem",
}


#: Dutch for the reasons of :class:`IndexCorruptError` that kvsearch words itself (by
#: their start; what Whoosh or the system says stays as it is).
_CORRUPT_NL = {
    "CURRENT cannot be read": "CURRENT is onleesbaar",
    "CURRENT is missing": "CURRENT ontbreekt",
    "CURRENT names a missing generation": "CURRENT noemt een generatie die ontbreekt:",
    "kvsearch.json is missing or unreadable": "kvsearch.json ontbreekt of is onleesbaar",
    "kvsearch.json is not a kvsearch index description": "kvsearch.json beschrijft geen index",
    "kvsearch.json lacks a count of": "in kvsearch.json ontbreekt het aantal",
    "kvsearch.json names no sources": "kvsearch.json noemt geen bronnen",
    "kvsearch.json has an unreadable list of sources": "kvsearch.json: bronnen onleesbaar",
    "kvsearch.json has an unreadable list of seed files": "kvsearch.json: bestanden onleesbaar",
    "its metadata and sources cannot be read": "beschrijving en bronnen zijn onleesbaar",
}


def _corrupt_reason(reason: str) -> str:
    for english, dutch in _CORRUPT_NL.items():
        if reason.startswith(english):
            return dutch + reason[len(english) :]
    return reason


def skip_text(skip: Skipped) -> str:
    """A :class:`Skipped` in Dutch: ``path:line: reason``."""
    detail = _REASONS_NL.get(skip.detail, skip.detail)
    if skip.code == "name-not-utf8":  # the name it is indexed under: a path
        detail = shown_path(detail)
    reason = SKIP_REASONS_NL.get(skip.code, skip.reason).format(detail=detail)
    return f"{shown_path(skip.path)}:{skip.line}: {reason}"


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


#: Where ``--trust`` is kept in the click context's ``meta``.
_TRUST = "kvsearch.trust"


def _remember_trust(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    ctx.meta[_TRUST] = bool(value)


def _trust() -> bool:
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


def _report(report: BuildReport, quiet: bool = False) -> None:
    """Print a build summary (to stdout) and what was skipped (to stderr)."""
    if not quiet:
        seconds = f"{report.seconds:.1f}".replace(".", ",")
        if report.incremental:
            click.echo(
                f"{report.added} toegevoegd, {report.changed} gewijzigd, "
                f"{report.removed} verwijderd, {report.unchanged} ongewijzigd"
            )
        for source in report.new_sources:
            if report.incremental:
                click.echo(f"Nieuwe bron: {shown_path(source)}")
        for source, count in report.forgotten:
            removed = plural(count, "bestand", "bestanden")
            click.echo(f"Bron vergeten: {shown_path(source)} ({removed} verwijderd)")
        for line in changes_lines(report.changes):
            click.echo(line)
        click.echo(
            f"Index in {report.index_path}/: "
            f"{plural(report.documents, 'document', 'documenten')}, "
            f"{plural(report.entries, 'vraag', 'vragen')} uit "
            f"{plural(report.files, 'bestand', 'bestanden')} ({seconds} s)"
        )
    notices = [
        w.detail for w in report.warnings if w.code == "notice-only" and w.path in report.read
    ]
    if notices and not quiet:
        click.echo(f"Mededeling, beantwoording uitgesteld: {', '.join(notices)}")
    fresh = set(report.read)
    for warning in report.warnings:
        if warning.code != "notice-only" and warning.path in fresh:
            click.echo(f"let op: {skip_text(warning)}", err=True)
    for skip in report.skipped:
        click.echo(f"overgeslagen: {skip_text(skip)}", err=True)
    if report.skipped and not quiet:
        click.echo(
            f"{plural(len(report.skipped), 'bestand of document', 'bestanden of documenten')} "
            "overgeslagen; de rest is geïndexeerd.",
            err=True,
        )


def seeds_argument(func: Any) -> Any:
    """The SEEDS arguments of the build commands."""
    return click.argument("seeds", nargs=-1, type=click.Path(path_type=Path))(func)


def build_options(func: Any) -> Any:
    """``--quiet``, ``--wait``, ``--strict`` and ``--json``: ``index`` and ``rebuild``."""
    func = click.option(
        "--strict", is_flag=True, help="Afsluitstatus 1 bij elke overgeslagen of vreemde seed."
    )(func)
    func = click.option(
        "--json", "as_json", is_flag=True, help="Samenvatting en wijzigingen als JSON."
    )(func)
    func = click.option(
        "--wait", is_flag=True, help="Wacht als een ander proces de index bijwerkt."
    )(func)
    return click.option(
        "-q", "--quiet", is_flag=True, help="Geen samenvatting en voortgang; wel fouten."
    )(func)


def _build_command(name: str, *, full: bool, short_help: str, help_text: str) -> None:
    """Register ``index`` or ``rebuild``: the same options, a full build or not."""

    @main.command(name, short_help=short_help, help=help_text)
    @seeds_argument
    @index_dir_option
    @click.option(
        "--forget",
        multiple=True,
        metavar="PAD",
        type=click.Path(path_type=Path),
        help="Laat deze bron los en verwijder haar vragen uit de index (herhaalbaar).",
    )
    @build_options
    @help_option
    def command(
        seeds: tuple[Path, ...],
        index_dir: Path,
        forget: tuple[Path, ...],
        quiet: bool,
        wait: bool,
        strict: bool,
        as_json: bool,
    ) -> None:
        _build(index_dir, seeds, forget, quiet, wait, strict, as_json, full=full)


_build_command(
    "index",
    full=False,
    short_help="Maak of werk de index bij uit zijn bronnen.",
    help_text="""Maak de index, of werk hem bij na toegevoegde, gewijzigde of verwijderde seeds.

    De index onthoudt zijn bronnen (mappen en bestanden). Zonder SEEDS wordt hij
    bijgewerkt uit die bronnen (een nieuwe index: uit seeds/); SEEDS worden eraan
    toegevoegd, --forget laat er een los. Ontbreekt een bron (hernoemd, schijf niet
    aangesloten), dan stopt het bijwerken en blijft de index ongewijzigd.
    Alleen nieuwe en gewijzigde bestanden worden
    opnieuw gelezen; het resultaat is gelijk aan een nieuwe index. De vorige index
    blijft bruikbaar tot de nieuwe klaar is, ook als het bijwerken wordt afgebroken.
    Een bestand dat niet gelezen kan worden wordt gemeld (bestand en regel) en
    overgeslagen.

    \b
    Voorbeelden:
      kvsearch index
      kvsearch index seeds/ ../meer-vragen/ --index-dir /tmp/kv
      kvsearch index --forget ../meer-vragen/
    """,
)
_build_command(
    "rebuild",
    full=True,
    short_help="Bouw de index helemaal opnieuw.",
    help_text="""Bouw de index helemaal opnieuw (na een nieuwe versie van kvsearch).

    De nieuwe index wordt naast de oude gebouwd en in één stap in gebruik genomen.
    Zonder SEEDS uit de bronnen van de index. Herstelt ook een beschadigde index.

    \b
    Voorbeeld:
      kvsearch rebuild seeds/
    """,
)


class _ProgressLine:
    """A one-line progress display on stderr, shown once a build takes over a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < 1.0 or total == 0:
            return
        what = "bestanden gelezen" if stage == "read" else "vragen geïndexeerd"
        line = f"{done}/{total} {what}"
        if stage == "write" and done:
            rate = done / elapsed
            line += f", {rate:.0f}/s, nog ~{max(0, total - done) / rate:.0f} s"
        click.echo(f"\r{line:<70}", nl=False, err=True)
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            click.echo(f"\r{'':<70}\r", nl=False, err=True)


#: How many entries per saved search the summary of ``kvsearch index`` names.
WATCH_LINES = 10


def _watch_news(index: Index, report: BuildReport) -> tuple[WatchNews, ...]:
    """What the build's changes mean for each saved search; a damaged file of saved
    searches is reported, and the build stands."""
    try:
        return index.watches.changes(report.changes)
    except SearchError as exc:
        click.echo(f"let op: {dutch_message(exc)}", err=True)
        return ()


def _watch_errors(news: Iterable[WatchNews]) -> None:
    """A saved search that cannot be run any more: one line on stderr, and it is kept."""
    for item in news:
        if item.error is not None:
            click.echo(
                f"let op: gevolgde zoekvraag '{item.watch.name}' werkt niet meer: "
                f"{dutch_message(item.error)} Pas hem aan met `kvsearch watch remove` en "
                "`kvsearch watch add`; hij blijft bewaard.",
                err=True,
            )


def _build(
    index_dir: Path,
    seeds: Sequence[Path],
    forget: Sequence[Path],
    quiet: bool,
    wait: bool,
    strict: bool,
    as_json: bool,
    *,
    full: bool,
) -> None:
    """Build or update, report, and exit 1 when nothing was indexed (or, with
    ``strict``, when anything was skipped or odd)."""
    show = not quiet and not as_json and sys.stderr.isatty()
    progress = _ProgressLine() if show else None
    live_before = read_current(index_dir)
    try:
        with Index.build(
            index_dir,
            seeds,
            forget=forget,
            default=[Path(DEFAULT_SEEDS)],
            full=full,
            wait=wait,
            progress=progress,
            trust=_trust(),
        ) as index:
            assert index.last_build is not None
            report = index.last_build
            news = () if quiet else _watch_news(index, report)
    except KeyboardInterrupt:
        click.echo(f"\n{_interrupted(index_dir, live_before)}", err=True)
        sys.exit(130)
    finally:
        if progress:
            progress.finish()
    if as_json:
        data = report.to_dict()
        data["watches"] = [
            {
                "name": n.watch.name,
                "new": [h.entry_id for h in n.new],
                "answered": [h.entry_id for h in n.answered],
                "error": str(n.error) if n.error else None,
            }
            for n in news
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _report(report, quiet)
        for item in news:
            if item.error is None:
                click.echo("\n".join(news_lines(item, limit=WATCH_LINES)))
        _watch_errors(news)
    if report.entries == 0 and report.files:
        click.echo("Fout: geen enkele vraag geïndexeerd; zie de meldingen hierboven.", err=True)
        sys.exit(1)
    odd = [w for w in report.warnings if w.code != "notice-only"]
    if strict and (report.skipped or odd):
        click.echo(
            f"Fout (--strict): {plural(len(report.skipped) + len(odd), 'melding', 'meldingen')}"
            "; de index is wel bijgewerkt.",
            err=True,
        )
        sys.exit(1)


def _interrupted(index_dir: Path, live_before: str | None) -> str:
    """What an interrupted build leaves in use: CURRENT tells, not where it stopped."""
    live = read_current(index_dir)
    if live is None:
        return f"Afgebroken; er is nog geen index in {index_dir}/."
    if live != live_before:
        return f"Afgebroken, maar de nieuwe index in {index_dir}/ was al klaar en is in gebruik."
    return f"Afgebroken; de vorige index in {index_dir}/ blijft in gebruik."


@main.command("check", short_help="Vergelijk de index met de seeds.")
@seeds_argument
@index_dir_option
@click.option(
    "--verify",
    is_flag=True,
    help="Lees ook elk indexbestand en vergelijk het met zijn controlegetal.",
)
@help_option
def check_command(seeds: tuple[Path, ...], index_dir: Path, verify: bool) -> None:
    """Vergelijk de index met zijn bronnen: welke bestanden zijn nieuw, gewijzigd of weg,
    en welke bronnen ontbreken. Met SEEDS: ook met die (zoals `kvsearch index SEEDS`).

    Afsluitstatus 0 als de index bij is, 1 als `kvsearch index` nodig is (of, met
    --verify, als een indexbestand beschadigd is).

    \b
    Voorbeelden:
      kvsearch check
      kvsearch check --verify
    """
    with Index.open(index_dir, trust=_trust()) as index:
        report = index.check(seeds)
        verified = index.verify() if verify else None
    click.echo(
        f"Index in {report.index_path}/: "
        f"{plural(report.documents, 'document', 'documenten')}, "
        f"{plural(report.entries, 'vraag', 'vragen')}; versie in orde."
    )
    for label, names in (
        ("nieuw", report.added),
        ("gewijzigd", report.changed),
        ("verwijderd", report.removed),
    ):
        for name in names:
            click.echo(f"{label}: {shown_path(name)}")
    for source in report.missing:
        click.echo(
            f"bron ontbreekt: {shown_path(source)} (sluit haar weer aan, of "
            f"`kvsearch index --forget {shown_path(source)}`)"
        )
    for problem in report.problems:
        click.echo(f"probleem: {problem}")
    for skip in report.skipped:
        click.echo(f"overgeslagen: {skip_text(skip)}", err=True)
    intact = verified is None or _verify(verified)
    if report.up_to_date:
        click.echo(f"Bij: {plural(report.unchanged, 'bestand', 'bestanden')} ongewijzigd.")
    else:
        click.echo("Niet bij: voer `kvsearch index` uit.")
    if not (report.up_to_date and intact):
        sys.exit(1)


def _verify(result: VerifyReport) -> bool:
    """``check --verify``: what :meth:`Index.verify` found, in Dutch; True when every
    file is in order."""
    where = f"{result.index_path}/{result.generation}"
    if not result.recorded:
        click.echo(
            f"Fout: {where} heeft geen controlegetallen (gemaakt door een oudere kvsearch); "
            "bouw de index opnieuw met `kvsearch rebuild`.",
            err=True,
        )
        return False
    for damage in result.damaged:
        problem = DAMAGE_NL.get(damage.problem, damage.problem)
        click.echo(f"beschadigd: {where}/{damage.file} {problem}")
    if result.damaged:
        click.echo(
            f"Fout: de index in {result.index_path}/ is beschadigd; "
            "bouw hem opnieuw met `kvsearch rebuild`.",
            err=True,
        )
        return False
    click.echo(f"Controle: {plural(result.files, 'bestand', 'bestanden')} in orde.")
    return True


def _open_for_search(ctx: click.Context, index_dir: Path) -> Index:
    """Open the index; build the default one from seeds/ when it does not exist yet."""
    try:
        return Index.open(index_dir, trust=_trust())
    except IndexNotFoundError:
        explicit = ctx.get_parameter_source("index_dir") == ParameterSource.COMMANDLINE
        if explicit or not Path(DEFAULT_SEEDS).is_dir():
            raise
    click.echo(
        f"Nog geen index in {index_dir}/: die wordt eerst gemaakt uit {DEFAULT_SEEDS}/.",
        err=True,
    )
    index = Index.build(index_dir, [Path(DEFAULT_SEEDS)], trust=_trust())
    assert index.last_build is not None
    _report(index.last_build, quiet=True)
    return index


def _use_color(ctx: click.Context) -> bool:
    """Colour on a terminal (click's own test), never with ``NO_COLOR`` set."""
    if os.environ.get("NO_COLOR"):
        return False
    if ctx.color is not None:
        return ctx.color
    return not click.utils.should_strip_ansi(sys.stdout)  # type: ignore[attr-defined]


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


@main.command("search", cls=SearchCommand, short_help="Zoek vragen, de beste eerst.")
@click.argument("words", nargs=-1, metavar="ZOEKWOORDEN...")
@index_dir_option
@click.option(
    "-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True,
    help="Aantal resultaten per pagina.",
)  # fmt: skip
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Pagina.")
@click.option(
    "--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance",
    show_default=True, help="Volgorde: relevantie, datum (oudste eerst), -date (nieuwste eerst).",
)  # fmt: skip
@filter_options
@click.option("--facets", is_flag=True, help="Toon aantallen per partij, lid, ministerie en jaar.")
@click.option("--group", is_flag=True, help="Eén resultaat per document, met zijn vragen.")
@click.option(
    "--only-matches", is_flag=True,
    help="Alleen vragen die de woorden zelf bevatten, zonder de vragen eromheen uit "
    "dezelfde Kamervraag.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv", "atom"]),
    default="table", show_default=True,
    help="Uitvoer; jsonl en csv geven álle treffers (tenzij --limit), voor scripts; atom "
    "een Atom-feed van de pagina.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Kort voor --format json (met facetten).")
@click.option(
    "--exact", is_flag=True,
    help="Zoek de woorden zoals getypt: geen verbetering van onbekende woorden.",
)  # fmt: skip
@help_option
@click.pass_context
def search_command(
    ctx: click.Context,
    words: tuple[str, ...],
    index_dir: Path,
    limit: int,
    page: int,
    sort: str,
    filters: Filters,
    facets: bool,
    group: bool,
    only_matches: bool,
    fmt: str,
    as_json: bool,
    exact: bool,
) -> None:
    """Zoek vragen; de beste eerst, met de gevonden woorden gemarkeerd.

    Woorden hoeven niet allemaal voor te komen: vragen met meer ervan staan hoger.
    Een vraag telt mee met de Kamervraag waar ze bij hoort: de vragen van een goed
    passende Kamervraag staan samen hoger, en de vragen vlak ernaast volgen na de
    treffers ("(zelfde Kamervraag)"; --only-matches laat ze weg).
    '*' vindt alle vragen (met filters: alle vragen die eraan voldoen, nieuwste eerst).

    \b
    Zoektaal:
      woord woord          meer gevonden woorden = hoger
      "exacte zin"         deze woorden in deze volgorde (verplicht)
      +woord  -woord       verplicht / uitgesloten (ook: NOT woord)
      lid:Ploumen  partij:PvdA  minister:"Buitenlandse Zaken"
      onderwerp:…  vraag:…  antwoord:…
      datum:2024-01-01..2024-06-30  jaar:2024  vergaderjaar:2023-2024
      status:beantwoord|onbeantwoord|uitgesteld

    \b
    Voorbeelden:
      kvsearch search gezichtsherkenning
      kvsearch search mensenrechten china
      kvsearch search '"social credit"' --json
      kvsearch search mensenrechten partij:PvdA -Rusland --limit 20
      kvsearch search '*' --party SP --from 2024-01-01 --facets
      kvsearch search stikstof --group --sort -date
      kvsearch search klimaat* --format csv > klimaat.csv
    """
    query = query_of(words)
    if not query:
        raise click.UsageError("geef een zoekvraag, bijvoorbeeld `kvsearch search stikstof`.")
    fmt = "json" if as_json else fmt
    if fmt in ("jsonl", "csv") and (group or facets):
        named = [f for f, on in (("--group", group), ("--facets", facets)) if on]
        verb = "gelden" if len(named) > 1 else "geldt"
        raise click.UsageError(
            f"{' en '.join(named)} {verb} niet voor --format {fmt}, dat elke treffer als eigen "
            "regel geeft; gebruik --format json."
        )
    limit_given = ctx.get_parameter_source("limit") == ParameterSource.COMMANDLINE
    with _open_for_search(ctx, index_dir) as index:
        if fmt in ("jsonl", "csv"):
            hits = index.iter_hits(
                query, filters=filters, sort=sort, related=not only_matches, exact=exact
            )
            if limit_given:
                hits = (h for h in hits if h.rank > (page - 1) * limit and h.rank <= page * limit)
            _export(hits, fmt)
            return
        results = index.search(
            query,
            filters=filters,
            limit=limit,
            page=page,
            sort=sort,
            facets=facets or fmt == "json",
            group=group,
            related=not only_matches,
            exact=exact,
        )
    if fmt == "json":
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "atom":
        from search.follow.feed import atom_feed, feed_tag

        described = " ".join([query, *filter_words(filters)])
        feed = atom_feed(
            results.hits,
            title=f"kvsearch: {described}",
            feed_id=feed_tag("search", described),
            subtitle=f"{plural(results.total, 'treffer', 'treffers')} voor {described}",
        )
        click.echo(feed, nl=False)
    else:
        click.echo(results_text(results, _use_color(ctx)), color=_use_color(ctx))


def _export(hits: Iterable[Hit], fmt: str) -> None:
    """Stream hits as JSON lines or CSV rows."""
    out = sys.stdout
    writer: csv.DictWriter[str] | None = None
    for hit in hits:
        if fmt == "jsonl":
            out.write(json.dumps(hit.to_dict(), ensure_ascii=False) + "\n")
            continue
        row = export_row(hit)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow(row)
    out.flush()


@main.command("show", short_help="Toon een vraag of document in zijn geheel.")
@click.argument("ident", metavar="ID")
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
@help_option
@click.pass_context
def show_command(ctx: click.Context, ident: str, index_dir: Path, as_json: bool) -> None:
    """Toon een vraag (2019Z12806#4) of een heel document (2019Z12806): vragen,
    antwoorden, leden, geadresseerden, data, status en voetnoten.

    \b
    Voorbeelden:
      kvsearch show 2019Z12806#4
      kvsearch show 2019Z12806 --json
    """
    with _open_for_search(ctx, index_dir) as index:
        entries = index.lookup(ident)
    if not entries:
        raise EntryNotFoundError(index_dir, ident)
    if as_json:
        data = {"id": ident, "entries": [e.to_dict() for e in entries]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    color = _use_color(ctx)
    width = shutil.get_terminal_size((88, 24)).columns if color else 88
    click.echo(entry_view(entries, color, min(width, 100)), color=color)


@main.command("similar", short_help="Vind vragen die op een vraag of tekst lijken.")
@click.argument("entry_id", required=False)
@index_dir_option
@click.option("--text", help="Tekst van een (nieuwe) vraag; '-' of geen ENTRY_ID: lees stdin.")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="Aantal vragen.")  # fmt: skip
@click.option("--include-own", is_flag=True, help="Ook vragen uit hetzelfde document.")
@click.option("--json", "as_json", is_flag=True, help="Als één JSON-object.")
@help_option
@click.pass_context
def similar_command(
    ctx: click.Context,
    entry_id: str | None,
    index_dir: Path,
    text: str | None,
    limit: int,
    include_own: bool,
    as_json: bool,
) -> None:
    """Vind eerdere vragen over hetzelfde onderwerp, met het begin van hun antwoord.

    Geef een vraagnummer, of plak de tekst van een nieuwe vraag (--text of via stdin).

    \b
    Voorbeelden:
      kvsearch similar 2019Z12806#4
      kvsearch similar --text "Wat doet u tegen de wachtlijsten in de jeugdzorg?"
      pbpaste | kvsearch similar
    """
    if entry_id is not None and text is not None:
        raise click.UsageError("geef een vraagnummer óf --text, niet allebei.")
    if entry_id is None and (text is None or text == "-"):
        text = sys.stdin.read()
    if entry_id is None and not (text or "").strip():
        raise click.UsageError("geef een vraagnummer, --text of tekst via stdin.")
    with _open_for_search(ctx, index_dir) as index:
        if entry_id is not None and text is None:
            results = index.similar(entry_id, limit=limit, include_own=include_own)
        else:
            results = index.similar(text=text, limit=limit)
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(similar_text(results, _use_color(ctx)), color=_use_color(ctx))


def _iso_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is geen datum; schrijf JJJJ-MM-DD.") from None


@main.command("stats", cls=SearchCommand, short_help="Hoeveel vragen, hoe snel beantwoord.")
@click.argument("words", nargs=-1, metavar="[ZOEKWOORDEN]...")
@index_dir_option
@filter_options
@click.option(
    "--by", "by", metavar="GROEP",
    type=click.Choice(["ministerie", "partij", "lid", "jaar", "maand"]),
    help="Per ministerie, partij, lid, jaar of maand.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
    show_default=True, help="Uitvoer: tabel, JSON of CSV.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Kort voor --format json.")
@click.option(
    "--today", metavar="JJJJ-MM-DD", callback=_iso_day,
    help="Tel 'te laat' op deze dag in plaats van vandaag (voor vaste uitkomsten).",
)  # fmt: skip
@click.option("--exact", is_flag=True, help="Zoek de woorden zoals getypt.")
@help_option
def stats_command(
    words: tuple[str, ...],
    index_dir: Path,
    filters: Filters,
    by: str | None,
    fmt: str,
    as_json: bool,
    today: date | None,
    exact: bool,
) -> None:
    """Tel Kamervragen en vragen (allemaal, of die bij de zoekwoorden en filters
    passen): beantwoord, open, uitgesteld (mededeling) en te laat (onbeantwoord, zonder
    mededeling, meer dan drie weken na indienen), en hoeveel dagen het antwoord duurde
    (mediaan en 90e percentiel); per groep met --by, met een balk voor het aantal vragen.

    \b
    Voorbeelden:
      kvsearch stats --by ministerie
      kvsearch stats jeugdzorg --by maand
      kvsearch stats --partij SP --by jaar --format csv > sp.csv
    """
    from search.cli.render import stats_rows, stats_text

    with Index.open(index_dir, trust=_trust()) as index:
        stats = index.stats(query_of(words), filters=filters, by=by, today=today, exact=exact)
    fmt = "json" if as_json else fmt
    if fmt == "json":
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        rows = stats_rows(stats)
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        click.echo(stats_text(stats))


def watch_text(watch: Watch) -> str:
    """A saved search as one would type it: ``jeugdzorg --partij D66``."""
    parts = [watch.query, *filter_words(watch.filter_values)]
    if watch.exact:
        parts.append("--exact")
    return " ".join(parts)


def _when(value: Any) -> str:
    """A moment of a saved search in local time: ``2 december 2026 21:03``."""
    local = value.astimezone()
    return f"{dutch_date(local.date())} {local:%H:%M}"


@main.group("watch", cls=KvGroup, short_help="Volg een onderwerp: bewaarde zoekvragen.")
@help_option
def watch_group() -> None:
    """Volg een onderwerp: bewaar een zoekvraag en zie wat er nieuw is en wat beantwoord.

    Een gevolgde zoekvraag wordt bij de index bewaard (ook na `kvsearch rebuild`). Na elke
    `kvsearch index` die iets veranderde staat per zoekvraag wat er nieuw of nu beantwoord
    is; `kvsearch watch check` meldt wat er sinds de vorige keer bijkwam en onthoudt dat.

    \b
    Voorbeelden:
      kvsearch watch add jeugdzorg jeugdzorg --partij D66
      kvsearch watch list
      kvsearch watch check
      kvsearch watch check jeugdzorg --format atom > jeugdzorg.xml
      kvsearch watch remove jeugdzorg
    """


@watch_group.command("add", cls=SearchCommand, short_help="Bewaar een zoekvraag om te volgen.")
@click.argument("name", metavar="NAAM")
@click.argument("words", nargs=-1, metavar="[ZOEKWOORDEN]...")
@index_dir_option
@filter_options
@click.option("--exact", is_flag=True, help="Zoek de woorden zoals getypt.")
@help_option
def watch_add_command(
    name: str, words: tuple[str, ...], index_dir: Path, filters: Filters, exact: bool
) -> None:
    """Bewaar een zoekvraag (woorden en filters, zoals bij `kvsearch search`) onder NAAM.

    Wat hij nu vindt geldt als gezien; `kvsearch watch check` meldt wat erbij komt.
    Zonder woorden volgt hij alles wat aan de filters voldoet.

    \b
    Voorbeelden:
      kvsearch watch add jeugdzorg jeugdzorg
      kvsearch watch add d66-zorg zorg --partij D66 --from 2024-01-01
      kvsearch watch add open-asiel --ministerie 'Asiel en Migratie' --unanswered
    """
    query = query_of(words)
    if not query and not filters:
        raise click.UsageError("geef zoekwoorden of een filter, bijvoorbeeld `jeugdzorg`.")
    with Index.open(index_dir, trust=_trust()) as index:
        watch = index.watches.add(name, query, filters=filters, exact=exact)
    click.echo(
        f"Volg '{watch.name}' ({watch_text(watch)}): nu "
        f"{plural(watch.seen, 'vraag', 'vragen')}. `kvsearch watch check` meldt wat er "
        "nieuw is of beantwoord wordt."
    )


@watch_group.command("list", short_help="Toon de gevolgde zoekvragen.")
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
@help_option
def watch_list_command(index_dir: Path, as_json: bool) -> None:
    """Toon de gevolgde zoekvragen: naam, zoekvraag, hoeveel vragen gezien, laatst bekeken.

    \b
    Voorbeeld:
      kvsearch watch list
    """
    with Index.open(index_dir, trust=_trust()) as index:
        watches = index.watches.all()
    if as_json:
        data = [w.to_dict() for w in watches]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not watches:
        click.echo("Geen gevolgde zoekvragen. Voeg er een toe met `kvsearch watch add NAAM …`.")
        return
    width = max(len(w.name) for w in watches)
    for w in watches:
        checked = f"bekeken {_when(w.checked)}" if w.checked else "nog niet bekeken"
        click.echo(
            f"{w.name:<{width}}  {watch_text(w)}  · {plural(w.seen, 'vraag', 'vragen')} gezien"
            f" · {checked}"
        )


@watch_group.command("remove", short_help="Volg een zoekvraag niet meer.")
@click.argument("name", metavar="NAAM")
@index_dir_option
@help_option
def watch_remove_command(name: str, index_dir: Path) -> None:
    """Verwijder de gevolgde zoekvraag NAAM.

    \b
    Voorbeeld:
      kvsearch watch remove jeugdzorg
    """
    with Index.open(index_dir, trust=_trust()) as index:
        watch = index.watches.remove(name)
    click.echo(f"Niet meer gevolgd: '{watch.name}' ({watch_text(watch)})")


@watch_group.command("check", short_help="Wat is er nieuw sinds de vorige keer?")
@click.argument("name", metavar="[NAAM]", required=False)
@index_dir_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "jsonl", "atom"]), default="text",
    show_default=True,
    help="Uitvoer: tekst, één JSON-object, een JSON-regel per vraag, of een Atom-feed "
    "(met NAAM).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Kort voor --format json.")
@help_option
def watch_check_command(name: str | None, index_dir: Path, fmt: str, as_json: bool) -> None:
    """Meld per gevolgde zoekvraag (of alleen NAAM) wat er nieuw is sinds de vorige keer
    en wat toen onbeantwoord was en nu beantwoord is; onthoud daarna dat het gezien is.

    Afsluitstatus 0 als er iets nieuw is, 1 als niet (voor cron: mail alleen bij nieuws).

    \b
    Voorbeelden:
      kvsearch watch check
      kvsearch watch check jeugdzorg --json
      kvsearch watch check jeugdzorg --format atom > jeugdzorg.xml
    """
    fmt = "json" if as_json else fmt
    if fmt == "atom" and name is None:
        raise click.UsageError("--format atom geeft de feed van één zoekvraag; geef zijn NAAM.")
    with Index.open(index_dir, trust=_trust()) as index:
        news = index.watches.check(name)
    if fmt == "json":
        data = {"news": sum(n.count for n in news), "watches": [n.to_dict() for n in news]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for item in news:
            for change, hits in (("new", item.new), ("answered", item.answered)):
                for hit in hits:
                    row = {"watch": item.watch.name, "change": change, **hit.to_dict()}
                    click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "atom":
        from search.follow.feed import atom_feed, feed_tag

        (item,) = news
        click.echo(
            atom_feed(
                (*item.new, *item.answered),
                title=f"kvsearch: {item.watch.name}",
                feed_id=feed_tag("watch", item.watch.name),
                subtitle=watch_text(item.watch),
            ),
            nl=False,
        )
    else:
        blocks = ["\n".join(news_lines(n, urls=True)) for n in news if n.error is None]
        if blocks:
            click.echo("\n\n".join(blocks))
        elif not news:
            click.echo("Geen gevolgde zoekvragen. Voeg er een toe met `kvsearch watch add NAAM …`.")
    _watch_errors(news)
    sys.exit(0 if any(n.count for n in news) else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
