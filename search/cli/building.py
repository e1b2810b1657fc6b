"""The commands that make and compare the index: ``index``, ``rebuild`` and ``check``,
with the build summary they print (:func:`print_report`).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from search.build.generations import read_current
from search.build.integrity import VerifyReport
from search.cli.app import help_option, main
from search.cli.following import watch_errors, watch_news
from search.cli.options import DEFAULT_SEEDS, index_dir_option, trust
from search.cli.render import plural, shown_path
from search.cli.render_follow import changes_lines, news_lines
from search.cli.texts import DAMAGE_NL, skip_text
from search.index import Index
from search.models import BuildReport


def print_report(report: BuildReport, quiet: bool = False) -> None:
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
            trust=trust(),
        ) as index:
            assert index.last_build is not None
            report = index.last_build
            news = () if quiet else watch_news(index, report)
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
        print_report(report, quiet)
        for item in news:
            if item.error is None:
                click.echo("\n".join(news_lines(item, limit=WATCH_LINES)))
        watch_errors(news)
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
    with Index.open(index_dir, trust=trust()) as index:
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
